"""Embedded full-text index on SQLite FTS5 (standard library only).

FTS5 has no German stemmer, so ``search.german`` analyses text in Python and FTS5
indexes the resulting terms (``ascii`` tokenizer: a term is exactly one token). The
original title and text sit next to the terms for snippets; the FTS table is an
external-content table over them, so a delete feeds FTS5 exactly the terms it indexed.
WAL mode lets readers in other processes go on while one process writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from eakte.errors import ConfigurationError, ToolFailed, Transient
from eakte.ports import IndexDocument, SearchHit, SearchResult
from search import german

FILENAME = "index.sqlite3"
FORMAT_VERSION = 1
TITLE_WEIGHT = 2.0
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc_type TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    title_terms TEXT NOT NULL,
    text_terms TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title_terms, text_terms, content='docs', content_rowid='rowid', tokenize='ascii'
);
INSERT INTO fts(fts, rank) VALUES ('rank', 'bm25({TITLE_WEIGHT}, 1.0)');
PRAGMA user_version = {FORMAT_VERSION};
COMMIT;
"""

# One pass over the matches yields both the top hits and the total (window count).
_TOP = """
SELECT d.id, d.doc_type, d.title, d.text, m.rank, m.total
FROM (
    SELECT rowid, rank, count(*) OVER () AS total FROM fts WHERE fts MATCH ?
    ORDER BY rank LIMIT ?
) AS m
JOIN docs AS d ON d.rowid = m.rowid
ORDER BY m.rank
"""

_IN_MATCHES = (
    "SELECT 1 FROM fts WHERE fts MATCH ? AND rowid = (SELECT rowid FROM docs WHERE id = ?)"
)


class SqliteFtsIndex:
    """``SearchIndex`` in one SQLite file inside ``directory``; created on first use."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._path = directory / FILENAME
        self._lock = threading.Lock()
        # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
        self._db = sqlite3.connect(
            self._path,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        try:
            self._prepare()
        except BaseException:
            self._db.close()
            raise

    def _prepare(self) -> None:
        """WAL lets other processes read while one writes; NORMAL sync may lose the last
        commits on power loss but never corrupts, which suits a rebuildable view."""
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self._db.executescript(_SCHEMA)  # carries its own BEGIN IMMEDIATE
        except sqlite3.DatabaseError as exc:
            raise ConfigurationError(
                f"Suchindex {self._path} ist unlesbar ({exc}); "
                "Verzeichnis löschen und `eakte reindex` ausführen."
            ) from exc
        if version not in (0, FORMAT_VERSION):
            raise ConfigurationError(
                f"Suchindex {self._path} hat Format {version}, erwartet {FORMAT_VERSION}; "
                "Verzeichnis löschen und `eakte reindex` ausführen."
            )

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        rows = [
            (
                doc.id,
                doc.doc_type,
                doc.title,
                doc.text,
                " ".join(german.analyze(doc.title)),
                " ".join(german.analyze(doc.text)),
            )
            for doc in documents
        ]
        with self._transaction():
            for row in rows:
                self._delete_one(row[0])
                cursor = self._db.execute(
                    "INSERT INTO docs (id, doc_type, title, text, title_terms, text_terms)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
                self._db.execute(
                    "INSERT INTO fts (rowid, title_terms, text_terms) VALUES (?, ?, ?)",
                    (cursor.lastrowid, row[4], row[5]),
                )

    def delete(self, ids: Sequence[str]) -> None:
        with self._transaction():
            for record_id in ids:
                self._delete_one(record_id)

    def clear(self) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM docs")
            self._db.execute("INSERT INTO fts (fts) VALUES ('delete-all')")

    def count(self) -> int:
        with self._guard():
            return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def search(self, query: str, limit: int = 10) -> SearchResult:
        """All words must match (title or text); a pasted record id matches exactly."""
        terms = german.query_terms(query)
        if not terms:
            return SearchResult(total=0)
        # Terms hold only letters and digits, so quoting them is a complete escape.
        match = " AND ".join(f'"{term}"' for term in terms)
        record_id = query.strip()
        with self._guard():
            # LIMIT 0 would hide the total, so fetch at least one row and cut later.
            rows = self._db.execute(_TOP, (match, max(limit, 1))).fetchall()
            total = int(rows[0][5]) if rows else 0
            by_id = self._db.execute(
                "SELECT id, doc_type, title, text, 0.0, 0 FROM docs WHERE id = ?", (record_id,)
            ).fetchone()
            if (
                by_id is not None
                and not self._db.execute(_IN_MATCHES, (match, record_id)).fetchone()
            ):
                total += 1
                rows = [by_id, *rows]
        term_set = set(terms)
        hits = [
            SearchHit(
                id=row_id,
                score=0.0 - float(rank),  # FTS5 bm25 rank: lower is better
                doc_type=doc_type,
                snippet=german.make_snippet(title, text, term_set),
            )
            for row_id, doc_type, title, text, rank, _ in rows[: max(limit, 0)]
        ]
        return SearchResult(total=total, hits=hits)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _delete_one(self, record_id: str) -> None:
        old = self._db.execute(
            "SELECT rowid, title_terms, text_terms FROM docs WHERE id = ?", (record_id,)
        ).fetchone()
        if old is None:
            return
        self._db.execute(
            "INSERT INTO fts (fts, rowid, title_terms, text_terms) VALUES ('delete', ?, ?, ?)", old
        )
        self._db.execute("DELETE FROM docs WHERE rowid = ?", (old[0],))

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Serialise use of the one connection and translate SQLite's errors."""
        with self._lock:
            try:
                yield
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise Transient(
                        "Suchindex ist von einem anderen Prozess gesperrt; bitte erneut versuchen."
                    ) from exc
                raise ToolFailed(f"Suchindex (SQLite) fehlgeschlagen: {exc}") from exc
            except sqlite3.DatabaseError as exc:
                raise ToolFailed(f"Suchindex (SQLite) fehlgeschlagen: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
