"""Disputes and freezes (invariant 4): a frozen subject cannot be transferred, granted from,
renewed or used as an input; the arbitrator's ruling dismisses (unfreeze) or upholds (revoke)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from registry import model
from registry.chain.client import ROLES, RegistryClient
from registry.chain.contract_errors import (
    AccessControlUnauthorizedAccount,
    ArbitratorConflicted,
    ArbitratorNotAssigned,
    DisputeClosed,
    DisputeNotFound,
    EvidenceMissing,
    NotArbitrator,
    NotAssignedArbitrator,
    NotDisputeParticipant,
    OwnershipDisputeOpen,
    ParentRightInactive,
    ProcessingRightMissing,
    SelfDispute,
    SubjectFrozen,
    SubjectNotDisputable,
)
from tests.integration.conftest import Actors
from tests.integration.scenario import YEAR, certify, certify_own_name, h, record
from tests.integration.test_grants import grant_from

pytestmark = pytest.mark.integration

ASSET = model.SubjectKind.ASSET
CERTIFICATE = model.SubjectKind.CERTIFICATE
GRANT = model.SubjectKind.GRANT


@dataclass(frozen=True)
class Disputed:
    """The bureau's holding certificate, disputed by another enterprise."""

    asset: bytes
    cert: int
    dispute: int


def raise_against_holding(actors: Actors) -> Disputed:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    dispute = actors.other.raise_dispute(CERTIFICATE, cert, h("we collected this data")).id
    return Disputed(asset, cert, dispute)


@pytest.fixture
def disputed(actors: Actors) -> Disputed:
    return raise_against_holding(actors)


def assigned(actors: Actors, d: Disputed) -> Disputed:
    actors.admin.assign_arbitrator(d.dispute, actors.arbitrator.account)
    return d


def test_raiseDispute_emitsDisputeRaisedAndFreezes(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    created = actors.other.raise_dispute(CERTIFICATE, cert, h("evidence"))
    subject = cert.to_bytes(32, "big")
    assert created.result.event("DisputeRaised") == {
        "disputeId": 1,
        "claimant": actors.other.account,
        "respondent": actors.bureau.account,
        "kind": CERTIFICATE,
        "subject": subject,
        "asset": asset,
        "ownership": True,
        "evidenceHash": h("evidence"),
    }
    assert created.result.event("SubjectFreezeChanged") == {
        "kind": CERTIFICATE,
        "subject": subject,
        "openDisputes": 1,
    }
    assert actors.other.open_disputes(CERTIFICATE, cert) == 1
    assert actors.other.open_ownership_disputes(asset) == 1
    d = actors.other.dispute(1)
    assert (d.claimant, d.status, d.kind, d.ownership, d.subject) == (
        actors.other.account,
        model.DisputeStatus.RAISED,
        CERTIFICATE,
        True,
        subject,
    )


def test_raiseDispute_onGrantIsNotOwnership(actors: Actors, disputed: Disputed) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(actors.bureau, actors.operator, parent_id=cert)
    event = actors.other.raise_dispute(GRANT, g, h("misuse")).result.event("DisputeRaised")
    assert (event["respondent"], event["asset"], event["ownership"]) == (
        actors.operator.account,
        asset,
        False,
    )
    assert actors.other.open_ownership_disputes(asset) == 0


def test_raiseDispute_onAssetRespondentIsRegistrant(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    event = actors.other.raise_dispute(ASSET, asset, h("copied")).result.event("DisputeRaised")
    assert (event["respondent"], event["ownership"]) == (actors.bureau.account, True)
    assert actors.other.open_disputes(ASSET, asset) == 1
    # The frozen asset itself refuses applications; no separate ownership count is kept for it.
    assert actors.other.open_ownership_disputes(asset) == 0


def test_rule_dismissOnAssetUnfreezesIt(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    holding = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    dispute = actors.other.raise_dispute(ASSET, asset, h("copied")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)

    result = actors.arbitrator.rule(dispute, False, h("not copied"))

    assert result.event("SubjectFreezeChanged") == {
        "kind": ASSET,
        "subject": asset,
        "openDisputes": 0,
    }
    assert actors.admin.open_disputes(ASSET, asset) == 0
    assert actors.admin.open_ownership_disputes(asset) == 0
    actors.bureau.apply_for_certificate(asset, model.Right.PROCESSING)
    assert grant_from(actors.bureau, actors.operator, parent_id=holding) == 1


def _revoked_by_ruling(actors: Actors, kind: model.SubjectKind, subject: bytes | int) -> None:
    dispute = actors.other.raise_dispute(kind, subject, h("claim")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("claim upheld"))


def _ended_subjects(actors: Actors) -> dict[str, tuple[model.SubjectKind, bytes | int]]:
    bureau, admin = actors.bureau, actors.admin
    revoked_asset = bureau.register_resource(record()).id
    _revoked_by_ruling(actors, ASSET, revoked_asset)
    asset = bureau.register_resource(record()).id
    holding = certify(bureau, admin, asset, model.Right.HOLDING)
    revoked_grant = grant_from(bureau, actors.operator, parent_id=holding)
    bureau.revoke_grant(revoked_grant, h("licence ended"))
    rejected = bureau.apply_for_certificate(asset, model.Right.PROCESSING).id
    admin.reject_application(rejected, h("materials incomplete"))
    _, operating = certify_own_name(
        bureau, admin, bureau.register_resource(record()).id, model.Right.OPERATING
    )
    bureau.cancel_certificate(operating, h("注销"))
    _revoked_by_ruling(actors, CERTIFICATE, holding)
    return {
        "revokedAsset": (ASSET, revoked_asset),
        "revokedGrant": (GRANT, revoked_grant),
        "rejectedCertificate": (CERTIFICATE, rejected),
        "cancelledCertificate": (CERTIFICATE, operating),
        "revokedCertificate": (CERTIFICATE, holding),
    }


def test_raiseDispute_revertsWithSubjectNotDisputable(actors: Actors) -> None:
    """An ended subject (revoked, cancelled, rejected) has nothing left to freeze or revoke."""
    for name, (kind, subject) in _ended_subjects(actors).items():
        with pytest.raises(SubjectNotDisputable) as exc:
            actors.buyer.raise_dispute(kind, subject, h("late claim"))
        assert exc.value.args == {
            "kind": int(kind),
            "subject": model.subject_bytes(kind, subject),
        }, name
        assert actors.admin.open_disputes(kind, subject) == 0, name


def test_raiseDispute_revertsWithSelfDispute(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    with pytest.raises(SelfDispute) as exc:
        actors.bureau.raise_dispute(ASSET, asset, h("mine"))
    assert exc.value.args == {"account": actors.bureau.account}


def test_raiseDispute_revertsWithEvidenceMissing(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    with pytest.raises(EvidenceMissing):
        actors.other.raise_dispute(ASSET, asset, model.ZERO32)


def test_transferCertificate_revertsWithSubjectFrozen(actors: Actors, disputed: Disputed) -> None:
    with pytest.raises(SubjectFrozen) as exc:
        actors.bureau.transfer_certificate(disputed.cert, actors.buyer.account, h("sale"))
    assert exc.value.args == {"kind": CERTIFICATE, "subject": disputed.cert.to_bytes(32, "big")}
    with pytest.raises(SubjectFrozen):
        actors.bureau.erc721_transfer(disputed.cert, actors.buyer.account)


def test_grant_revertsWithParentRightInactive_frozenCertificate(
    actors: Actors, disputed: Disputed
) -> None:
    with pytest.raises(ParentRightInactive) as exc:
        grant_from(actors.bureau, actors.operator, parent_id=disputed.cert)
    assert exc.value.args == {"kind": model.AuthKind.CERTIFICATE, "id": disputed.cert}


def test_grant_revertsWithParentRightInactive_frozenParentGrant(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(actors.bureau, actors.operator, parent_id=cert, sub_grantable=True)
    actors.other.raise_dispute(GRANT, g, h("misuse"))
    with pytest.raises(ParentRightInactive) as exc:
        grant_from(actors.operator, actors.buyer, parent_kind=model.AuthKind.GRANT, parent_id=g)
    assert exc.value.args == {"kind": model.AuthKind.GRANT, "id": g}


def test_renewCertificate_revertsWithSubjectFrozen(actors: Actors, disputed: Disputed) -> None:
    end = actors.admin.certificate(disputed.cert).valid_until
    with pytest.raises(SubjectFrozen) as exc:
        actors.admin.renew_certificate(disputed.cert, end + YEAR, h("renewal"))
    assert exc.value.args == {"kind": CERTIFICATE, "subject": disputed.cert.to_bytes(32, "big")}


def test_registerProduct_revertsWithProcessingRightMissing_frozenCertificate(
    actors: Actors,
) -> None:
    asset = actors.operator.register_resource(record()).id
    _, processing = certify_own_name(actors.operator, actors.admin, asset, model.Right.PROCESSING)
    actors.other.raise_dispute(CERTIFICATE, processing, h("claim"))
    use = model.InputUse(asset, model.AuthKind.CERTIFICATE, processing)
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [use])
    assert exc.value.args == {
        "asset": asset,
        "account": actors.operator.account,
        "authKind": model.AuthKind.CERTIFICATE,
        "authId": processing,
    }


def test_revokeGrant_revertsWithSubjectFrozen(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(actors.bureau, actors.operator, parent_id=cert)
    actors.buyer.raise_dispute(GRANT, g, h("claim"))
    with pytest.raises(SubjectFrozen) as exc:
        actors.bureau.revoke_grant(g, h("pre-empt the ruling"))
    assert exc.value.args == {"kind": GRANT, "subject": g.to_bytes(32, "big")}


def test_applyForCertificate_revertsWithOwnershipDisputeOpen(
    actors: Actors, disputed: Disputed
) -> None:
    with pytest.raises(OwnershipDisputeOpen) as exc:
        actors.bureau.apply_for_certificate(disputed.asset, model.Right.PROCESSING)
    assert exc.value.args == {"asset": disputed.asset}


def test_assignArbitrator_emitsArbitratorAssigned(actors: Actors, disputed: Disputed) -> None:
    result = actors.admin.assign_arbitrator(disputed.dispute, actors.arbitrator.account)
    assert result.event("ArbitratorAssigned") == {
        "disputeId": disputed.dispute,
        "arbitrator": actors.arbitrator.account,
        "registrar": actors.admin.account,
    }
    d = actors.admin.dispute(disputed.dispute)
    assert (d.status, d.arbitrator) == (model.DisputeStatus.ASSIGNED, actors.arbitrator.account)


@pytest.mark.parametrize("caller", ["other", "arbitrator", "bureau"])
def test_assignArbitrator_revertsWithAccessControlUnauthorizedAccount(
    actors: Actors, disputed: Disputed, caller: str
) -> None:
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(AccessControlUnauthorizedAccount) as exc:
        client.assign_arbitrator(disputed.dispute, actors.arbitrator.account)
    assert exc.value.args == {"account": client.account, "neededRole": ROLES["registrar"]}


def test_assignArbitrator_revertsWithNotArbitrator(actors: Actors, disputed: Disputed) -> None:
    with pytest.raises(NotArbitrator) as exc:
        actors.admin.assign_arbitrator(disputed.dispute, actors.reviewer.account)
    assert exc.value.args == {"account": actors.reviewer.account}


def test_assignArbitrator_revertsWithArbitratorConflicted(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    # The arbitrator is also an admitted enterprise: here it is the claimant.
    dispute = actors.arbitrator.raise_dispute(ASSET, asset, h("claim")).id
    with pytest.raises(ArbitratorConflicted) as exc:
        actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    assert exc.value.args == {"account": actors.arbitrator.account}


def test_assignArbitrator_revertsWithArbitratorConflicted_respondent(actors: Actors) -> None:
    actors.admin.grant_role("arbitrator", actors.bureau.account)
    asset = actors.bureau.register_resource(record()).id
    dispute = actors.other.raise_dispute(ASSET, asset, h("claim")).id
    with pytest.raises(ArbitratorConflicted) as exc:
        actors.admin.assign_arbitrator(dispute, actors.bureau.account)
    assert exc.value.args == {"account": actors.bureau.account}


def test_assignArbitrator_revertsWithDisputeNotFound(actors: Actors) -> None:
    with pytest.raises(DisputeNotFound) as exc:
        actors.admin.assign_arbitrator(9, actors.arbitrator.account)
    assert exc.value.args == {"disputeId": 9}


@pytest.mark.parametrize("caller", ["other", "bureau", "arbitrator"])
def test_submitEvidence_byParticipants(actors: Actors, disputed: Disputed, caller: str) -> None:
    assigned(actors, disputed)
    client: RegistryClient = getattr(actors, caller)
    result = client.submit_dispute_evidence(disputed.dispute, h(f"evidence of {caller}"))
    assert result.event("DisputeEvidenceSubmitted") == {
        "disputeId": disputed.dispute,
        "submitter": client.account,
        "evidenceHash": h(f"evidence of {caller}"),
    }


@pytest.mark.parametrize("caller", ["buyer", "admin", "outsider"])
def test_submitEvidence_revertsWithNotDisputeParticipant(
    actors: Actors, disputed: Disputed, caller: str
) -> None:
    assigned(actors, disputed)
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(NotDisputeParticipant) as exc:
        client.submit_dispute_evidence(disputed.dispute, h("hearsay"))
    assert exc.value.args == {"disputeId": disputed.dispute, "account": client.account}


def test_submitEvidence_revertsWithEvidenceMissing(actors: Actors, disputed: Disputed) -> None:
    with pytest.raises(EvidenceMissing):
        actors.other.submit_dispute_evidence(disputed.dispute, model.ZERO32)


def test_rule_revertsWithArbitratorNotAssigned(actors: Actors, disputed: Disputed) -> None:
    with pytest.raises(ArbitratorNotAssigned) as exc:
        actors.arbitrator.rule(disputed.dispute, True, h("decision"))
    assert exc.value.args == {"disputeId": disputed.dispute}


def test_rule_revertsWithNotAssignedArbitrator(actors: Actors, disputed: Disputed) -> None:
    assigned(actors, disputed)
    with pytest.raises(NotAssignedArbitrator) as exc:
        actors.admin.rule(disputed.dispute, True, h("decision"))
    assert exc.value.args == {"disputeId": disputed.dispute, "account": actors.admin.account}


def test_rule_dismissUnfreezesWithoutRevocation(actors: Actors, disputed: Disputed) -> None:
    assigned(actors, disputed)
    result = actors.arbitrator.rule(disputed.dispute, False, h("claim unfounded"))
    assert result.event("DisputeRuled") == {
        "disputeId": disputed.dispute,
        "arbitrator": actors.arbitrator.account,
        "upheld": False,
        "decisionHash": h("claim unfounded"),
    }
    assert result.event("SubjectFreezeChanged")["openDisputes"] == 0
    assert result.all("CertificateUpdated") == []
    assert actors.admin.dispute(disputed.dispute).status == model.DisputeStatus.DISMISSED
    assert actors.admin.open_disputes(CERTIFICATE, disputed.cert) == 0
    assert actors.admin.open_ownership_disputes(disputed.asset) == 0
    assert actors.admin.certificate(disputed.cert).status == model.CertificateStatus.ACTIVE
    assert actors.admin.party(actors.bureau.account).disputes_lost == 0
    # Unfrozen: the holder may grant and transfer again.
    assert grant_from(actors.bureau, actors.operator, parent_id=disputed.cert) == 1
    actors.bureau.transfer_certificate(disputed.cert, actors.buyer.account, h("sale"))


def test_rule_upholdRevokesAndCountsAgainstRespondent(actors: Actors, disputed: Disputed) -> None:
    assigned(actors, disputed)
    result = actors.arbitrator.rule(disputed.dispute, True, h("claim founded"))
    assert result.event("DisputeRuled")["upheld"] is True
    updated = result.event("CertificateUpdated")
    assert updated["certificateId"] == disputed.cert
    assert updated["certificate"].status == model.CertificateStatus.REVOKED
    assert updated["reasonHash"] == h("claim founded")
    assert result.event("PartyCreditChanged") == {
        "account": actors.bureau.account,
        "disputesLost": 1,
        "objectionsUpheld": 0,
    }
    assert actors.admin.party(actors.bureau.account).disputes_lost == 1
    assert actors.admin.dispute(disputed.dispute).status == model.DisputeStatus.UPHELD
    assert actors.admin.certificate(disputed.cert).status == model.CertificateStatus.REVOKED
    assert not actors.admin.is_certificate_effective(disputed.cert)
    assert actors.admin.open_disputes(CERTIFICATE, disputed.cert) == 0


def test_rule_upholdOnGrantRevokesEvenIrrevocableGrant(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(actors.bureau, actors.operator, parent_id=cert, revocable=False)
    dispute = actors.bureau.raise_dispute(GRANT, g, h("terms breached")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    result = actors.arbitrator.rule(dispute, True, h("breach proven"))
    assert result.event("GrantRevoked")["grantId"] == g
    assert actors.admin.grant_record(g).status == model.GrantStatus.REVOKED
    assert actors.admin.party(actors.operator.account).disputes_lost == 1


@pytest.mark.parametrize("first", [True, False])
def test_rule_revertsWithDisputeClosed(actors: Actors, disputed: Disputed, first: bool) -> None:
    assigned(actors, disputed)
    actors.arbitrator.rule(disputed.dispute, first, h("decision"))
    for uphold in (True, False):
        with pytest.raises(DisputeClosed) as exc:
            actors.arbitrator.rule(disputed.dispute, uphold, h("again"))
        assert exc.value.args == {"disputeId": disputed.dispute}
    with pytest.raises(DisputeClosed):
        actors.admin.assign_arbitrator(disputed.dispute, actors.arbitrator.account)
    with pytest.raises(DisputeClosed):
        actors.other.submit_dispute_evidence(disputed.dispute, h("late"))


def test_rule_twoDisputesKeepSubjectFrozenUntilBothClose(
    actors: Actors, disputed: Disputed
) -> None:
    second = actors.buyer.raise_dispute(CERTIFICATE, disputed.cert, h("second claim")).id
    assert actors.admin.open_disputes(CERTIFICATE, disputed.cert) == 2
    assigned(actors, disputed)
    actors.arbitrator.rule(disputed.dispute, False, h("dismissed"))
    assert actors.admin.open_disputes(CERTIFICATE, disputed.cert) == 1
    with pytest.raises(SubjectFrozen):
        actors.bureau.transfer_certificate(disputed.cert, actors.buyer.account, h("sale"))
    actors.admin.assign_arbitrator(second, actors.arbitrator.account)
    actors.arbitrator.rule(second, False, h("dismissed"))
    assert actors.admin.open_disputes(CERTIFICATE, disputed.cert) == 0
    assert actors.admin.open_ownership_disputes(disputed.asset) == 0
