"""Logged-out browser sessions, shared by every API process through the accounts
database: a logout in one process ends the session in all of them.

A revoked id is kept only as long as a copy of its cookie could still be within the
idle timeout (plus a margin for clocks that differ between machines); each logout
deletes the ids past that, so the table holds at most one idle period of logouts.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from accounts.db import Database, RevokedSession

CLOCK_MARGIN_SECONDS = 300.0


class RevokedSessions:
    """Session ids refused everywhere until they would have expired anyway."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def revoke(self, sid: str, idle_seconds: float) -> None:
        now = time.time()
        expires = now + idle_seconds + CLOCK_MARGIN_SECONDS
        insert = (
            postgresql.insert if self._db.engine.dialect.name == "postgresql" else sqlite.insert
        )
        with self._db.engine.begin() as connection:
            connection.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
            connection.execute(
                insert(RevokedSession)
                .values(sid=sid, expires_at=expires)
                .on_conflict_do_nothing(index_elements=["sid"])
            )

    def is_revoked(self, sid: str) -> bool:
        """One primary-key lookup; asked on every page request."""
        with self._db.engine.connect() as connection:
            found = connection.execute(
                select(RevokedSession.sid).where(RevokedSession.sid == sid)
            ).first()
        return found is not None
