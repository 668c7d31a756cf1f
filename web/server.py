"""Runs the API under uvicorn (``eakte serve``); in production behind a TLS proxy.

One process per container: scale by running more containers, so each keeps its own
store and index clients and a crash takes down only itself.
"""

from __future__ import annotations

import uvicorn

from eakte.settings import Settings
from web.app import create_app


def run_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until SIGINT/SIGTERM; configuration errors raise before the port opens."""
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")
