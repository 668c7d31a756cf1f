"""The FastAPI application, built from settings passed in (never read at import time).

Everything that can be wrong with the configuration (an unusable data dir, an
unreachable accounts database) fails here, at start, rather than on the first request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request, Response

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
    app.middleware("http")(headers_and_access_log)
    for router in (health_router, api, previews, mailroom, akten_api, admin):
        app.include_router(router)
    install_ui(app, settings)
    return app


async def headers_and_access_log(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Security headers on every answer, and the access log line: it names the caller
    but never the query string (search terms, a token someone put in a URL); what was
    searched is in the audit trail, readable only by admins. The same timing feeds the
    latency histogram of ``/metrics`` (labelled by route template, see ``web.metrics``)."""
    started = time.perf_counter()
    metrics: Metrics = request.app.state.metrics
    try:
        response = await call_next(request)
    except Exception:  # a bug: the error handler outside answers 500, counted as such
        metrics.request_done(request, 500, time.perf_counter() - started)
        raise
    seconds = time.perf_counter() - started
    metrics.request_done(request, response.status_code, seconds)
    if request.url.path.startswith("/static/"):  # the vendored CSS, fonts, htmx: public
        response.headers["Cache-Control"] = "public, max-age=86400"
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    principal = getattr(request.state, "principal", None)
    access_log.info(
        "%s %s %s %s %d %.0fms",
        request.client.host if request.client else "-",
        principal.name if principal else "-",
        request.method,
        request.url.path,
        response.status_code,
        seconds * 1000,
    )
    return response
