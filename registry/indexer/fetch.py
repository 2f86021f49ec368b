"""Fetching from the node: raw JSON-RPC, block headers, and logs in block ranges that adapt.

The range grows after a success with few logs and shrinks when the node refuses a range (too many
results, range too wide) or answers with far more logs than a batch should hold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint

from registry.chain.transactions import RpcError
from registry.errors import ChainError, ConfigurationError

logger = logging.getLogger(__name__)

_RANGE_ERROR_MARKERS = ("too many", "range", "limit", "exceed", "response size", "too large")


class JsonRpc:
    """Plain JSON-RPC calls through a Web3 provider, without web3's result formatting."""

    def __init__(self, w3: Web3) -> None:
        if not isinstance(w3.provider, JSONBaseProvider):
            raise ConfigurationError("the indexer needs a JSON-RPC provider (HTTP)")
        self._provider: JSONBaseProvider = w3.provider

    def call(self, method: str, params: list[Any]) -> Any:
        response = self._provider.make_request(RPCEndpoint(method), params)
        if "error" in response:
            raise RpcError(method, response["error"])
        return response["result"]

    def batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        if not calls:
            return []
        answer = self._provider.make_batch_request([(RPCEndpoint(m), p) for m, p in calls])
        if not isinstance(answer, list) or len(answer) != len(calls):
            raise ChainError(f"malformed batch response to {len(calls)} calls")
        by_id = sorted(answer, key=lambda item: int(str(item.get("id"))))
        for (method, _), item in zip(calls, by_id, strict=True):
            if "error" in item:
                raise RpcError(method, item["error"])
        return [item["result"] for item in by_id]


@dataclass(frozen=True)
class BlockHeader:
    number: int
    hash: str
    parent_hash: str
    timestamp: int


def headers(rpc: JsonRpc, numbers: Iterable[int]) -> dict[int, BlockHeader]:
    """Headers of `numbers` in one batch request; a missing block raises `ChainError`."""
    wanted = sorted(set(numbers))
    found = rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in wanted])
    result: dict[int, BlockHeader] = {}
    for number, block in zip(wanted, found, strict=True):
        if block is None:
            raise ChainError(f"the node has no block {number}")
        result[number] = _header(block)
    return result


def head_number(rpc: JsonRpc) -> int:
    return int(rpc.call("eth_blockNumber", []), 16)


def _header(block: Mapping[str, Any]) -> BlockHeader:
    return BlockHeader(
        number=int(block["number"], 16),
        hash=str(block["hash"]),
        parent_hash=str(block["parentHash"]),
        timestamp=int(block["timestamp"], 16),
    )


class LogFetcher:
    """`eth_getLogs` over the registry's addresses in adaptive block ranges."""

    def __init__(
        self,
        rpc: JsonRpc,
        addresses: Sequence[str],
        *,
        span: int = 500,
        max_span: int = 20_000,
        target_logs: int = 5_000,
    ) -> None:
        self.rpc = rpc
        self.addresses = [a.lower() for a in addresses]
        self.span = max(1, min(span, max_span))
        self.max_span = max_span
        self.target_logs = target_logs
        # A batch holds at most this many logs (unless one block has more): memory stays flat.
        self.max_logs = 2 * target_logs

    def fetch(self, start: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """Logs of blocks `start..end` with `end <= limit` as large as the node allows."""
        while True:
            end = min(start + self.span - 1, limit)
            try:
                logs: list[dict[str, Any]] = self.rpc.call(
                    "eth_getLogs", [self._filter(start, end)]
                )
            except RpcError as exc:
                if self.span == 1 or not _is_range_error(exc):
                    raise
                self.span = max(1, self.span // 2)
                logger.info("log range shrunk span=%d reason=%s", self.span, exc.message)
                continue
            self._adapt(len(logs), end - start + 1)
            return end, logs

    def _filter(self, start: int, end: int) -> dict[str, Any]:
        return {"fromBlock": hex(start), "toBlock": hex(end), "address": self.addresses}

    def _adapt(self, n_logs: int, n_blocks: int) -> None:
        if n_logs > self.max_logs and self.span > 1:
            # Straight to the span that would have held about `target_logs` logs.
            self.span = max(1, min(self.span // 2, n_blocks * self.target_logs // n_logs))
        elif n_logs < self.target_logs and n_blocks >= self.span:
            self.span = min(self.max_span, self.span * 2)


def cut(logs: list[dict[str, Any]], end: int, max_logs: int) -> int:
    """The last block of a batch of at most `max_logs` of `logs` (blocks `..end`), whole blocks.

    `end` when the logs fit; otherwise the block before the one holding log number `max_logs`
    (a single block with more logs than that is kept whole).
    """
    if len(logs) <= max_logs:
        return end
    first = int(logs[0]["blockNumber"], 16)
    over = int(logs[max_logs]["blockNumber"], 16)
    return over - 1 if over > first else over


def _is_range_error(exc: RpcError) -> bool:
    message = exc.message.lower()
    return any(marker in message for marker in _RANGE_ERROR_MARKERS)
