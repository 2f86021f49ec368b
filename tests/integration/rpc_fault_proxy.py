"""A JSON-RPC proxy in front of a node that injects faults, at seeded random rates.

Each HTTP request is forwarded to the node, or answered with one fault: an HTTP 500, a timeout
(the proxy sleeps past the client's timeout), a truncated body (the node's answer cut in half),
or a JSON-RPC error object (an internal error; in a batch, for one of its calls). Like hosted
nodes, it also refuses `eth_getLogs` over more than `max_log_range` blocks with one of the
"too many results" messages providers send. `injected` counts the faults by kind.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

TOO_MANY_RESULTS = (
    "query returned more than 10000 results",
    "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
    "eth_getLogs is limited to a 10,000 block range",
)


@dataclass(frozen=True)
class FaultRates:
    """The chance of each fault per HTTP request, and the widest `eth_getLogs` range served."""

    http_500: float = 0.0
    timeout: float = 0.0
    truncated: float = 0.0
    rpc_error: float = 0.0
    max_log_range: int | None = None

    def kinds(self) -> list[tuple[str, float]]:
        return [
            ("http_500", self.http_500),
            ("timeout", self.timeout),
            ("truncated", self.truncated),
            ("rpc_error", self.rpc_error),
        ]


class RpcFaultProxy:
    """Serves on 127.0.0.1 (a free port) in a background thread while used as a context."""

    def __init__(
        self, upstream: str, rates: FaultRates, *, seed: int, timeout_sleep: float = 1.0
    ) -> None:
        self.upstream = upstream
        self.rates = rates
        self.timeout_sleep = timeout_sleep
        self.injected: Counter[str] = Counter()
        self.forwarded = 0
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------ deciding and answering

    def answer(self, body: bytes) -> tuple[int, bytes, float]:
        """HTTP status, body and a delay before answering, for one request body."""
        request = json.loads(body)
        refusal = self._refuse_wide_range(request)
        if refusal is not None:
            return 200, refusal, 0.0
        fault = self._draw_fault()
        if fault == "http_500":
            return 500, b"internal server error", 0.0
        if fault == "timeout":
            return 504, b"gateway timeout", self.timeout_sleep
        answer = self._forward(body)
        if fault == "truncated":
            return 200, answer[: len(answer) // 2], 0.0
        if fault == "rpc_error":
            return 200, _with_error(request, answer), 0.0
        return 200, answer, 0.0

    def _draw_fault(self) -> str | None:
        with self._lock:
            roll = self._random.random()
            for kind, rate in self.rates.kinds():
                if roll < rate:
                    self.injected[kind] += 1
                    return kind
                roll -= rate
            self.forwarded += 1
            return None

    def _refuse_wide_range(self, request: Any) -> bytes | None:
        widest = self.rates.max_log_range
        if widest is None or not isinstance(request, dict):
            return None
        if request.get("method") != "eth_getLogs":
            return None
        log_filter = request["params"][0]
        span = int(log_filter["toBlock"], 16) - int(log_filter["fromBlock"], 16) + 1
        if span <= widest:
            return None
        with self._lock:
            self.injected["too_many_results"] += 1
            message = TOO_MANY_RESULTS[self.injected["too_many_results"] % len(TOO_MANY_RESULTS)]
        error = {"code": -32005, "message": message}
        return json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "error": error}).encode()

    def _forward(self, body: bytes) -> bytes:
        request = urllib.request.Request(
            self.upstream, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return bytes(response.read())


def _with_error(request: Any, answer: bytes) -> bytes:
    """The node's answer with an internal error in place of the result (for a batch, of its
    first call)."""
    error = {"code": -32603, "message": "internal error: upstream node unavailable"}
    if isinstance(request, dict):
        return json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "error": error}).encode()
    items = json.loads(answer)
    items[0] = {"jsonrpc": "2.0", "id": items[0].get("id"), "error": error}
    return json.dumps(items).encode()


def _handler_for(proxy: RpcFaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # the client's delayed ACK hold every answer back for tens of milliseconds.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer, delay = proxy.answer(body)
            if delay:
                time.sleep(delay)  # the client has given up by now
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test counts what happened."""

    return Handler
