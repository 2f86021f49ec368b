"""The indexer in its own process, following the chain until asked to stop.

It runs the same loop as `datarights index run --follow` (`Indexer.follow`, one database
transaction per batch, checkpoint included) under the same single-writer lock. A stop request
is checked between batches, so the batch in progress commits and nothing is lost. The process
ignores SIGINT: a Ctrl-C in the terminal reaches the whole process group, and it is the service
that decides when the indexer stops (after the API). It also stops if its parent dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event

from sqlalchemy.exc import OperationalError

from registry.chain import deployments
from registry.chain.connect import connect
from registry.config import Settings
from registry.db.engine import database_url, make_engine
from registry.db.lock import WriterLock
from registry.errors import ChainError, RegistryError
from registry.indexer.indexer import BatchResult, Indexer
from registry.service.logs import configure_logging

logger = logging.getLogger(__name__)

# Failures that pass: the node or the database is briefly away. Anything else ends the indexer.
TRANSIENT = (OSError, ChainError, OperationalError)
_RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)
_spawn = multiprocessing.get_context("spawn")


class IndexerFailed(RegistryError, RuntimeError):
    """The indexer process could not start, or ended with an error."""


@dataclass(frozen=True)
class _Message:
    kind: str  # "ready" (with the indexed block) or "failed" (with the error)
    text: str


class IndexerProcess:
    """Start, watch and stop the indexer process over the settings' chain and database."""

    def __init__(self, settings: Settings, *, poll: float = 0.2) -> None:
        self.settings = settings
        self.poll = poll
        self._stop: Event = _spawn.Event()
        self._inbox, outbox = _spawn.Pipe(duplex=False)
        self._process: SpawnProcess = _spawn.Process(
            target=_main,
            args=(settings, poll, self._stop, outbox),
            name="datarights-indexer",
        )
        self._outbox = outbox
        self.failure: str | None = None

    @property
    def is_alive(self) -> bool:
        return self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def start(self, *, timeout: float = 120.0) -> int:
        """Start the process and wait until it holds the writer lock; the indexed block."""
        self._process.start()
        self._outbox.close()  # the child holds its own copy; EOF here means it is gone
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._inbox.poll(0.2):
                message = self._receive()
                if message is not None and message.kind == "ready":
                    return int(message.text)
                break
            if not self._process.is_alive():
                break
        self.stop(timeout=5.0)
        raise IndexerFailed(f"the indexer did not start: {self.failure or 'no answer in time'}")

    def check(self) -> None:
        """IndexerFailed when the process has ended by itself (an error it could not pass)."""
        if self._process.is_alive():
            return
        if self._inbox.poll(0):
            self._receive()
        code = self._process.exitcode
        raise IndexerFailed(f"the indexer stopped (exit code {code}): {self.failure or 'killed'}")

    def stop(self, *, timeout: float = 60.0) -> None:
        """Ask the indexer to stop after its current batch; terminate it if it does not."""
        self._stop.set()
        if self._process.pid is None:
            return
        self._process.join(timeout)
        if self._process.is_alive():
            logger.warning("indexer terminate pid=%s reason=timeout", self._process.pid)
            self._process.terminate()
            self._process.join(10.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _receive(self) -> _Message | None:
        try:
            message: _Message = self._inbox.recv()
        except EOFError:
            return None
        if message.kind == "failed":
            self.failure = message.text
        return message


# ---------------------------------------------------------------- in the child process


def _main(settings: Settings, poll: float, stop: Event, outbox: Connection) -> None:
    configure_logging(settings.log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.set())
    parent = multiprocessing.parent_process()

    def should_stop() -> bool:
        return stop.is_set() or (parent is not None and not parent.is_alive())

    try:
        follow(settings, poll=poll, should_stop=should_stop, on_ready=_tell(outbox, "ready"))
    except (RegistryError, *TRANSIENT) as exc:
        logger.error("indexer failed error=%s: %s", type(exc).__name__, exc)
        _tell(outbox, "failed")(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None


def _tell(outbox: Connection, kind: str) -> Callable[[object], None]:
    def send(value: object) -> None:
        outbox.send(_Message(kind, str(value)))

    return send


def follow(
    settings: Settings,
    *,
    poll: float,
    should_stop: Callable[[], bool],
    on_ready: Callable[[int], None],
) -> None:
    """Prepare the mirror, then index batch after batch until `should_stop()`."""
    w3 = connect(settings)
    engine = make_engine(database_url(settings))
    try:
        with WriterLock(engine):
            indexer = Indexer(
                engine, w3, deployments.load(settings, w3), confirmations=settings.confirmations
            )
            on_ready(indexer.prepare().last_block)
            _follow_through_failures(indexer, poll=poll, should_stop=should_stop)
            last = indexer.state()
            logger.info("indexer stopped indexed_block=%s", last and last.last_block)
    finally:
        engine.dispose()


def _follow_through_failures(
    indexer: Indexer, *, poll: float, should_stop: Callable[[], bool]
) -> None:
    progress = _Progress()
    while not should_stop():
        try:
            indexer.follow(on_batch=progress.note, poll=poll, should_stop=should_stop)
        except TRANSIENT as exc:
            delay = _RETRY_SECONDS[min(progress.failures, len(_RETRY_SECONDS) - 1)]
            progress.failures += 1
            logger.warning("indexer retry in=%.1fs error=%s", delay, type(exc).__name__)
            _sleep_unless(should_stop, delay)


@dataclass
class _Progress:
    """Failures in a row, and one log line when the indexer first reaches the head."""

    failures: int = 0
    caught_up: bool = False

    def note(self, result: BatchResult) -> None:
        self.failures = 0
        logger.debug(
            "indexer batch blocks=%d..%d events=%d", result.first, result.last, result.events
        )
        if not self.caught_up and result.last >= result.head:
            self.caught_up = True
            logger.info("indexer caught up block=%d", result.last)


def _sleep_unless(should_stop: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not should_stop():
        time.sleep(0.1)
