"""Who is calling: a bearer token looked up in the accounts database on every request.

No token, an unknown one or a disabled user's: 401 and an audit entry. A client
address with too many failures in the last minute gets 429 before its token is even
looked at, so guessing tokens at speed gets nowhere. The counter lives in each API
process (several processes multiply the allowance; the audit trail sees them all).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from accounts.audit import AuditEvent, AuditLog
from accounts.users import Accounts
from web.policy import Principal

WINDOW_SECONDS = 60.0
MAX_TRACKED_CLIENTS = 10_000


class FailureThrottle:
    """Failed authentications per client address within a sliding minute."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self._limit = limit
        self._window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        with self._lock:
            recent = self._recent(client)
            return len(recent) >= self._limit

    def failed(self, client: str) -> None:
        with self._lock:
            if len(self._failures) > MAX_TRACKED_CLIENTS:  # bound the memory an attack costs
                self._failures.clear()
            self._recent(client).append(time.monotonic())

    def _recent(self, client: str) -> deque[float]:
        recent = self._failures[client]
        cutoff = time.monotonic() - self._window
        while recent and recent[0] < cutoff:
            recent.popleft()
        return recent


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


_bearer = HTTPBearer(auto_error=False, description="API-Token (`eakte users add`)")


def require_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Dependency of every /api route: the caller, or 401/429 with a German reason."""
    throttle: FailureThrottle = request.app.state.throttle
    client = client_address(request)
    if throttle.blocked(client):
        raise HTTPException(
            429,
            "Zu viele fehlgeschlagene Anmeldungen: bitte in einer Minute erneut versuchen.",
            {"Retry-After": str(int(WINDOW_SECONDS))},
        )
    challenge = {"WWW-Authenticate": "Bearer"}
    accounts: Accounts = request.app.state.accounts
    account = accounts.authenticate(credentials.credentials) if credentials else None
    if account is None:
        throttle.failed(client)
        audit: AuditLog = request.app.state.audit
        reason = "kein Token" if credentials is None else "Token ungültig"
        audit.append(
            AuditEvent(
                action="auth_failed",
                target=request.url.path[:300],
                client=client,
                details={"reason": reason},
            )
        )
        if credentials is None:
            raise HTTPException(
                401, "Anmeldung erforderlich: Authorization: Bearer <API-Token>", challenge
            )
        raise HTTPException(401, "API-Token ungültig oder gesperrt.", challenge)
    principal = Principal.of(account)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
