"""Who is using the browser: the session cookie turned into the same ``Principal`` an API
token gives, and the ports through which people prove who they are.

Today the only way in is a password (``PasswordLogin``); an OIDC provider (Authlib, the
city's Keycloak or Active Directory) would implement ``ExternalLogin`` and map its
subject to an existing account: roles and departments stay in eAkte's database, decided
by ``web.policy`` as for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Protocol
from urllib.parse import urlsplit

from fastapi import Depends, Request

from accounts.users import AccountError, Accounts
from web.policy import Principal
from web.ui.sessions import COOKIE, Session, SessionCodec


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login form."""


class PasswordLogin(Protocol):
    """Checks a name and password; the account's name, or None (same time either way)."""

    def verify(self, name: str, password: str) -> str | None: ...


class ExternalLogin(Protocol):
    """An identity provider outside eAkte (OIDC): where to send the browser, and which
    account the provider's answer names. Not wired yet; the port keeps the session and
    policy code independent of how someone logged in."""

    name: str

    def login_redirect(self, state: str, return_to: str) -> str:
        """The provider's authorization URL for this login attempt."""
        ...

    def complete(self, params: Mapping[str, str], state: str) -> str | None:
        """The eAkte user name the provider vouches for, or None when it refused."""
        ...


class AccountPasswords:
    """``PasswordLogin`` over the accounts database (argon2 hashes)."""

    def __init__(self, accounts: Accounts) -> None:
        self._accounts = accounts

    def verify(self, name: str, password: str) -> str | None:
        account = self._accounts.check_password(name, password)
        return account.name if account else None


def current_session(request: Request) -> Session | None:
    codec: SessionCodec = request.app.state.sessions
    return codec.decode(request.cookies.get(COOKIE))


def require_user(request: Request) -> Principal:
    """Dependency of every page but the login form: the caller as a ``Principal``."""
    session = current_session(request)
    if session is None:
        raise LoginRequired()
    accounts: Accounts = request.app.state.accounts
    try:
        account = accounts.get(session.user)
    except AccountError:
        raise LoginRequired() from None
    if account.disabled or session.issued < account.sessions_since:
        raise LoginRequired()  # disabled, or a new token or password since this login
    principal = Principal.of(account)
    request.state.principal = principal
    request.state.session = session
    return principal


PageUser = Annotated[Principal, Depends(require_user)]


class CsrfRejected(Exception):
    """A state-changing form without this session's token, or sent from another site."""


def check_form(request: Request, token: str) -> None:
    """Every POST of a page: the session's CSRF token, and, where the browser sends one,
    an Origin of this very server ("null" included: pages ask for same-origin referrers,
    so our own forms name their origin). SameSite=Strict cookies already keep most out."""
    session: Session | None = getattr(request.state, "session", None)
    codec: SessionCodec = request.app.state.sessions
    if session is None or not codec.csrf_ok(session, token):
        raise CsrfRejected()
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise CsrfRejected()
