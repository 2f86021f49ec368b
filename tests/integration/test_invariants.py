"""The eight chain invariants of the domain (DOMAIN.md), one test each, on a real chain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from registry import model
from registry.chain.client import ROLES
from registry.chain.contract_errors import (
    AccessControlUnauthorizedAccount,
    AssetAlreadyRegistered,
    AssetNotUsable,
    GrantOutlivesParent,
    GrantSignatureInvalid,
    NoticeWindowOpen,
    ObjectionsOpen,
    ParentRightInactive,
    ProcessingRightMissing,
    RightExceedsParent,
    SignatureExpired,
    SubGrantNotAllowed,
    SubjectFrozen,
)
from tests.integration.conftest import Actors
from tests.integration.scenario import NOTICE, YEAR, certify_own_name, h, record, travel
from tests.integration.stateful.rebuild import Rebuilt, registry_events
from tests.integration.test_cascade import build_chain, step_until_done, uphold
from tests.integration.test_grants import grant_from, hold
from tests.integration.test_signed_grants import make_offer, signature, submit

pytestmark = pytest.mark.integration

CERT = model.AuthKind.CERTIFICATE
GRANT = model.AuthKind.GRANT


def test_invariant1_onlyRegistrarsIssueAfterNoticeWithoutOpenObjection(actors: Actors) -> None:
    """Invariant 1: only registrars issue, and only through the notice window; an open objection
    blocks issuance."""
    bureau, admin = actors.bureau, actors.admin
    asset = bureau.register_resource(record()).id
    cert = bureau.apply_for_certificate(asset, model.Right.HOLDING).id
    with pytest.raises(NoticeWindowOpen):
        admin.issue_certificate(cert)
    objection = actors.other.file_objection(cert, h("objection evidence")).id
    travel(bureau.w3, NOTICE)
    for client in (bureau, actors.reviewer, actors.arbitrator, actors.other):
        with pytest.raises(AccessControlUnauthorizedAccount) as exc:
            client.issue_certificate(cert)
        assert exc.value.args == {"account": client.account, "neededRole": ROLES["registrar"]}
    with pytest.raises(ObjectionsOpen) as open_exc:
        admin.issue_certificate(cert)
    assert open_exc.value.args == {"certificateId": cert, "open": 1}
    admin.resolve_objection(objection, False, h("objection unfounded"))
    admin.issue_certificate(cert)
    assert bureau.certificate(cert).status == model.CertificateStatus.ACTIVE


def test_invariant2_grantNeverExceedsGrantorsRight(actors: Actors) -> None:
    """Invariant 2: a grant never exceeds the grantor's own right: same or narrower right, term
    inside the grantor's term, sub-granting only where allowed."""
    held = hold(actors)
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=YEAR)
    with pytest.raises(RightExceedsParent):
        grant_from(
            actors.operator,
            actors.buyer,
            parent_kind=GRANT,
            parent_id=g,
            right=model.Right.OPERATING,
        )
    with pytest.raises(SubGrantNotAllowed):
        grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g, length=100)
    with pytest.raises(GrantOutlivesParent):
        grant_from(actors.bureau, actors.buyer, parent_id=held.cert, length=4 * YEAR)
    open_grant = grant_from(
        actors.bureau, actors.other, parent_id=held.cert, length=YEAR, sub_grantable=True
    )
    sub = grant_from(actors.other, actors.buyer, parent_kind=GRANT, parent_id=open_grant, length=9)
    parent, child = actors.admin.grant_record(open_grant), actors.admin.grant_record(sub)
    assert child.valid_until <= parent.valid_until <= held.cert_end


def test_invariant3_productNeedsLiveProcessingRightOnEveryInput(actors: Actors) -> None:
    """Invariant 3: a product can be registered only if, for every input, the registrant holds a
    processing right that is active, in term and not frozen at that block."""
    held = hold(actors)
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=1000)
    good = model.InputUse(held.asset, GRANT, g)
    own = actors.operator.register_resource(record()).id
    unauthorized = model.InputUse(own, CERT, held.cert)
    with pytest.raises(ProcessingRightMissing):
        actors.operator.register_product(record(), [good, unauthorized])
    dispute = actors.other.raise_dispute(model.SubjectKind.GRANT, g, h("claim")).id
    with pytest.raises(ProcessingRightMissing):  # frozen
        actors.operator.register_product(record(), [good])
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, False, h("dismissed"))
    assert actors.operator.register_product(record(), [good]).id
    travel(actors.bureau.w3, 1000)
    with pytest.raises(ProcessingRightMissing):  # out of term
        actors.operator.register_product(record(), [good])


def test_invariant4_frozenSubjectIsInert(actors: Actors) -> None:
    """Invariant 4: a frozen subject cannot be transferred, granted from, renewed or used as an
    input."""
    asset = actors.operator.register_resource(record()).id
    holding, cert = certify_own_name(actors.operator, actors.admin, asset, model.Right.PROCESSING)
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, cert, h("claim"))
    with pytest.raises(ParentRightInactive):
        grant_from(actors.operator, actors.buyer, parent_id=cert)
    with pytest.raises(SubjectFrozen):
        end = actors.admin.certificate(cert).valid_until
        actors.admin.renew_certificate(cert, end + YEAR, h("renewal"))
    with pytest.raises(ProcessingRightMissing):
        actors.operator.register_product(record(), [model.InputUse(asset, CERT, cert)])
    # Only holding certificates move; a frozen one cannot.
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, holding, h("ownership claim"))
    with pytest.raises(SubjectFrozen):
        actors.operator.transfer_certificate(holding, actors.buyer.account, h("sale"))


def test_invariant5_revocationCarriesDownstream(actors: Actors) -> None:
    """Invariant 5: revocation carries downstream; nothing resting on a revoked right stays
    active."""
    chain = build_chain(actors)
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    step_until_done(actors.buyer, 4)
    reader = actors.admin
    assert not any(reader.is_grant_effective(g) for g in (chain.g1, chain.g2))
    certificates = (chain.cert, chain.basis, chain.p1_processing, chain.p2_processing)
    assert not any(reader.is_certificate_effective(c) for c in certificates)
    for product in (chain.p1, chain.p2, chain.p3):
        assert reader.asset_core(product).status == model.AssetStatus.TAINTED
        with pytest.raises(AssetNotUsable):
            actors.buyer.apply_for_certificate(product, model.Right.OPERATING)


def test_invariant6_lineageIsAcyclic(actors: Actors) -> None:
    """Invariant 6: lineage is acyclic. Every edge goes from an asset registered earlier (lower
    registration sequence) to a product registered later, and an existing content cannot be
    registered again, so no edge can close a cycle."""
    chain = build_chain(actors)
    _, p3_processing = certify_own_name(
        actors.buyer, actors.admin, chain.p3, model.Right.PROCESSING
    )
    # P1 made again from P3 would close the cycle P1 -> P3 -> P1: P1 exists, so it cannot be new.
    with pytest.raises(AssetAlreadyRegistered):
        actors.buyer.register_product(
            replace(record(), content_hash=chain.p1),
            [model.InputUse(chain.p3, CERT, p3_processing)],
        )
    events = list(registry_events(actors.admin))
    sequence = {e.args["asset"]: e.args["sequence"] for e in events if e.name == "AssetRegistered"}
    for e in events:
        if e.name == "ProductDerived":
            for use in e.args["inputs"]:
                assert sequence[use.asset] < sequence[e.args["product"]]


def test_invariant7_signedGrantCannotBeReplayed(actors: Actors) -> None:
    """Invariant 7: a signed grant cannot be replayed (nonce, deadline, chain id, contract
    address)."""
    offer = make_offer(actors)
    bureau = actors.bureau
    for forged in (
        signature(bureau, offer, chain_id=bureau.w3.eth.chain_id + 1),
        signature(bureau, offer, desk=bureau.address_of("DisputeRegistry")),
    ):
        with pytest.raises(GrantSignatureInvalid):
            submit(actors, offer, forged)
    sig = signature(bureau, offer)
    submit(actors, offer, sig)
    with pytest.raises(GrantSignatureInvalid):
        submit(actors, offer, sig)
    late = signature(bureau, offer)
    travel(bureau.w3, 3601)
    with pytest.raises(SignatureExpired):
        submit(actors, offer, late)


# ---------------------------------------------------------------- invariant 8


def busy_scenario(actors: Actors) -> None:
    """Every kind of state change: objections, transfers, corrections, renewals, cancellations,
    revocations by the grantor and by ruling, signed and requested grants, the cascade."""
    admin, bureau, other = actors.admin, actors.bureau, actors.other
    chain = build_chain(actors)
    asset = bureau.register_resource(record()).id
    applied = bureau.apply_for_certificate(asset, model.Right.HOLDING).id
    objection = other.file_objection(applied, h("objection")).id
    other.file_objection(applied, h("second objection"))
    travel(bureau.w3, NOTICE)
    admin.resolve_objection(objection, True, h("objection upheld"))  # rejected
    held = hold(actors, holder=other)
    admin.renew_certificate(held.cert, held.cert_end + YEAR, h("renewal"))
    admin.correct_certificate(held.cert, held.cert_end + 100, h("correction"))
    other.transfer_certificate(held.cert, actors.buyer.account, h("sale"))
    g = grant_from(actors.buyer, actors.operator, parent_id=held.cert)
    actors.buyer.revoke_grant(g, h("revoked by grantor"))
    offer = make_offer(actors)
    submit(actors, offer, signature(bureau, offer))
    cancelled = hold(actors, holder=actors.operator)
    actors.operator.cancel_certificate(cancelled.cert, h("cancel"))
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    step_until_done(actors.buyer, 3)


def test_invariant8_eventsRebuildState(actors: Actors) -> None:
    """Invariant 8: every state change emits an event with enough data to rebuild the whole
    state off chain. Replaying the logs alone rebuilds every asset core, certificate (status,
    terms, holder) and grant exactly as the contracts' view functions report them."""
    busy_scenario(actors)
    state = Rebuilt()
    for event in registry_events(actors.admin):
        state.apply(event.name, event.args)
    reader = actors.admin
    assert len(state.assets) == reader.asset_count()
    assert len(state.certificates) == reader.certificate_count()
    assert len(state.grants) == reader.grant_count()
    for asset, core in state.assets.items():
        assert reader.asset_core(asset) == core
    for cert, c in state.certificates.items():
        assert reader.certificate(cert) == c, cert
        assert reader.holder_of(cert) == state.holders[cert]
    for grant_id, g in state.grants.items():
        assert reader.grant_record(grant_id) == g
    statuses = {c.status for c in state.certificates.values()}
    assert {
        model.CertificateStatus.ACTIVE,
        model.CertificateStatus.REJECTED,
        model.CertificateStatus.CANCELLED,
        model.CertificateStatus.REVOKED,
    } <= statuses
    assert model.AssetStatus.TAINTED in {c.status for c in state.assets.values()}
    assert model.GrantStatus.REVOKED in {g.status for g in state.grants.values()}
