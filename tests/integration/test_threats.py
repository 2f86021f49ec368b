"""Threat scenarios of docs/SECURITY.md that no other test module plays through.

Front-running a registration, what reaches the chain of a party's identity and a grant's purpose,
and an indexer facing a block with more logs than a batch holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from web3 import Web3

from registry import model
from registry.chain.contract_errors import (
    ArbitratorNotAssigned,
    AssetAlreadyRegistered,
    SubjectFrozen,
)
from tests.integration import test_cli
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    Databases,
    canonical_digest,
    databases_fixture,  # noqa: F401  (fixture)
    make_indexer,
)
from tests.integration.scenario import h, record
from tests.integration.test_cli import ADMIN, BUREAU, OPERATOR, OUTSIDER, Cli, address, data_file

pytestmark = pytest.mark.integration
# A registry deployed through the command line into a data directory of this module's own.
cli = test_cli.cli

ASSET = model.SubjectKind.ASSET


def test_frontRunRegistration_ownershipDisputeRevokesTheCopyAndCountsAgainstIt(
    actors: Actors,
) -> None:
    """Someone who saw the owner's content hash registers it first. The owner cannot register the
    same bytes, but an ownership dispute freezes the copy at once and an upheld ruling revokes it,
    on the front-runner's credit record. The content hash stays taken: the owner re-registers
    only different bytes (documented in docs/SECURITY.md)."""
    owner, copier = actors.bureau, actors.other
    original = record(category=model.Category.ENTERPRISE)
    copied = copier.register_resource(original).id
    with pytest.raises(AssetAlreadyRegistered):
        owner.register_resource(original)

    dispute = owner.raise_dispute(ASSET, copied, h("collection logs of the original")).id
    with pytest.raises(SubjectFrozen):
        copier.apply_for_certificate(copied, model.Right.HOLDING)
    with pytest.raises(ArbitratorNotAssigned):  # no one rules before the registrar assigns
        actors.arbitrator.rule(dispute, True, h("too early"))
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("the registrant copied the data"))

    assert owner.asset_core(copied).status == model.AssetStatus.REVOKED
    assert owner.party(copier.account).disputes_lost == 1
    with pytest.raises(AssetAlreadyRegistered):
        owner.register_resource(original)
    renewed = replace(record(category=model.Category.ENTERPRISE), metadata_uri="ipfs://v2")
    assert owner.register_resource(renewed).id != copied


def test_indexer_blockWithMoreLogsThanABatch_isMirroredWhole(
    actors: Actors, databases: Databases
) -> None:
    """One transaction registering 40 assets puts 40 logs in one block; with batches of at most 6
    logs the indexer keeps that block whole, moves on, and equals an indexer of default size."""
    actors.bureau.register_resources([record() for _ in range(40)])
    actors.bureau.register_resource(record())  # a later block after the large one
    small = make_indexer(databases.engine(), actors)
    small.fetcher.target_logs, small.fetcher.max_logs = 3, 6
    small.catch_up()
    reference = make_indexer(databases.engine(), actors)
    reference.catch_up()
    assert canonical_digest(small.engine) == canonical_digest(reference.engine)


def _chain_bytes(w3: Web3, first: int, last: int) -> bytes:
    """Every transaction input and every log (topics and data) of blocks first..last."""
    found = []
    for number in range(first, last + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            found.append(bytes(tx["input"]))  # type: ignore[index]
            receipt = w3.eth.get_transaction_receipt(tx["hash"])  # type: ignore[index]
            for log in receipt["logs"]:
                found += [bytes(topic) for topic in log["topics"]] + [bytes(log["data"])]
    return b"".join(found)


def test_privacy_onlyCommitmentsReachTheChain(cli: Cli, tmp_path: Path) -> None:
    """An individual's identity number, a grant's purpose and the data itself never appear on
    chain, in any transaction or log: only their SHA-256. The commitment is the plain SHA-256 of
    what was typed, so whoever can guess the text can confirm it (docs/SECURITY.md)."""
    identity = "110101199003071234"  # the form of a resident identity card number
    purpose = "commute patterns of the residents of 12 Example Road"
    first = cli.block + 1
    cli.ok("parties", "admit", address(OUTSIDER), "--kind", "individual", "--identity", identity,
           account=ADMIN)  # fmt: skip
    data = data_file(tmp_path)
    asset = test_cli.register_public(cli, data)
    holding = test_cli.certify(cli, asset, "holding", BUREAU)
    cli.ok("grants", "create", "--from", f"certificate:{holding}", "--to", address(OPERATOR),
           "--purpose", purpose, "--scenario", "planning", "--scope", "speeds", "--security",
           "in-domain compute", "--term", "1y", account=BUREAU)  # fmt: skip
    on_chain = _chain_bytes(cli.w3, first, cli.block)

    secrets = [identity.encode(), purpose.encode(), data.read_bytes()]
    for secret in secrets:
        assert secret not in on_chain and secret.hex().encode() not in on_chain
    for secret in secrets:
        assert hashlib.sha256(secret).digest() in on_chain
    party = cli.ok("parties", "show", address(OUTSIDER))
    assert party["identity_commitment"] == "0x" + hashlib.sha256(identity.encode()).hexdigest()
