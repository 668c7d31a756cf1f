"""Runs the API under uvicorn (``eakte serve``); in production behind a TLS proxy.

One process per container: scale by running more containers, so each keeps its own
store and index clients and a crash takes down only itself.
"""

from __future__ import annotations

import copy

import uvicorn
import uvicorn.config

from eakte.settings import Settings
from web.app import create_app


def run_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until SIGINT/SIGTERM; configuration errors raise before the port opens."""
    app = create_app(settings)
    # uvicorn's access log would write query strings; web.app logs requests without them
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["loggers"]["eakte.access"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    uvicorn.run(
        app,
        host=host,
        port=port,
        server_header=False,
        log_level="info",
        access_log=False,
        log_config=log_config,
    )
