"""The single-writer lock: one indexer per database, any number of readers.

PostgreSQL: a session-level advisory lock held on a dedicated connection. SQLite: an exclusive
`flock` on a file beside the database. Both vanish with the process that holds them, so a killed
indexer never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from sqlalchemy import Connection, Engine, text

from registry.errors import RegistryError


class WriterLockHeld(RegistryError, RuntimeError):
    """Another indexer is already writing to this database."""


class WriterLock:
    """Hold the writer lock of `engine`'s database for the life of the context."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._file: IO[bytes] | None = None
        self._connection: Connection | None = None

    def acquire(self) -> Self:
        if self.engine.dialect.name == "postgresql":
            self._acquire_advisory()
        else:
            self._acquire_file()
        return self

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()  # ends the session, which drops the advisory lock
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def _acquire_advisory(self) -> None:
        connection = self.engine.connect()
        schema = connection.execute(text("select current_schema()")).scalar_one()
        key = _lock_key(f"datarights-indexer:{schema}")
        got = connection.execute(text("select pg_try_advisory_lock(:k)"), {"k": key}).scalar_one()
        connection.commit()
        if not got:
            connection.close()
            raise WriterLockHeld(
                f"another indexer holds the writer lock of schema {schema!r}; "
                "stop it first (readers are not affected)"
            )
        self._connection = connection

    def _acquire_file(self) -> None:
        path = lock_file(self.engine)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise WriterLockHeld(
                f"another indexer holds {path}; stop it first (readers are not affected)"
            ) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._file = handle


def lock_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        return Path(f"/tmp/datarights-indexer-{os.getpid()}.lock")
    return Path(database).with_name(Path(database).name + ".writer.lock")


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
