"""The FastAPI application, built from settings passed in (never read at import time).

Everything that can be wrong with the configuration (an unusable data dir, a malformed
keys file) fails here, at start, rather than on the first request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from eakte import __version__
from eakte.settings import Settings
from eakte.wiring import build_context
from web.auth import load_key_ring
from web.errors import install_error_handlers
from web.routes import api, health_router
from web.visibility import filters_by_group

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """The API over the store and index these settings choose (embedded or distributed)."""
    keys = load_key_ring(settings.web.api_keys_file)
    ctx = build_context(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not keys.configured:
            log.warning("no API keys configured (EAKTE_API_KEYS_FILE): /api refuses requests")
        yield
        ctx.index.close()

    app = FastAPI(
        title="eAkte",
        version=__version__,
        description="Posteingang durchsuchen, Akten ansehen, Originale beweissicher abrufen.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.keys = keys
    app.state.search_by_group = filters_by_group(ctx.index)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api)
    return app
