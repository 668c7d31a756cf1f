"""Users, their role and departments, API tokens and passwords.

Tokens are 32 random bytes; the database keeps only their SHA-256, so a leaked backup
grants nothing, and a plain hash suffices for a token nobody can guess (a slow hash
would cost time on every request). Passwords, which people choose, only as argon2.
Every request looks its token up afresh: a disabled user or a replaced token stops
working at once, in every API process. Disabling, a new token or a new password also
ends the user's browser sessions in every process (``sessions_since``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError as DuplicateRow
from sqlalchemy.orm import Session

from accounts.db import Database, UserRow
from accounts.roles import ROLES, Role
from eakte.errors import InputRejected

TOKEN_BYTES = 32
_BY_TOKEN = select(UserRow.name, UserRow.role, UserRow.departments, UserRow.sessions_since).where(
    UserRow.token_sha256 == bindparam("presented"), UserRow.disabled.is_(False)
)
_NAME = re.compile(r"[\w.@-]{1,100}")

_hasher = PasswordHasher()


class AccountError(InputRejected):
    """A user name that exists already or not at all, a bad role: exit 1, 422."""


@dataclass(frozen=True)
class Account:
    """A user as the rest of the service sees it: never a hash."""

    name: str
    role: Role
    departments: tuple[str, ...]
    disabled: bool = False
    sessions_since: float = 0.0  # browser sessions issued earlier are void


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: UserRow) -> Account:
    # a role this release does not know grants nothing (``web.policy`` has no entry)
    return Account(
        row.name,
        cast(Role, row.role),
        tuple(row.departments),
        row.disabled,
        row.sessions_since or 0.0,
    )


class Accounts:
    """The users table: add, list, disable, new token, authenticate."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, name: str, role: str, departments: tuple[str, ...] = ()) -> str:
        """Create the user; returns its token, the only time it exists in clear."""
        if not _NAME.fullmatch(name):
            raise AccountError(f"Ungültiger Benutzername {name!r}: Buchstaben, Ziffern, . @ - _")
        if role not in ROLES:
            raise AccountError(f"Unbekannte Rolle {role!r}; möglich: {', '.join(ROLES)}")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        row = UserRow(
            name=name,
            role=role,
            departments=sorted(set(departments)),
            token_sha256=hash_token(token),
            disabled=False,
            created_at=datetime.now(UTC).isoformat(),
        )
        try:
            with self._db.session.begin() as session:
                session.add(row)
        except DuplicateRow as exc:
            raise AccountError(f"Benutzer {name} gibt es schon") from exc
        return token

    def list(self) -> list[Account]:
        with self._db.session() as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.name))
            return [_account(row) for row in rows]

    def get(self, name: str) -> Account:
        with self._db.session() as session:
            return _account(self._row(session, name))

    def disable(self, name: str) -> None:
        """Blocked at once; the token hash is dropped too, so enabling needs a reset.
        Browser sessions end as well, and stay ended after a reset."""
        with self._db.session.begin() as session:
            row = self._row(session, name)
            row.disabled = True
            row.token_sha256 = None
            row.sessions_since = time.time()

    def reset(self, name: str) -> str:
        """A new token (the old one stops working) and the user enabled again; browser
        sessions from before end (the reset may answer a lost or stolen device)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._db.session.begin() as session:
            row = self._row(session, name)
            row.token_sha256 = hash_token(token)
            row.disabled = False
            row.sessions_since = time.time()
        return token

    def set_password(self, name: str, password: str) -> None:
        """A new password ends every browser session opened with the old one."""
        password_hash = _hasher.hash(password)
        with self._db.session.begin() as session:
            row = self._row(session, name)
            row.password_hash = password_hash
            row.sessions_since = time.time()

    def check_password(self, name: str, password: str) -> Account | None:
        """For browser login later: the account if the password matches and it is enabled."""
        with self._db.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None or row.disabled or not row.password_hash:
                _hasher.hash(password)  # the same time whether the user exists or not
                return None
            try:
                _hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                return None
            return _account(row)

    def authenticate(self, token: str) -> Account | None:
        """The enabled account holding ``token``. Looked up by the hash's index: its
        timing tells nothing usable, since no caller can choose a SHA-256 preimage.
        One Core query on a pooled connection (no ORM session): every API request
        pays for it."""
        presented = hash_token(token)
        with self._db.engine.connect() as connection:
            row = connection.execute(_BY_TOKEN, {"presented": presented}).first()
        if row is None:
            return None
        name, role, departments, sessions_since = row
        return Account(name, cast(Role, role), tuple(departments), False, sessions_since or 0.0)

    @staticmethod
    def _row(session: Session, name: str) -> UserRow:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise AccountError(f"Benutzer {name} gibt es nicht")
        return row
