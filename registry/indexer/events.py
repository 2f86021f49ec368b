"""From a raw JSON-RPC log to a plain `Event`: decoded, with JSON-ready argument values.

Byte strings become 0x-prefixed lowercase hex, enums plain ints, struct arguments dicts keyed by
the `registry.model` field names (`record["content_hash"]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Any

from registry import model
from registry.chain.transactions import RawLog
from registry.events.decoder import EventDecoder

Args = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    """One decoded registry event at its place on chain."""

    name: str
    address: str
    args: Args
    block: int
    block_hash: str
    tx_hash: str
    log_index: int
    timestamp: int


def raw_log(log: Mapping[str, Any]) -> RawLog:
    """A JSON-RPC log object as the decoder's `RawLog` (address left as the node sent it)."""
    return RawLog(
        address=str(log["address"]),
        topics=tuple(bytes.fromhex(t[2:]) for t in log["topics"]),
        data=bytes.fromhex(log["data"][2:]),
        log_index=int(log["logIndex"], 16),
        block_number=int(log["blockNumber"], 16),
        block_hash=str(log["blockHash"]),
        tx_hash=str(log["transactionHash"]),
    )


def decode_log(
    decoder: EventDecoder, log: Mapping[str, Any], timestamps: Mapping[int, int]
) -> Event | None:
    """The event of one JSON-RPC log, or None for a log the registry ABIs do not describe."""
    decoded = decoder.decode(raw_log(log))
    if decoded is None:
        return None
    return Event(
        name=decoded.name,
        address=str(log["address"]).lower(),
        args={k: plain(v) for k, v in decoded.args.items()},
        block=decoded.block_number,
        block_hash=decoded.block_hash,
        tx_hash=decoded.tx_hash,
        log_index=decoded.log_index,
        timestamp=timestamps.get(decoded.block_number, 0),
    )


def plain(value: Any) -> Any:
    """A decoded value as plain JSON-ready data."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, IntEnum):
        return int(value)
    if isinstance(value, model.AbiRecord):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


_FIELD_NAMES: dict[type[model.AbiRecord], tuple[str, ...]] = {}


def _field_names(cls: type[model.AbiRecord]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return names
