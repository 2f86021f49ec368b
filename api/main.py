"""The API as uvicorn runs it: an app factory that reads the settings from the environment (what
each worker process of `datarights serve --workers N` calls), and the server's configuration.

Open event streams never end by themselves, so a plain graceful shutdown would wait for them.
The HTTP protocol here tells them, through the server's shared request state, that the server is
shutting down; each stream then ends its response cleanly and the shutdown goes on.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI
from uvicorn import Config
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.app import create_app
from api.routers.stream import STREAMS_CLOSING
from registry.config import Settings
from registry.service.logs import configure_logging

FACTORY = "api.main:app_from_env"
# Requests still running this long after a shutdown began are cancelled.
GRACEFUL_SHUTDOWN_SECONDS = 5
# How long uvicorn's supervisor waits for a worker to answer before replacing it: a worker
# needs a few seconds to import the application, more on a busy machine, and one replaced
# while it starts is replaced again, and again.
WORKER_HEALTHCHECK_SECONDS = 60


def app_from_env() -> FastAPI:
    """The API over the mirror named by the `DATARIGHTS_*` environment (a uvicorn factory)."""
    settings = Settings()
    configure_logging(settings.log_level)  # a worker process starts with no logging set up
    return create_app(settings)


class StreamClosingProtocol(H11Protocol):
    """uvicorn's h11 protocol; when the server shuts a connection down, streams are told too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `app_state` is one dict for the whole server; every request gets a shallow copy.
        self.app_state.setdefault(STREAMS_CLOSING, asyncio.Event())

    def shutdown(self) -> None:
        self.app_state[STREAMS_CLOSING].set()
        super().shutdown()


def server_config(
    app: FastAPI | str, *, host: str, port: int, workers: int = 1, access_log: bool = False
) -> Config:
    """uvicorn's configuration for the API: our protocol, our logging, a bounded shutdown."""
    return Config(
        app,
        host=host,
        port=port,
        workers=workers,
        factory=isinstance(app, str),
        http=StreamClosingProtocol,
        log_config=None,  # the root logger set up by the command decides
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        lifespan="on",
    )
