"""What every projector shares: the handler type and small value helpers."""

from __future__ import annotations

from collections.abc import Callable

from registry.indexer.events import Event
from registry.indexer.store import Projection, Row

Handler = Callable[[Projection, Event], None]
ZERO_ADDRESS = "0x" + "00" * 20
ZERO_HASH = "0x" + "00" * 32


def updated(current: Row | None, what: str, key: object, **changes: object) -> Row:
    """`current` with `changes` applied; a missing record is a mirror bug worth a loud error."""
    if current is None:
        raise LookupError(f"{what} {key} changed before it was created")
    current.update(changes)
    return current
