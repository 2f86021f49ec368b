"""Pure decoding of raw logs into named events, driven by a topic table built once from the ABIs.

Decoding uses `eth_abi` directly (much faster than web3's per-log processing). Struct arguments
become the matching `registry.model` records when `records=True`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from registry import model

AbiEntry = Mapping[str, Any]


def canonical_type(param: AbiEntry) -> str:
    """The canonical ABI type of a parameter, expanding tuples: `(bytes32,uint8)[]`."""
    kind: str = param["type"]
    if not kind.startswith("tuple"):
        return kind
    inner = ",".join(canonical_type(c) for c in param["components"])
    return f"({inner}){kind[len('tuple') :]}"


def _record_class(param: AbiEntry) -> type[model.AbiRecord] | None:
    internal = str(param.get("internalType", ""))
    if not internal.startswith("struct "):
        return None
    name = internal.removeprefix("struct ").split(".")[-1].rstrip("[]")
    cls = getattr(model, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, model.AbiRecord) else None


@dataclass(frozen=True)
class _Param:
    name: str
    abi_type: str
    indexed: bool
    record: type[model.AbiRecord] | None
    is_array: bool


@dataclass(frozen=True)
class EventSpec:
    name: str
    signature: str
    topic: bytes
    params: tuple[_Param, ...]

    @property
    def data_types(self) -> list[str]:
        return [p.abi_type for p in self.params if not p.indexed]


@dataclass(frozen=True)
class DecodedEvent:
    """One decoded log with its position on chain."""

    name: str
    address: str
    args: Mapping[str, Any]
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int


def event_spec(entry: AbiEntry) -> EventSpec:
    params = tuple(
        _Param(
            name=p["name"],
            abi_type=canonical_type(p),
            indexed=bool(p.get("indexed")),
            record=_record_class(p),
            is_array=p["type"].endswith("[]"),
        )
        for p in entry["inputs"]
    )
    signature = f"{entry['name']}({','.join(p.abi_type for p in params)})"
    return EventSpec(entry["name"], signature, keccak(text=signature), params)


class EventDecoder:
    """topic0 -> event spec, built once from any number of ABIs."""

    def __init__(self, abis: Iterable[Sequence[AbiEntry]]) -> None:
        self._specs: dict[bytes, EventSpec] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") == "event" and not entry.get("anonymous"):
                    spec = event_spec(entry)
                    self._specs[spec.topic] = spec

    @property
    def specs(self) -> Mapping[bytes, EventSpec]:
        return self._specs

    def topic_of(self, name: str) -> bytes:
        for topic, spec in self._specs.items():
            if spec.name == name:
                return topic
        raise KeyError(name)

    def decode(self, log: Mapping[str, Any], *, records: bool = True) -> DecodedEvent | None:
        """Decode one raw log (as `transactions.RawLog`); None for an event not in the table."""
        topics: Sequence[bytes] = log["topics"]
        if not topics:
            return None
        spec = self._specs.get(bytes(topics[0]))
        if spec is None:
            return None
        values = iter(abi_decode(spec.data_types, bytes(log["data"])))
        indexed = iter(topics[1:])
        args: dict[str, Any] = {}
        for p in spec.params:
            if p.indexed:
                (value,) = abi_decode([p.abi_type], bytes(next(indexed)))
            else:
                value = next(values)
            args[p.name] = _convert(p, value, records)
        return DecodedEvent(
            name=spec.name,
            address=log["address"],
            args=args,
            block_number=log["block_number"],
            block_hash=log["block_hash"],
            tx_hash=log["tx_hash"],
            log_index=log["log_index"],
        )


def _convert(p: _Param, value: Any, records: bool) -> Any:
    if p.abi_type == "address":
        return to_checksum_address(value)
    if records and p.record is not None:
        if p.is_array:
            return tuple(p.record.from_abi(_checksum_tuple(v)) for v in value)
        return p.record.from_abi(_checksum_tuple(value))
    return value


def _checksum_tuple(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        to_checksum_address(v) if isinstance(v, str) and v.startswith("0x") and len(v) == 42 else v
        for v in values
    )
