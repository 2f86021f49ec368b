"""Request dependencies: a read-only database session and the `min_block` read-your-writes wait."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.errors import NotIndexedError
from registry.config import Settings
from registry.db.tables import IndexStateRow

_POLL_INTERVAL = 0.05


def get_engine(request: Request) -> Engine:
    engine = request.app.state.engine
    assert isinstance(engine, Engine)
    return engine


def get_settings(request: Request) -> Settings:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    """One session per request; it only reads, and whatever it began is rolled back at the end."""
    with Session(engine, autoflush=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def indexed_block(engine: Engine) -> int | None:
    """The mirror's checkpoint, or None before the indexer's first batch."""
    with engine.connect() as connection:
        query = select(IndexStateRow.last_block)  # type: ignore[call-overload]
        value = connection.execute(query).scalar_one_or_none()
    return None if value is None else int(value)


def wait_for_block(engine: Engine, block: int, *, timeout: float) -> int:
    """Wait up to `timeout` seconds for the mirror to reach `block`; NotIndexedError otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        indexed = indexed_block(engine)
        if indexed is not None and indexed >= block:
            return indexed
        if time.monotonic() >= deadline:
            raise NotIndexedError(wanted=block, indexed=indexed)
        time.sleep(_POLL_INTERVAL)


def require_min_block(
    request: Request,
    engine: EngineDep,
    min_block: Annotated[
        int | None,
        Query(
            ge=0,
            description="Read your writes: answer only once the mirror has indexed this block "
            "(waits briefly, then 409 naming the indexed block).",
            examples=[120],
        ),
    ] = None,
) -> None:
    if min_block is not None:
        wait_for_block(engine, min_block, timeout=float(request.app.state.min_block_wait))


MinBlock = Depends(require_min_block)
