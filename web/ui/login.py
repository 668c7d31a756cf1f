"""Anmelden and Abmelden: the login form, the session cookie, logout, and the start page
each role lands on.

Failed logins count against the client address in the same ``FailureThrottle`` as
wrong API tokens, and every login, failure and logout is an audit entry. The login form
carries its own CSRF token (a random cookie it must echo), so no other site can log a
browser into someone else's account.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accounts.audit import AuditEvent, AuditLog
from accounts.users import Accounts
from web.auth import WINDOW_SECONDS, FailureThrottle, client_address
from web.policy import Principal, allows
from web.trail import audit
from web.ui.identity import (
    CsrfRejected,
    PageUser,
    PasswordLogin,
    check_form,
)
from web.ui.render import page
from web.ui.sessions import COOKIE, LOGIN_COOKIE, Session, SessionCodec

login_router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=200)]


def start_page(principal: Principal) -> str:
    """Where a role starts: its main task."""
    if allows(principal, "upload"):
        return "/posteingang"
    if allows(principal, "search"):
        return "/suche"
    if allows(principal, "users"):
        return "/verwaltung"
    return "/anmelden"


def safe_next(target: str) -> str:
    """Only a path on this server (no ``//host`` or scheme): no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    codec: SessionCodec = request.app.state.sessions
    response.set_cookie(
        COOKIE,
        codec.encode(session),
        httponly=True,
        samesite="strict",
        secure=request.app.state.cookie_secure,
        path="/",
    )


@login_router.get("/")
def home(caller: PageUser) -> RedirectResponse:
    return RedirectResponse(start_page(caller), status_code=303)


@login_router.get("/anmelden")
def login_form(request: Request, weiter: str = "", abgemeldet: str = "") -> Response:
    notice = "Sie sind abgemeldet." if abgemeldet else ""
    if request.query_params.get("abgelaufen"):
        notice = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
    return _form(request, 200, weiter=safe_next(weiter), hinweis=notice)


@login_router.post("/anmelden")
async def login(
    request: Request,
    benutzer: Field,
    passwort: Field,
    csrf: Field,
    weiter: Field = "",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf.encode()):
        raise CsrfRejected()
    throttle: FailureThrottle = request.app.state.throttle
    client = client_address(request)
    if throttle.blocked(client):
        return _login_again(
            request,
            "Zu viele fehlgeschlagene Anmeldungen: bitte in einer Minute erneut versuchen.",
            benutzer,
            429,
            {"Retry-After": str(int(WINDOW_SECONDS))},
        )
    passwords: PasswordLogin = request.app.state.passwords
    name = await run_in_threadpool(passwords.verify, benutzer.strip(), passwort)
    log: AuditLog = request.app.state.audit
    if name is None:
        throttle.failed(client)
        await run_in_threadpool(
            log.append,
            AuditEvent(
                action="auth_failed",
                target="/anmelden",
                client=client,
                details={"reason": "Passwort falsch oder Benutzer unbekannt", "user": benutzer},
            ),
        )
        return _login_again(request, "Benutzername oder Passwort ist falsch.", benutzer, 401)
    codec: SessionCodec = request.app.state.sessions
    session = codec.issue(name)
    accounts: Accounts = request.app.state.accounts
    principal = Principal.of(await run_in_threadpool(accounts.get, name))
    await run_in_threadpool(audit, request, principal, "login", "/anmelden")
    response = RedirectResponse(safe_next(weiter) or start_page(principal), status_code=303)
    set_session_cookie(request, response, session)
    response.delete_cookie(LOGIN_COOKIE, path="/anmelden")
    return response


def _login_again(
    request: Request,
    message: str,
    name: str,
    status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    response = _form(request, status, fehler=message, benutzer=name)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _form(request: Request, status: int, **context: str) -> Response:
    """The login form with a fresh form token, also set as a cookie only the login path
    sees: the post must carry both (CSRF before there is a session)."""
    token = secrets.token_urlsafe(16)
    response = page(request, "anmelden.html", status, form_token=token, **context)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.cookie_secure,
        path="/anmelden",
    )
    return response


@login_router.post("/abmelden")
async def logout(request: Request, caller: PageUser, csrf: Field) -> Response:
    check_form(request, csrf)
    session: Session = request.state.session  # set by require_user
    codec: SessionCodec = request.app.state.sessions
    await run_in_threadpool(codec.revoke, session)
    await run_in_threadpool(audit, request, caller, "logout", "/abmelden")
    response = RedirectResponse("/anmelden?abgemeldet=1", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
