"""Provenance reports over an indexed mirror of a real chain: genuine and tampered files, record
proofs, the seller's operating right and disputes upstream."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from registry.cli import app
from registry.commitments import (
    MerkleProof,
    file_sha256,
    hash_file,
    leaf_hash,
    proof_to_json,
    record_proof,
)
from registry.verify import provenance_report, report_from_file
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import Databases, make_indexer
from tests.integration.provenance_fixtures import (
    SupplyChain,
    build_supply_chain,
    uphold_dispute_on_grant,
)

pytestmark = pytest.mark.integration


def mirror(actors: Actors, tmp_path: Path) -> Engine:
    engine = Databases("sqlite", tmp_path).engine()
    make_indexer(engine, actors).catch_up()
    return engine


def tampered_copy(chain: SupplyChain, tmp_path: Path) -> Path:
    """P2 with one character of its last record changed."""
    data = bytearray(chain.files["P2"].read_bytes())
    data[-2] = ord("0") if data[-2] != ord("0") else ord("1")
    path = tmp_path / "P2-tampered.csv"
    path.write_bytes(bytes(data))
    return path


def test_report_genuineFile_answersEveryQuestionWithItsTransaction(
    actors: Actors, tmp_path: Path
) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = mirror(actors, tmp_path)
    with Session(engine) as session:
        report = report_from_file(session, chain.files["P2"], seller=actors.buyer.account)
    assert report.registered and report.bytes.matches and report.bytes.whole_file
    assert report.sha256 == chain.key("P2")
    asset = report.asset
    assert asset is not None
    assert (asset.kind, asset.registrant, asset.leaf_mode, asset.leaf_count) == (
        "product",
        actors.buyer.account,
        "records",
        5,
    )
    assert asset.registered.tx_hash == chain.derived["P2"].tx_hash
    rights = {(r.right, r.holder, r.status) for r in report.rights}
    assert rights == {
        ("holding", actors.buyer.account, "effective"),
        ("operating", actors.buyer.account, "effective"),
    }
    operating = next(r for r in report.rights if r.right == "operating")
    issued = chain.operating["P2"].result
    assert (operating.since.block, operating.since.tx_hash) == (issued.block_number, issued.tx_hash)
    seller = report.seller
    assert seller is not None and seller.active
    assert (seller.via, seller.auth_id) == ("certificate", chain.operating["P2"].id)
    assert seller.since is not None and seller.since.tx_hash == issued.tx_hash
    assert report.lineage is not None
    assert len(report.lineage.nodes) == 4 and len(report.lineage.edges) == 3
    assert all(e.valid_at_derivation for e in report.lineage.edges)
    assert report.disputes == ()
    document = json.loads(json.dumps(report.as_json()))
    assert document["seller"]["since"]["block"] == issued.block_number


def test_report_sellerWithoutOperatingRight_isInactive(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = mirror(actors, tmp_path)
    with Session(engine) as session:
        report = provenance_report(
            session, sha256=chain.assets["P2"], seller=actors.operator.account
        )
        upstream = provenance_report(
            session, sha256=chain.assets["P1"], seller=actors.operator.account.lower()
        )
    assert report.seller is not None and not report.seller.active
    assert report.seller.reason.endswith("holds no operating right over this asset")
    assert upstream.seller is not None and upstream.seller.active
    assert upstream.seller.auth_id == chain.operating["P1"].id


def test_report_tamperedFile_isNotRegistered(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = mirror(actors, tmp_path)
    tampered = tampered_copy(chain, tmp_path)
    with Session(engine) as session:
        report = report_from_file(session, tampered, seller=actors.buyer.account)
    assert not report.registered and not report.bytes.matches
    assert report.sha256 == "0x" + file_sha256(tampered).hex()
    assert report.bytes.reason.startswith("not registered: no asset has SHA-256 0x")
    assert report.asset is None and report.lineage is None and report.rights == ()


def test_report_recordProof_verifiesAndAWrongOneFails(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = mirror(actors, tmp_path)
    data, proof = record_proof(chain.files["P2"], 2)
    with Session(engine) as session:
        good = provenance_report(session, sha256=chain.assets["P2"], record=(data, proof))
        forged = provenance_report(session, sha256=chain.assets["P2"], record=(data + b"!", proof))
        wrong_index = provenance_report(
            session,
            sha256=chain.assets["P2"],
            record=(data, MerkleProof(3, proof.count, proof.siblings)),
        )
        wrong_count = provenance_report(
            session, sha256=chain.assets["P2"], record=(data, MerkleProof(2, 6, proof.siblings))
        )
        other_asset = provenance_report(session, sha256=chain.assets["P1"], record=(data, proof))
    assert good.bytes.matches and good.bytes.record and good.bytes.record_index == 2
    assert good.bytes.whole_file is None
    assert "verifies against the registered Merkle root" in good.bytes.reason
    for failed in (forged, wrong_index, other_asset):
        assert not failed.bytes.matches and failed.bytes.record is False
        assert "does not verify against the registered root" in failed.bytes.reason
    assert "the proof is for 6 leaves, the asset registered 5" in wrong_count.bytes.reason


def test_report_fromFile_recordOfATamperedFileStillProves(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = mirror(actors, tmp_path)
    tampered = tampered_copy(chain, tmp_path)
    _, proof = record_proof(chain.files["P2"], 1)
    _, last_proof = record_proof(chain.files["P2"], 4)
    root = hash_file(chain.files["P2"], records=True).merkle_root
    with Session(engine) as session:
        kept = report_from_file(session, tampered, record=(1, proof), proof_root=root)
        changed = report_from_file(session, tampered, record=(4, last_proof), proof_root=root)
    assert kept.registered and kept.sha256 == "0x" + file_sha256(tampered).hex()
    assert kept.asset is not None and kept.asset.asset == chain.key("P2")
    assert (kept.bytes.whole_file, kept.bytes.record, kept.bytes.matches) == (False, True, False)
    assert kept.bytes.reason.startswith("the whole file differs from the registered content")
    assert (changed.bytes.record, changed.bytes.matches) == (False, False)


def test_report_upheldDisputeUpstream_isReported(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    dispute, ruling = uphold_dispute_on_grant(actors, chain.grants["G3"])
    engine = mirror(actors, tmp_path)
    with Session(engine) as session:
        report = provenance_report(session, sha256=chain.assets["P2"], seller=actors.buyer.account)
    [found] = report.upheld_disputes
    assert (found.dispute_id, found.subject_kind, found.subject) == (
        dispute,
        "grant",
        str(chain.grants["G3"]),
    )
    assert found.asset == chain.key("S")
    assert (found.latest.block, found.latest.tx_hash) == (ruling.block_number, ruling.tx_hash)
    assert found.raised.block < found.latest.block
    assert report.lineage is not None
    s_edge = report.lineage.inputs_of(chain.key("P2"))[1]
    assert (s_edge.valid_at_derivation, s_edge.status_now) == (True, "revoked")
    assert report.asset is not None and report.asset.derived_status == "tainted"
    assert report.seller is not None and not report.seller.active
    assert report.seller.reason == (
        f"certificate {chain.operating['P2'].id} is not in force: asset-tainted"
    )


# ---------------------------------------------------------------- `datarights verify`

runner = CliRunner()


def cli_env(engine: Engine, tmp_path: Path) -> dict[str, str]:
    return {
        "DATARIGHTS_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DATARIGHTS_DATA_DIR": str(tmp_path / "data"),
    }


def test_verifyCommand_genuineFileChecklist(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    dispute, ruling = uphold_dispute_on_grant(actors, chain.grants["G3"])
    env = cli_env(mirror(actors, tmp_path), tmp_path)
    args = ["verify", str(chain.files["P2"]), "--seller", actors.buyer.account]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "✓ bytes: the SHA-256 of the bytes is the registered content hash" in out
    holding = chain.holding["P2"]
    assert (
        f"✗ holding right: certificate {holding.id} held by {actors.buyer.account} "
        f"(asset-tainted) since (block {holding.result.block_number}, tx {holding.result.tx_hash})"
    ) in out
    assert (
        f"✗ seller {actors.buyer.account}: certificate {chain.operating['P2'].id} is not in force"
        in out
    )
    assert f"✗ dispute {dispute} upheld on grant {chain.grants['G3']}" in out
    assert ruling.tx_hash in out
    as_json = runner.invoke(app, [*args, "--json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["disputes"][0]["latest"] == {
        "block": ruling.block_number,
        "tx_hash": ruling.tx_hash,
    }


def test_verifyCommand_tamperedFileExits1(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    env = cli_env(mirror(actors, tmp_path), tmp_path)
    tampered = tampered_copy(chain, tmp_path)
    result = runner.invoke(app, ["verify", str(tampered)], env=env)
    assert result.exit_code == 1
    assert "✗ not registered: no asset has SHA-256 0x" in result.stdout


def test_verifyCommand_recordProof(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    env = cli_env(mirror(actors, tmp_path), tmp_path)
    record, proof = record_proof(chain.files["P2"], 3)
    root = hash_file(chain.files["P2"], records=True).merkle_root
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(proof_to_json(proof, leaf=leaf_hash(record), root=root))
    good = runner.invoke(
        app,
        ["verify", str(chain.files["P2"]), "--record", "3", "--proof", str(proof_file)],
        env=env,
    )
    assert good.exit_code == 0, good.output
    assert "✓ bytes: record 3 verifies against the registered Merkle root" in good.stdout
    tampered = tampered_copy(chain, tmp_path)  # its last record (4) differs, record 3 does not
    kept = runner.invoke(
        app, ["verify", str(tampered), "--record", "3", "--proof", str(proof_file), "--json"],
        env=env,
    )  # fmt: skip
    assert kept.exit_code == 1
    document = json.loads(kept.stdout)
    assert document["bytes"]["record"] is True and document["bytes"]["whole_file"] is False
    _, last = record_proof(chain.files["P2"], 4)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(proof_to_json(last, leaf=leaf_hash(record), root=root))
    failed = runner.invoke(
        app, ["verify", str(tampered), "--record", "4", "--proof", str(wrong)], env=env
    )
    assert failed.exit_code == 1
    assert "✗ bytes: the whole file differs" in failed.stdout
    assert "record 4 does not verify" in failed.stdout
    mismatch = runner.invoke(
        app, ["verify", str(tampered), "--record", "2", "--proof", str(wrong)], env=env
    )
    assert mismatch.exit_code == 2 and "is for record 4, not record 2" in mismatch.stderr
