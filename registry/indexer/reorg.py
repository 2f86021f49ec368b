"""Rolling the mirror back to a block: exact, because every record keeps its versions.

Rolling back to the block before the deploy block empties the mirror: that is `rebuild`.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from registry.db.tables import VERSIONED_KEYS, BlockRow, EventLogRow, table_of
from registry.indexer.fetch import JsonRpc, headers

logger = logging.getLogger(__name__)

_PROBE = 64


def rollback(session: Session, block: int) -> None:
    """Undo everything above `block`: later versions go, versions they closed reopen."""
    for model in VERSIONED_KEYS:
        t = table_of(model)
        session.execute(delete(t).where(t.c.from_block > block))
        session.execute(update(t).where(t.c.to_block > block).values(to_block=None))
    events = table_of(EventLogRow)
    session.execute(delete(events).where(events.c.block_number > block))
    blocks = table_of(BlockRow)
    session.execute(delete(blocks).where(blocks.c.number > block))
    logger.info("mirror rolled back to block=%d", block)


def fork_point(session: Session, rpc: JsonRpc, *, below: int, floor: int) -> BlockRow | None:
    """The highest stored block at or below `below` (and at or above `floor`) still on chain."""
    upper = below
    while upper >= floor:
        stored = session.scalars(
            select(BlockRow)
            .where(BlockRow.number <= upper, BlockRow.number >= floor)  # type: ignore[arg-type]
            .order_by(BlockRow.number.desc())  # type: ignore[attr-defined]
            .limit(_PROBE)
        ).all()
        if not stored:
            return None
        live = headers(rpc, (b.number for b in stored))
        for block in stored:
            if live[block.number].hash == block.hash:
                return block
        upper = stored[-1].number - 1
    return None
