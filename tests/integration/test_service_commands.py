"""`datarights demo --exit`, `up` and `serve --workers` as a user runs them: processes of their
own on free ports, a temporary data directory, stopped by SIGINT and SIGTERM.

`up` starts on an empty data directory and restarts on what it left there (the chain's state
and the mirror); `serve` runs two workers over a PostgreSQL mirror.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from api.app import create_app
from registry.chain.node import LocalNode, free_port
from registry.cli import app as cli_app
from registry.config import Settings
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    POSTGRES_URL,
    Databases,
    make_indexer,
    postgres_reachable,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATARIGHTS = str(Path(sys.executable).with_name("datarights"))


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any DATARIGHTS_* or metrics setting, plus `settings`."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DATARIGHTS_") and k != "PROMETHEUS_MULTIPROC_DIR"
    }
    return {**kept, **{f"DATARIGHTS_{k.upper()}": v for k, v in settings.items()}}


@dataclass
class DemoRun:
    data_dir: Path
    env: dict[str, str]
    facts: dict[str, Any]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    data_dir = tmp_path_factory.mktemp("demo")
    env = clean_environment(data_dir=str(data_dir), node_port=str(free_port()))
    done = subprocess.run(
        [DATARIGHTS, "--json", "demo", "--exit", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "stopped reason=done" in done.stderr
    return DemoRun(data_dir, env, json.loads(done.stdout))


class Service:
    """A `datarights` server process and its base URL."""

    def __init__(self, args: list[str], env: dict[str, str], port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [DATARIGHTS, *args, "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_healthy(self, *, timeout: float = 90.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()[1][-3000:]
            try:
                health: dict[str, Any] = httpx.get(f"{self.url}/health", timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.2)
                continue
            if health["status"] == "ok":
                return health
            time.sleep(0.2)
        raise AssertionError(f"{self.url} did not become healthy")

    def get(self, path: str, **params: Any) -> Any:
        response = httpx.get(f"{self.url}{path}", params=params, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def stop(self, sig: int) -> tuple[int, str]:
        """Send `sig`; the exit code and the log once the process has ended."""
        self.process.send_signal(sig)
        _, log = self.process.communicate(timeout=60)
        return self.process.returncode, log

    def end(self) -> None:
        """Stop it if a test left it running: politely first, so it stops what it started."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()


@pytest.fixture
def services() -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for service in started:
        service.end()


def start(services: list[Service], args: list[str], env: dict[str, str]) -> Service:
    service = Service(args, env, free_port())
    services.append(service)
    return service


def test_demo_exit_leaves_a_mirror_the_api_shows(demo: DemoRun) -> None:
    facts = demo.facts
    product = facts["congestion_index"]
    settings = Settings(data_dir=demo.data_dir, rpc_url="http://127.0.0.1:1")
    api = TestClient(create_app(settings))
    assert api.get("/health").json()["indexed_block"] == facts["last_block"]
    asset = api.get(f"/assets/{product['registration_number']}").json()
    assert asset["asset"] == product["asset"]
    assert asset["status"] == asset["effective_status"] == product["status_after_ruling"]
    assert product["status_after_ruling"] == "tainted"
    lineage = api.get(f"/assets/{product['asset']}/lineage").json()
    [edge] = lineage["edges"]
    assert edge["input_asset"] == facts["traffic_data"]["asset"]
    assert (edge["auth_kind"], edge["auth_id"]) == ("grant", facts["processing_grant"])
    assert edge["valid_at_derivation"] is True and edge["status_now"] == "revoked"
    dispute = api.get(f"/disputes/{facts['dispute']}").json()
    assert (dispute["status"], dispute["kind"]) == ("upheld", "grant")
    licence = api.get(f"/grants/{facts['licence_grant']}").json()
    assert licence["effective"] is False
    operating = api.get(f"/certificates/{facts['product_certificates']['operating']}").json()
    assert operating["holder"] == facts["seller"] and operating["right"] == "operating"
    with Path(facts["received_file"]).open("rb") as received:
        report = api.post(
            "/verify/upload", params={"seller": facts["seller"]}, files={"file": received}
        ).json()
    assert report["bytes"]["matches"] is True
    assert report["asset"]["derived_status"] == "tainted"
    assert [d["dispute_id"] for d in report["disputes"]] == [facts["dispute"]]
    assert report["seller"]["active"] is False


def test_up_indexes_cli_writes_stops_cleanly_and_restarts(
    tmp_path: Path, services: list[Service]
) -> None:
    env = clean_environment(data_dir=str(tmp_path), node_port=str(free_port()))
    first = start(services, ["up"], env)
    first.wait_healthy()
    assert (tmp_path / "deployments" / "31337.json").is_file()
    newcomer = str(Account.create().address)
    written = CliRunner().invoke(
        cli_app,
        ["--account", "0", "--json", "parties", "admit", newcomer, "--kind", "enterprise",
         "--identity", "unified social credit code 91500000MA0000000X"],
        env=env,
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    block = json.loads(written.stdout)["block"]
    party = first.get(f"/parties/{newcomer}", min_block=block)
    assert party["admitted"] is True and party["kind"] == "enterprise"
    code, log = first.stop(signal.SIGINT)
    assert code == 0, log[-3000:]
    order = [log.index(step) for step in ("api stopped", "indexer stopped", "node stopped")]
    assert order == sorted(order), log[-3000:]

    again = start(services, ["up"], env)
    assert again.wait_healthy()["indexed_block"] >= block
    assert again.get(f"/parties/{newcomer}")["admitted"] is True
    code, log = again.stop(signal.SIGTERM)
    assert code == 0, log[-3000:]
    assert "stopping reason=SIGTERM" in log


def metric_sum(text: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def worker_pids(metrics_dir: Path) -> set[str]:
    """Processes that have counted requests (multiprocess mode keeps a file per process)."""
    return {p.stem.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}


def test_serve_workers_answer_from_several_processes_over_postgresql(
    deployed: Actors, anvil_node: LocalNode, tmp_path: Path, services: list[Service]
) -> None:
    if not postgres_reachable():
        pytest.fail(f"PostgreSQL must answer at {POSTGRES_URL} for the scale-out test")
    databases = Databases("postgresql", tmp_path)
    try:
        url = databases.url()
        make_indexer(databases.engine(url), deployed).catch_up()
        env = clean_environment(
            data_dir=str(tmp_path / "data"), rpc_url=anvil_node.url, database_url=url
        )
        served = start(services, ["serve", "--workers", "2", "--no-access-log"], env)
        served.wait_healthy()
        metrics_dir = tmp_path / "data" / "metrics"
        sent, party = 0, deployed.bureau.account
        # A new connection for every request, so that either worker may accept it.
        client = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0), timeout=10)

        def ask(_: int) -> str:
            response = client.get(f"{served.url}/parties/{party}")
            assert response.status_code == 200, response.text
            return str(response.json()["account"])

        with client, ThreadPoolExecutor(max_workers=8) as pool:
            deadline = time.monotonic() + 60
            while len(worker_pids(metrics_dir)) < 2 and time.monotonic() < deadline:
                answers = list(pool.map(ask, range(16)))
                sent += len(answers)
                assert set(answers) == {party}
        assert len(worker_pids(metrics_dir)) == 2
        page = httpx.get(f"{served.url}/metrics", timeout=10).text
        counted = metric_sum(page, "datarights_http_requests_total", route="/parties/{address}")
        assert counted == sent  # every worker's requests, whichever worker answered the scrape
        code, log = served.stop(signal.SIGINT)
        assert code == 0, log[-3000:]
    finally:
        databases.drop_all()
