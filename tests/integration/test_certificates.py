"""Registration certificates on a real chain: notice window, objections, issuance, the lifecycle
(renew, correct, cancel, reject) and transfers, both through `transferCertificate` and as plain
ERC-721 moves. Invariant 1 is proved at the end."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from web3 import Web3

from registry import model
from registry.chain.client import ROLES, RegistryClient, WriteResult
from registry.chain.contract_errors import (
    AccessControlUnauthorizedAccount,
    CertificateExists,
    CertificateExpired,
    CertificateNotFound,
    CertificateStatusInvalid,
    DependentRightNotTransferable,
    ERC721InsufficientApproval,
    GrantOutlivesParent,
    HoldingRightCannotRestOnGrant,
    HoldingRightNotRegistrant,
    NotCertificateHolder,
    NoticeWindowClosed,
    NoticeWindowOpen,
    NotRightHolder,
    ObjectionNotOpen,
    ObjectionsOpen,
    OperatingRightOnPublicResource,
    OwnershipDisputeOpen,
    ParentRightInactive,
    PartyIsSuspended,
    PartyNotAdmitted,
    ProcessingRightMissing,
    RightExceedsParent,
    SubjectFrozen,
    TermInvalid,
)
from registry.chain.deploy import DISPUTES, RIGHTS
from tests.integration.conftest import Actors
from tests.integration.scenario import (
    NOTICE,
    YEAR,
    certify,
    certify_own_name,
    h,
    now,
    record,
    terms,
    travel,
)
from tests.integration.test_grants import grant_from

HOLDING, PROCESSING, OPERATING = model.Right.HOLDING, model.Right.PROCESSING, model.Right.OPERATING
ZERO_ADDRESS = "0x" + "00" * 20


def action(name: str) -> bytes:
    return name.encode().ljust(32, b"\x00")


def block_time(w3: Web3, block_number: int) -> int:
    return int(w3.eth.get_block(block_number)["timestamp"])


def enterprise_asset(client: RegistryClient) -> bytes:
    return bytes(client.register_resource(record()).id)


def emitter(result: WriteResult, name: str) -> str:
    """The address of the contract that emitted the first `name` event."""
    return next(e.address for e in result.events if e.name == name)


# ---------------------------------------------------------------- application and notice


def test_applyForCertificate_startsNoticeWindowAndMintsToApplicant(actors: Actors) -> None:
    bureau = actors.bureau
    asset = enterprise_asset(bureau)

    applied = bureau.apply_for_certificate(asset, HOLDING)

    start = block_time(bureau.w3, applied.result.block_number)
    expected = model.Certificate(
        asset=asset,
        right=HOLDING,
        status=model.CertificateStatus.NOTICE,
        notice_ends_at=start + NOTICE,
        issued_at=0,
        valid_until=0,
        open_objections=0,
        basis_grant=0,
        basis_certificate=0,
    )
    assert applied.id == 1
    assert bureau.certificate(applied.id) == expected
    assert bureau.holder_of(applied.id) == bureau.account
    assert applied.result.event("CertificateApplied") == {
        "certificateId": applied.id,
        "asset": asset,
        "applicant": bureau.account,
        "certificate": expected,
    }
    assert applied.result.event("Transfer") == {
        "from": ZERO_ADDRESS,
        "to": bureau.account,
        "tokenId": applied.id,
    }
    assert bureau.certificate_count() == 1


def test_applyForCertificate_revertsWithCertificateExistsWhilePending(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    pending = actors.bureau.apply_for_certificate(asset, HOLDING).id
    with pytest.raises(CertificateExists) as err:
        actors.bureau.apply_for_certificate(asset, HOLDING)
    assert err.value.args == {
        "asset": asset,
        "right": HOLDING,
        "holder": actors.bureau.account,
        "certificateId": pending,
    }


def test_applyForCertificate_revertsWithCertificateExistsWhileActive(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    _, active = certify_own_name(actors.bureau, actors.admin, asset, PROCESSING)
    with pytest.raises(CertificateExists) as err:
        actors.bureau.apply_for_certificate(asset, PROCESSING)
    assert err.value.args == {
        "asset": asset,
        "right": PROCESSING,
        "holder": actors.bureau.account,
        "certificateId": active,
    }


def test_applyForCertificate_afterExpiryStartsNewCertificate(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    first = certify(actors.bureau, actors.admin, asset, HOLDING, term=3600)
    travel(actors.bureau.w3, 3600)

    second = actors.bureau.apply_for_certificate(asset, HOLDING).id

    assert second == first + 1


def test_applyForCertificate_holdingRevertsWithHoldingRightNotRegistrant(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    with pytest.raises(HoldingRightNotRegistrant) as err:
        actors.other.apply_for_certificate(asset, HOLDING)
    assert err.value.args == {"asset": asset, "applicant": actors.other.account}


def test_applyForCertificate_holdingRevertsWithHoldingRightCannotRestOnGrant(
    actors: Actors,
) -> None:
    asset = enterprise_asset(actors.bureau)
    with pytest.raises(HoldingRightCannotRestOnGrant):
        actors.bureau.apply_for_certificate(asset, HOLDING, 1)


def test_applyForCertificate_holdingRevertsWithCertificateExistsAfterTransfer(
    actors: Actors,
) -> None:
    """The holding right is one per asset: having sold it, the registrant cannot apply again."""
    asset = enterprise_asset(actors.bureau)
    holding = certify(actors.bureau, actors.admin, asset, HOLDING)
    actors.bureau.transfer_certificate(holding, actors.buyer.account, h("sale"))

    with pytest.raises(CertificateExists) as err:
        actors.bureau.apply_for_certificate(asset, HOLDING)
    assert err.value.args == {
        "asset": asset,
        "right": HOLDING,
        "holder": actors.buyer.account,
        "certificateId": holding,
    }


@pytest.mark.parametrize("right", [PROCESSING, OPERATING])
@pytest.mark.parametrize("holding_issued", [False, True], ids=["holdingPending", "holdingActive"])
def test_applyForCertificate_ownNameRestsOnHoldingCertificate(
    actors: Actors, right: model.Right, holding_issued: bool
) -> None:
    """A pending holding certificate is enough to apply; the application records it."""
    asset = enterprise_asset(actors.bureau)
    if holding_issued:
        holding = certify(actors.bureau, actors.admin, asset, HOLDING)
    else:
        holding = actors.bureau.apply_for_certificate(asset, HOLDING).id

    applied = actors.bureau.apply_for_certificate(asset, right)

    cert = actors.bureau.certificate(applied.id)
    assert (cert.right, cert.basis_grant, cert.basis_certificate) == (right, 0, holding)
    assert applied.result.event("CertificateApplied")["certificate"] == cert


@pytest.mark.parametrize("right", [PROCESSING, OPERATING])
def test_applyForCertificate_ownNameByRegistrantWithoutHoldingRevertsWithNotRightHolder(
    actors: Actors, right: model.Right
) -> None:
    """Registering an asset gives no rights of its own: the holding right must be certified."""
    asset = enterprise_asset(actors.bureau)
    with pytest.raises(NotRightHolder) as err:
        actors.bureau.apply_for_certificate(asset, right)
    assert err.value.args == {
        "kind": int(model.AuthKind.CERTIFICATE),
        "id": 0,
        "account": actors.bureau.account,
    }


@pytest.mark.parametrize("right", [PROCESSING, OPERATING])
def test_applyForCertificate_ownNameAfterHoldingEndedRevertsWithNotRightHolder(
    actors: Actors, right: model.Right
) -> None:
    """A cancelled or expired holding certificate no longer supports own-name applications."""
    bureau = actors.bureau
    cancelled_asset, expired_asset = enterprise_asset(bureau), enterprise_asset(bureau)
    cancelled = certify(bureau, actors.admin, cancelled_asset, HOLDING)
    bureau.cancel_certificate(cancelled, h("注销"))
    certify(bureau, actors.admin, expired_asset, HOLDING, term=3600)
    travel(bureau.w3, 3600)

    for asset in (cancelled_asset, expired_asset):
        with pytest.raises(NotRightHolder) as err:
            bureau.apply_for_certificate(asset, right)
        assert err.value.args == {
            "kind": int(model.AuthKind.CERTIFICATE),
            "id": 0,
            "account": bureau.account,
        }


@pytest.mark.parametrize("right", [PROCESSING, OPERATING])
def test_applyForCertificate_ownNameRevertsWithNotRightHolder(
    actors: Actors, right: model.Right
) -> None:
    asset = enterprise_asset(actors.bureau)
    holding = actors.bureau.apply_for_certificate(asset, HOLDING).id
    with pytest.raises(NotRightHolder) as err:
        actors.other.apply_for_certificate(asset, right)
    assert err.value.args == {
        "kind": int(model.AuthKind.CERTIFICATE),
        "id": holding,
        "account": actors.other.account,
    }


def test_applyForCertificate_ownNameFollowsHoldingRight(actors: Actors) -> None:
    bureau, buyer = actors.bureau, actors.buyer
    asset = enterprise_asset(bureau)
    holding = certify(bureau, actors.admin, asset, HOLDING)
    bureau.transfer_certificate(holding, buyer.account, h("sale of the holding right"))

    cert = buyer.apply_for_certificate(asset, OPERATING).id
    assert buyer.holder_of(cert) == buyer.account
    assert buyer.certificate(cert).basis_certificate == holding
    with pytest.raises(NotRightHolder) as err:
        bureau.apply_for_certificate(asset, PROCESSING)
    assert err.value.args == {
        "kind": int(model.AuthKind.CERTIFICATE),
        "id": holding,
        "account": bureau.account,
    }


def test_applyForCertificate_revertsWithOperatingRightOnPublicResource(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record(category=model.Category.PUBLIC)).id
    actors.bureau.apply_for_certificate(asset, HOLDING)
    with pytest.raises(OperatingRightOnPublicResource) as err:
        actors.bureau.apply_for_certificate(asset, OPERATING)
    assert err.value.args == {"asset": asset}
    actors.bureau.apply_for_certificate(asset, PROCESSING)


def test_applyForCertificate_revertsWithOwnershipDisputeOpen(actors: Actors) -> None:
    """A dispute over the holding certificate is about ownership: no new applications."""
    asset = enterprise_asset(actors.bureau)
    holding = certify(actors.bureau, actors.admin, asset, HOLDING)
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, holding, h("it is our data"))
    with pytest.raises(OwnershipDisputeOpen) as err:
        actors.bureau.apply_for_certificate(asset, PROCESSING)
    assert err.value.args == {"asset": asset}


def test_applyForCertificate_onDisputedAssetRevertsWithSubjectFrozen(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    actors.other.raise_dispute(model.SubjectKind.ASSET, asset, h("it is our data"))
    with pytest.raises(SubjectFrozen) as err:
        actors.bureau.apply_for_certificate(asset, HOLDING)
    assert err.value.args == {"kind": int(model.SubjectKind.ASSET), "subject": asset}


def test_applyForCertificate_revertsWithPartyNotAdmitted(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    with pytest.raises(PartyNotAdmitted) as err:
        actors.outsider.apply_for_certificate(asset, PROCESSING)
    assert err.value.args == {"account": actors.outsider.account}


# ---------------------------------------------------------------- rights resting on a grant


def _processing_grant(actors: Actors, *, years: int = 1) -> tuple[bytes, int, int]:
    """A bureau asset with a holding certificate and a processing grant to the operator."""
    asset = enterprise_asset(actors.bureau)
    holding = certify(actors.bureau, actors.admin, asset, HOLDING)
    t0 = now(actors.bureau.w3)
    grant = actors.bureau.grant(
        terms(
            actors.operator.account,
            parent_id=holding,
            valid_from=t0,
            valid_until=t0 + years * YEAR,
        )
    ).id
    return asset, holding, grant


def test_issueCertificate_onGrantEndsWithTheGrant(actors: Actors) -> None:
    asset, _, grant = _processing_grant(actors)
    cert = actors.operator.apply_for_certificate(asset, PROCESSING, grant).id
    travel(actors.operator.w3, NOTICE)

    actors.admin.issue_certificate(cert)

    issued = actors.operator.certificate(cert)
    assert issued.basis_grant == grant
    assert issued.valid_until == actors.operator.grant_record(grant).valid_until


def test_applyForCertificate_onGrantRevertsWithRightExceedsParent(actors: Actors) -> None:
    asset, _, grant = _processing_grant(actors)
    with pytest.raises(RightExceedsParent) as err:
        actors.operator.apply_for_certificate(asset, OPERATING, grant)
    assert err.value.args == {"parentRight": int(PROCESSING), "requested": int(OPERATING)}


def test_applyForCertificate_onGrantRevertsWithNotRightHolder(actors: Actors) -> None:
    asset, _, grant = _processing_grant(actors)
    with pytest.raises(NotRightHolder) as err:
        actors.other.apply_for_certificate(asset, PROCESSING, grant)
    assert err.value.args == {
        "kind": int(model.AuthKind.GRANT),
        "id": grant,
        "account": actors.other.account,
    }


def test_issueCertificate_onRevokedGrantRevertsWithParentRightInactive(actors: Actors) -> None:
    asset, _, grant = _processing_grant(actors)
    cert = actors.operator.apply_for_certificate(asset, PROCESSING, grant).id
    actors.bureau.revoke_grant(grant, h("licence ended"))
    travel(actors.operator.w3, NOTICE)

    with pytest.raises(ParentRightInactive) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"kind": int(model.AuthKind.GRANT), "id": grant}


# ---------------------------------------------------------------- rights in one's own name

EndHolding = Callable[[Actors, int], object]


def _revoke_by_ruling(actors: Actors, holding: int) -> object:
    dispute = actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, holding, h("ours")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    return actors.arbitrator.rule(dispute, True, h("claim upheld"))


def _cancel(actors: Actors, holding: int) -> object:
    return actors.bureau.cancel_certificate(holding, h("注销"))


def _transfer_away(actors: Actors, holding: int) -> object:
    return actors.bureau.transfer_certificate(holding, actors.buyer.account, h("sale"))


ENDINGS = pytest.mark.parametrize(
    "end_holding",
    [_revoke_by_ruling, _cancel, _transfer_away],
    ids=["revokedByRuling", "cancelled", "transferredAway"],
)


@ENDINGS
@pytest.mark.parametrize("right", [PROCESSING, OPERATING])
def test_ownNameCertificate_endsWithHoldingCertificate(
    actors: Actors, end_holding: EndHolding, right: model.Right
) -> None:
    bureau = actors.bureau
    asset = enterprise_asset(bureau)
    holding, cert = certify_own_name(bureau, actors.admin, asset, right)
    assert bureau.is_certificate_effective(cert)

    end_holding(actors, holding)

    assert not bureau.is_certificate_effective(cert)
    # Its own record is untouched: it ends because the right it rests on did.
    assert bureau.certificate(cert).status == model.CertificateStatus.ACTIVE
    assert bureau.holder_of(cert) == bureau.account
    with pytest.raises(ParentRightInactive) as err:
        grant_from(bureau, actors.operator, parent_id=cert, right=right)
    assert err.value.args == {"kind": int(model.AuthKind.CERTIFICATE), "id": cert}


@ENDINGS
def test_registerProduct_underOwnNameProcessingAfterHoldingEndedRevertsWithProcessingRightMissing(
    actors: Actors, end_holding: EndHolding
) -> None:
    bureau = actors.bureau
    asset = enterprise_asset(bureau)
    holding, processing = certify_own_name(bureau, actors.admin, asset, PROCESSING)
    use = model.InputUse(asset, model.AuthKind.CERTIFICATE, processing)
    bureau.register_product(record(), [use])

    end_holding(actors, holding)

    assert not bureau.can_process(bureau.account, asset, model.AuthKind.CERTIFICATE, processing)
    with pytest.raises(ProcessingRightMissing) as err:
        bureau.register_product(record(), [use])
    assert err.value.args == {
        "asset": asset,
        "account": bureau.account,
        "authKind": int(model.AuthKind.CERTIFICATE),
        "authId": processing,
    }


def test_registerProduct_underOwnNameProcessingWhileHoldingFrozen(actors: Actors) -> None:
    """A dispute over the holding certificate freezes the rights resting on it until dismissed."""
    bureau, admin = actors.bureau, actors.admin
    asset = enterprise_asset(bureau)
    holding, processing = certify_own_name(bureau, admin, asset, PROCESSING)
    use = model.InputUse(asset, model.AuthKind.CERTIFICATE, processing)
    dispute = actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, holding, h("ours")).id

    assert bureau.is_certificate_effective(processing)  # in force, but frozen with its basis
    with pytest.raises(ProcessingRightMissing):
        bureau.register_product(record(), [use])

    admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, False, h("claim unfounded"))
    product = bureau.register_product(record(), [use]).id
    assert bureau.children(asset) == [product]


# ---------------------------------------------------------------- objections and issuance


def test_issueCertificate_revertsWithNoticeWindowOpen(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    cert = actors.bureau.apply_for_certificate(asset, HOLDING).id
    ends = actors.bureau.certificate(cert).notice_ends_at

    for wait in (0, NOTICE - 30):
        travel(actors.bureau.w3, wait)
        with pytest.raises(NoticeWindowOpen) as err:
            actors.admin.issue_certificate(cert)
        assert err.value.args == {"certificateId": cert, "noticeEndsAt": ends}
    assert actors.bureau.certificate(cert).status == model.CertificateStatus.NOTICE


def test_issueCertificate_afterWindowActivatesWithDefaultTerm(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    applied = actors.bureau.apply_for_certificate(asset, HOLDING)
    travel(actors.bureau.w3, NOTICE)

    result = actors.admin.issue_certificate(applied.id)

    issued_at = block_time(actors.bureau.w3, result.block_number)
    expected = model.Certificate(
        asset=asset,
        right=HOLDING,
        status=model.CertificateStatus.ACTIVE,
        notice_ends_at=block_time(actors.bureau.w3, applied.result.block_number) + NOTICE,
        issued_at=issued_at,
        valid_until=issued_at + 3 * YEAR,
        open_objections=0,
        basis_grant=0,
        basis_certificate=0,
    )
    assert actors.bureau.certificate(applied.id) == expected
    assert result.event("CertificateUpdated") == {
        "certificateId": applied.id,
        "action": action("ISSUED"),
        "actor": actors.admin.account,
        "certificate": expected,
        "reasonHash": model.ZERO32,
    }
    assert actors.bureau.is_certificate_effective(applied.id)


def test_issueCertificate_withExplicitTerm(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    cert = actors.bureau.apply_for_certificate(asset, HOLDING).id
    travel(actors.bureau.w3, NOTICE)

    result = actors.admin.issue_certificate(cert, 90 * 24 * 3600)

    issued_at = block_time(actors.bureau.w3, result.block_number)
    assert actors.bureau.certificate(cert).valid_until == issued_at + 90 * 24 * 3600


def test_issueCertificate_toSuspendedApplicantRevertsWithPartyIsSuspended(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    actors.admin.suspend_party(actors.bureau.account, h("suspended"))
    travel(actors.bureau.w3, NOTICE)
    with pytest.raises(PartyIsSuspended) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"account": actors.bureau.account}


def test_issueCertificate_ownNameRevertsWithParentRightInactiveAfterHoldingMoved(
    actors: Actors,
) -> None:
    """An own-name application rests on the holding right; if that moves during the notice
    window, the application can no longer be granted."""
    bureau = actors.bureau
    asset = enterprise_asset(bureau)
    holding = certify(bureau, actors.admin, asset, HOLDING)
    cert = bureau.apply_for_certificate(asset, OPERATING).id
    bureau.transfer_certificate(holding, actors.buyer.account, h("sale"))
    travel(bureau.w3, NOTICE)

    with pytest.raises(ParentRightInactive) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"kind": int(model.AuthKind.CERTIFICATE), "id": holding}


def test_issueCertificate_ownNameWaitsForHoldingIssuedAndEndsWithIt(actors: Actors) -> None:
    """Applied for alongside a pending holding certificate, an own-name right is issued only once
    the holding certificate is active, and never outlives it."""
    bureau, admin = actors.bureau, actors.admin
    asset = enterprise_asset(bureau)
    holding = bureau.apply_for_certificate(asset, HOLDING).id
    cert = bureau.apply_for_certificate(asset, PROCESSING).id
    travel(bureau.w3, NOTICE)

    with pytest.raises(ParentRightInactive) as err:
        admin.issue_certificate(cert)
    assert err.value.args == {"kind": int(model.AuthKind.CERTIFICATE), "id": holding}

    admin.issue_certificate(holding, YEAR)
    admin.issue_certificate(cert, 3 * YEAR)

    issued = bureau.certificate(cert)
    assert issued.status == model.CertificateStatus.ACTIVE
    assert issued.basis_certificate == holding
    assert issued.valid_until == bureau.certificate(holding).valid_until
    assert bureau.is_certificate_effective(cert)


def test_issueCertificate_ownNameOnRevokedHoldingRevertsWithParentRightInactive(
    actors: Actors,
) -> None:
    bureau = actors.bureau
    asset = enterprise_asset(bureau)
    holding = certify(bureau, actors.admin, asset, HOLDING)
    cert = bureau.apply_for_certificate(asset, OPERATING).id
    dispute = actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, holding, h("ours")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("claim upheld"))
    travel(bureau.w3, NOTICE)

    with pytest.raises(ParentRightInactive) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"kind": int(model.AuthKind.CERTIFICATE), "id": holding}


def test_issueCertificate_revertsWithCertificateStatusInvalidWhenActive(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(CertificateStatusInvalid) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"certificateId": cert, "status": int(model.CertificateStatus.ACTIVE)}


def test_fileObjection_duringWindowEmitsObjectionFiled(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    travel(actors.bureau.w3, NOTICE - 60)

    filed = actors.other.file_objection(cert, h("we collected this data"))

    assert filed.id == 1
    assert filed.result.event("ObjectionFiled") == {
        "objectionId": 1,
        "certificateId": cert,
        "filer": actors.other.account,
        "evidenceHash": h("we collected this data"),
    }
    assert emitter(filed.result, "ObjectionFiled") == actors.other.address_of(DISPUTES)
    assert actors.bureau.certificate(cert).open_objections == 1
    assert actors.bureau.objection(1) == model.Objection(
        certificate_id=cert, filer=actors.other.account, open=True
    )


def test_objection_unknownIdReadsAsEmpty(actors: Actors) -> None:
    assert actors.bureau.objection(99) == model.Objection(
        certificate_id=0, filer=ZERO_ADDRESS, open=False
    )


def test_fileObjection_revertsWithNoticeWindowClosed(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    ends = actors.bureau.certificate(cert).notice_ends_at
    travel(actors.bureau.w3, NOTICE)

    with pytest.raises(NoticeWindowClosed) as err:
        actors.other.file_objection(cert, h("too late"))
    assert err.value.args == {"certificateId": cert, "noticeEndsAt": ends}


def test_fileObjection_revertsWithCertificateStatusInvalidWhenActive(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(CertificateStatusInvalid) as err:
        actors.other.file_objection(cert, h("objection"))
    assert err.value.args == {"certificateId": cert, "status": int(model.CertificateStatus.ACTIVE)}


def test_issueCertificate_revertsWithObjectionsOpenUntilResolved(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    first = actors.other.file_objection(cert, h("objection 1")).id
    second = actors.buyer.file_objection(cert, h("objection 2")).id
    travel(actors.bureau.w3, NOTICE)

    with pytest.raises(ObjectionsOpen) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"certificateId": cert, "open": 2}

    resolved = actors.admin.resolve_objection(first, False, h("unfounded"))
    assert resolved.event("ObjectionResolved") == {
        "objectionId": first,
        "certificateId": cert,
        "registrar": actors.admin.account,
        "upheld": False,
        "reasonHash": h("unfounded"),
    }
    assert emitter(resolved, "ObjectionResolved") == actors.admin.address_of(DISPUTES)
    assert not actors.admin.objection(first).open
    assert actors.admin.objection(second).open
    with pytest.raises(ObjectionsOpen) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {"certificateId": cert, "open": 1}

    actors.admin.resolve_objection(second, False, h("unfounded too"))
    actors.admin.issue_certificate(cert)
    assert actors.bureau.certificate(cert).status == model.CertificateStatus.ACTIVE
    assert actors.bureau.party(actors.bureau.account).objections_upheld == 0


def test_resolveObjection_upheldRejectsAndCountsAgainstApplicant(actors: Actors) -> None:
    bureau = actors.bureau
    cert = bureau.apply_for_certificate(enterprise_asset(bureau), HOLDING).id
    objection = actors.other.file_objection(cert, h("we collected this data")).id

    result = actors.admin.resolve_objection(objection, True, h("objection upheld"))

    rejected = bureau.certificate(cert)
    assert rejected.status == model.CertificateStatus.REJECTED
    assert rejected.open_objections == 0
    assert result.event("ObjectionResolved")["upheld"] is True
    assert emitter(result, "ObjectionResolved") == bureau.address_of(DISPUTES)
    # The registry records the rejection as done by the dispute registry, which resolved it.
    assert result.event("CertificateUpdated") == {
        "certificateId": cert,
        "action": action("REJECTED"),
        "actor": bureau.address_of(DISPUTES),
        "certificate": rejected,
        "reasonHash": h("objection upheld"),
    }
    assert result.event("PartyCreditChanged") == {
        "account": bureau.account,
        "disputesLost": 0,
        "objectionsUpheld": 1,
    }
    assert bureau.party(bureau.account).objections_upheld == 1
    assert bureau.party(actors.other.account).objections_upheld == 0
    travel(bureau.w3, NOTICE)
    with pytest.raises(CertificateStatusInvalid) as err:
        actors.admin.issue_certificate(cert)
    assert err.value.args == {
        "certificateId": cert,
        "status": int(model.CertificateStatus.REJECTED),
    }


@pytest.mark.parametrize("objection", [1, 99])
def test_resolveObjection_revertsWithObjectionNotOpen(actors: Actors, objection: int) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    actors.other.file_objection(cert, h("objection"))
    actors.admin.resolve_objection(1, False, h("unfounded"))
    with pytest.raises(ObjectionNotOpen) as err:
        actors.admin.resolve_objection(objection, True, h("again"))
    assert err.value.args == {"objectionId": objection}


# ---------------------------------------------------------------- reject, renew, correct, cancel


def test_rejectApplication_rejectsAndFreesSlot(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    cert = actors.bureau.apply_for_certificate(asset, HOLDING).id

    result = actors.admin.reject_application(cert, h("materials incomplete"))

    rejected = actors.bureau.certificate(cert)
    assert rejected.status == model.CertificateStatus.REJECTED
    assert result.event("CertificateUpdated") == {
        "certificateId": cert,
        "action": action("REJECTED"),
        "actor": actors.admin.account,
        "certificate": rejected,
        "reasonHash": h("materials incomplete"),
    }
    assert actors.bureau.apply_for_certificate(asset, HOLDING).id == cert + 1


def test_rejectApplication_revertsWithCertificateStatusInvalid(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(CertificateStatusInvalid) as err:
        actors.admin.reject_application(cert, h("reasons"))
    assert err.value.args == {"certificateId": cert, "status": int(model.CertificateStatus.ACTIVE)}


def test_renewCertificate_extendsTermAndEmitsRenewed(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    before = actors.bureau.certificate(cert)
    new_end = before.valid_until + 3 * YEAR

    result = actors.admin.renew_certificate(cert, new_end, h("renewal application"))

    renewed = actors.bureau.certificate(cert)
    assert renewed.valid_until == new_end
    assert renewed.issued_at == before.issued_at
    assert result.event("CertificateUpdated") == {
        "certificateId": cert,
        "action": action("RENEWED"),
        "actor": actors.admin.account,
        "certificate": renewed,
        "reasonHash": h("renewal application"),
    }


@pytest.mark.parametrize("delta", [0, -1])
def test_renewCertificate_revertsWithTermInvalid(actors: Actors, delta: int) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    end = actors.bureau.certificate(cert).valid_until
    with pytest.raises(TermInvalid) as err:
        actors.admin.renew_certificate(cert, end + delta, h("renewal"))
    assert err.value.args == {"validFrom": end, "validUntil": end + delta}


def test_renewCertificate_revertsWithCertificateExpired(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING, term=3600)
    end = actors.bureau.certificate(cert).valid_until
    travel(actors.bureau.w3, 3600)
    with pytest.raises(CertificateExpired) as err:
        actors.admin.renew_certificate(cert, end + YEAR, h("late renewal"))
    assert err.value.args == {"certificateId": cert, "validUntil": end}


def test_renewCertificate_revertsWithSubjectFrozen(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    holding, cert = certify_own_name(actors.bureau, actors.admin, asset, PROCESSING, term=YEAR)
    end = actors.bureau.certificate(cert).valid_until
    assert end < actors.bureau.certificate(holding).valid_until
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, cert, h("evidence"))
    with pytest.raises(SubjectFrozen) as err:
        actors.admin.renew_certificate(cert, end + YEAR, h("renewal"))
    assert err.value.args == {
        "kind": int(model.SubjectKind.CERTIFICATE),
        "subject": cert.to_bytes(32, "big"),
    }


def test_renewCertificate_onFrozenGrantRevertsWithParentRightInactive(actors: Actors) -> None:
    asset, _, grant = _processing_grant(actors, years=2)
    cert = certify(actors.operator, actors.admin, asset, PROCESSING, basis_grant=grant, term=YEAR)
    end = actors.operator.certificate(cert).valid_until
    actors.other.raise_dispute(model.SubjectKind.GRANT, grant, h("evidence"))
    with pytest.raises(ParentRightInactive) as err:
        actors.admin.renew_certificate(cert, end + 30 * 24 * 3600, h("renewal"))
    assert err.value.args == {"kind": int(model.AuthKind.GRANT), "id": grant}


def test_renewCertificate_ownNameOnFrozenHoldingRevertsWithParentRightInactive(
    actors: Actors,
) -> None:
    asset = enterprise_asset(actors.bureau)
    holding, cert = certify_own_name(actors.bureau, actors.admin, asset, PROCESSING, term=YEAR)
    end = actors.bureau.certificate(cert).valid_until
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, holding, h("it is our data"))
    with pytest.raises(ParentRightInactive) as err:
        actors.admin.renew_certificate(cert, end + 30 * 24 * 3600, h("renewal"))
    assert err.value.args == {"kind": int(model.AuthKind.CERTIFICATE), "id": holding}


def test_renewCertificate_ownNameRevertsWithGrantOutlivesParent(actors: Actors) -> None:
    """An own-name right cannot be renewed past the end of the holding certificate it rests on."""
    asset = enterprise_asset(actors.bureau)
    holding, cert = certify_own_name(actors.bureau, actors.admin, asset, OPERATING, term=YEAR)
    holding_end = actors.bureau.certificate(holding).valid_until
    with pytest.raises(GrantOutlivesParent) as err:
        actors.admin.renew_certificate(cert, holding_end + 1, h("renewal"))
    assert err.value.args == {"validUntil": holding_end + 1, "parentValidUntil": holding_end}
    actors.admin.renew_certificate(cert, holding_end, h("renewal up to the holding right's end"))
    assert actors.bureau.certificate(cert).valid_until == holding_end


def test_renewCertificate_onGrantRevertsWithGrantOutlivesParent(actors: Actors) -> None:
    asset, _, grant = _processing_grant(actors)
    cert = certify(actors.operator, actors.admin, asset, PROCESSING, basis_grant=grant)
    grant_end = actors.operator.grant_record(grant).valid_until
    with pytest.raises(GrantOutlivesParent) as err:
        actors.admin.renew_certificate(cert, grant_end + 1, h("renewal"))
    assert err.value.args == {"validUntil": grant_end + 1, "parentValidUntil": grant_end}


def test_correctCertificate_changesTermAndEmitsCorrected(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    before = actors.bureau.certificate(cert)
    corrected_end = before.issued_at + 2 * YEAR

    result = actors.admin.correct_certificate(cert, corrected_end, h("typo in the term"))

    corrected = actors.bureau.certificate(cert)
    assert corrected.valid_until == corrected_end
    assert result.event("CertificateUpdated") == {
        "certificateId": cert,
        "action": action("CORRECTED"),
        "actor": actors.admin.account,
        "certificate": corrected,
        "reasonHash": h("typo in the term"),
    }


def test_correctCertificate_revertsWithTermInvalid(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    issued_at = actors.bureau.certificate(cert).issued_at
    with pytest.raises(TermInvalid) as err:
        actors.admin.correct_certificate(cert, issued_at, h("correction"))
    assert err.value.args == {"validFrom": issued_at, "validUntil": issued_at}


def test_correctCertificate_extensionRevertsWithSubjectFrozen(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    _, cert = certify_own_name(actors.bureau, actors.admin, asset, PROCESSING, term=YEAR)
    end = actors.bureau.certificate(cert).valid_until
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, cert, h("evidence"))

    with pytest.raises(SubjectFrozen) as err:
        actors.admin.correct_certificate(cert, end + YEAR, h("correction"))
    assert err.value.args == {
        "kind": int(model.SubjectKind.CERTIFICATE),
        "subject": cert.to_bytes(32, "big"),
    }
    shorter = end - 30 * 24 * 3600
    actors.admin.correct_certificate(cert, shorter, h("shortening is allowed"))
    assert actors.bureau.certificate(cert).valid_until == shorter


def test_correctCertificate_duringNoticeRecordsCorrection(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    before = actors.bureau.certificate(cert)
    result = actors.admin.correct_certificate(cert, 0, h("applicant name"))
    assert actors.bureau.certificate(cert) == before
    assert result.event("CertificateUpdated")["action"] == action("CORRECTED")


def test_correctCertificate_revertsWithCertificateStatusInvalid(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    actors.admin.reject_application(cert, h("rejected"))
    with pytest.raises(CertificateStatusInvalid) as err:
        actors.admin.correct_certificate(cert, 0, h("correction"))
    assert err.value.args == {
        "certificateId": cert,
        "status": int(model.CertificateStatus.REJECTED),
    }


@pytest.mark.parametrize("canceller", ["bureau", "admin"])
def test_cancelCertificate_byHolderOrRegistrarFreesSlot(actors: Actors, canceller: str) -> None:
    asset = enterprise_asset(actors.bureau)
    cert = certify(actors.bureau, actors.admin, asset, HOLDING)
    client: RegistryClient = getattr(actors, canceller)

    result = client.cancel_certificate(cert, h("注销"))

    cancelled = actors.bureau.certificate(cert)
    assert cancelled.status == model.CertificateStatus.CANCELLED
    assert result.event("CertificateUpdated") == {
        "certificateId": cert,
        "action": action("CANCELLED"),
        "actor": client.account,
        "certificate": cancelled,
        "reasonHash": h("注销"),
    }
    assert not actors.bureau.is_certificate_effective(cert)
    again = actors.bureau.apply_for_certificate(asset, HOLDING).id
    assert again == cert + 1


def test_cancelCertificate_pendingApplication(actors: Actors) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    actors.bureau.cancel_certificate(cert, h("withdrawn"))
    assert actors.bureau.certificate(cert).status == model.CertificateStatus.CANCELLED


@pytest.mark.parametrize("canceller", ["bureau", "admin"])
def test_cancelCertificate_pendingRevertsWithObjectionsOpen(actors: Actors, canceller: str) -> None:
    """Withdrawing an application cannot dodge an objection and the credit record."""
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    objection = actors.other.file_objection(cert, h("objection")).id
    client: RegistryClient = getattr(actors, canceller)

    with pytest.raises(ObjectionsOpen) as err:
        client.cancel_certificate(cert, h("withdrawn"))
    assert err.value.args == {"certificateId": cert, "open": 1}

    actors.admin.resolve_objection(objection, True, h("upheld"))
    assert actors.bureau.party(actors.bureau.account).objections_upheld == 1


def test_cancelCertificate_revertsWithAccessControlUnauthorizedAccount(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        actors.other.cancel_certificate(cert, h("not mine"))
    assert err.value.args == {"account": actors.other.account, "neededRole": ROLES["registrar"]}


def test_cancelCertificate_revertsWithCertificateStatusInvalid(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    actors.bureau.cancel_certificate(cert, h("first"))
    with pytest.raises(CertificateStatusInvalid) as err:
        actors.bureau.cancel_certificate(cert, h("second"))
    assert err.value.args == {
        "certificateId": cert,
        "status": int(model.CertificateStatus.CANCELLED),
    }


def test_cancelCertificate_revertsWithSubjectFrozen(actors: Actors) -> None:
    asset = enterprise_asset(actors.bureau)
    cert = certify(actors.bureau, actors.admin, asset, HOLDING)
    actors.other.raise_dispute(model.SubjectKind.ASSET, asset, h("evidence"))
    with pytest.raises(SubjectFrozen) as err:
        actors.bureau.cancel_certificate(cert, h("escape"))
    assert err.value.args == {"kind": int(model.SubjectKind.ASSET), "subject": asset}


# ---------------------------------------------------------------- transfers, every path

Transfer = Callable[[RegistryClient, int, str], WriteResult]
TRANSFER_REASON = h("transfer agreement")


def _transfer_certificate(holder: RegistryClient, cert: int, to: str) -> WriteResult:
    return holder.transfer_certificate(cert, to, TRANSFER_REASON)


def _transfer_from(holder: RegistryClient, cert: int, to: str) -> WriteResult:
    return holder.erc721_transfer(cert, to)


def _safe_transfer_from(holder: RegistryClient, cert: int, to: str) -> WriteResult:
    return holder.write(RIGHTS, "safeTransferFrom", holder.account, to, cert)


def _safe_transfer_from_with_data(holder: RegistryClient, cert: int, to: str) -> WriteResult:
    return holder.write(RIGHTS, "safeTransferFrom", holder.account, to, cert, b"wallet")


TRANSFERS = pytest.mark.parametrize(
    "transfer",
    [_transfer_certificate, _transfer_from, _safe_transfer_from, _safe_transfer_from_with_data],
    ids=["transferCertificate", "transferFrom", "safeTransferFrom", "safeTransferFromData"],
)


@TRANSFERS
def test_transfer_movesCertificateAndEmitsBothEvents(actors: Actors, transfer: Transfer) -> None:
    bureau, buyer = actors.bureau, actors.buyer
    asset = enterprise_asset(bureau)
    cert = certify(bureau, actors.admin, asset, HOLDING)
    before = bureau.certificate(cert)

    result = transfer(bureau, cert, buyer.account)

    reason = TRANSFER_REASON if transfer is _transfer_certificate else model.ZERO32
    assert result.event("CertificateTransferred") == {
        "certificateId": cert,
        "from": bureau.account,
        "to": buyer.account,
        "reasonHash": reason,
    }
    assert result.event("Transfer") == {
        "from": bureau.account,
        "to": buyer.account,
        "tokenId": cert,
    }
    assert bureau.holder_of(cert) == buyer.account
    assert bureau.certificate(cert) == before
    with pytest.raises(CertificateExists) as err:
        buyer.apply_for_certificate(asset, HOLDING)
    assert err.value.args["holder"] == buyer.account


def test_transferFrom_byApprovedOperatorFollowsRules(actors: Actors) -> None:
    bureau, other = actors.bureau, actors.other
    cert = certify(bureau, actors.admin, enterprise_asset(bureau), HOLDING)
    bureau.write(RIGHTS, "approve", other.account, cert)

    with pytest.raises(PartyNotAdmitted):
        other.write(RIGHTS, "transferFrom", bureau.account, actors.outsider.account, cert)
    result = other.write(RIGHTS, "transferFrom", bureau.account, actors.buyer.account, cert)

    assert result.event("CertificateTransferred")["to"] == actors.buyer.account
    assert bureau.holder_of(cert) == actors.buyer.account


def test_transferFrom_revertsWithERC721InsufficientApproval(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(ERC721InsufficientApproval) as err:
        actors.other.write(
            RIGHTS, "transferFrom", actors.bureau.account, actors.other.account, cert
        )
    assert err.value.args == {"operator": actors.other.account, "tokenId": cert}


def test_transferCertificate_revertsWithNotCertificateHolder(actors: Actors) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(NotCertificateHolder) as err:
        actors.other.transfer_certificate(cert, actors.other.account, h("theft"))
    assert err.value.args == {"certificateId": cert, "account": actors.other.account}


@TRANSFERS
def test_transfer_revertsWithCertificateStatusInvalid(actors: Actors, transfer: Transfer) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    with pytest.raises(CertificateStatusInvalid) as err:
        transfer(actors.bureau, cert, actors.buyer.account)
    assert err.value.args == {"certificateId": cert, "status": int(model.CertificateStatus.NOTICE)}


@TRANSFERS
def test_transfer_revertsWithCertificateExpired(actors: Actors, transfer: Transfer) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    end = actors.bureau.certificate(cert).valid_until
    travel(actors.bureau.w3, 3 * YEAR)
    with pytest.raises(CertificateExpired) as err:
        transfer(actors.bureau, cert, actors.buyer.account)
    assert err.value.args == {"certificateId": cert, "validUntil": end}


@TRANSFERS
def test_transfer_revertsWithSubjectFrozen(actors: Actors, transfer: Transfer) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, cert, h("evidence"))
    with pytest.raises(SubjectFrozen) as err:
        transfer(actors.bureau, cert, actors.buyer.account)
    assert err.value.args == {
        "kind": int(model.SubjectKind.CERTIFICATE),
        "subject": cert.to_bytes(32, "big"),
    }


@TRANSFERS
def test_transfer_revertsWithDependentRightNotTransferable(
    actors: Actors, transfer: Transfer
) -> None:
    asset, _, grant = _processing_grant(actors)
    cert = certify(actors.operator, actors.admin, asset, PROCESSING, basis_grant=grant)
    with pytest.raises(DependentRightNotTransferable) as err:
        transfer(actors.operator, cert, actors.buyer.account)
    assert err.value.args == {"certificateId": cert}


@TRANSFERS
def test_transfer_revertsWithPartyNotAdmitted(actors: Actors, transfer: Transfer) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    with pytest.raises(PartyNotAdmitted) as err:
        transfer(actors.bureau, cert, actors.outsider.account)
    assert err.value.args == {"account": actors.outsider.account}
    assert actors.bureau.holder_of(cert) == actors.bureau.account


@TRANSFERS
def test_transfer_toSuspendedRevertsWithPartyIsSuspended(
    actors: Actors, transfer: Transfer
) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    actors.admin.suspend_party(actors.buyer.account, h("suspended"))
    with pytest.raises(PartyIsSuspended) as err:
        transfer(actors.bureau, cert, actors.buyer.account)
    assert err.value.args == {"account": actors.buyer.account}


@TRANSFERS
def test_transfer_bySuspendedHolderRevertsWithPartyIsSuspended(
    actors: Actors, transfer: Transfer
) -> None:
    cert = certify(actors.bureau, actors.admin, enterprise_asset(actors.bureau), HOLDING)
    actors.admin.suspend_party(actors.bureau.account, h("suspended"))
    with pytest.raises(PartyIsSuspended) as err:
        transfer(actors.bureau, cert, actors.buyer.account)
    assert err.value.args == {"account": actors.bureau.account}


@TRANSFERS
def test_transfer_ownNameRightRevertsWithDependentRightNotTransferable(
    actors: Actors, transfer: Transfer
) -> None:
    """A right in one's own name rests on one's holding certificate: it moves only with it (the
    holding right), never on its own; so no recipient can end up with two for one asset."""
    asset = enterprise_asset(actors.bureau)
    _, own = certify_own_name(actors.bureau, actors.admin, asset, PROCESSING)
    with pytest.raises(DependentRightNotTransferable) as err:
        transfer(actors.bureau, own, actors.operator.account)
    assert err.value.args == {"certificateId": own}
    assert actors.admin.holder_of(own) == actors.bureau.account


# ---------------------------------------------------------------- invariant 1


@pytest.mark.parametrize("role", ["bureau", "other", "reviewer", "arbitrator", "outsider"])
def test_invariant1_onlyRegistrarsIssue(actors: Actors, role: str) -> None:
    cert = actors.bureau.apply_for_certificate(enterprise_asset(actors.bureau), HOLDING).id
    travel(actors.bureau.w3, NOTICE)
    caller: RegistryClient = getattr(actors, role)
    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        caller.issue_certificate(cert)
    assert err.value.args == {"account": caller.account, "neededRole": ROLES["registrar"]}
    assert actors.bureau.certificate(cert).status == model.CertificateStatus.NOTICE


def test_invariant1_issuanceOnlyThroughNoticeWindowWithoutOpenObjection(actors: Actors) -> None:
    """Every issued certificate was applied for, sat out its full notice window, and had no open
    objection when issued; an objection filed in the last second still blocks issuance."""
    bureau, admin, w3 = actors.bureau, actors.admin, actors.bureau.w3
    cert = bureau.apply_for_certificate(enterprise_asset(bureau), HOLDING).id
    ends = bureau.certificate(cert).notice_ends_at

    travel(w3, ends - now(w3) - 2)
    objection = actors.other.file_objection(cert, h("last-minute objection")).id
    assert now(w3) < ends
    with pytest.raises(NoticeWindowOpen):
        admin.issue_certificate(cert)
    travel(w3, 60)
    with pytest.raises(ObjectionsOpen):
        admin.issue_certificate(cert)

    admin.resolve_objection(objection, False, h("unfounded"))
    result = admin.issue_certificate(cert)
    issued = bureau.certificate(cert)
    assert issued.status == model.CertificateStatus.ACTIVE
    assert issued.issued_at == block_time(w3, result.block_number) >= ends

    never_applied = bureau.certificate_count() + 1
    with pytest.raises(CertificateNotFound) as err:
        admin.issue_certificate(never_applied)
    assert err.value.args == {"certificateId": never_applied}
