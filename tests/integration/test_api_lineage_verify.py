"""Lineage, the arbitrator's timeline, buyers' verification and the policy through the API, over
an indexed supply chain of real files (see provenance_fixtures)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from prov.model import ProvDocument
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from web3 import Web3

from api.app import create_app
from api.routers.verify import UploadTooLarge, _hash_file_part
from registry import model
from registry.chain.compiler import ContractArtifact
from registry.commitments import leaf_hash, proof_to_json, record_proof
from registry.config import Settings
from registry.lineage import Direction, trace
from registry.verify import provenance_report
from tests.integration.api_fixtures import problem, rpc_endpoint, walk
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.indexer_fixtures import POSTGRES_URL, Databases, postgres_reachable
from tests.integration.provenance_fixtures import (
    SupplyChain,
    build_supply_chain,
    indexed_mirror,
    uphold_dispute_on_grant,
)

pytestmark = pytest.mark.integration


@dataclass
class Served:
    api: TestClient
    app: Any
    actors: Actors
    chain: SupplyChain
    engine: Engine
    dispute: int
    tmp: Path


@dataclass
class Supply:
    actors: Actors
    chain: SupplyChain
    dispute: int
    tmp: Path


@pytest.fixture(scope="module")
def supply(
    w3: Web3, artifacts: dict[str, ContractArtifact], tmp_path_factory: pytest.TempPathFactory
) -> Supply:
    """The supply chain on a fresh registry, with G1 revoked by an upheld dispute."""
    tmp = tmp_path_factory.mktemp("api-lineage")
    actors = deploy_actors(w3, artifacts)
    actors.admin.set_domain_restricted(13, True)
    actors.admin.set_category_restricted(model.Category.PERSONAL, True)
    chain = build_supply_chain(actors, tmp)
    dispute, _ = uphold_dispute_on_grant(actors, chain.grants["G1"])
    return Supply(actors, chain, dispute, tmp)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, supply: Supply) -> Iterator[Served]:
    if request.param == "postgresql" and not postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: PostgreSQL run skipped")
    tmp = supply.tmp / request.param
    tmp.mkdir()
    databases = Databases(request.param, tmp)
    engine = indexed_mirror(supply.actors, databases)
    settings = Settings(data_dir=tmp / "data", rpc_url=rpc_endpoint(supply.actors))
    app = create_app(settings, engine=engine, min_block_wait=0.3)
    with TestClient(app) as api:
        yield Served(api, app, supply.actors, supply.chain, engine, supply.dispute, tmp)
    databases.drop_all()


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def test_lineage_equalsTheTrace_upDownAndBoth(served: Served) -> None:
    chain, api = served.chain, served.api
    directions: tuple[Direction, ...] = ("up", "down", "both")
    for direction in directions:
        for name in ("P1", "P2", "R"):
            with Session(served.engine) as session:
                graph = trace(session, chain.key(name), direction=direction, depth=10)
            body = api.get(
                f"/assets/{chain.key(name)}/lineage", params={"direction": direction}
            ).json()
            assert body["nodes"] == _plain([asdict(n) for n in graph.nodes])
            assert body["edges"] == _plain([asdict(e) for e in graph.edges])
    body = api.get(f"/assets/{chain.key('P2')}/lineage", params={"direction": "up"}).json()
    assert {n["asset"] for n in body["nodes"]} == {chain.key(n) for n in ("R", "S", "P1", "P2")}
    g1 = next(e for e in body["edges"] if e["auth_id"] == chain.grants["G1"])
    # G1 was effective when P1 was derived, and revoked by the upheld dispute since.
    assert g1["valid_at_derivation"] is True and g1["status_now"] != "effective"
    derivation = chain.derived["P1"]
    assert g1["derived"]["tx_hash"].removeprefix("0x") == derivation.tx_hash.removeprefix("0x")
    assert g1["derived"]["block"] == derivation.block_number
    shallow = api.get(f"/assets/{chain.key('P2')}/lineage", params={"depth": 1}).json()
    assert {n["depth"] for n in shallow["nodes"]} == {0, 1}
    number = body["nodes"][-1]["registration_number"]
    by_number = api.get(f"/assets/{number}/lineage", params={"direction": "both"}).json()
    assert by_number["root"] == body["nodes"][-1]["asset"]


def test_lineage_prov_loadsWithProv(served: Served) -> None:
    chain = served.chain
    response = served.api.get(
        f"/assets/{chain.key('P2')}/lineage", params={"format": "prov", "direction": "up"}
    )
    assert response.status_code == 200, response.text
    document = ProvDocument.deserialize(content=response.text, format="json")
    entities = {str(r.identifier) for r in document.get_records() if r.is_element()}
    for name in ("R", "S", "P1", "P2"):
        assert any(chain.key(name) in e for e in entities)
    assert len(response.json()["wasDerivedFrom"]) == 3


def test_lineage_badInput_problemBodies(served: Served) -> None:
    api, key = served.api, served.chain.key("P2")
    problem(api.get("/assets/0x" + "ab" * 32 + "/lineage"), 404, "not-found")
    problem(api.get("/assets/DR-31337-2026-999999/lineage"), 404, "not-found")
    problem(api.get("/assets/nonsense/lineage"), 400, "bad-request")
    problem(api.get(f"/assets/{key}/lineage", params={"direction": "sideways"}), 400, "bad-request")
    problem(api.get(f"/assets/{key}/lineage", params={"depth": -1}), 400, "bad-request")
    problem(api.get(f"/assets/{key}/lineage", params={"format": "xml"}), 400, "bad-request")
    problem(api.get(f"/assets/{key}/history", params={"cursor": "zzz"}), 400, "bad-request")
    problem(api.get("/assets/0x" + "cd" * 32 + "/history"), 404, "not-found")


def test_history_inChainOrder_withTheExpectedEvents(served: Served) -> None:
    chain, api = served.chain, served.api
    events = walk(api, f"/assets/{chain.key('P1')}/history", limit=3)
    order = [(e["block"], e["log_index"]) for e in events]
    assert order == sorted(order) and len(set(order)) == len(order)
    names = [e["event"] for e in events]
    for expected in (
        "AssetRegistered",
        "ProductDerived",
        "CertificateApplied",
        "CertificateUpdated",
        "GrantIssued",
        "DisputeRaised",
        "DisputeRuled",
        "ArbitratorAssigned",
        "GrantRevoked",
    ):
        assert expected in names, (expected, names)
    # G1 authorized P1's derivation: the dispute that revoked it is on P1's timeline too.
    ruled = next(e for e in events if e["event"] == "DisputeRuled")
    assert ruled["args"]["disputeId"] == served.dispute
    # P2 (a downstream neighbour) was derived from P1: its derivation is on P1's timeline.
    derived = [e for e in events if e["event"] == "ProductDerived"]
    assert {e["args"]["product"] for e in derived} == {chain.key("P1"), chain.key("P2")}
    assert all(e["tx_hash"].startswith("0x") and len(e["tx_hash"]) == 66 for e in events)
    assert events[0]["event"] == "AssetRegistered"
    assert events[0]["args"]["asset"] == chain.key("R")  # the upstream neighbour's registration
    # The unrelated enterprise dataset S is not on R's timeline, nor is its grant G3.
    on_r = walk(api, f"/assets/{chain.key('R')}/history", limit=50)
    assert all(e["args"].get("asset") != chain.key("S") for e in on_r)
    assert all(e["args"].get("grantId") != chain.grants["G3"] for e in on_r)
    assert "DisputeRuled" in [e["event"] for e in on_r]


def test_verify_byHash_genuineAndUnknown(served: Served) -> None:
    chain, api, buyer = served.chain, served.api, served.actors.buyer
    body = api.post("/verify", json={"sha256": chain.key("P2"), "seller": buyer.account})
    assert body.status_code == 200, body.text
    report = body.json()
    assert report["registered"] and report["bytes"]["matches"]
    assert report["asset"]["asset"] == chain.key("P2")
    with Session(served.engine) as session:
        expected = provenance_report(
            session, sha256=chain.assets["P2"], seller=buyer.account
        ).as_json()
    assert report == _plain(expected)
    # The grant behind P1 was revoked by the upheld dispute: P2 is tainted, its seller not in force.
    assert report["asset"]["derived_status"] == "tainted"
    assert report["seller"]["active"] is False and "not in force" in report["seller"]["reason"]
    assert report["disputes"] and report["disputes"][0]["status"] == "upheld"
    unknown = api.post("/verify", json={"sha256": "0x" + "ee" * 32}).json()
    assert unknown["registered"] is False and "not registered" in unknown["bytes"]["reason"]
    problem(api.post("/verify", json={"sha256": "0x12"}), 400, "bad-request")
    problem(api.post("/verify", json={}), 400, "bad-request")
    problem(api.post("/verify", json={"record": "0x00"}), 400, "bad-request")
    problem(api.post("/verify", json={"sha": "x"}), 422, "invalid-request")


def test_verify_recordProof_goodAndBad(served: Served) -> None:
    chain, api = served.chain, served.api
    data, proof = record_proof(chain.files["P2"], 2)
    root = bytes.fromhex(api.get(f"/assets/{chain.key('P2')}").json()["merkle_root"][2:])
    document = json.loads(proof_to_json(proof, leaf=leaf_hash(data), root=root))
    good = api.post("/verify", json={"record": "0x" + data.hex(), "proof": document}).json()
    assert good["asset"]["asset"] == chain.key("P2")
    assert good["bytes"]["record"] is True and good["bytes"]["matches"] is True
    as_base64 = base64.b64encode(data).decode()
    again = api.post(
        "/verify", json={"record": as_base64, "proof": document, "sha256": chain.key("P2")}
    ).json()
    assert again["bytes"]["matches"] is True
    forged = data[:-1] + (b"0" if data[-1:] != b"0" else b"1")
    bad = api.post("/verify", json={"record": "0x" + forged.hex(), "proof": document}).json()
    assert bad["bytes"]["matches"] is False and bad["bytes"]["record"] is False
    assert "does not verify" in bad["bytes"]["reason"]
    problem(api.post("/verify", json={"record": "@@", "proof": document}), 400, "bad-request")
    broken = {**document, "siblings": "none"}
    problem(api.post("/verify", json={"record": "0x00", "proof": broken}), 400, "bad-request")


def test_verify_upload_genuineTamperedAndTooLarge(served: Served) -> None:
    chain, api = served.chain, served.api
    content = chain.files["P2"].read_bytes()
    response = api.post(
        "/verify/upload",
        params={"seller": served.actors.buyer.account},
        files={"file": ("P2.csv", content, "text/csv")},
        data={"note": "delivered"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["sha256"] == chain.key("P2") and report["bytes"]["matches"] is True
    assert report["bytes"]["whole_file"] is True
    assert report["seller"]["seller"] == served.actors.buyer.account
    tampered = bytearray(content)
    tampered[-2] ^= 1
    bad = api.post("/verify/upload", files={"file": ("P2.csv", bytes(tampered))}).json()
    assert bad["registered"] is False and bad["bytes"]["matches"] is False
    assert "not registered" in bad["bytes"]["reason"]
    problem(
        api.post("/verify/upload", content=b"plain", headers={"content-type": "text/plain"}),
        400,
        "bad-request",
    )
    problem(api.post("/verify/upload", files={"other": ("x", b"abc")}), 400, "bad-request")
    served.app.state.max_upload_bytes = 16
    try:
        body = problem(
            api.post("/verify/upload", files={"file": ("P2.csv", content)}), 413, "upload-too-large"
        )
        assert body["max_upload_bytes"] == 16
    finally:
        del served.app.state.max_upload_bytes


def test_policy_matchesTheChain(served: Served) -> None:
    admin = served.actors.admin
    body = served.api.get("/policy").json()
    policy = admin.policy()
    assert body["notice_window"] == policy.notice_window
    assert body["default_term"] == policy.default_term
    assert body["max_public_data_grant_term"] == policy.max_public_data_grant_term
    assert body["max_grant_depth"] == policy.max_grant_depth
    assert body["restricted_domains"] == [13] and admin.is_domain_restricted(13)
    assert body["restricted_categories"] == ["personal"]
    assert admin.is_category_restricted(model.Category.PERSONAL)
    assert body["version"]["tx_hash"].startswith("0x")


class _ChunkedRequest:
    """Just enough of a request for the multipart reader: a body arriving in small chunks."""

    def __init__(self, body: bytes, chunk: int) -> None:
        self.body, self.chunk = body, chunk

    async def stream(self) -> AsyncIterator[bytes]:
        for at in range(0, len(self.body), self.chunk):
            yield self.body[at : at + self.chunk]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 16])
def test_upload_reader_hashesTheFilePart_acrossChunkBoundaries(chunk: int) -> None:
    content = b"".join(f"row,{i},\r\n--almost-boundary\r\n".encode() for i in range(200))
    boundary = b"XyZboundary42"
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello'
        b"\r\n--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
        b'filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n'
        + content
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    request = cast(Request, _ChunkedRequest(body, chunk))
    digest = asyncio.run(_hash_file_part(request, boundary, len(content)))
    assert digest == hashlib.sha256(content).digest()
    with pytest.raises(UploadTooLarge):
        asyncio.run(_hash_file_part(request, boundary, len(content) - 1))
