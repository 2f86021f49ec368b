"""The `datarights` command line against a real anvil: every main write, and its failures.

The module deploys its own registry through `datarights deploy` into a temporary data directory
on the session's anvil node, and rolls the chain back when it is done.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from web3 import Web3

from registry.chain.keys import dev_account
from registry.chain.node import LocalNode
from registry.cli import app

pytestmark = pytest.mark.integration

ADMIN, REVIEWER, ARBITRATOR, BUREAU, OPERATOR, BUYER, OUTSIDER, OTHER = range(8)
runner = CliRunner()


def address(index: int) -> str:
    return str(dev_account(index).address)


@dataclass
class Cli:
    """Runs `datarights` with the test node and data directory in the environment."""

    env: dict[str, str]
    w3: Web3

    def run(self, *args: object, account: int | None = None) -> Any:
        argv = ["--account", str(account)] if account is not None else []
        return runner.invoke(app, [*argv, "--json", *map(str, args)], env=self.env)

    def ok(self, *args: object, account: int | None = None) -> dict[str, Any]:
        result = self.run(*args, account=account)
        assert result.exit_code == 0, result.stderr + result.stdout
        document: dict[str, Any] = json.loads(result.stdout)
        return document

    @property
    def block(self) -> int:
        return int(self.w3.eth.block_number)


@pytest.fixture(scope="module")
def cli(anvil_node: LocalNode, w3: Web3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    data_dir = tmp_path_factory.mktemp("cli-data")
    env = {"DATARIGHTS_RPC_URL": anvil_node.url, "DATARIGHTS_DATA_DIR": str(data_dir)}
    c = Cli(env, w3)
    deployed = c.ok("deploy", "--force", account=ADMIN)
    assert deployed["created"] is True
    assert (data_dir / "deployments" / "31337.json").is_file()
    c.ok("parties", "roles", "grant", "reviewer", address(REVIEWER), account=ADMIN)
    c.ok("parties", "roles", "grant", "arbitrator", address(ARBITRATOR), account=ADMIN)
    kinds = {BUREAU: "government", OPERATOR: "enterprise", BUYER: "enterprise", OTHER: "enterprise"}
    for index, kind in kinds.items():
        c.ok("parties", "admit", address(index), "--kind", kind, "--identity", f"id-{index}",
             account=ADMIN)  # fmt: skip
    yield c
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


def data_file(tmp_path: Path, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(f"id,value\n{uuid.uuid4()},1\n{uuid.uuid4()},2\n", encoding="utf-8")
    return path


def sha256_hex(path: Path) -> str:
    return "0x" + hashlib.sha256(path.read_bytes()).hexdigest()


def register_public(cli: Cli, path: Path) -> str:
    done = cli.ok(
        "assets", "register", path, "--category", "public", "--grade", "important",
        "--open-class", "conditional", "--domain", 54, "--update-cycle", "1d", "--records",
        account=BUREAU,
    )  # fmt: skip
    return str(done["asset"])


def certify(cli: Cli, asset: str, right: str, holder: int) -> int:
    cert = int(
        cli.ok("certificates", "apply", asset, "--right", right, account=holder)["certificate"]
    )
    cli.ok("chain", "travel", "11d")
    cli.ok("certificates", "issue", cert, account=ADMIN)
    return cert


def processing_grant(cli: Cli, cert: int, grantee: int) -> int:
    done = cli.ok(
        "grants", "create", "--from", f"certificate:{cert}", "--to", address(grantee),
        "--purpose", "congestion analysis", "--scenario", "logistics", "--scope", "speeds",
        "--security", "in-domain compute", "--term", "1y", account=BUREAU,
    )  # fmt: skip
    return int(done["grant"])


def derive(cli: Cli, tmp_path: Path, asset: str, grant: int) -> tuple[str, Path]:
    product = data_file(tmp_path, "product.csv")
    done = cli.ok("assets", "derive", product, "--input", f"{asset}:grant:{grant}",
                  "--domain", 54, "--records", account=OPERATOR)  # fmt: skip
    return str(done["asset"]), product


def test_register_apply_issue(cli: Cli, tmp_path: Path) -> None:
    path = data_file(tmp_path)
    done = cli.ok(
        "assets", "register", path, "--category", "public", "--grade", "important",
        "--open-class", "conditional", "--domain", 54, "--records", account=BUREAU,
    )  # fmt: skip
    assert done["asset"] == sha256_hex(path)
    assert re.fullmatch(r"DR-31337-\d{4}-\d{6}", done["registration_number"])
    assert done["block"] == cli.block and done["gas_used"] > 0
    assert done["tx_hash"].startswith("0x")
    shown = cli.ok("assets", "show", done["asset"])
    assert shown["registration_number"] == done["registration_number"]
    assert shown["category"] == "public" and shown["open_class"] == "conditional"

    cert = cli.ok("certificates", "apply", done["asset"], "--right", "holding", account=BUREAU)
    before = cli.block
    early = cli.run("certificates", "issue", cert["certificate"], account=ADMIN)
    assert early.exit_code == 1
    assert "NoticeWindowOpen(certificateId=" in early.stderr
    assert early.stdout == ""
    assert cli.block == before
    assert cli.ok("certificates", "show", cert["certificate"])["status"] == "notice"

    cli.ok("chain", "travel", "11d")
    issued = cli.ok("certificates", "issue", cert["certificate"], account=ADMIN)
    assert issued["block"] == cli.block
    shown_cert = cli.ok("certificates", "show", cert["certificate"])
    assert shown_cert["status"] == "active" and shown_cert["effective"] is True
    assert shown_cert["holder"] == address(BUREAU)


def test_objection_blocks_until_resolved(cli: Cli, tmp_path: Path) -> None:
    asset = register_public(cli, data_file(tmp_path))
    cert = cli.ok("certificates", "apply", asset, account=BUREAU)["certificate"]
    objection = cli.ok("certificates", "object", cert, "--evidence", "not theirs", account=OTHER)
    cli.ok("chain", "travel", "11d")
    blocked = cli.run("certificates", "issue", cert, account=ADMIN)
    assert blocked.exit_code == 1 and "ObjectionsOpen" in blocked.stderr
    cli.ok("certificates", "resolve-objection", objection["objection"], "--dismissed",
           "--reason", "unfounded", account=ADMIN)  # fmt: skip
    cli.ok("certificates", "issue", cert, account=ADMIN)


def test_grant_sign_submit_derive_verify(cli: Cli, tmp_path: Path) -> None:
    asset = register_public(cli, data_file(tmp_path))
    holding = certify(cli, asset, "holding", BUREAU)
    grant = processing_grant(cli, holding, OPERATOR)
    product, product_file = derive(cli, tmp_path, asset, grant)
    assert product == sha256_hex(product_file)
    assert cli.ok("assets", "show", asset)["products"] == [product]
    # The operating right in the operator's own name rests on its holding right on the product.
    certify(cli, product, "holding", OPERATOR)
    operating = certify(cli, product, "operating", OPERATOR)

    licence = tmp_path / "licence.json"
    cli.ok(
        "grants", "sign", "--from", f"certificate:{operating}", "--to", address(BUYER),
        "--purpose", "route planning", "--scenario", "last mile", "--scope", "index",
        "--security", "internal", "--term", "180d", "--out", licence, account=OPERATOR,
    )  # fmt: skip
    signed = json.loads(licence.read_text())
    assert signed["grantor"] == address(OPERATOR) and signed["typed_data"]["primaryType"]
    submitted = cli.ok("grants", "submit", licence, account=BUYER)
    shown = cli.ok("grants", "show", submitted["grant"])
    assert shown["grantee"] == address(BUYER) and shown["effective"] is True
    assert shown["grantor"] == address(OPERATOR) and shown["asset"] == product
    replay = cli.run("grants", "submit", licence, account=BUYER)
    assert replay.exit_code == 1 and replay.stderr.startswith("refused: ")

    assert cli.ok("assets", "verify", product_file, "--asset", product)["matches"] is True
    product_file.write_text("tampered\n")
    mismatch = cli.run("assets", "verify", product_file, "--asset", product)
    assert mismatch.exit_code == 1 and "not the registered content hash" in mismatch.stderr


def test_request_and_approve(cli: Cli, tmp_path: Path) -> None:
    asset = register_public(cli, data_file(tmp_path))
    holding = certify(cli, asset, "holding", BUREAU)
    request = cli.ok(
        "grants", "request", "--from", f"certificate:{holding}", "--purpose", "index",
        "--scenario", "logistics", "--scope", "speeds", "--security", "sandbox", "--term", "1y",
        account=OPERATOR,
    )  # fmt: skip
    approved = cli.ok("grants", "approve", request["request"], account=BUREAU)
    shown = cli.ok("grants", "show", approved["grant"])
    assert shown["grantee"] == address(OPERATOR) and shown["right"] == "processing"
    again = cli.run("grants", "approve", request["request"], account=BUREAU)
    assert again.exit_code == 1 and "RequestNotPending" in again.stderr


def test_anchor_batch_and_verify_proof(cli: Cli, tmp_path: Path) -> None:
    documents = [data_file(tmp_path, f"log-{i}.csv") for i in range(3)]
    out_dir = tmp_path / "proofs"
    done = cli.ok("evidence", "anchor-batch", *documents, "--type", "usage-log",
                  "--out-dir", out_dir, account=BUYER)  # fmt: skip
    assert done["count"] == 3 and len(done["proof_files"]) == 3
    proof = out_dir / "log-1.csv.proof.json"
    checked = cli.ok("evidence", "verify-proof", proof, "--document", documents[1])
    assert checked["verified_on_chain"] is True and checked["root"] == done["root"]
    assert checked["index"] == 1 and checked["count"] == 3
    wrong = cli.run("evidence", "verify-proof", proof, "--document", documents[0])
    assert wrong.exit_code == 1 and "does not match the proof's leaf" in wrong.stderr
    single = cli.ok("evidence", "anchor", documents[0], "--type", "delivery-receipt",
                    account=BUYER)  # fmt: skip
    assert single["document_hash"] == sha256_hex(documents[0])


def test_dispute_upheld_cascade_taints_product(cli: Cli, tmp_path: Path) -> None:
    asset = register_public(cli, data_file(tmp_path))
    grant = processing_grant(cli, certify(cli, asset, "holding", BUREAU), OPERATOR)
    product, _ = derive(cli, tmp_path, asset, grant)
    dispute = cli.ok("disputes", "raise", "--subject", f"grant:{grant}", "--evidence", "claim",
                     account=OTHER)["dispute"]  # fmt: skip
    cli.ok("disputes", "assign", dispute, address(ARBITRATOR), account=ADMIN)
    outsider_rule = cli.run("disputes", "rule", dispute, "--uphold", "--decision", "x",
                            account=ADMIN)  # fmt: skip
    assert outsider_rule.exit_code == 1 and "NotAssignedArbitrator" in outsider_rule.stderr
    ruled = cli.ok("disputes", "rule", dispute, "--uphold", "--decision", "upheld",
                   account=ARBITRATOR)  # fmt: skip
    assert ruled["cascade_pending"] > 0
    cascade = cli.ok("disputes", "cascade", "--max-steps", 1, account=OTHER)
    assert cascade["remaining"] == 0 and len(cascade["transactions"]) >= 1
    assert cli.ok("assets", "show", product)["status"] == "tainted"
    assert cli.ok("disputes", "show", dispute)["status"] == "upheld"


def test_revert_exits_1_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    path = data_file(tmp_path)
    register_public(cli, path)
    before = cli.block
    again = cli.run("assets", "register", path, "--category", "public",
                    "--open-class", "conditional", account=BUREAU)  # fmt: skip
    assert again.exit_code == 1
    assert again.stderr.startswith("refused: AssetAlreadyRegistered(asset=")
    assert again.stderr.count("\n") == 1
    unadmitted = cli.run("assets", "register", data_file(tmp_path, "b.csv"), account=OUTSIDER)
    assert unadmitted.exit_code == 1 and "PartyNotAdmitted" in unadmitted.stderr
    assert cli.block == before


def test_missing_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    before = cli.block
    result = cli.run("assets", "register", tmp_path / "nope.csv", account=BUREAU)
    assert result.exit_code == 2 and "nope.csv does not exist" in result.stderr
    assert cli.block == before


def test_bulk_manifest(cli: Cli, tmp_path: Path) -> None:
    files = [data_file(tmp_path, f"bulk-{i}.csv") for i in range(5)]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({
        "defaults": {"category": "enterprise", "domain": 54},
        "assets": [{"file": f.name, "records": True} for f in files],
    }))  # fmt: skip
    done = cli.ok("assets", "register-bulk", manifest, "--per-tx", 2, account=OPERATOR)
    assert done["count"] == 5 and len(done["transactions"]) == 3
    assert [a["asset"] for a in done["assets"]] == [sha256_hex(f) for f in files]
    numbers = [a["registration_number"] for a in done["assets"]]
    assert len(set(numbers)) == 5


def test_malformed_manifest_sends_nothing(cli: Cli, tmp_path: Path) -> None:
    good = data_file(tmp_path, "good.csv")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,category\n{good.name},enterprise\nother.csv,secret\n")
    data_file(tmp_path, "other.csv")
    before = cli.block
    result = cli.run("assets", "register-bulk", manifest, account=OPERATOR)
    assert result.exit_code == 2
    assert "entry 2: unknown Category 'secret'" in result.stderr
    assert "nothing sent" in result.stderr
    assert cli.block == before
    unregistered = cli.run("assets", "verify", good)
    assert unregistered.exit_code == 1 and "is not registered" in unregistered.stderr

    registered = data_file(tmp_path, "registered.csv")
    register_public(cli, registered)
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps([{"file": good.name}, {"file": registered.name}]))
    before = cli.block
    result = cli.run("assets", "register-bulk", clash, account=OPERATOR)
    assert result.exit_code == 2 and "already registered" in result.stderr
    assert cli.block == before


def test_status_and_keys(cli: Cli) -> None:
    status = cli.ok("chain", "status")
    assert status["reachable"] is True and status["chain_id"] == 31337
    assert set(status["deployment"]) >= {"Governance", "RightsRegistry"}
    assert cli.ok("keys", "show", account=BUREAU)["address"] == address(BUREAU)
    assert cli.ok("parties", "show", address(BUREAU))["kind"] == "government"
