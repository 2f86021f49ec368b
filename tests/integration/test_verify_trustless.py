"""Trustless verification: every fact of the mirror's report re-checked over JSON-RPC alone, on a
real indexed supply chain (SQLite and PostgreSQL), with the mirror altered behind its back."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner
from web3 import Web3

from api.app import create_app
from registry import model
from registry.chain.compiler import ContractArtifact
from registry.chain.deployments import save
from registry.cli import app
from registry.commitments import hash_file, record_proof
from registry.config import Settings
from registry.indexer.check import read_only_client
from registry.verify import provenance_report
from registry.verify.trustless import Check, TrustlessResult, verify_trustless
from tests.integration.api_fixtures import rpc_endpoint
from tests.integration.conftest import Actors, deploy_actors, project_root
from tests.integration.indexer_fixtures import *  # noqa: F403
from tests.integration.indexer_fixtures import Databases
from tests.integration.provenance_fixtures import (
    SupplyChain,
    build_supply_chain,
    indexed_mirror,
    uphold_dispute_on_grant,
)
from tests.integration.scenario import h

pytestmark = pytest.mark.integration


@dataclass
class Indexed:
    actors: Actors
    chain: SupplyChain
    engine: Engine
    dispute: int
    tmp: Path

    def verify(self, path: Path, session: Session | None, **options: Any) -> TrustlessResult:
        client = read_only_client(self.actors.admin.w3, self.actors.admin.deployment)
        return verify_trustless(client, path, session=session, **options)

    def p2(self, session: Session | None, **options: Any) -> TrustlessResult:
        return self.verify(self.chain.files["P2"], session, **options)


def index_supply_chain(
    actors: Actors, databases: Databases, tmp_path: Path, *, cascade: bool = True
) -> Indexed:
    """The supply chain with G3 revoked by an upheld dispute (cascaded to P2 unless told not)."""
    chain = build_supply_chain(actors, tmp_path)
    dispute, _ = uphold_dispute_on_grant(actors, chain.grants["G3"])
    if cascade:
        actors.admin.run_cascade()
    return Indexed(actors, chain, indexed_mirror(actors, databases), dispute, tmp_path)


def not_agreeing(checks: tuple[Check, ...] | list[Check]) -> set[tuple[str, str, str]]:
    return {(c.subject, c.field, c.outcome) for c in checks if c.outcome != "agree"}


def tampered_copy(path: Path, tmp_path: Path) -> Path:
    """The file with one character of its last record changed."""
    data = bytearray(path.read_bytes())
    data[-2] = ord("0") if data[-2] != ord("0") else ord("1")
    copy = tmp_path / f"{path.stem}-tampered{path.suffix}"
    copy.write_bytes(bytes(data))
    return copy


# ---------------------------------------------------------------- genuine data


def test_trustless_genuineMirror_everyCheckAgrees(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain, buyer = indexed.chain, actors.buyer.account
    with Session(indexed.engine) as session:
        result = indexed.p2(session, seller=buyer)
        mirror = provenance_report(session, sha256=chain.assets["P2"], seller=buyer)
    assert not_agreeing(result.checks) == set()
    assert result.verdict == "agree" and result.bytes_match and result.mirror_used
    assert result.block == result.head == mirror.indexed_block
    assert result.chain.as_json() == mirror.as_json()
    assert [(f.field, f.matches) for f in result.files] == [
        ("sha256", True),
        ("merkle_root", True),
        ("leaf_count", True),
    ]
    assert (
        result.files[1].chain == "0x" + hash_file(chain.files["P2"], records=True).merkle_root.hex()
    )
    checked = {(c.subject, c.field) for c in result.checks}
    operating = f"operating right (certificate {chain.operating['P2'].id})"
    assert {
        (operating, "holder"),
        (operating, "since"),
        (f"dispute {indexed.dispute}", "latest"),
    } <= checked
    edges = [c for c in result.checks if c.field == "status_at_derivation"]
    assert len(edges) == 3 and all(c.chain == "effective" for c in edges)
    holder = next(c for c in result.checks if c.subject == operating and c.field == "holder")
    assert holder.mirror == holder.chain == buyer
    since = next(c for c in result.checks if c.subject == operating and c.field == "since")
    issued = chain.operating["P2"].result
    assert since.chain == {"block": issued.block_number, "tx_hash": issued.tx_hash}
    assert result.chain.asset is not None and result.chain.asset.derived_status == "tainted"
    assert result.chain.seller is not None and not result.chain.seller.active
    [dispute] = result.chain.disputes
    assert (dispute.dispute_id, dispute.status, dispute.subject) == (
        indexed.dispute,
        "upheld",
        str(chain.grants["G3"]),
    )


def test_trustless_cascadePending_taintIsUnverifiableNotADisagreement(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path, cascade=False)
    chain = indexed.chain
    assert actors.admin.cascade_pending() > 0
    with Session(indexed.engine) as session:
        result = indexed.p2(session, seller=actors.buyer.account)
    holding = f"holding right (certificate {chain.holding['P2'].id})"
    operating = f"operating right (certificate {chain.operating['P2'].id})"
    seller = f"seller {actors.buyer.account}"
    assert not_agreeing(result.checks) == {
        ("asset", "derived_status", "unverifiable"),
        (f"lineage node {chain.key('P2')}", "derived_status", "unverifiable"),
        (holding, "status", "unverifiable"),
        (operating, "status", "unverifiable"),
        (seller, "active", "unverifiable"),
        (seller, "reason", "unverifiable"),
    }
    derived = next(c for c in result.checks if c.subject == "asset" and c.field == "derived_status")
    assert (derived.mirror, derived.chain) == ("tainted", "active")
    assert "revocation cascade has" in derived.reason
    assert result.verdict == "partly-verified" and not result.disagreements


# ---------------------------------------------------------------- a mirror altered behind its back

ALTERATIONS = {
    "holder": (
        "update certificate_holders set holder = :other "
        "where certificate_id = :operating and to_block is null"
    ),
    "dispute status": (
        "update disputes set status = 1 where dispute_id = :dispute and to_block is null"
    ),
    "registration number": (
        "update assets set registration_number = 'DR-31337-2026-999999' "
        "where asset = :p2 and to_block is null"
    ),
    "asset status": "update assets set status = 1 where asset = :p2 and to_block is null",
    "dispute deleted": "delete from disputes where dispute_id = :dispute",
    "block shifted": (
        "update lineage_edges set from_block = from_block - 1 "
        "where product = :p2 and position = 0 and to_block is null"
    ),
}


def test_trustless_alteredMirror_namesExactlyThatDisagreement(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    params = {
        "other": actors.other.account,
        "operating": chain.operating["P2"].id,
        "dispute": indexed.dispute,
        "p2": chain.key("P2"),
    }
    operating = f"operating right (certificate {chain.operating['P2'].id})"
    node = f"lineage node {chain.key('P2')}"
    found: dict[str, list[Check]] = {}
    for name, statement in ALTERATIONS.items():
        with Session(indexed.engine) as session:
            session.execute(text(statement), params)  # never committed: rolled back on close
            found[name] = [c for c in indexed.p2(session).checks if c.outcome != "agree"]
    assert {name: {(c.subject, c.field) for c in checks} for name, checks in found.items()} == {
        "holder": {(operating, "holder")},
        "dispute status": {(f"dispute {indexed.dispute}", "status")},
        "registration number": {("asset", "registration_number"), (node, "registration_number")},
        "asset status": {("asset", "status"), (node, "status")},
        "dispute deleted": {(f"dispute {indexed.dispute}", "present")},
        "block shifted": {(next(c.subject for c in found["block shifted"]), "derived")},
    }
    assert all(c.outcome == "disagree" for checks in found.values() for c in checks)
    [holder] = found["holder"]
    assert (holder.mirror, holder.chain) == (actors.other.account, actors.buyer.account)
    assert holder.line() == (
        f"{operating}: holder: mirror {actors.other.account}, chain {actors.buyer.account}"
    )
    [status] = found["dispute status"]
    assert (status.mirror, status.chain) == ("raised", "upheld")
    assert {c.mirror for c in found["registration number"]} == {"DR-31337-2026-999999"}
    assert {(c.mirror, c.chain) for c in found["asset status"]} == {("active", "tainted")}
    [deleted] = found["dispute deleted"]
    assert (deleted.mirror, deleted.chain) == (False, True)
    assert deleted.line() == (
        f"dispute {indexed.dispute}: present: mirror absent, chain present "
        "(the mirror leaves it out)"
    )
    [shifted] = found["block shifted"]
    derived = chain.derived["P2"]
    assert shifted.subject.endswith("(input 0)")
    assert shifted.chain == {"block": derived.block_number, "tx_hash": derived.tx_hash}
    assert shifted.mirror == {"block": derived.block_number - 1, "tx_hash": derived.tx_hash}
    assert shifted.reason == (
        f"transaction {derived.tx_hash} is in block {derived.block_number}, "
        f"not {derived.block_number - 1}"
    )


def test_trustless_mirrorNamingAnotherTransaction_failsTheReceiptProof(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    other = chain.derived["P1"]  # a real transaction, but not P2's registration
    statement = (
        "update assets set from_block = :block, tx_hash = :tx "
        "where asset = :p2 and from_block = (select min(from_block) from assets where asset = :p2)"
    )
    with Session(indexed.engine) as session:
        session.execute(
            text(statement),
            {"block": other.block_number, "tx": other.tx_hash, "p2": chain.key("P2")},
        )
        result = indexed.p2(session)
    registered = [c for c in result.disagreements if c.field == "registered"]
    assert {c.subject for c in registered} == {"asset", f"lineage node {chain.key('P2')}"}
    assert all(
        c.reason
        == f"transaction {other.tx_hash} holds no RightsRegistry event proving the registered"
        for c in registered
    )


# ---------------------------------------------------------------- the file's bytes


def test_trustless_tamperedFile_failsWithAClearReason(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    tampered = tampered_copy(chain.files["P2"], tmp_path)
    sha = "0x" + hash_file(tampered).sha256.hex()
    _, proof = record_proof(chain.files["P2"], 1)
    root = hash_file(chain.files["P2"], records=True).merkle_root
    with Session(indexed.engine) as session:
        whole = indexed.verify(tampered, session)
        by_record = indexed.verify(tampered, session, record=(1, proof), proof_root=root)
    assert not whole.bytes_match and not whole.chain.registered
    [check] = whole.files
    assert (
        check.reason
        == f"the file's SHA-256 {sha} is not registered on chain at block {whole.block}"
    )
    assert whole.verdict == "agree"  # the mirror said so too
    assert not by_record.bytes_match and by_record.verdict == "agree"
    assert [(f.field, f.matches) for f in by_record.files] == [("sha256", False), ("record", True)]
    assert by_record.files[0].reason == (
        f"the file's SHA-256 {sha} is not asset {chain.key('P2')}'s content hash"
    )
    assert by_record.chain.asset is not None and by_record.chain.asset.asset == chain.key("P2")


# ---------------------------------------------------------------- without a mirror


def test_trustless_chainOnly_givesTheCoreFacts(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    alone = indexed.p2(None, seller=actors.buyer.account)
    upstream = indexed.verify(chain.files["P1"], None, seller=actors.operator.account)
    with Session(indexed.engine) as session:
        mirror = provenance_report(session, sha256=chain.assets["P2"], seller=actors.buyer.account)
    assert alone.verdict == "chain-only" and alone.checks == () and alone.unverifiable == ()
    assert alone.chain.as_json() == mirror.as_json()
    assert alone.bytes_match
    assert upstream.chain.seller is not None and upstream.chain.seller.active
    assert (upstream.chain.seller.via, upstream.chain.seller.auth_id) == (
        "certificate",
        chain.operating["P1"].id,
    )
    assert upstream.chain.lineage is not None and len(upstream.chain.lineage.edges) == 1
    behind = indexed.p2(None, confirmations=3)
    assert behind.block == behind.head - 3


def test_trustless_chainAfterTheMirror_changesAreNamedNotBlamed(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    raised = actors.bureau.raise_dispute(model.SubjectKind.ASSET, chain.assets["P1"], h("claim"))
    with Session(indexed.engine) as session:
        result = indexed.p2(session)
    assert result.verdict == "agree" and result.head == result.block + 1
    assert [(c.subject, c.field, c.mirror, c.chain) for c in result.changed_since] == [
        (f"dispute {raised.id}", "present", False, True)
    ]


# ---------------------------------------------------------------- a node that keeps no history


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pruned_w3(tmp_path: Path) -> Iterator[Web3]:
    """An anvil that keeps the state of its latest few blocks only, like a non-archive node."""
    anvil = project_root() / "node_modules" / ".bin" / "anvil"
    assert shutil.which(str(anvil)), "anvil is installed by npm ci"
    port = _free_port()
    process = subprocess.Popen(
        [str(anvil), "--port", str(port), "--prune-history", "2", "--silent"],
        cwd=tmp_path,
    )
    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
    try:
        for _ in range(200):
            if process.poll() is None and w3.is_connected():
                break
            subprocess.run(["sleep", "0.05"], check=True)
        yield w3
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_trustless_nodeWithoutHistory_validityAtDerivationIsUnverifiable(
    pruned_w3: Web3, artifacts: dict[str, ContractArtifact], tmp_path: Path
) -> None:
    actors = deploy_actors(pruned_w3, artifacts)
    chain = build_supply_chain(actors, tmp_path)
    client = read_only_client(pruned_w3, actors.admin.deployment)
    result = verify_trustless(client, chain.files["P2"], session=None)
    derivations = {
        chain.derived["P2"].block_number,
        chain.derived["P1"].block_number,
    }
    reasons = {c.reason for c in result.unverifiable}
    assert {c.field for c in result.unverifiable} == {"status_at_derivation", "valid_at_derivation"}
    assert len(result.unverifiable) == 6  # two fields of each of the three edges
    assert all(r.startswith("node has no state at block ") for r in reasons)
    assert {int(r.split()[6]) for r in reasons} == derivations
    assert result.chain.lineage is not None
    assert {e.status_now for e in result.chain.lineage.edges} == {"effective"}
    assert result.bytes_match and result.chain.rights


# ---------------------------------------------------------------- against the API's report


def test_trustless_agreesWithTheApiReport(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain, buyer = indexed.chain, actors.buyer.account
    settings = Settings(data_dir=tmp_path / "data", rpc_url=rpc_endpoint(actors))
    with TestClient(create_app(settings, engine=indexed.engine, min_block_wait=0.3)) as api:
        response = api.post("/verify", json={"sha256": chain.key("P2"), "seller": buyer})
    assert response.status_code == 200, response.text
    with Session(indexed.engine) as session:
        result = indexed.p2(session, seller=buyer)
    assert result.verdict == "agree"
    assert json.loads(json.dumps(result.chain.as_json())) == response.json()


# ---------------------------------------------------------------- `datarights verify --trustless`

runner = CliRunner()


def cli_env(indexed: Indexed, database_url: str | None = None) -> dict[str, str]:
    data_dir = indexed.tmp / "data"
    save(Settings(data_dir=data_dir), indexed.actors.admin.deployment)
    url = database_url or indexed.engine.url.render_as_string(hide_password=False)
    return {
        "DATARIGHTS_DATABASE_URL": url,
        "DATARIGHTS_DATA_DIR": str(data_dir),
        "DATARIGHTS_RPC_URL": rpc_endpoint(indexed.actors),
    }


def test_verifyTrustless_cli_agreesThenNamesTheAlteredHolder(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    env = cli_env(indexed)
    args = ["verify", str(chain.files["P2"]), "--trustless", "--seller", actors.buyer.account]
    genuine = runner.invoke(app, args, env=env)
    assert genuine.exit_code == 0, genuine.output
    assert "✓ file: the file's SHA-256 is the asset id" in genuine.stdout
    assert "✓ file: the file's records Merkle root is registered" in genuine.stdout
    assert "the mirror's report agrees with the chain (" in genuine.stdout
    assert ", 0 disagree, 0 unverifiable)" in genuine.stdout
    with indexed.engine.begin() as connection:
        connection.execute(
            text(ALTERATIONS["holder"]),
            {"other": actors.other.account, "operating": chain.operating["P2"].id},
        )
    altered = runner.invoke(app, args, env=env)
    assert altered.exit_code == 3, altered.output
    operating = f"operating right (certificate {chain.operating['P2'].id})"
    assert (
        f"disagreement: {operating}: holder: mirror {actors.other.account}, "
        f"chain {actors.buyer.account}"
    ) in altered.stderr
    assert "the mirror's report DISAGREES with the chain" in altered.stdout
    as_json = runner.invoke(app, [*args, "--json"], env=env)
    assert as_json.exit_code == 3
    document = json.loads(as_json.stdout)
    assert document["verdict"] == "disagree" and document["bytes_match"] is True
    disagreements = [c for c in document["checks"] if c["outcome"] == "disagree"]
    assert {(c["subject"], c["field"]) for c in disagreements} >= {(operating, "holder")}


def test_verifyTrustless_cli_withoutAMirror_readsTheChainAlone(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    indexed = index_supply_chain(actors, databases, tmp_path)
    chain = indexed.chain
    missing = f"sqlite:///{tmp_path / 'no-such-mirror.db'}"
    env = cli_env(indexed, database_url=missing)
    result = runner.invoke(app, ["verify", str(chain.files["P2"]), "--trustless"], env=env)
    assert result.exit_code == 0, result.output
    assert "no mirror (no mirror at" in result.stdout
    assert "chain at block" in result.stdout
    assert "facts read from the chain alone" in result.stdout
    holding = chain.holding["P2"]
    assert (
        f"certificate {holding.id} held by {actors.buyer.account} (asset-tainted)" in result.stdout
    )
    chain_only = runner.invoke(
        app, ["verify", str(chain.files["P2"]), "--chain-only", "--json"], env=cli_env(indexed)
    )
    assert chain_only.exit_code == 0, chain_only.output
    assert json.loads(chain_only.stdout)["verdict"] == "chain-only"
    tampered = tampered_copy(chain.files["P2"], tmp_path)
    failed = runner.invoke(app, ["verify", str(tampered), "--chain-only"], env=env)
    assert failed.exit_code == 1
    assert "✗ file: the file's SHA-256 0x" in failed.stdout
    assert "is not registered on chain at block" in failed.stdout
