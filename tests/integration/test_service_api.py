"""`/metrics` and `/events/stream` over a real chain, indexer and database (SQLite and PostgreSQL).

The event stream is read from a real uvicorn server (the service's `ApiServer`, in a thread):
an endless response is what it is for, and only a real server shows how it ends.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, func, select
from web3 import Web3

from api.app import create_app
from registry import model
from registry.chain.compiler import ContractArtifact
from registry.config import Settings
from registry.db.tables import AssetRow, table_of
from registry.indexer.indexer import Indexer
from registry.service.api import ApiServer
from tests.integration.api_fixtures import problem, rpc_endpoint
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.indexer_fixtures import *  # noqa: F403
from tests.integration.indexer_fixtures import Databases, make_indexer
from tests.integration.scenario import record

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def registry(w3: Web3, artifacts: dict[str, ContractArtifact]) -> Actors:
    """A registry of this module's own, so its mirrors hold only this module's events."""
    return deploy_actors(w3, artifacts)


@dataclass
class Mirror:
    settings: Settings
    engine: Engine
    indexer: Indexer


@pytest.fixture
def mirror(databases: Databases, registry: Actors, tmp_path: Path) -> Mirror:
    url = databases.url()
    engine = databases.engine(url)
    indexer = make_indexer(engine, registry)
    indexer.catch_up()
    settings = Settings(data_dir=tmp_path, rpc_url=rpc_endpoint(registry), database_url=url)
    return Mirror(settings, engine, indexer)


def checkpoint(indexer: Indexer) -> int:
    state = indexer.state()
    assert state is not None
    return state.last_block


# ---------------------------------------------------------------- /metrics


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the metrics page, parsed by prometheus_client's own parser."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_counted(page: dict[Any, float], route: str, status: str) -> float:
    labels = frozenset({"method": "GET", "route": route, "status": status}.items())
    return page.get(("datarights_http_requests_total", labels), 0.0)


def test_metrics_report_the_mirror_and_count_requests(mirror: Mirror, registry: Actors) -> None:
    registry.bureau.register_resource(record(category=model.Category.PUBLIC))
    mirror.indexer.catch_up()
    client = TestClient(create_app(mirror.settings, engine=mirror.engine))
    first = scrape(client)
    indexed = checkpoint(mirror.indexer)
    head = registry.admin.w3.eth.block_number
    assert first[("datarights_indexed_block", frozenset())] == indexed
    assert first[("datarights_chain_head_block", frozenset())] == head
    assert first[("datarights_index_lag_blocks", frozenset())] == head - indexed
    assert first[("datarights_chain_reachable", frozenset())] == 1
    with mirror.engine.connect() as connection:
        t = table_of(AssetRow)
        active = connection.scalar(
            select(func.count()).where(t.c.to_block.is_(None), t.c.status == 1)
        )
    assets = frozenset({"record": "asset", "status": "active"}.items())
    assert first[("datarights_mirror_records", assets)] == active >= 1
    upheld = frozenset({"record": "dispute", "status": "upheld"}.items())
    assert first[("datarights_mirror_records", upheld)] == 0

    for _ in range(3):
        assert client.get("/health").json()["status"] == "ok"
    problem(client.get(f"/assets/0x{'00' * 32}"), 404, "not-found")
    second = scrape(client)
    health_before = requests_counted(first, "/health", "200")
    assert requests_counted(second, "/health", "200") == health_before + 3
    assert requests_counted(second, "/assets/{asset}", "404") == 1
    scrapes = requests_counted(first, "/metrics", "200")
    assert requests_counted(second, "/metrics", "200") == scrapes + 1
    latency = frozenset({"method": "GET", "route": "/health", "status": "200"}.items())
    assert second[("datarights_http_request_duration_seconds_count", latency)] == 3 + health_before


def test_metrics_without_a_chain_still_answer_and_wait_for_min_block(mirror: Mirror) -> None:
    settings = mirror.settings.model_copy(update={"rpc_url": "http://127.0.0.1:1"})
    client = TestClient(create_app(settings, engine=mirror.engine, min_block_wait=0.1))
    page = scrape(client)
    assert page[("datarights_chain_reachable", frozenset())] == 0
    assert ("datarights_chain_head_block", frozenset()) not in page
    assert page[("datarights_indexed_block", frozenset())] == checkpoint(mirror.indexer)
    ahead = checkpoint(mirror.indexer) + 1000
    late = problem(client.get("/metrics", params={"min_block": ahead}), 409, "not-indexed-yet")
    assert late["indexed_block"] == checkpoint(mirror.indexer)


# ---------------------------------------------------------------- /events/stream


@dataclass
class Sse:
    event: str
    data: Any
    id: str | None


class Stream:
    """A client of the event stream on a live server, read event by event."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self._context = httpx.stream("GET", url, timeout=15.0, **kwargs)
        self.response = self._context.__enter__()
        self._lines = self.response.iter_lines()

    def next(self) -> Sse:
        fields: dict[str, str] = {}
        for line in self._lines:
            if line.startswith(":"):
                continue
            if line == "":
                if "event" in fields:
                    data = json.loads(fields["data"])
                    return Sse(fields["event"], data, fields.get("id"))
                fields = {}
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        raise EOFError("the stream ended")

    def until(self, event: str, **data: Any) -> list[Sse]:
        """Events up to and including the first `event` whose data has `data`'s values."""
        seen = []
        while True:
            found = self.next()
            seen.append(found)
            if found.event == event and all(found.data.get(k) == v for k, v in data.items()):
                return seen

    def close(self) -> None:
        self._context.__exit__(None, None, None)


@pytest.fixture
def server(mirror: Mirror) -> Iterator[ApiServer]:
    api = ApiServer(mirror.settings, host="127.0.0.1", port=0).start()
    yield api
    api.stop()


def admit(registry: Actors) -> tuple[str, Any]:
    """Admit a new party (a fresh account each time): one PartyAdmitted event."""
    account = str(Account.create().address)
    return account, registry.admin.admit_party(account, model.PartyKind.ENTERPRISE, b"\x07" * 32)


def test_stream_delivers_new_events_and_resumes_without_repeats(
    mirror: Mirror, server: ApiServer, registry: Actors
) -> None:
    opened = checkpoint(mirror.indexer)
    stream = Stream(f"{server.url}/events/stream")
    assert stream.response.headers["content-type"].startswith("text/event-stream")
    assert stream.next() == Sse("indexed", {"block": opened}, None)

    account, written = admit(registry)  # after the stream opened
    mirror.indexer.catch_up()
    seen = stream.until("indexed", block=written.block_number)
    stream.close()
    events = [e for e in seen if e.event != "indexed"]
    assert [e.event for e in events] == ["PartyAdmitted"]
    admitted = events[0]
    assert admitted.id == f"{written.block_number}:{admitted.data['log_index']}"
    assert admitted.data["block"] == written.block_number
    assert admitted.data["tx_hash"] == written.tx_hash
    assert admitted.data["args"]["account"] == account

    _, later = admit(registry)  # while nobody listens
    mirror.indexer.catch_up()
    resumed = Stream(f"{server.url}/events/stream", headers={"Last-Event-ID": str(admitted.id)})
    again = [e for e in resumed.until("indexed", block=later.block_number) if e.event != "indexed"]
    resumed.close()
    assert [(e.event, e.data["tx_hash"]) for e in again] == [("PartyAdmitted", later.tx_hash)]

    replay = Stream(f"{server.url}/events/stream?since_block={written.block_number}")
    both = [e for e in replay.until("indexed", block=later.block_number) if e.event != "indexed"]
    replay.close()
    assert [e.data["tx_hash"] for e in both] == [written.tx_hash, later.tx_hash]


def test_stream_filters_by_event_name_and_asset(
    mirror: Mirror, server: ApiServer, registry: Actors
) -> None:
    start = registry.admin.w3.eth.block_number + 1
    first = registry.bureau.register_resource(record())
    second = registry.bureau.register_resource(record())
    admit(registry)
    mirror.indexer.catch_up()
    end = checkpoint(mirror.indexer)
    url = f"{server.url}/events/stream?since_block={start}"
    by_name = Stream(url + "&event=PartyAdmitted,AssetRegistered")
    names = [e.event for e in by_name.until("indexed", block=end) if e.event != "indexed"]
    by_name.close()
    assert names == ["AssetRegistered", "AssetRegistered", "PartyAdmitted"]
    by_asset = Stream(url + f"&asset=0x{second.id.hex()}")
    about = [e for e in by_asset.until("indexed", block=end) if e.event != "indexed"]
    by_asset.close()
    assert {e.data["tx_hash"] for e in about} == {second.result.tx_hash}
    assert first.result.tx_hash not in {e.data["tx_hash"] for e in about}


def test_stream_refuses_bad_input(server: ApiServer) -> None:
    base = f"{server.url}/events/stream"
    problem(httpx.get(base, headers={"Last-Event-ID": "yesterday"}), 400, "bad-request")
    problem(httpx.get(base, params={"event": "drop table"}), 400, "bad-request")
    problem(httpx.get(base, params={"asset": f"0x{'ab' * 32}"}), 404, "not-found")
    problem(httpx.get(base, params={"since_block": "-1"}), 422, "invalid-request")


def test_open_streams_end_cleanly_when_the_server_stops(mirror: Mirror) -> None:
    api = ApiServer(mirror.settings, host="127.0.0.1", port=0).start()
    stream = Stream(f"{api.url}/events/stream")
    assert stream.next().event == "indexed"
    stopper = threading.Thread(target=api.stop)
    started = time.monotonic()
    stopper.start()
    with pytest.raises(EOFError):  # the response ends: no protocol error, no hang
        stream.next()
    stopper.join()
    stream.close()
    # Well within the graceful-shutdown timeout that would otherwise cut the stream off.
    assert time.monotonic() - started < 3.0
