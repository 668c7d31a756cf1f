"""Browser sessions: a signed cookie, its CSRF token, idle timeout and logout.

The cookie holds only the user name, a random session id and two times, signed with
HMAC-SHA256; nothing in it is secret, nothing in it can be changed. The account is
looked up on every request (``web.ui.identity``), so a disabled user is out at once. A
request renews the cookie's last-seen time, so a session ends after the configured idle
minutes without one. Logout records the session id in the shared accounts database
(``accounts.sessions``), so every process of the installation refuses a copied cookie
from then on; disabling the user, a new token or a new password ends all their sessions
(``Account.sessions_since``, checked in ``web.ui.identity``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

COOKIE = "eakte_sitzung"
LOGIN_COOKIE = "eakte_anmeldung"  # the CSRF token of the login form, before any session
RENEW_AFTER_SECONDS = 60.0  # rewrite the cookie at most once a minute
KEY_FILE = "session.key"


@dataclass(frozen=True)
class Session:
    user: str
    sid: str
    issued: float
    seen: float


class Revocations(Protocol):
    """Where logged-out session ids are kept for every process (``accounts.sessions``)."""

    def revoke(self, sid: str, idle_seconds: float) -> None: ...

    def is_revoked(self, sid: str) -> bool: ...


class SessionCodec:
    """Signs and checks session cookies; derives each session's CSRF token."""

    def __init__(self, secret: bytes, idle_seconds: float, revocations: Revocations) -> None:
        self._secret = secret
        self.idle_seconds = idle_seconds
        self._revocations = revocations

    def issue(self, user: str) -> Session:
        now = time.time()
        return Session(user=user, sid=secrets.token_urlsafe(16), issued=now, seen=now)

    def encode(self, session: Session) -> str:
        payload = json.dumps(
            {"u": session.user, "s": session.sid, "i": session.issued, "t": session.seen},
            separators=(",", ":"),
        ).encode("utf-8")
        body = base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")
        return f"{body}.{self._sign('cookie', body)}"

    def decode(self, cookie: str | None) -> Session | None:
        """The session if the cookie is intact, not idle too long and not logged out
        (a database lookup once the signature holds: call it off the event loop)."""
        if not cookie or cookie.count(".") != 1:
            return None
        body, signature = cookie.split(".")
        if not hmac.compare_digest(signature, self._sign("cookie", body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            session = Session(str(data["u"]), str(data["s"]), float(data["i"]), float(data["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - session.seen > self.idle_seconds:
            return None
        if self._revocations.is_revoked(session.sid):
            return None
        return session

    def renewed(self, session: Session) -> Session | None:
        """The session with a fresh last-seen time, when it is time to rewrite it."""
        now = time.time()
        if now - session.seen < RENEW_AFTER_SECONDS:
            return None
        return Session(session.user, session.sid, session.issued, now)

    def csrf_token(self, session: Session) -> str:
        return self._sign("csrf", session.sid)

    def csrf_ok(self, session: Session, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.csrf_token(session).encode())

    def revoke(self, session: Session) -> None:
        """Logout: refused by every process until the cookie would have idled out."""
        self._revocations.revoke(session.sid, self.idle_seconds)

    def _sign(self, purpose: str, value: str) -> str:
        message = f"{purpose}:{value}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()


def session_secret(configured: str, data_dir: Path) -> bytes:
    """The configured key, else one kept beside the data (made once, readable only by
    the service's user), so every process on this machine signs alike."""
    if configured:
        return configured.encode("utf-8")
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{KEY_FILE}.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: another process's key, if first, wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode("ascii")
