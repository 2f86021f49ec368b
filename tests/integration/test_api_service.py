"""Disputes, evidence, health, read-your-writes (`min_block`) and the OpenAPI document."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from api.app import create_app
from registry.config import Settings
from tests.integration.api_fixtures import *  # noqa: F403
from tests.integration.api_fixtures import Mirror, hex32, problem, walk
from tests.integration.scenario import h


def test_disputes_match_the_chain(mirror: Mirror) -> None:
    admin, ids = mirror.actors.admin, mirror.ids
    expected = {ids["dismissed_dispute"]: "dismissed", ids["upheld_dispute"]: "upheld"}
    for dispute_id, status in expected.items():
        body = mirror.api.get(f"/disputes/{dispute_id}").json()
        chain = admin.dispute(dispute_id)
        assert body["status"] == chain.status.name.lower() == status
        assert body["claimant"] == chain.claimant == mirror.actors.other.account
        assert body["arbitrator"] == chain.arbitrator == mirror.actors.arbitrator.account
        assert body["kind"] == chain.kind.name.lower()
        assert body["subject"] == hex32(chain.subject)
        assert body["decision_hash"] is not None
    dismissed = mirror.api.get(f"/disputes/{ids['dismissed_dispute']}").json()
    assert [e["evidence_hash"] for e in dismissed["evidence"]] == [hex32(h("more"))]
    assert dismissed["asset"] == hex32(ids["asset2"])


def test_dispute_lists_filter_and_paginate(mirror: Mirror) -> None:
    ids, api = mirror.ids, mirror.api
    everything = walk(api, "/disputes", limit=1)
    both = [ids["dismissed_dispute"], ids["upheld_dispute"]]
    assert [d["dispute_id"] for d in everything] == both
    upheld = walk(api, "/disputes", limit=5, status="upheld")
    assert [d["dispute_id"] for d in upheld] == [ids["upheld_dispute"]]
    on_asset2 = walk(api, "/disputes", limit=5, asset=hex32(ids["asset2"]))
    assert [d["dispute_id"] for d in on_asset2] == [ids["dismissed_dispute"]]
    assert walk(api, "/disputes", limit=5, party=mirror.actors.other.account) == everything
    problem(api.get("/disputes/77"), 404, "not-found")


def test_evidence_anchors_and_batches(mirror: Mirror) -> None:
    admin, api = mirror.actors.admin, mirror.api
    document = h("registration file")
    body = api.get(f"/evidence/{hex32(document)}").json()
    chain = admin.anchor_of(document)
    assert body["submitter"] == chain.submitter == mirror.actors.bureau.account
    assert body["anchored_at"] == chain.anchored_at
    assert body["evidence_type"] == "registration-material"
    assert body["subject"] == hex32(mirror.ids["asset"])
    assert body["uri"] == "https://example.org/doc"
    root = h("batch root")
    batch = api.get(f"/evidence/batches/{hex32(root)}").json()
    assert batch["count"] == admin.batch_of(root).count == 12
    assert batch["submitter"] == mirror.actors.reviewer.account
    about = walk(api, "/evidence", limit=1, subject=hex32(mirror.ids["asset"]))
    assert [a["document_hash"] for a in about] == [hex32(document)]
    assert [b["root"] for b in walk(api, "/evidence/batches", limit=1)] == [hex32(root)]
    problem(api.get(f"/evidence/{hex32(h('never anchored'))}"), 404, "not-found")
    problem(api.get(f"/evidence/batches/{hex32(h('no batch'))}"), 404, "not-found")
    problem(api.get("/evidence/0xabc"), 400, "bad-request")


def test_health_reports_head_indexed_block_and_lag(mirror: Mirror) -> None:
    body = mirror.api.get("/health").json()
    head = mirror.actors.admin.w3.eth.block_number
    assert body["chain"] == "reachable"
    assert body["chain_head"] == head
    assert body["indexed_block"] == mirror.indexed
    assert body["lag"] == head - mirror.indexed
    assert body["status"] == "ok"


def test_health_says_so_when_the_chain_is_down(mirror: Mirror) -> None:
    settings = Settings(data_dir=mirror.settings.data_dir, rpc_url="http://127.0.0.1:9")
    with TestClient(create_app(settings, engine=mirror.engine)) as api:
        response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["chain"], body["chain_head"]) == ("degraded", "unreachable", None)
    assert body["indexed_block"] == mirror.indexed
    assert "chain unreachable" in body["detail"]


def test_min_block_beyond_the_checkpoint_is_409_naming_the_indexed_block(mirror: Mirror) -> None:
    paths = [
        f"/assets/{hex32(mirror.ids['asset'])}",
        "/assets",
        f"/certificates/{mirror.ids['holding']}",
        "/grants",
        f"/parties/{mirror.actors.bureau.account}",
        "/disputes",
        "/evidence",
    ]
    for path in paths:
        ok = mirror.api.get(path, params={"min_block": mirror.indexed})
        assert ok.status_code == 200, (path, ok.text)
        started = time.monotonic()
        late = mirror.api.get(path, params={"min_block": mirror.indexed + 1000})
        assert time.monotonic() - started >= 0.25  # it waited for the indexer first
        body = problem(late, 409, "not-indexed-yet")
        assert body["indexed_block"] == mirror.indexed
        assert str(mirror.indexed) in body["detail"]


def test_min_block_waits_for_the_indexer(mirror: Mirror) -> None:
    w3 = mirror.actors.admin.w3
    target = mirror.indexed + 1
    if w3.eth.block_number < target:
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    slow = create_app(mirror.settings, engine=mirror.engine, min_block_wait=5.0)
    indexing = threading.Timer(0.3, mirror.indexer.catch_up)
    indexing.start()
    try:
        with TestClient(slow) as api:
            response = api.get("/assets", params={"min_block": target, "limit": 1})
    finally:
        indexing.join()
    assert response.status_code == 200, response.text
    mirror.indexed = mirror.api.get("/health").json()["indexed_block"]
    assert mirror.indexed >= target


def test_unknown_route_is_a_problem(mirror: Mirror) -> None:
    problem(mirror.api.get("/nothing-here"), 404, "not-found")


def test_openapi_lists_every_route(mirror: Mirror) -> None:
    schema = mirror.api.get("/openapi.json").json()
    assert schema["info"]["title"] == "Data rights registry"
    expected = {
        "/assets", "/assets/{asset}", "/certificates", "/certificates/{certificate_id}",
        "/grants", "/grants/{grant_id}", "/parties/{address}", "/disputes",
        "/disputes/{dispute_id}", "/evidence", "/evidence/{document_hash}",
        "/evidence/batches", "/evidence/batches/{root}", "/health",
        "/assets/{asset}/lineage", "/assets/{asset}/history", "/verify", "/verify/upload",
        "/policy", "/search", "/catalog", "/certificates/{certificate_id}/credential",
        "/grants/{grant_id}/odrl", "/contexts/{name}", "/metrics", "/events/stream",
    }
    assert set(schema["paths"]) == expected
    for path, methods in schema["paths"].items():
        if path != "/health" and "get" in methods:
            names = {p["name"] for p in methods["get"]["parameters"]}
            assert "min_block" in names, path
    assert {t["name"] for t in schema["tags"]} >= {"assets", "grants", "health"}
    assert "examples" in schema["components"]["schemas"]["AssetSummary"]
