"""The whole service in one process tree: node, deployment, mirror, indexer and API.

Started in that order, stopped in the reverse one: the API first (no new reads), then the indexer
after its current batch (committed with its checkpoint), then the node, which writes its state.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Protocol, Self

from sqlalchemy import Engine

from api.deps import wait_for_block
from api.errors import NotIndexedError
from registry.cli.common import CliState
from registry.cli.deploy import ensure_deployment
from registry.config import Settings
from registry.db.engine import database_url, make_engine
from registry.service.api import ApiServer
from registry.service.chain import AttachedChain, attach_chain
from registry.service.indexer import IndexerProcess

logger = logging.getLogger(__name__)

HANDLED = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """SIGINT and SIGTERM for the life of the service.

    While the service starts (and while the demo plays) a signal interrupts what runs with
    KeyboardInterrupt; while it serves, a signal only asks it to stop, so that the shutdown runs
    in order. A second signal during the shutdown calls `on_repeat` (to cut it short).
    """

    def __init__(self) -> None:
        self.received: list[int] = []
        self.interrupting = True
        self.on_repeat: Callable[[], None] = lambda: None
        self._event = threading.Event()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Self:
        self._previous = {sig: signal.signal(sig, self._handle) for sig in HANDLED}
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    @property
    def reason(self) -> str:
        return signal.Signals(self.received[0]).name if self.received else "request"

    def wait(self, watch: Callable[[], None], *, interval: float = 0.5) -> str:
        """Serve until a signal arrives, calling `watch` (which raises on a failure) meanwhile."""
        self.interrupting = False
        while not self._event.wait(interval):
            watch()
        return self.reason

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        repeated = self._event.is_set()
        self.received.append(signum)
        self._event.set()
        if repeated:
            self.on_repeat()
        elif self.interrupting:
            raise KeyboardInterrupt


class Stack:
    """Node (when none is configured or answering), deployment, mirror, indexer and API."""

    def __init__(self, settings: Settings, *, host: str, port: int) -> None:
        self.settings = settings
        # Bound first: a port in use is reported before anything else starts.
        self.api = ApiServer(settings, host=host, port=port)
        self.chain: AttachedChain | None = None
        self.indexer: IndexerProcess | None = None

    def start(self) -> Self:
        try:
            self.chain = attach_chain(self.settings)
            self.settings = self.api.settings = self.chain.settings
            deployment, created = ensure_deployment(CliState(settings=self.settings))
            logger.info(
                "deployment %s chain_id=%d first_block=%d",
                "created" if created else "found",
                deployment.chain_id,
                deployment.first_block,
            )
            self.indexer = IndexerProcess(self.settings)
            indexed = self.indexer.start()
            logger.info("indexer following pid=%s indexed_block=%d", self.indexer.pid, indexed)
            self.api.start()
        except BaseException:
            self.stop()
            raise
        return self

    def check(self) -> None:
        """Raise when the indexer or the API has stopped by itself."""
        if self.indexer is not None:
            self.indexer.check()
        self.api.check()

    def wait_indexed(self, block: int, *, timeout: float = 60.0) -> int:
        """Wait until the mirror has indexed `block`; the indexed block."""
        engine = self.engine()
        try:
            return wait_for_block(engine, block, timeout=timeout)
        except NotIndexedError:
            self.check()
            raise
        finally:
            engine.dispose()

    def engine(self) -> Engine:
        """A new engine on the mirror (the caller disposes of it)."""
        return make_engine(database_url(self.settings))

    def force(self) -> None:
        """Cut the API's graceful shutdown short (a second Ctrl-C)."""
        logger.warning("stopping now: open requests are cancelled")
        self.api.force()

    def stop(self) -> None:
        """API, then indexer after its current batch, then node; whatever was started."""
        self.api.stop()
        if self.indexer is not None:
            self.indexer.stop()
            self.indexer = None
        if self.chain is not None:
            self.chain.stop()
            self.chain = None


class Service(Protocol):
    """What `run_until_stopped` runs: the stack, or the API alone."""

    def start(self) -> object: ...
    def check(self) -> None: ...
    def force(self) -> None: ...
    def stop(self) -> None: ...


def run_until_stopped(
    service: Service, *, on_ready: Callable[[], None], keep_serving: bool = True
) -> str:
    """Start, call `on_ready`, serve until SIGINT or SIGTERM, stop in order; the stop's reason.

    A signal before serving (while starting, or during `on_ready`) interrupts that work, and the
    service stops as cleanly as when serving. A part that fails raises after the stop.
    """
    with StopSignals() as signals:
        try:
            service.start()
            on_ready()
            if keep_serving:
                signals.on_repeat = service.force
                reason = signals.wait(service.check)
            else:
                reason = "done"
            logger.info("stopping reason=%s", reason)
        except KeyboardInterrupt:
            reason = signals.reason
            logger.info("stopping reason=%s (interrupted)", reason)
        finally:
            signals.interrupting = False  # the shutdown itself runs to its end
            service.stop()
    logger.info("stopped reason=%s", reason)
    return reason
