"""Evidence anchors (存证): single documents and Merkle batches provable one document at a time."""

from __future__ import annotations

import hashlib
import random

import pytest

from registry import model
from registry.chain.contract_errors import (
    AlreadyAnchored,
    BatchEmpty,
    HashMissing,
    PartyNotAdmitted,
    ReviewerRoleRequired,
)
from registry.commitments import MerkleProof, leaf_hash, merkle_proof, merkle_root
from tests.integration.conftest import Actors
from tests.integration.scenario import h, record

pytestmark = pytest.mark.integration

USAGE_LOG = model.EvidenceType.USAGE_LOG
REVIEW = model.EvidenceType.REVIEW_REPORT


def documents(count: int, *, seed: str) -> list[bytes]:
    """SHA-256 of `count` distinct documents."""
    return [hashlib.sha256(f"{seed}-receipt-{i}".encode()).digest() for i in range(count)]


def batch(docs: list[bytes]) -> tuple[bytes, list[bytes]]:
    """The batch root (docs/MERKLE.md document-batch leaves) and the leaf hashes."""
    leaves = [leaf_hash(d) for d in docs]
    return merkle_root(leaves), leaves


def test_anchor_emitsEvidenceAnchoredAndRecords(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    doc = h("usage log 2026-11")
    result = actors.operator.anchor(
        doc, USAGE_LOG, subject_kind=model.SubjectKind.ASSET, subject=asset, uri="s3://logs/11"
    )
    anchored_at = int(actors.operator.w3.eth.get_block(result.block_number)["timestamp"])
    assert result.event("EvidenceAnchored") == {
        "documentHash": doc,
        "submitter": actors.operator.account,
        "evidenceType": USAGE_LOG,
        "subjectKind": model.SubjectKind.ASSET,
        "subject": asset,
        "anchoredAt": anchored_at,
        "uri": "s3://logs/11",
    }
    assert actors.buyer.anchor_of(doc) == model.Anchor(
        submitter=actors.operator.account,
        anchored_at=anchored_at,
        evidence_type=USAGE_LOG,
        subject_kind=model.SubjectKind.ASSET,
        count=0,
    )


def test_anchorOf_unknownDocumentIsEmpty(actors: Actors) -> None:
    assert actors.buyer.anchor_of(h("never anchored")).anchored_at == 0


def test_anchor_revertsWithAlreadyAnchored(actors: Actors) -> None:
    doc = h("delivery receipt")
    actors.operator.anchor(doc, model.EvidenceType.DELIVERY_RECEIPT)
    with pytest.raises(AlreadyAnchored) as exc:
        actors.buyer.anchor(doc, model.EvidenceType.DELIVERY_RECEIPT)
    assert exc.value.args == {"hash": doc}
    assert actors.buyer.anchor_of(doc).submitter == actors.operator.account


def test_anchor_revertsWithHashMissing(actors: Actors) -> None:
    with pytest.raises(HashMissing):
        actors.operator.anchor(model.ZERO32, USAGE_LOG)


@pytest.mark.parametrize("caller", ["bureau", "admin", "arbitrator"])
def test_anchor_revertsWithReviewerRoleRequired(actors: Actors, caller: str) -> None:
    client = getattr(actors, caller)
    with pytest.raises(ReviewerRoleRequired) as exc:
        client.anchor(h("review report"), REVIEW)
    assert exc.value.args == {"account": client.account}


def test_anchor_reviewReportByReviewer(actors: Actors) -> None:
    result = actors.reviewer.anchor(h("review report"), REVIEW)
    assert result.event("EvidenceAnchored")["evidenceType"] == REVIEW
    assert actors.reviewer.anchor_of(h("review report")).submitter == actors.reviewer.account


def test_anchor_revertsWithPartyNotAdmitted(actors: Actors) -> None:
    with pytest.raises(PartyNotAdmitted) as exc:
        actors.outsider.anchor(h("log"), USAGE_LOG)
    assert exc.value.args == {"account": actors.outsider.account}


@pytest.mark.parametrize("count", [1, 7, 1000])
def test_anchorBatch_emitsEventAndRecordsCount(actors: Actors, count: int) -> None:
    root, _ = batch(documents(count, seed=f"emit-{count}"))
    result = actors.operator.anchor_batch(root, count, USAGE_LOG, uri="s3://batches/1")
    event = result.event("EvidenceBatchAnchored")
    assert (event["root"], event["submitter"], event["count"], event["uri"]) == (
        root,
        actors.operator.account,
        count,
        "s3://batches/1",
    )
    stored = actors.buyer.batch_of(root)
    assert (stored.count, stored.submitter, stored.evidence_type) == (
        count,
        actors.operator.account,
        USAGE_LOG,
    )


@pytest.mark.parametrize("count", [1, 7])
def test_verifyInBatch_everyProofOfSmallBatch(actors: Actors, count: int) -> None:
    docs = documents(count, seed=f"small-{count}")
    root, leaves = batch(docs)
    actors.operator.anchor_batch(root, count, USAGE_LOG)
    for index, doc in enumerate(docs):
        proof = merkle_proof(leaves, index)
        assert actors.buyer.verify_in_batch(root, doc, proof.index, proof.siblings)


def test_verifyInBatch_sampledProofsOfLargeBatch(actors: Actors) -> None:
    docs = documents(1000, seed="large")
    root, leaves = batch(docs)
    actors.operator.anchor_batch(root, 1000, USAGE_LOG)
    rng = random.Random(1000)
    for index in [0, 1, 511, 512, 998, 999, *rng.sample(range(1000), 14)]:
        proof = merkle_proof(leaves, index)
        assert actors.buyer.verify_in_batch(root, docs[index], proof.index, proof.siblings)


def test_verifyInBatch_falseForTamperedProofs(actors: Actors) -> None:
    docs = documents(7, seed="tamper")
    root, leaves = batch(docs)
    actors.operator.anchor_batch(root, 7, USAGE_LOG)
    index = 3
    proof = merkle_proof(leaves, index)
    flipped = (bytes([proof.siblings[0][0] ^ 1]) + proof.siblings[0][1:], *proof.siblings[1:])
    reader = actors.buyer
    assert not reader.verify_in_batch(root, docs[index], index, flipped)  # tampered sibling
    assert not reader.verify_in_batch(root, docs[index], index + 1, proof.siblings)  # wrong index
    assert not reader.verify_in_batch(root, docs[index], 7, proof.siblings)  # index out of range
    assert not reader.verify_in_batch(root, docs[index + 1], index, proof.siblings)  # wrong doc
    assert not reader.verify_in_batch(root, h("forged"), index, proof.siblings)
    assert not reader.verify_in_batch(root, docs[index], index, proof.siblings[:-1])  # short
    # The leaf hash instead of the document is not a member (leaves are domain-separated).
    assert not reader.verify_in_batch(root, leaves[index], index, proof.siblings)
    assert reader.verify_in_batch(root, docs[index], index, proof.siblings)


def test_verifyInBatch_falseForUnknownRoot(actors: Actors) -> None:
    docs = documents(2, seed="unanchored")
    root, leaves = batch(docs)
    proof: MerkleProof = merkle_proof(leaves, 0)
    assert not actors.buyer.verify_in_batch(root, docs[0], 0, proof.siblings)


def test_anchorBatch_revertsWithAlreadyAnchored(actors: Actors) -> None:
    root, _ = batch(documents(3, seed="twice"))
    actors.operator.anchor_batch(root, 3, USAGE_LOG)
    with pytest.raises(AlreadyAnchored) as exc:
        actors.operator.anchor_batch(root, 4, USAGE_LOG)
    assert exc.value.args == {"hash": root}


def test_anchorBatch_revertsWithHashMissingAndBatchEmpty(actors: Actors) -> None:
    with pytest.raises(HashMissing):
        actors.operator.anchor_batch(model.ZERO32, 3, USAGE_LOG)
    with pytest.raises(BatchEmpty):
        actors.operator.anchor_batch(h("root"), 0, USAGE_LOG)


def test_anchorBatch_reviewReportsNeedReviewer(actors: Actors) -> None:
    root, _ = batch(documents(3, seed="reviews"))
    with pytest.raises(ReviewerRoleRequired):
        actors.operator.anchor_batch(root, 3, REVIEW)
    actors.reviewer.anchor_batch(root, 3, REVIEW)


def test_anchorBatch_gasIndependentOfSize(actors: Actors) -> None:
    """One storage slot whatever the batch size: 1 and 1000 documents cost the same gas, up to
    calldata bytes of the root and count (at most 12 gas a byte between zero and non-zero)."""
    gas = {}
    for count in (1, 1000):
        root, _ = batch(documents(count, seed=f"gas-{count}"))
        gas[count] = actors.operator.anchor_batch(root, count, USAGE_LOG, uri="s3://b").gas_used
    assert abs(gas[1000] - gas[1]) < 400, gas
