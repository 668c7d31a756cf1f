"""The audit trail: who did what, when, from where, in an append-only hash chain.

Each entry stores the SHA-256 of the previous entry's hash and its own canonical
content, so changing, deleting or reordering an entry breaks the chain at that entry
(``verify`` names it). Appending first bumps the one-row head, which takes the write
lock in SQLite and a row lock in PostgreSQL: concurrent API processes never fork it.
Every commit is durable before the answer goes out (SQLite: WAL with its default
``synchronous=FULL``; PostgreSQL: its ``synchronous_commit``), so an answered read is
never missing from the trail, not even after a power cut.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from accounts.db import AuditHead, AuditRow, Database

GENESIS = "0" * 64
BATCH = 1000


@dataclass(frozen=True)
class AuditEvent:
    """What happened; ``actor``/``role`` are ``-`` when nobody authenticated."""

    action: str  # search, view, download, upload, correct, auth_failed, …
    actor: str = "-"
    role: str = "-"
    target: str = ""
    client: str = "-"
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Broken:
    """The first entry that does not fit the chain, and why (German)."""

    seq: int
    reason: str


def canonical(values: Mapping[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_CHAINED = ("seq", "at", "actor", "role", "action", "target", "client", "details")


def _chained_fields(row: AuditRow) -> dict[str, Any]:
    """What an entry's hash covers: everything but the two hashes themselves."""
    return {name: getattr(row, name) for name in _CHAINED}


def entry_hash(prev_hash: str, row: AuditRow) -> str:
    return _hash(prev_hash, _chained_fields(row))


def _hash(prev_hash: str, chained: Mapping[str, Any]) -> str:
    content = canonical(chained)
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


# Appending takes the head's row lock (SQLite: the write lock) with its first statement,
# so concurrent processes never read the same head.
_BUMP_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + 1)
    .returning(AuditHead.seq, AuditHead.hash)
)
_INSERT_ENTRY = insert(AuditRow)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1).values(hash=bindparam("digest"))


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        # SQLite: this process's writers queue here and are woken at once, instead of
        # meeting at SQLite's write lock, whose busy handler sleeps 1, 2, 5, 10 … ms
        # between tries (that backoff was the API's latency tail). PostgreSQL waits
        # on the head's row lock without sleeping.
        self._writers: AbstractContextManager[object] = (
            threading.Lock() if db.engine.dialect.name == "sqlite" else nullcontext()
        )

    def append(self, event: AuditEvent) -> int:
        """Store the event as the next link of the chain; returns its number.

        Three Core statements in one transaction (bump and read the head, insert the
        entry, move the head's hash): no ORM unit of work, since every read of the API
        pays for this."""
        with self._writers, self._db.engine.begin() as connection:
            seq, prev_hash = connection.execute(_BUMP_HEAD).one()
            values: dict[str, Any] = {
                "seq": seq,
                "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                "actor": event.actor[:100],
                "role": event.role[:20],
                "action": event.action[:40],
                "target": event.target[:300],
                "client": event.client[:100],
                "details": canonical(event.details),
            }
            digest = _hash(prev_hash, values)
            connection.execute(_INSERT_ENTRY, values | {"prev_hash": prev_hash, "hash": digest})
            connection.execute(_MOVE_HEAD, {"digest": digest})
            return int(seq)

    def entries(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[AuditRow]:
        """Entries in chain order, optionally those with ``start <= at < end``."""
        after = 0
        while True:
            query = select(AuditRow).where(AuditRow.seq > after)
            if start is not None:
                query = query.where(AuditRow.at >= start.isoformat(timespec="microseconds"))
            if end is not None:
                query = query.where(AuditRow.at < end.isoformat(timespec="microseconds"))
            with self._db.session() as session:
                rows = list(session.scalars(query.order_by(AuditRow.seq).limit(BATCH)))
            yield from rows
            if len(rows) < BATCH:
                return
            after = rows[-1].seq

    def verify(self) -> tuple[int, Broken | None]:
        """Walk the chain: the number of intact entries and the first broken one."""
        expected_prev, expected_seq = GENESIS, 1
        for row in self.entries():
            if row.seq != expected_seq:
                return expected_seq - 1, Broken(
                    expected_seq, f"Eintrag {expected_seq} fehlt (gelöscht oder umsortiert)"
                )
            if row.prev_hash != expected_prev:
                return expected_seq - 1, Broken(row.seq, "Verweis auf den Vorgänger stimmt nicht")
            if entry_hash(row.prev_hash, row) != row.hash:
                return expected_seq - 1, Broken(row.seq, "Inhalt wurde verändert")
            expected_prev, expected_seq = row.hash, expected_seq + 1
        with self._db.session() as session:
            head = session.get_one(AuditHead, 1)
        if head.seq != expected_seq - 1 or head.hash != expected_prev:
            return expected_seq - 1, Broken(
                expected_seq, f"Kette endet vor Eintrag {head.seq}: letzte Einträge gelöscht"
            )
        return expected_seq - 1, None


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """``--from``/``--to`` as whole UTC days, both included."""
    start = datetime.combine(first, time.min, UTC)
    return start, datetime.combine(last, time.min, UTC) + timedelta(days=1)


def export_line(row: AuditRow) -> str:
    line = _chained_fields(row) | {"prev_hash": row.prev_hash, "hash": row.hash}
    line["details"] = json.loads(row.details)
    return canonical(line)
