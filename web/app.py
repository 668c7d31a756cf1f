"""The FastAPI application, built from settings passed in (never read at import time).

Everything that can be wrong with the configuration (an unusable data dir, an
unreachable accounts database) fails here, at start, rather than on the first request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts.audit import AuditLog
from accounts.db import open_database
from accounts.users import Accounts
from akten.plan import load_plan
from akten.registry import AktenRegister
from eakte import __version__
from eakte.settings import Settings
from eakte.wiring import build_context, build_runner
from web.admin import admin
from web.akten import akten_api
from web.auth import FailureThrottle
from web.errors import install_error_handlers
from web.mailroom import mailroom
from web.metrics import Metrics, install_metrics
from web.previews import previews
from web.routes import api, health_router
from web.ui.install import install_ui
from web.uploads import UploadJobs

log = logging.getLogger(__name__)
access_log = logging.getLogger("eakte.access")

# Sent with every answer: nothing is cached (confidential Dokumente, per-caller
# answers), nothing is sniffed, framed or told where it came from. The web UI's pages
# set a CSP of their own (``web.ui.render.PAGE_CSP``: scripts and styles from here).
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def create_app(settings: Settings) -> FastAPI:
    """The API over the store and index these settings choose (embedded or distributed)."""
    database = open_database(settings.web.database)
    ctx = build_context(settings)

    metrics = Metrics(settings)
    runner = partial(build_runner, observer=metrics)  # uploads count in /metrics
    uploads = UploadJobs(ctx, settings.data_dir / "upload-spool", runner)
    metrics.set_waiting_uploads(lambda: uploads.waiting)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        uploads.resume()
        yield
        uploads.close()
        ctx.index.close()
        database.close()

    # No /docs or /redoc: their pages load Swagger UI/ReDoc from a CDN. The schema is
    # served as JSON for tools that render it locally.
    app = FastAPI(
        title="eAkte",
        version=__version__,
        description="Posteingang erfassen, Dokumente suchen und Originale beweissicher abrufen.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.uploads = uploads
    app.state.database = database
    app.state.accounts = Accounts(database)
    app.state.audit = AuditLog(database)
    app.state.akten = AktenRegister(database, load_plan(settings.document_types_file))
    app.state.throttle = FailureThrottle(settings.web.auth_failures_per_minute)
    install_error_handlers(app)
    install_metrics(app, metrics)
    app.add_middleware(HeadersAndAccessLog)
    for router in (health_router, api, previews, mailroom, akten_api, admin):
        app.include_router(router)
    install_ui(app, settings)
    return app


class HeadersAndAccessLog:
    """Security headers on every answer, and the access log line: it names the caller
    but never the query string (search terms, a token someone put in a URL); what was
    searched is in the audit trail, readable only by admins. The time to the answer's
    headers feeds the latency histogram of ``/metrics`` (labelled by route template,
    see ``web.metrics``).

    Plain ASGI rather than ``app.middleware("http")``: Starlette's ``BaseHTTPMiddleware``
    runs the rest of the app in a task of its own and streams the answer through a
    memory channel, which cost more per request than the headers themselves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})  # where the routes leave the principal
        path: str = scope["path"]
        status = 500
        timed = False

        def done(status_code: int) -> None:
            nonlocal timed
            if not timed:
                timed = True
                metrics: Metrics = scope["app"].state.metrics
                metrics.request_done(Request(scope), status_code, time.perf_counter() - started)

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                done(status)
                headers = MutableHeaders(scope=message)
                if path.startswith("/static/"):  # the vendored CSS, fonts, htmx: public
                    headers["Cache-Control"] = "public, max-age=86400"
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # a bug: the error handler outside answers 500, counted as such
            done(500)
            raise
        finally:
            principal = state.get("principal")
            client = scope.get("client")
            access_log.info(
                "%s %s %s %s %d %.0fms",
                client[0] if client else "-",
                principal.name if principal else "-",
                scope["method"],
                path,
                status,
                (time.perf_counter() - started) * 1000,
            )
