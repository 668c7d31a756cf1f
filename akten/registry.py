"""The Akten register in the accounts database: opening, filing, closing.

Filings and lifecycle events are only ever appended (the database refuses anything
else, migration 0002): a Dokument filed into the wrong Akte is filed again into the
right one, and where it is now is its latest filing. The Akte row holds the current
state for quick listing; its history is in ``akte_events``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import false, func, select, text, update
from sqlalchemy.exc import IntegrityError as DuplicateKey
from sqlalchemy.orm import Session

from accounts.db import Database
from akten import aktenzeichen as az
from akten.model import (
    Akte,
    AkteNotFound,
    FiledDocument,
    Filing,
    FilingRefused,
    InvalidAktenzeichen,
    Vorgang,
)
from akten.plan import Aktenplan
from akten.rows import AkteEventRow, AkteRow, FilingRow, RetentionRow, VorgangRow

NUMBER_ATTEMPTS = 5
NUMBERING_LOCK = 0x416B74656E  # pg_advisory_xact_lock key: one opening Akte at a time


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class AktenRegister:
    def __init__(self, db: Database, plan: Aktenplan) -> None:
        self._db = db
        self.plan = plan

    # opening and reading ---------------------------------------------------------------

    def open(
        self,
        position: str | None,
        title: str,
        *,
        actor: str,
        opened_on: date | None = None,
        aktenzeichen: str | None = None,
    ) -> Akte:
        """A new Akte under ``position`` with the next running number of the year, or
        under a given ``aktenzeichen`` (a paper Akte taken over with its number)."""
        given = az.parse(aktenzeichen) if aktenzeichen else None
        if aktenzeichen and given is None:
            raise InvalidAktenzeichen(f"{aktenzeichen!r} ist kein Aktenzeichen")
        if given and position and given.position != position.strip():
            raise InvalidAktenzeichen(f"{given} liegt nicht unter der Position {position}")
        chosen = self.plan.get(given.position if given else position or "")
        opened_on = opened_on or date.today()
        for _ in range(NUMBER_ATTEMPTS):
            try:
                with self._db.session.begin() as session:
                    _take_numbering_lock(session)
                    number = given or self._next_number(session, chosen.number, opened_on.year)
                    row = AkteRow(
                        uuid=str(uuid.uuid4()),
                        aktenzeichen=str(number),
                        position=chosen.number,
                        year=number.year,
                        number=number.number,
                        title=title.strip(),
                        department=chosen.department,
                        status="open",
                        opened_on=opened_on,
                        appraisal=chosen.appraisal,
                        restricted=chosen.restricted,
                    )
                    session.add(row)
                    session.flush()
                    _event(session, row, "opened", actor, title=row.title)
                    return _akte(row)
            except DuplicateKey as exc:
                if given:
                    raise FilingRefused(f"Die Akte {given} gibt es schon") from exc
                continue  # another process took the number: take the next one
        raise FilingRefused(f"Keine freie laufende Nummer unter {chosen.number} gefunden")

    @staticmethod
    def _next_number(session: Session, position: str, year: int) -> az.Aktenzeichen:
        last = session.scalar(
            select(func.max(AkteRow.number)).where(
                AkteRow.position == position, AkteRow.year == year
            )
        )
        return az.Aktenzeichen(position, year, (last or 0) + 1)

    def get(self, aktenzeichen: str) -> Akte:
        with self._db.session() as session:
            return _akte(_row(session, aktenzeichen))

    def find(self, canonical: str) -> Akte | None:
        with self._db.session() as session:
            row = session.scalar(select(AkteRow).where(AkteRow.aktenzeichen == canonical))
            return _akte(row) if row else None

    def listing(self, status: str | None = None, position: str | None = None) -> list[Akte]:
        query = select(AkteRow).order_by(AkteRow.position, AkteRow.year, AkteRow.number)
        if status:
            query = query.where(AkteRow.status == status)
        if position:
            query = query.where(AkteRow.position == position)
        with self._db.session() as session:
            return [_akte(row) for row in session.scalars(query)]

    def add_vorgang(self, aktenzeichen: str, title: str, *, actor: str) -> Vorgang:
        with self._db.session.begin() as session:
            akte = _open_row(session, aktenzeichen)
            last = session.scalar(
                select(func.max(VorgangRow.number)).where(VorgangRow.akte_id == akte.id)
            )
            row = VorgangRow(
                uuid=str(uuid.uuid4()),
                akte_id=akte.id,
                number=(last or 0) + 1,
                title=title.strip(),
                opened_on=date.today(),
            )
            session.add(row)
            _event(session, akte, "vorgang_opened", actor, number=row.number, title=row.title)
            return _vorgang(row)

    def vorgaenge(self, aktenzeichen: str) -> list[Vorgang]:
        with self._db.session() as session:
            akte = _row(session, aktenzeichen)
            query = select(VorgangRow).where(VorgangRow.akte_id == akte.id)
            return [_vorgang(row) for row in session.scalars(query.order_by(VorgangRow.number))]

    # filing ------------------------------------------------------------------------------

    def file(
        self,
        record_id: str,
        aktenzeichen: str,
        *,
        received_on: date,
        actor: str,
        how: str,
        reason: str,
        vorgang: int | None = None,
    ) -> Filing:
        """File the Dokument into the Akte (a new filing event). Filing it again where
        it already is adds nothing (a retried pipeline stage)."""
        with self._db.session.begin() as session:
            akte = _open_row(session, aktenzeichen)
            vorgang_row = _vorgang_row(session, akte, vorgang) if vorgang else None
            current = _latest_filing(session, record_id)
            vorgang_id = vorgang_row.id if vorgang_row else None
            if current and (current.akte_id, current.vorgang_id) == (akte.id, vorgang_id):
                return _filing(current, akte.aktenzeichen, vorgang)
            row = FilingRow(
                at=now(),
                record_id=record_id,
                akte_id=akte.id,
                vorgang_id=vorgang_id,
                received_on=received_on,
                actor=actor[:100],
                how=how,
                reason=reason,
            )
            session.add(row)
            session.flush()
            return _filing(row, akte.aktenzeichen, vorgang)

    def placement(self, record_id: str) -> Filing | None:
        """Where the Dokument is now: its latest filing."""
        with self._db.session() as session:
            row = _latest_filing(session, record_id)
            return _filing_of(session, row) if row else None

    def history(self, record_id: str) -> list[Filing]:
        """Every filing of the Dokument, the corrected ones included, oldest first."""
        with self._db.session() as session:
            query = select(FilingRow).where(FilingRow.record_id == record_id)
            rows = session.scalars(query.order_by(FilingRow.seq))
            return [_filing_of(session, row) for row in rows]

    def documents(self, aktenzeichen: str) -> list[FiledDocument]:
        """The Dokumente whose latest filing is this Akte, in filing order."""
        with self._db.session() as session:
            akte = _row(session, aktenzeichen)
            return _documents(session, akte)

    # closing -----------------------------------------------------------------------------

    def close(self, aktenzeichen: str, *, actor: str, closed_on: date | None = None) -> Akte:
        """Close the Akte and set each Dokument's retention end from its position."""
        closed_on = closed_on or date.today()
        with self._db.session.begin() as session:
            akte = _open_row(session, aktenzeichen)
            position = self.plan.get(akte.position)
            filed = _documents(session, akte)
            trigger = closed_on
            if position.trigger == "last_document" and filed:
                trigger = max(document.received_on for document in filed)
            until = position.retention_end(trigger)
            akte.status, akte.closed_on, akte.retention_until = "closed", closed_on, until
            for document in filed:
                session.merge(
                    RetentionRow(record_id=document.record_id, akte_id=akte.id, retain_until=until)
                )
            _event(
                session,
                akte,
                "closed",
                actor,
                closed_on=closed_on.isoformat(),
                retention_until=until.isoformat(),
                trigger=position.trigger,
                documents=len(filed),
            )
            return _akte(akte)

    # archive -----------------------------------------------------------------------------

    def due(self, as_of: date) -> list[Akte]:
        """Closed Akten whose retention ended before ``as_of`` and that were not handed
        over yet: what the archive is offered."""
        query = (
            select(AkteRow)
            .where(AkteRow.status == "closed", AkteRow.retention_until < as_of)
            .where(AkteRow.transferred_on.is_(None))
            .order_by(AkteRow.aktenzeichen)
        )
        with self._db.session() as session:
            return [_akte(row) for row in session.scalars(query)]

    def by_uuid(self, ids: Iterable[str]) -> dict[str, Akte]:
        with self._db.session() as session:
            rows = session.scalars(select(AkteRow).where(AkteRow.uuid.in_(list(ids))))
            return {row.uuid: _akte(row) for row in rows}

    def record_archive_step(
        self, aktenzeichen: str, action: str, *, actor: str, **changes: Any
    ) -> Akte:
        """Offered (``process_id``), appraised (``archive_decision``) or transferred
        (``transferred_on``): the change and an event saying so."""
        with self._db.session.begin() as session:
            akte = _row(session, aktenzeichen)
            for name, value in changes.items():
                setattr(akte, name, value)
            _event(session, akte, action, actor, **{k: str(v) for k, v in changes.items()})
            return _akte(akte)

    def log(self, aktenzeichen: str, action: str, *, actor: str, **details: Any) -> None:
        """An event of the Akte without a change of its state (a Dokument deleted)."""
        with self._db.session.begin() as session:
            _event(session, _row(session, aktenzeichen), action, actor, **details)

    def events_of(self, action: str) -> list[dict[str, Any]]:
        """Every event of one kind over all Akten, oldest first (the Löschprotokoll)."""
        query = (
            select(AkteEventRow, AkteRow.aktenzeichen)
            .join(AkteRow, AkteRow.id == AkteEventRow.akte_id)
            .where(AkteEventRow.action == action)
            .order_by(AkteEventRow.seq)
        )
        with self._db.session() as session:
            return [
                {
                    "aktenzeichen": aktenzeichen,
                    "at": row.at,
                    "actor": row.actor,
                    **json.loads(row.details),
                }
                for row, aktenzeichen in session.execute(query)
            ]

    def events(self, aktenzeichen: str) -> list[dict[str, Any]]:
        with self._db.session() as session:
            akte = _row(session, aktenzeichen)
            query = select(AkteEventRow).where(AkteEventRow.akte_id == akte.id)
            return [
                {"at": row.at, "action": row.action, "actor": row.actor, **json.loads(row.details)}
                for row in session.scalars(query.order_by(AkteEventRow.seq))
            ]


def _take_numbering_lock(session: Session) -> None:
    """Openings take turns, so two never read the same last number: PostgreSQL by an
    advisory lock, SQLite by taking its write lock with the first statement."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": NUMBERING_LOCK})
    else:
        session.execute(update(AkteRow).where(false()).values(number=AkteRow.number))


def _row(session: Session, aktenzeichen: str) -> AkteRow:
    canonical = az.canonical(aktenzeichen)
    if canonical is None:
        raise InvalidAktenzeichen(
            f"{aktenzeichen!r} ist kein Aktenzeichen (Position-Jahr/Nummer, z. B. 32.10.05-2026/42)"
        )
    row = session.scalar(select(AkteRow).where(AkteRow.aktenzeichen == canonical))
    if row is None:
        raise AkteNotFound(f"Keine Akte mit dem Aktenzeichen {canonical}")
    return row


def _open_row(session: Session, aktenzeichen: str) -> AkteRow:
    row = _row(session, aktenzeichen)
    if row.status != "open":
        raise FilingRefused(f"Akte {row.aktenzeichen} ist geschlossen")
    return row


def _vorgang_row(session: Session, akte: AkteRow, number: int) -> VorgangRow:
    row = session.scalar(
        select(VorgangRow).where(VorgangRow.akte_id == akte.id, VorgangRow.number == number)
    )
    if row is None:
        raise FilingRefused(f"Akte {akte.aktenzeichen} hat keinen Vorgang {number}")
    return row


def _latest_filing(session: Session, record_id: str) -> FilingRow | None:
    query = select(FilingRow).where(FilingRow.record_id == record_id)
    return session.scalar(query.order_by(FilingRow.seq.desc()).limit(1))


def _documents(session: Session, akte: AkteRow) -> list[FiledDocument]:
    latest = (
        select(FilingRow.record_id, func.max(FilingRow.seq).label("seq"))
        .group_by(FilingRow.record_id)
        .subquery()
    )
    query = (
        select(FilingRow, VorgangRow.number, RetentionRow.retain_until)
        .join(latest, FilingRow.seq == latest.c.seq)
        .outerjoin(VorgangRow, VorgangRow.id == FilingRow.vorgang_id)
        .outerjoin(
            RetentionRow,
            (RetentionRow.record_id == FilingRow.record_id) & (RetentionRow.akte_id == akte.id),
        )
        .where(FilingRow.akte_id == akte.id)
        .order_by(FilingRow.seq)
    )
    return [
        FiledDocument(row.record_id, number, row.received_on, row.at, until)
        for row, number, until in session.execute(query)
    ]


def _event(session: Session, akte: AkteRow, action: str, actor: str, **details: Any) -> None:
    session.add(
        AkteEventRow(
            at=now(),
            akte_id=akte.id,
            action=action,
            actor=actor[:100],
            details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )


def _akte(row: AkteRow) -> Akte:
    return Akte(
        aktenzeichen=row.aktenzeichen,
        uuid=row.uuid,
        position=row.position,
        title=row.title,
        department=row.department,
        status=row.status,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
        retention_until=row.retention_until,
        appraisal=row.appraisal,
        restricted=row.restricted,
        archive_decision=row.archive_decision,
        process_id=row.process_id,
        transferred_on=row.transferred_on,
    )


def _vorgang(row: VorgangRow) -> Vorgang:
    return Vorgang(row.number, row.uuid, row.title, row.opened_on)


def _filing(row: FilingRow, aktenzeichen: str, vorgang: int | None) -> Filing:
    return Filing(
        row.seq,
        row.at,
        row.record_id,
        aktenzeichen,
        vorgang,
        row.received_on,
        row.actor,
        row.how,
        row.reason,
    )


def _filing_of(session: Session, row: FilingRow) -> Filing:
    akte = session.get_one(AkteRow, row.akte_id)
    vorgang = session.get(VorgangRow, row.vorgang_id) if row.vorgang_id else None
    return _filing(row, akte.aktenzeichen, vorgang.number if vorgang else None)
