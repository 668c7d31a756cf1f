"""Adds the web UI to the API application: its routers, static files and error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts.sessions import RevokedSessions
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
    app.state.sessions = SessionCodec(
        secret, web.session_idle_minutes * 60.0, RevokedSessions(app.state.database)
    )
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
    app.add_middleware(RenewSession)


class RenewSession:
    """Sliding idle timeout: a page request by a signed-in user rewrites the cookie's
    last-seen time (at most once a minute). Plain ASGI, like ``web.app``'s headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})  # where require_user leaves the session

        async def send_renewed(message: Message) -> None:
            session: Session | None = state.get("session")
            if message["type"] == "http.response.start" and session is not None:
                headers = MutableHeaders(scope=message)
                if not any(COOKIE in value for value in headers.getlist("set-cookie")):
                    request = Request(scope)
                    codec: SessionCodec = request.app.state.sessions
                    fresh = codec.renewed(session)
                    if fresh is not None:
                        carrier = Response()
                        set_session_cookie(request, carrier, fresh)
                        headers.append("set-cookie", carrier.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_renewed)
