"""Signed grants (invariant 7): an EIP-712 grant cannot be replayed, nor moved to another chain,
contract, signer or set of terms; contract grantors sign through ERC-1271."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from web3 import Web3

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.chain.contract_errors import (
    GrantOutlivesParent,
    GrantSignatureInvalid,
    SignatureExpired,
)
from registry.chain.deploy import GRANT_DESK, RIGHTS
from registry.chain.keys import dev_account
from registry.chain.signed_grants import sign_grant, typed_data
from registry.chain.transactions import TxSender
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.scenario import YEAR, certify, h, now, record, terms, travel

pytestmark = pytest.mark.integration

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
WALLET_SOURCE = Path(__file__).resolve().parents[1] / "contracts" / "ERC1271Wallet.sol"
BUREAU_KEY = dev_account(3)  # the bureau's client signs with development account 3
WALLET_OWNER = dev_account(8)
STRANGER = dev_account(9)
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class Offer:
    """Grant terms over the bureau's holding certificate, ready to be signed."""

    grantor: str
    terms: model.GrantTerms
    deadline: int


def make_offer(actors: Actors, *, holder: RegistryClient | None = None) -> Offer:
    """A registered, certified asset of `holder` and processing terms for the operator."""
    holder = holder or actors.bureau
    asset = holder.register_resource(record()).id
    cert = certify(holder, actors.admin, asset, model.Right.HOLDING)
    t0 = now(holder.w3)
    t = terms(actors.operator.account, parent_id=cert, valid_from=t0, valid_until=t0 + YEAR)
    return Offer(holder.account, t, t0 + 3600)


def signature(
    client: RegistryClient,
    offer: Offer,
    *,
    key: LocalAccount = BUREAU_KEY,
    nonce: int | None = None,
    chain_id: int | None = None,
    desk: str | None = None,
) -> bytes:
    """Sign `offer` as `key`; the domain defaults to this chain's grant desk."""
    message = typed_data(
        grantor=offer.grantor,
        terms=offer.terms,
        nonce=client.grant_nonce(offer.grantor) if nonce is None else nonce,
        deadline=offer.deadline,
        chain_id=client.w3.eth.chain_id if chain_id is None else chain_id,
        desk=desk or client.address_of(GRANT_DESK),
    )
    return sign_grant(key, message)


def high_s(sig: bytes) -> bytes:
    """The other valid ECDSA signature of the same message: s -> n - s, v flipped."""
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28


def submit(actors: Actors, offer: Offer, sig: bytes) -> int:
    """A third party (the buyer) submits the grantor's signature."""
    return int(actors.buyer.submit_signed_grant(offer.grantor, offer.terms, offer.deadline, sig).id)


def test_submitSignedGrant_byThirdParty(actors: Actors) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    created = actors.buyer.submit_signed_grant(offer.grantor, offer.terms, offer.deadline, sig)
    assert created.result.event("SignedGrantSubmitted") == {
        "grantId": created.id,
        "grantor": actors.bureau.account,
        "submitter": actors.buyer.account,
        "nonce": 0,
    }
    issued = created.result.event("GrantIssued")
    assert issued["grantor"] == actors.bureau.account
    assert issued["terms"] == offer.terms
    assert actors.bureau.grant_record(created.id).grantee == actors.operator.account
    assert actors.bureau.grant_nonce(actors.bureau.account) == 1


def test_submitSignedGrant_revertsWithGrantSignatureInvalid_onReplay(actors: Actors) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    submit(actors, offer, sig)
    with pytest.raises(GrantSignatureInvalid) as exc:
        submit(actors, offer, sig)  # the nonce it was signed with is consumed
    assert exc.value.args == {"grantor": actors.bureau.account}
    assert actors.bureau.grant_count() == 1
    assert actors.bureau.grant_nonce(actors.bureau.account) == 1


def test_submitSignedGrant_revertsWithGrantSignatureInvalid_replayedOnAnotherRegistry(
    actors: Actors, w3: Web3, artifacts: dict[str, ContractArtifact]
) -> None:
    """A signature made for one registry is worthless at another on the same chain, even where
    the grantor's nonce there is the same."""
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    elsewhere = deploy_actors(w3, artifacts)
    actors.resync()  # the second deployment used the same accounts
    assert elsewhere.bureau.grant_nonce(offer.grantor) == 0
    assert actors.bureau.grant_nonce(offer.grantor) == 0
    with pytest.raises(GrantSignatureInvalid) as exc:
        submit(elsewhere, offer, sig)
    assert exc.value.args == {"grantor": actors.bureau.account}
    assert elsewhere.bureau.grant_count() == 0
    assert submit(actors, offer, sig) == 1  # still good where it was made


def test_submitSignedGrant_nextNonceWorksAfterFirst(actors: Actors) -> None:
    offer = make_offer(actors)
    submit(actors, offer, signature(actors.bureau, offer))
    second = replace(offer, terms=replace(offer.terms, grantee=actors.other.account))
    result = actors.buyer.submit_signed_grant(
        second.grantor, second.terms, second.deadline, signature(actors.bureau, second)
    )
    assert result.result.event("SignedGrantSubmitted")["nonce"] == 1


def test_submitSignedGrant_revertsWithSignatureExpired(actors: Actors) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    travel(actors.bureau.w3, 3601)
    with pytest.raises(SignatureExpired) as exc:
        submit(actors, offer, sig)
    assert exc.value.args == {"deadline": offer.deadline}


def test_submitSignedGrant_acceptedAtDeadline(actors: Actors) -> None:
    offer = make_offer(actors)
    offer = replace(offer, deadline=now(actors.bureau.w3) + 1)  # the next block's timestamp
    assert submit(actors, offer, signature(actors.bureau, offer)) == 1


@pytest.mark.parametrize(
    "case", ["wrong chain id", "wrong verifying contract", "wrong signer", "wrong nonce"]
)
def test_submitSignedGrant_revertsWithGrantSignatureInvalid(actors: Actors, case: str) -> None:
    offer = make_offer(actors)
    client = actors.bureau
    sig = {
        "wrong chain id": lambda: signature(client, offer, chain_id=1),
        "wrong verifying contract": lambda: signature(
            client, offer, desk=client.address_of(RIGHTS)
        ),
        "wrong signer": lambda: signature(client, offer, key=dev_account(7)),
        "wrong nonce": lambda: signature(client, offer, nonce=1),
    }[case]()
    with pytest.raises(GrantSignatureInvalid) as exc:
        submit(actors, offer, sig)
    assert exc.value.args == {"grantor": actors.bureau.account}
    assert actors.bureau.grant_nonce(actors.bureau.account) == 0


@pytest.mark.parametrize(
    "field,value",
    [
        ("valid_until", None),
        ("grantee", "buyer"),
        ("right", model.Right.OPERATING),
        ("sub_grantable", True),
        ("terms_uri", "https://example.org/terms/2"),
        ("scope_hash", h("scope: every column")),
    ],
)
def test_submitSignedGrant_revertsWithGrantSignatureInvalid_tamperedTerms(
    actors: Actors, field: str, value: Any
) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    if field == "valid_until":
        value = offer.terms.valid_until - 1
    elif field == "grantee":
        value = actors.buyer.account
    tampered = replace(offer, terms=replace(offer.terms, **{field: value}))
    with pytest.raises(GrantSignatureInvalid):
        submit(actors, tampered, sig)


def test_submitSignedGrant_revertsWithGrantSignatureInvalid_tamperedDeadline(
    actors: Actors,
) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    with pytest.raises(GrantSignatureInvalid):
        submit(actors, replace(offer, deadline=offer.deadline + 1), sig)


def test_submitSignedGrant_revertsWithGrantSignatureInvalid_highS(actors: Actors) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    malleable = high_s(sig)
    assert malleable != sig
    with pytest.raises(GrantSignatureInvalid) as exc:
        submit(actors, offer, malleable)
    assert exc.value.args == {"grantor": actors.bureau.account}
    assert submit(actors, offer, sig) == 1  # the canonical form still works


def test_invalidateNonce_killsOutstandingSignature(actors: Actors) -> None:
    offer = make_offer(actors)
    sig = signature(actors.bureau, offer)
    result = actors.bureau.invalidate_nonce()
    assert result.event("NonceInvalidated") == {"grantor": actors.bureau.account, "nextNonce": 1}
    with pytest.raises(GrantSignatureInvalid):
        submit(actors, offer, sig)
    assert submit(actors, offer, signature(actors.bureau, offer)) == 1


def test_submitSignedGrant_grantorRulesStillApply(actors: Actors) -> None:
    """A valid signature does not widen the grantor's right: the ledger's checks run as usual."""
    offer = make_offer(actors)
    too_long = replace(
        offer, terms=replace(offer.terms, valid_until=offer.terms.valid_from + 9 * YEAR)
    )
    with pytest.raises(GrantOutlivesParent):
        submit(actors, too_long, signature(actors.bureau, too_long))


# ---------------------------------------------------------------- ERC-1271 grantors


@pytest.fixture(scope="module")
def wallet_artifact(tmp_path_factory: pytest.TempPathFactory) -> ContractArtifact:
    source_dir = tmp_path_factory.mktemp("wallet-src")
    shutil.copy(WALLET_SOURCE, source_dir / WALLET_SOURCE.name)
    artifacts = compile_contracts(
        source_dir, tmp_path_factory.mktemp("wallet-build"), node_modules=NODE_MODULES
    )
    return artifacts["ERC1271Wallet"]


def deploy_wallet(w3: Web3, artifact: ContractArtifact, owner: str) -> str:
    """Deploy a contract wallet owned by `owner` from an account the actors do not use."""
    code = bytes.fromhex(artifact.bytecode.removeprefix("0x")) + abi_encode(["address"], [owner])
    receipt = TxSender(w3, STRANGER).send(code, None)
    assert receipt.contract_address is not None
    return receipt.contract_address


def wallet_offer(actors: Actors, wallet: str) -> Offer:
    """The bureau's holding certificate moved to the admitted wallet, and terms over it."""
    offer = make_offer(actors)
    actors.admin.admit_party(wallet, model.PartyKind.ENTERPRISE, h("wallet identity"))
    cert = offer.terms.parent_id
    result = actors.bureau.transfer_certificate(cert, wallet, h("move to the contract wallet"))
    assert result.event("CertificateTransferred")["to"] == wallet
    assert actors.bureau.holder_of(cert) == wallet
    return replace(offer, grantor=wallet)


def test_submitSignedGrant_erc1271Grantor(
    actors: Actors, wallet_artifact: ContractArtifact
) -> None:
    wallet = deploy_wallet(actors.bureau.w3, wallet_artifact, WALLET_OWNER.address)
    offer = wallet_offer(actors, wallet)
    sig = signature(actors.bureau, offer, key=WALLET_OWNER)
    created = actors.buyer.submit_signed_grant(offer.grantor, offer.terms, offer.deadline, sig)
    assert created.result.event("SignedGrantSubmitted") == {
        "grantId": created.id,
        "grantor": wallet,
        "submitter": actors.buyer.account,
        "nonce": 0,
    }
    assert actors.bureau.grantor_of(created.id) == wallet
    assert actors.bureau.is_grant_effective(created.id)
    with pytest.raises(GrantSignatureInvalid):
        submit(actors, offer, sig)  # replay is refused for contract grantors too


def test_submitSignedGrant_revertsWithGrantSignatureInvalid_erc1271WrongOwner(
    actors: Actors, wallet_artifact: ContractArtifact
) -> None:
    wallet = deploy_wallet(actors.bureau.w3, wallet_artifact, WALLET_OWNER.address)
    offer = wallet_offer(actors, wallet)
    with pytest.raises(GrantSignatureInvalid) as exc:
        submit(actors, offer, signature(actors.bureau, offer, key=STRANGER))
    assert exc.value.args == {"grantor": wallet}
    with pytest.raises(GrantSignatureInvalid):
        # The former holder's key proves nothing for the wallet's certificate.
        submit(actors, offer, signature(actors.bureau, offer, key=BUREAU_KEY))
