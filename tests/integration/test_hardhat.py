"""Portability: the registry deployed on a hardhat node, a second independent EVM implementation,
runs the main path, a signed grant and a dispute with its cascade exactly as on anvil."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3 import Web3

from registry import model
from registry.chain.compiler import ContractArtifact
from registry.chain.contract_errors import GrantSignatureInvalid, ProcessingRightMissing
from registry.chain.node import LocalNode
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.scenario import YEAR, certify, h, now, record, terms
from tests.integration.test_cascade import build_chain, step_until_done, taints, uphold
from tests.integration.test_signed_grants import make_offer, signature, submit

pytestmark = [pytest.mark.integration, pytest.mark.hardhat]


@pytest.fixture(scope="module")
def hardhat_deployed(hardhat_node: LocalNode, artifacts: dict[str, ContractArtifact]) -> Actors:
    return deploy_actors(Web3(Web3.HTTPProvider(hardhat_node.url)), artifacts)


@pytest.fixture
def hh(hardhat_deployed: Actors) -> Iterator[Actors]:
    """The registry on hardhat, rolled back after each test."""
    w3 = hardhat_deployed.admin.w3
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    hardhat_deployed.resync()
    yield hardhat_deployed
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    hardhat_deployed.resync()


def test_hardhat_isAnotherImplementation(hh: Actors) -> None:
    client_version = hh.admin.w3.client_version
    assert "HardhatNetwork" in client_version, client_version
    assert hh.admin.versions() == {
        "Governance": "1.0.0",
        "RightsRegistry": "1.0.0",
        "GrantDesk": "1.0.0",
        "DisputeRegistry": "1.0.0",
        "EvidenceRegistry": "1.0.0",
    }


def test_mainPath_onHardhat(hh: Actors) -> None:
    bureau, operator, admin = hh.bureau, hh.operator, hh.admin
    raw = record(category=model.Category.PUBLIC, grade=model.Grade.IMPORTANT)
    asset = bureau.register_resource(raw).id
    holding = certify(bureau, admin, asset, model.Right.HOLDING)
    assert bureau.certificate(holding).status == model.CertificateStatus.ACTIVE
    t0 = now(bureau.w3)
    g = bureau.grant(
        terms(operator.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
    ).id
    product = operator.register_product(record(), [model.InputUse(asset, model.AuthKind.GRANT, g)])
    assert product.result.event("ProductDerived")["registrant"] == operator.account
    assert bureau.children(asset) == [product.id]
    with pytest.raises(ProcessingRightMissing) as exc:  # typed reverts decode on hardhat too
        hh.buyer.register_product(record(), [model.InputUse(asset, model.AuthKind.GRANT, g)])
    assert exc.value.args["account"] == hh.buyer.account


def test_signedGrant_onHardhat(hh: Actors) -> None:
    offer = make_offer(hh)
    sig = signature(hh.bureau, offer)
    created = hh.buyer.submit_signed_grant(offer.grantor, offer.terms, offer.deadline, sig)
    assert created.result.event("SignedGrantSubmitted")["nonce"] == 0
    assert hh.bureau.grant_record(created.id).grantee == hh.operator.account
    with pytest.raises(GrantSignatureInvalid):
        submit(hh, offer, sig)


def test_disputeAndCascade_onHardhat(hh: Actors) -> None:
    chain = build_chain(hh)
    ruling = uphold(hh, model.SubjectKind.CERTIFICATE, chain.cert)
    assert ruling.event("PartyCreditChanged")["disputesLost"] == 1
    assert not hh.admin.is_grant_effective(chain.g2)
    results = step_until_done(hh.outsider, 1)
    assert len(results) == 9
    assert [e["asset"] for e in taints(results)] == [chain.p1, chain.p2, chain.p3]
    assert hh.admin.asset_core(chain.p3).status == model.AssetStatus.TAINTED
    assert hh.admin.party(hh.bureau.account).disputes_lost == 1
    evidence = hh.other.anchor(h("ruling"), model.EvidenceType.DISPUTE_SUBMISSION)
    assert evidence.event("EvidenceAnchored")["submitter"] == hh.other.account
