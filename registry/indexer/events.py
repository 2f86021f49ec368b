"""From a raw JSON-RPC log to a plain `Event`: decoded, with JSON-ready argument values.

Byte strings become 0x-prefixed lowercase hex, enums plain ints, struct arguments dicts keyed by
the `registry.model` field names (`record["content_hash"]`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address

from registry import model
from registry.chain.transactions import RawLog
from registry.events.decoder import EventDecoder, EventSpec, _Param

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
    """The event of one JSON-RPC log, or None for a log the registry ABIs do not describe.

    The same values as `decoder.decode(raw_log(log))` passed through `plain`, computed without
    the detour through `registry.model` records: a struct argument goes straight from its ABI
    tuple to a dict keyed by the record's field names, and checksummed addresses are cached.
    """
    topics: list[str] = log["topics"]
    if not topics:
        return None
    plan = _plan(decoder, topics[0])
    if plan is None:
        return None
    block = int(log["blockNumber"], 16)
    return Event(
        name=plan.name,
        address=str(log["address"]).lower(),
        args=plan.args(topics, log["data"]),
        block=block,
        block_hash=str(log["blockHash"]),
        tx_hash=str(log["transactionHash"]),
        log_index=int(log["logIndex"], 16),
        timestamp=timestamps.get(block, 0),
    )


@lru_cache(maxsize=65_536)
def _checksum(address: str) -> str:
    return to_checksum_address(address)


def _is_address(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("0x") and len(value) == 42


_Convert = Callable[[Any], Any]


def _record_converter(cls: type[model.AbiRecord]) -> _Convert:
    """ABI tuple -> the dict `plain(cls.from_abi(tuple))` gives, enum values checked alike."""
    names = _field_names(cls)
    enums = [_enum_type(str(f.type)) for f in fields(cls)]  # type: ignore[arg-type]
    columns = list(zip(names, enums, strict=True))

    def convert(values: Sequence[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for (name, enum), value in zip(columns, values, strict=True):
            if enum is not None:
                out[name] = int(enum(value))
            elif _is_address(value):
                out[name] = _checksum(value)
            else:
                out[name] = plain(value)
        return out

    return convert


def _enum_type(annotation: str) -> type[IntEnum] | None:
    kind = getattr(model, annotation, None)
    return kind if isinstance(kind, type) and issubclass(kind, IntEnum) else None


def _param_converter(p: _Param) -> _Convert:
    if p.abi_type == "address":
        return _checksum
    record = p.record
    if record is not None:
        one = _record_converter(record)
        if p.is_array:
            return lambda values: [one(v) for v in values]
        return one
    return plain


_STATIC_TOPIC_TYPES = re.compile(r"^(address|bool|u?int\d*|bytes\d+)$")


class _Plan:
    """How to decode one event: its data types, its topic types and a converter per argument."""

    def __init__(self, spec: EventSpec) -> None:
        self.name = spec.name
        self.data_types = spec.data_types
        self.topic_types = [p.abi_type for p in spec.params if p.indexed]
        # Static indexed values decode in one call over the concatenated topics.
        self.joined_topics = all(_STATIC_TOPIC_TYPES.match(t) for t in self.topic_types)
        self.params = [(p.name, p.indexed, _param_converter(p)) for p in spec.params]

    def args(self, topics: Sequence[str], data: str) -> Args:
        values = iter(abi_decode(self.data_types, bytes.fromhex(data[2:])))
        indexed = iter(self._topics(topics[1:]))
        return {
            name: convert(next(indexed) if is_indexed else next(values))
            for name, is_indexed, convert in self.params
        }

    def _topics(self, topics: Sequence[str]) -> Sequence[Any]:
        if not self.topic_types:
            return ()
        if self.joined_topics:
            joined = bytes.fromhex("".join(t[2:] for t in topics))
            return abi_decode(self.topic_types, joined)
        return [
            abi_decode([kind], bytes.fromhex(t[2:]))[0]
            for kind, t in zip(self.topic_types, topics, strict=True)
        ]


_PLANS: WeakKeyDictionary[EventDecoder, dict[str, _Plan | None]] = WeakKeyDictionary()


def _plan(decoder: EventDecoder, topic0: str) -> _Plan | None:
    plans = _PLANS.get(decoder)
    if plans is None:
        plans = _PLANS[decoder] = {}
    if topic0 not in plans:
        spec = decoder.specs.get(bytes.fromhex(topic0[2:]))
        plans[topic0] = None if spec is None else _Plan(spec)
    return plans[topic0]


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
