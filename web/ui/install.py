"""Adds the web UI to the API application: its routers, static files and error pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from eakte.settings import Settings
from web.ui.admin_page import admin_router
from web.ui.akten_page import akten_router
from web.ui.document_page import document_router
from web.ui.errors import install_page_errors
from web.ui.identity import AccountPasswords
from web.ui.login import login_router, set_session_cookie
from web.ui.mailroom_page import mailroom_router
from web.ui.search_page import search_router
from web.ui.sessions import COOKIE, Session, SessionCodec, session_secret

STATIC = Path(__file__).resolve().parent.parent / "static"


def install_ui(app: FastAPI, settings: Settings) -> None:
    web = settings.web
    secret = session_secret(web.session_secret, web.data_dir)
    app.state.sessions = SessionCodec(secret, web.session_idle_minutes * 60.0)
    app.state.cookie_secure = web.session_cookie_secure
    app.state.passwords = AccountPasswords(app.state.accounts)
    install_page_errors(app)
    routers = (
        login_router,
        search_router,
        document_router,
        akten_router,
        mailroom_router,
        admin_router,
    )
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.middleware("http")(renew_session)


async def renew_session(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Sliding idle timeout: a page request by a signed-in user rewrites the cookie's
    last-seen time (at most once a minute)."""
    response = await call_next(request)
    session: Session | None = getattr(request.state, "session", None)
    if session is not None and COOKIE not in response.headers.get("set-cookie", ""):
        codec: SessionCodec = request.app.state.sessions
        fresh = codec.renewed(session)
        if fresh is not None:
            set_session_cookie(request, response, fresh)
    return response
