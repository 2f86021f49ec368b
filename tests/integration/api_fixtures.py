"""Fixtures for the API tests: one scenario on anvil per test module, indexed into SQLite and
(when it answers) PostgreSQL, served through FastAPI's TestClient.

Import into a test module with `from tests.integration.api_fixtures import *`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from web3 import Web3

from api.app import create_app
from registry import model
from registry.chain.compiler import ContractArtifact
from registry.config import Settings
from registry.indexer.indexer import Indexer
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.indexer_fixtures import (
    POSTGRES_URL,
    Databases,
    every_event_scenario,
    indexed_block,
    make_indexer,
    postgres_reachable,
)
from tests.integration.scenario import record

EXTRA_ASSETS = 25  # more than one page at the page sizes the tests use


@dataclass
class Scenario:
    actors: Actors
    ids: dict[str, Any]


@dataclass
class Mirror:
    """A running API over an indexed mirror of the module's scenario."""

    api: TestClient
    actors: Actors
    ids: dict[str, Any]
    engine: Engine
    indexer: Indexer
    indexed: int
    settings: Settings


def rpc_endpoint(actors: Actors) -> str:
    return str(actors.admin.w3.provider.endpoint_uri)  # type: ignore[attr-defined]


def hex32(value: bytes) -> str:
    return "0x" + bytes(value).hex()


@pytest.fixture(scope="module")
def api_scenario(w3: Web3, artifacts: dict[str, ContractArtifact]) -> Scenario:
    """A fresh registry with every event, a public dataset and a catalogue of many assets."""
    actors = deploy_actors(w3, artifacts)
    ids = every_event_scenario(actors)
    public = record(category=model.Category.PUBLIC, grade=model.Grade.IMPORTANT, domain=7)
    ids["public"] = actors.bureau.register_resource(public).id
    actors.buyer.register_resources([record(domain=55) for _ in range(EXTRA_ASSETS)])
    return Scenario(actors, ids)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def mirror(
    request: pytest.FixtureRequest,
    api_scenario: Scenario,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Mirror]:
    if request.param == "postgresql" and not postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: PostgreSQL run skipped")
    tmp = tmp_path_factory.mktemp(f"api-{request.param}")
    databases = Databases(request.param, tmp)
    engine = databases.engine()
    indexer = make_indexer(engine, api_scenario.actors)
    indexer.catch_up()
    settings = Settings(data_dir=tmp / "data", rpc_url=rpc_endpoint(api_scenario.actors))
    app = create_app(settings, engine=engine, min_block_wait=0.3)
    with TestClient(app) as api:
        yield Mirror(
            api=api,
            actors=api_scenario.actors,
            ids=api_scenario.ids,
            engine=engine,
            indexer=indexer,
            indexed=indexed_block(engine),
            settings=settings,
        )
    databases.drop_all()


def problem(response: Any, status: int, reason: str) -> dict[str, Any]:
    """Assert a problem+json answer with this status and reason; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["reason"] == reason
    assert body["detail"]
    return body


def walk(api: TestClient, path: str, *, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list, following `next_cursor` to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10_000):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


__all__ = [
    "Mirror",
    "api_scenario",
    "hex32",
    "mirror",
    "problem",
    "rpc_endpoint",
    "walk",
]
