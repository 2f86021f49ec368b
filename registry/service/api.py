"""The API under uvicorn: in a thread of this process, or as several worker processes.

In a thread, the listening socket is bound first (a port in use is reported before anything
else starts) and the process's own signal handling decides when the server stops; uvicorn's
would re-raise the signal after a graceful shutdown and turn a clean stop into exit code 130.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Self

import uvicorn
from uvicorn.supervisors import Multiprocess

from api.app import create_app
from api.main import FACTORY, server_config
from api.routers.metrics import MULTIPROC_ENV
from registry.config import Settings
from registry.errors import ConfigurationError, RegistryError

logger = logging.getLogger(__name__)

ENV_PREFIX = "DATARIGHTS_"


class ApiFailed(RegistryError, RuntimeError):
    """The API server could not start or stopped by itself."""


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; ConfigurationError naming the address otherwise."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.set_inheritable(True)  # worker processes serve from this socket too
    return sock


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class ApiServer:
    """The API served from a thread until `stop()`; the socket is bound on construction."""

    def __init__(
        self, settings: Settings, *, host: str, port: int, access_log: bool = False
    ) -> None:
        self.settings = settings
        self.host = host
        self.access_log = access_log
        self._socket = listen(host, port)
        self.port: int = self._socket.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return base_url(self.host, self.port)

    def start(self, *, timeout: float = 30.0) -> Self:
        """Serve the API over the settings' mirror; returns once it accepts requests."""
        app = create_app(self.settings)
        config = server_config(app, host=self.host, port=self.port, access_log=self.access_log)
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._socket]}, name="datarights-api"
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ApiFailed(f"the API did not start on {self.url}")
            time.sleep(0.05)
        logger.info("api listening url=%s", self.url)
        return self

    def check(self) -> None:
        """ApiFailed when the server has stopped by itself."""
        if self._thread is not None and not self._thread.is_alive():
            raise ApiFailed(f"the API server on {self.url} stopped")

    def force(self) -> None:
        """Cut a graceful shutdown short: requests still running are abandoned."""
        if self._server is not None:
            self._server.force_exit = True

    def stop(self) -> None:
        """Stop accepting, let running requests finish (streams end at once), then return."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None and self._thread.is_alive():
            self._thread.join()
            logger.info("api stopped")
        self._socket.close()


def serve_workers(
    settings: Settings, *, host: str, port: int, workers: int, access_log: bool = True
) -> None:
    """Serve the API from `workers` processes until SIGINT or SIGTERM (uvicorn's supervisor).

    Each worker builds the app from the environment, so the settings are passed on there; the
    workers' counters meet in a multiprocess metrics directory under the data directory.
    """
    os.environ.update(settings_environment(settings))
    os.environ[MULTIPROC_ENV] = str(fresh_directory(settings.data_dir / "metrics"))
    sock = listen(host, port)
    port = sock.getsockname()[1]
    config = server_config(FACTORY, host=host, port=port, workers=workers, access_log=access_log)
    logger.info("api listening url=%s workers=%d", base_url(host, port), workers)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
    logger.info("api stopped")


def settings_environment(settings: Settings) -> dict[str, str]:
    """`DATARIGHTS_*` variables that rebuild `settings` in another process."""
    values = settings.model_dump(mode="json", exclude_none=True)
    return {f"{ENV_PREFIX}{name.upper()}": str(value) for name, value in values.items()}


def fresh_directory(path: Path) -> Path:
    """An empty directory at `path` (counters of an earlier run would add to this run's)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
