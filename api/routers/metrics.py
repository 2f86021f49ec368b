"""`GET /metrics`: Prometheus text format.

Request counts and latencies per route template and status come from a small ASGI middleware
(`instrument`). The mirror's gauges (indexed block, chain head, lag, record counts by status) are
read when Prometheus scrapes, so they cost nothing between scrapes and never go stale.

With several worker processes (`datarights serve --workers N`) the environment variable
`PROMETHEUS_MULTIPROC_DIR` names a directory where every worker keeps its counters; a scrape,
whichever worker answers it, then sums all workers' counters (prometheus_client's multiprocess
mode). Without it, the one process reports its own counters.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from enum import IntEnum

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import MinBlock, indexed_block
from api.identifiers import enum_name
from api.routers.health import chain_head
from api.schemas import Problem
from registry import model
from registry.chain.connect import rpc_url
from registry.config import Settings
from registry.db.tables import AssetRow, CertificateRow, DisputeRow, GrantRow, Versioned, table_of

router = APIRouter(tags=["metrics"], dependencies=[MinBlock])
log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# What the record gauges count: the current version of each record, by status.
_RECORDS: tuple[tuple[str, type[Versioned], type[IntEnum]], ...] = (
    ("asset", AssetRow, model.AssetStatus),
    ("certificate", CertificateRow, model.CertificateStatus),
    ("grant", GrantRow, model.GrantStatus),
    ("dispute", DisputeRow, model.DisputeStatus),
)


class RequestMetrics:
    """The request counter and latency histogram of one app, in the app's own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter(
            "datarights_http_requests",
            "HTTP requests answered, by method, route template and status.",
            labels,
            registry=self.registry,
        )
        self.latency = Histogram(
            "datarights_http_request_duration_seconds",
            "Time from request to the end of the response, by method, route template and status.",
            labels,
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)


class _MetricsMiddleware:
    """Times every HTTP request and labels it with the route template it matched."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless the app starts a response
        started = time.perf_counter()

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # The router records the matched route in the scope it was handed (this one).
            route = getattr(scope.get("route"), "path", UNMATCHED_ROUTE)
            seconds = time.perf_counter() - started
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            self.metrics.observe(method, route, status, seconds)


def instrument(app: FastAPI) -> None:
    """Count and time the app's requests (call before the app starts)."""
    metrics = RequestMetrics()
    app.state.request_metrics = metrics
    app.add_middleware(_MetricsMiddleware, metrics=metrics)


class MirrorCollector(Collector):
    """Gauges read at scrape time: chain head, indexed block, lag and the mirror's records."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        head = self._chain_head()
        reachable = head is not None
        yield _gauge("datarights_chain_reachable", "1 when the chain node answers.", reachable)
        if head is not None:
            yield _gauge("datarights_chain_head_block", "The chain's latest block.", head)
        try:
            indexed = indexed_block(self.engine)
            counts = list(_record_counts(self.engine))
        except SQLAlchemyError as exc:
            log.warning("metrics: database unreachable error=%s", type(exc).__name__)
            yield _gauge("datarights_database_reachable", "1 when the mirror answers.", False)
            return
        yield _gauge("datarights_database_reachable", "1 when the mirror answers.", True)
        if indexed is not None:
            yield _gauge("datarights_indexed_block", "The mirror's checkpoint.", indexed)
        if indexed is not None and head is not None:
            lag = max(head - indexed, 0)
            yield _gauge("datarights_index_lag_blocks", "Chain head minus indexed block.", lag)
        records = GaugeMetricFamily(
            "datarights_mirror_records",
            "Records in the mirror (current versions), by record type and status.",
            labels=["record", "status"],
        )
        for record, status, count in counts:
            records.add_metric([record, status], count)
        yield records

    def _chain_head(self) -> int | None:
        try:
            return chain_head(rpc_url(self.settings))
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
            # The URL may carry an API key: name only the failure, never the endpoint.
            log.warning("metrics: chain unreachable error=%s", type(exc).__name__)
            return None


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


def _record_counts(engine: Engine) -> Iterator[tuple[str, str, int]]:
    with engine.connect() as connection:
        for record, row, statuses in _RECORDS:
            t = table_of(row)
            query = (
                select(t.c.status, func.count()).where(t.c.to_block.is_(None)).group_by(t.c.status)
            )
            found: dict[int, int] = {int(s): int(n) for s, n in connection.execute(query)}
            # Every status appears, zero included, so a series never vanishes from a graph.
            for status in statuses:
                if status.value != 0:
                    yield record, enum_name(statuses, status.value), found.get(status.value, 0)


def page_registry(app: Starlette) -> CollectorRegistry:
    """What a scrape shows: this process's (or all workers') counters and the mirror's gauges."""
    registry = CollectorRegistry()
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Forward(app.state.request_metrics.registry))
    registry.register(MirrorCollector(app.state.settings, app.state.engine))
    return registry


class _Forward(Collector):
    """Another registry's metrics, gathered into the page's registry."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        yield from self.source.collect()


@router.get(
    "/metrics",
    summary="Prometheus metrics: requests, latencies, chain head, indexed block, lag, records",
    description="The Prometheus text format (version 0.0.4 unless the `Accept` header asks for a "
    "newer one, or for OpenMetrics, as Prometheus itself does).",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_PLAIN_0_0_4: {}}, "description": "The metrics."},
        409: {"model": Problem},
    },
)
def metrics(request: Request) -> Response:
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(page_registry(request.app)), headers={"Content-Type": content_type})
