"""Fetching from the node: raw JSON-RPC, block headers, and logs in block ranges that adapt.

The range grows after a success with few logs and shrinks when the node refuses a range (too many
results, range too wide) or answers with far more logs than a batch should hold.

Every call is a read, so a transient failure (an HTTP error status, a timeout, a dropped
connection, a truncated or malformed body, a node's internal or rate-limit error) is retried
with exponential backoff; only when the retries run out does the error reach the indexer loop.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from web3 import Web3
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint

from registry.chain.transactions import RpcError
from registry.errors import ChainError, ConfigurationError

logger = logging.getLogger(__name__)

_RANGE_ERROR_MARKERS = (
    "too many",
    "range",
    "limit",
    "exceed",
    "response size",
    "too large",
    "returned more than",
)
# JSON-RPC error codes a node answers for a passing condition: internal and generic server errors
# (a node behind a load balancer that has not seen a block yet), limits and rate limits.
_TRANSIENT_RPC_CODES = frozenset({-32603, -32000, -32002, -32005, 429})
T = TypeVar("T")


class MalformedResponseError(ChainError):
    """The node's answer is not a well-formed JSON-RPC response (for example, cut short)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how patiently, a transient failure is retried."""

    attempts: int = 8
    first_delay: float = 0.05
    max_delay: float = 2.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay, self.first_delay * 2**attempt))


class JsonRpc:
    """Plain JSON-RPC calls through a Web3 provider, without web3's result formatting, retried
    with backoff on transient failures."""

    def __init__(self, w3: Web3, *, retry: RetryPolicy | None = None) -> None:
        if not isinstance(w3.provider, JSONBaseProvider):
            raise ConfigurationError("the indexer needs a JSON-RPC provider (HTTP)")
        self._provider: JSONBaseProvider = w3.provider
        self.retry = retry or RetryPolicy()
        self.retried = 0

    def call(self, method: str, params: list[Any]) -> Any:
        return self._retrying(method, lambda: self._call_once(method, params))

    def batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        if not calls:
            return []
        return self._retrying(f"batch of {len(calls)}", lambda: self._batch_once(calls))

    def _call_once(self, method: str, params: list[Any]) -> Any:
        response = self._provider.make_request(RPCEndpoint(method), params)
        if "error" in response:
            raise RpcError(method, response["error"])
        if "result" not in response:
            raise MalformedResponseError(f"{method}: a response without result or error")
        return response["result"]

    def _batch_once(self, calls: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        answer = self._provider.make_batch_request([(RPCEndpoint(m), p) for m, p in calls])
        if not isinstance(answer, list) or len(answer) != len(calls):
            error = answer.get("error") if isinstance(answer, dict) else None
            if isinstance(error, dict):
                raise RpcError(calls[0][0], error)
            raise MalformedResponseError(f"malformed batch response to {len(calls)} calls")
        by_id = sorted(answer, key=lambda item: int(str(item.get("id"))))
        for (method, _), item in zip(calls, by_id, strict=True):
            if "error" in item:
                raise RpcError(method, item["error"])
            if "result" not in item:
                raise MalformedResponseError(f"{method}: a response without result or error")
        return [item["result"] for item in by_id]

    def _retrying(self, what: str, attempt: Callable[[], T]) -> T:
        for n in range(self.retry.attempts):
            try:
                return attempt()
            except (requests.RequestException, json.JSONDecodeError, ChainError) as exc:
                if not is_transient(exc) or n == self.retry.attempts - 1:
                    raise
                delay = self.retry.delay(n)
                self.retried += 1
                logger.warning(
                    "rpc retry call=%s attempt=%d delay=%.2f reason=%s",
                    what,
                    n + 1,
                    delay,
                    _reason(exc),
                )
                time.sleep(delay)
        raise AssertionError("unreachable")


def is_transient(exc: Exception) -> bool:
    """Whether retrying the same read may succeed: the node or the network failed this time."""
    if isinstance(exc, RpcError):
        return exc.code in _TRANSIENT_RPC_CODES and not _is_range_error(exc)
    return isinstance(
        exc, requests.RequestException | json.JSONDecodeError | MalformedResponseError
    )


def _reason(exc: Exception) -> str:
    """A short cause for the log, never a response body nor the node's URL (which may carry an
    access key)."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON at character {exc.pos}"
    if isinstance(exc, RpcError | MalformedResponseError):
        return str(exc)[:160]
    return type(exc).__name__


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
