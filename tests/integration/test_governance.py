"""Governance on a real chain: parties, suspension, credit, policy and the negative list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from web3 import Web3

from registry import model
from registry.chain.client import ROLES, RegistryClient
from registry.chain.contract_errors import (
    AccessControlUnauthorizedAccount,
    CallerNotModule,
    CategoryRestricted,
    CoreGradeNotTradable,
    DomainRestricted,
    IdentityCommitmentMissing,
    PartyAlreadyAdmitted,
    PartyIsSuspended,
    PartyNotAdmitted,
    PartyNotSuspended,
    PolicyValueInvalid,
)
from registry.chain.keys import dev_account
from registry.chain.transactions import TxSender
from tests.integration.conftest import Actors
from tests.integration.scenario import YEAR, certify, h, now, record, terms

DAY = 24 * 3600
DEFAULT_POLICY = model.Policy(
    notice_window=10 * DAY,
    default_term=3 * YEAR,
    max_public_data_grant_term=5 * YEAR,
    max_grant_depth=2,
)
NEWCOMER = dev_account(8).address
IDENTITY = h("unified social credit code 91500000MA5U000000")


def block_time(w3: Web3, block_number: int) -> int:
    return int(w3.eth.get_block(block_number)["timestamp"])


def client_for(actors: Actors, index: int) -> RegistryClient:
    return actors.admin.acting_as(TxSender(actors.admin.w3, dev_account(index)))


# ---------------------------------------------------------------- admission


def test_admitParty_storesRecordWithZeroCreditAndEmitsPartyAdmitted(actors: Actors) -> None:
    result = actors.admin.admit_party(NEWCOMER, model.PartyKind.INDIVIDUAL, IDENTITY)

    expected = model.Party(
        kind=model.PartyKind.INDIVIDUAL,
        admitted=True,
        suspended=False,
        admitted_at=block_time(actors.admin.w3, result.block_number),
        disputes_lost=0,
        objections_upheld=0,
        identity_commitment=IDENTITY,
    )
    assert actors.admin.party(NEWCOMER) == expected
    assert result.event("PartyAdmitted") == {
        "account": NEWCOMER,
        "registrar": actors.admin.account,
        "party": expected,
    }


def test_admitParty_byNewlyGrantedRegistrar(actors: Actors) -> None:
    registrar = client_for(actors, 9)
    actors.admin.grant_role("registrar", registrar.account)

    result = registrar.admit_party(NEWCOMER, model.PartyKind.ENTERPRISE, IDENTITY)

    assert result.event("PartyAdmitted")["registrar"] == registrar.account
    assert registrar.party(NEWCOMER).admitted


def test_admitParty_revertsWithAccessControlUnauthorizedAccount(actors: Actors) -> None:
    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        actors.bureau.admit_party(NEWCOMER, model.PartyKind.ENTERPRISE, IDENTITY)
    assert err.value.args == {"account": actors.bureau.account, "neededRole": ROLES["registrar"]}


def test_admitParty_revertsWithAccessControlUnauthorizedAccountAfterRoleRevoked(
    actors: Actors,
) -> None:
    registrar = client_for(actors, 9)
    actors.admin.grant_role("registrar", registrar.account)
    actors.admin.revoke_role("registrar", registrar.account)

    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        registrar.admit_party(NEWCOMER, model.PartyKind.ENTERPRISE, IDENTITY)
    assert err.value.args == {"account": registrar.account, "neededRole": ROLES["registrar"]}


def test_admitParty_revertsWithPartyAlreadyAdmitted(actors: Actors) -> None:
    with pytest.raises(PartyAlreadyAdmitted) as err:
        actors.admin.admit_party(actors.buyer.account, model.PartyKind.ENTERPRISE, IDENTITY)
    assert err.value.args == {"account": actors.buyer.account}


def test_admitParty_revertsWithIdentityCommitmentMissing(actors: Actors) -> None:
    with pytest.raises(IdentityCommitmentMissing) as err:
        actors.admin.admit_party(NEWCOMER, model.PartyKind.ENTERPRISE, model.ZERO32)
    assert err.value.args == {}
    assert not actors.admin.party(NEWCOMER).admitted


# ---------------------------------------------------------------- suspension


def test_suspendParty_marksSuspendedAndEmitsPartySuspended(actors: Actors) -> None:
    before = actors.admin.party(actors.buyer.account)

    result = actors.admin.suspend_party(actors.buyer.account, h("reasons: unpaid fees"))

    assert actors.admin.party(actors.buyer.account) == model.Party(
        kind=before.kind,
        admitted=True,
        suspended=True,
        admitted_at=before.admitted_at,
        disputes_lost=0,
        objections_upheld=0,
        identity_commitment=before.identity_commitment,
    )
    assert result.event("PartySuspended") == {
        "account": actors.buyer.account,
        "registrar": actors.admin.account,
        "reasonHash": h("reasons: unpaid fees"),
    }


def test_suspendParty_revertsWithPartyIsSuspended(actors: Actors) -> None:
    actors.admin.suspend_party(actors.buyer.account, h("first"))
    with pytest.raises(PartyIsSuspended) as err:
        actors.admin.suspend_party(actors.buyer.account, h("second"))
    assert err.value.args == {"account": actors.buyer.account}


def test_suspendParty_revertsWithPartyNotAdmitted(actors: Actors) -> None:
    with pytest.raises(PartyNotAdmitted) as err:
        actors.admin.suspend_party(actors.outsider.account, h("reasons"))
    assert err.value.args == {"account": actors.outsider.account}


def test_reinstateParty_liftsSuspensionAndEmitsPartyReinstated(actors: Actors) -> None:
    actors.admin.suspend_party(actors.buyer.account, h("suspended"))

    result = actors.admin.reinstate_party(actors.buyer.account, h("fees paid"))

    assert not actors.admin.party(actors.buyer.account).suspended
    assert result.event("PartyReinstated") == {
        "account": actors.buyer.account,
        "registrar": actors.admin.account,
        "reasonHash": h("fees paid"),
    }
    asset = actors.buyer.register_resource(record()).id
    assert actors.buyer.asset_core(asset).registrant == actors.buyer.account


def test_reinstateParty_revertsWithPartyNotSuspended(actors: Actors) -> None:
    with pytest.raises(PartyNotSuspended) as err:
        actors.admin.reinstate_party(actors.buyer.account, h("reasons"))
    assert err.value.args == {"account": actors.buyer.account}


def test_reinstateParty_revertsWithPartyNotAdmitted(actors: Actors) -> None:
    with pytest.raises(PartyNotAdmitted) as err:
        actors.admin.reinstate_party(actors.outsider.account, h("reasons"))
    assert err.value.args == {"account": actors.outsider.account}


SuspendedAction = Callable[[Actors, bytes, int], object]


def _register(a: Actors, asset: bytes, cert: int) -> object:
    return a.buyer.register_resource(record())


def _apply(a: Actors, asset: bytes, cert: int) -> object:
    return a.buyer.apply_for_certificate(asset, model.Right.HOLDING)


def _object(a: Actors, asset: bytes, cert: int) -> object:
    pending = a.admin.apply_for_certificate(
        a.admin.register_resource(record()).id, model.Right.HOLDING
    ).id
    return a.buyer.file_objection(pending, h("objection"))


def _grant(a: Actors, asset: bytes, cert: int) -> object:
    t0 = now(a.buyer.w3)
    return a.buyer.grant(
        terms(a.operator.account, parent_id=cert, valid_from=t0, valid_until=t0 + YEAR)
    )


def _transfer(a: Actors, asset: bytes, cert: int) -> object:
    return a.buyer.transfer_certificate(cert, a.other.account, h("sale"))


def _cancel(a: Actors, asset: bytes, cert: int) -> object:
    return a.buyer.cancel_certificate(cert, h("cancel"))


def _dispute(a: Actors, asset: bytes, cert: int) -> object:
    other = a.other.register_resource(record()).id
    return a.buyer.raise_dispute(model.SubjectKind.ASSET, other, h("evidence"))


def _anchor(a: Actors, asset: bytes, cert: int) -> object:
    return a.buyer.anchor(h("usage log"), model.EvidenceType.USAGE_LOG, subject=asset)


def _request(a: Actors, asset: bytes, cert: int) -> object:
    holding = certify(a.other, a.admin, a.other.register_resource(record()).id, model.Right.HOLDING)
    t0 = now(a.buyer.w3)
    return a.buyer.request_grant(
        model.RequestTerms(
            parent_kind=model.AuthKind.CERTIFICATE,
            parent_id=holding,
            right=model.Right.PROCESSING,
            purpose_hash=h("purpose"),
            scenario_hash=h("scenario"),
            scope_hash=h("scope"),
            security_hash=h("security"),
            valid_from=t0,
            valid_until=t0 + YEAR,
            details_uri="",
        )
    )


@pytest.mark.parametrize(
    "action",
    [_register, _apply, _object, _grant, _transfer, _cancel, _dispute, _anchor, _request],
    ids=lambda f: f.__name__.strip("_"),
)
def test_suspendedParty_revertsWithPartyIsSuspended(
    actors: Actors, action: SuspendedAction
) -> None:
    buyer = actors.buyer
    asset = buyer.register_resource(record()).id
    cert = certify(buyer, actors.admin, asset, model.Right.HOLDING)
    buyer.apply_for_certificate(asset, model.Right.PROCESSING)
    actors.admin.suspend_party(buyer.account, h("suspended"))

    with pytest.raises(PartyIsSuspended) as err:
        action(actors, asset, cert)
    assert err.value.args == {"account": buyer.account}


# ---------------------------------------------------------------- credit counters


def test_recordDisputeLost_countsRulingAgainstRespondent(actors: Actors) -> None:
    asset = actors.buyer.register_resource(record()).id
    dispute = actors.other.raise_dispute(model.SubjectKind.ASSET, asset, h("evidence")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)

    result = actors.arbitrator.rule(dispute, True, h("decision"))

    assert result.event("PartyCreditChanged") == {
        "account": actors.buyer.account,
        "disputesLost": 1,
        "objectionsUpheld": 0,
    }
    assert actors.buyer.party(actors.buyer.account).disputes_lost == 1
    assert actors.buyer.party(actors.other.account).disputes_lost == 0


def test_recordDisputeLost_dismissedRulingCountsNothing(actors: Actors) -> None:
    asset = actors.buyer.register_resource(record()).id
    dispute = actors.other.raise_dispute(model.SubjectKind.ASSET, asset, h("evidence")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)

    result = actors.arbitrator.rule(dispute, False, h("decision"))

    assert result.all("PartyCreditChanged") == []
    assert actors.buyer.party(actors.buyer.account).disputes_lost == 0


@pytest.mark.parametrize("fn", ["recordDisputeLost", "recordObjectionUpheld"])
@pytest.mark.parametrize("caller", ["admin", "bureau", "outsider"])
def test_recordCredit_revertsWithCallerNotModule(actors: Actors, fn: str, caller: str) -> None:
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(CallerNotModule) as err:
        client.write("Governance", fn, actors.buyer.account)
    assert err.value.args == {"caller": client.account}


# ---------------------------------------------------------------- policy


def test_policy_defaults(actors: Actors) -> None:
    assert actors.admin.policy() == DEFAULT_POLICY


def test_setPolicy_storesPolicyAndEmitsPolicyChanged(actors: Actors) -> None:
    policy = model.Policy(
        notice_window=365 * DAY,
        default_term=50 * 365 * DAY,
        max_public_data_grant_term=50 * 365 * DAY,
        max_grant_depth=8,
    )
    result = actors.admin.set_policy(policy)

    assert actors.admin.policy() == policy
    assert result.event("PolicyChanged") == {"policy": policy}


def test_setPolicy_noticeWindowAppliesToNewApplications(actors: Actors) -> None:
    actors.admin.set_policy(replace(DEFAULT_POLICY, notice_window=DAY))
    asset = actors.bureau.register_resource(record()).id

    applied = actors.bureau.apply_for_certificate(asset, model.Right.HOLDING)

    start = block_time(actors.bureau.w3, applied.result.block_number)
    assert actors.bureau.certificate(applied.id).notice_ends_at == start + DAY


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notice_window", 0),
        ("notice_window", 365 * DAY + 1),
        ("default_term", 0),
        ("default_term", 50 * 365 * DAY + 1),
        ("max_public_data_grant_term", 0),
        ("max_public_data_grant_term", 50 * 365 * DAY + 1),
        ("max_grant_depth", 9),
    ],
)
def test_setPolicy_revertsWithPolicyValueInvalid(actors: Actors, field: str, value: int) -> None:
    bad = replace(DEFAULT_POLICY, **{field: value})
    solidity_field = {
        "notice_window": "noticeWindow",
        "default_term": "defaultTerm",
        "max_public_data_grant_term": "maxPublicDataGrantTerm",
        "max_grant_depth": "maxGrantDepth",
    }[field]

    with pytest.raises(PolicyValueInvalid) as err:
        actors.admin.set_policy(bad)
    assert err.value.args == {"field": solidity_field}
    assert actors.admin.policy() == DEFAULT_POLICY


def test_setPolicy_revertsWithAccessControlUnauthorizedAccountForRegistrar(actors: Actors) -> None:
    registrar = client_for(actors, 9)
    actors.admin.grant_role("registrar", registrar.account)
    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        registrar.set_policy(DEFAULT_POLICY)
    assert err.value.args == {"account": registrar.account, "neededRole": ROLES["admin"]}


# ---------------------------------------------------------------- negative list and grades


def test_setDomainRestricted_blocksRegistrationUntilLifted(actors: Actors) -> None:
    listed = actors.admin.set_domain_restricted(54, True)
    assert listed.event("DomainListed") == {"domain": 54, "restricted": True}
    assert actors.admin.is_domain_restricted(54)
    assert not actors.admin.is_domain_restricted(55)

    with pytest.raises(DomainRestricted) as err:
        actors.bureau.register_resource(record(domain=54))
    assert err.value.args == {"domain": 54}
    actors.bureau.register_resource(record(domain=55))

    lifted = actors.admin.set_domain_restricted(54, False)
    assert lifted.event("DomainListed") == {"domain": 54, "restricted": False}
    actors.bureau.register_resource(record(domain=54))


def test_setCategoryRestricted_blocksRegistrationUntilLifted(actors: Actors) -> None:
    listed = actors.admin.set_category_restricted(model.Category.PERSONAL, True)
    assert listed.event("CategoryListed") == {
        "category": int(model.Category.PERSONAL),
        "restricted": True,
    }
    assert actors.admin.is_category_restricted(model.Category.PERSONAL)

    with pytest.raises(CategoryRestricted) as err:
        actors.bureau.register_resource(record(category=model.Category.PERSONAL))
    assert err.value.args == {"category": int(model.Category.PERSONAL)}
    actors.bureau.register_resource(record(category=model.Category.ENTERPRISE))

    actors.admin.set_category_restricted(model.Category.PERSONAL, False)
    actors.bureau.register_resource(record(category=model.Category.PERSONAL))


def test_setDomainRestricted_blocksBulkRegistration(actors: Actors) -> None:
    actors.admin.set_domain_restricted(7, True)
    before = actors.bureau.asset_count()
    with pytest.raises(DomainRestricted) as err:
        actors.bureau.register_resources([record(domain=54), record(domain=7)])
    assert err.value.args == {"domain": 7}
    assert actors.bureau.asset_count() == before


def test_setDomainRestricted_blocksCertificateApplication(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record(domain=61)).id
    actors.admin.set_domain_restricted(61, True)

    with pytest.raises(DomainRestricted) as err:
        actors.bureau.apply_for_certificate(asset, model.Right.HOLDING)
    assert err.value.args == {"domain": 61}


def test_setCategoryRestricted_blocksGrant(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record(category=model.Category.PERSONAL)).id
    holding = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    actors.admin.set_category_restricted(model.Category.PERSONAL, True)
    t0 = now(actors.bureau.w3)

    with pytest.raises(CategoryRestricted) as err:
        actors.bureau.grant(
            terms(actors.operator.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
        )
    assert err.value.args == {"category": int(model.Category.PERSONAL)}


def test_registerResource_revertsWithCoreGradeNotTradable(actors: Actors) -> None:
    with pytest.raises(CoreGradeNotTradable) as err:
        actors.bureau.register_resource(record(grade=model.Grade.CORE))
    assert err.value.args == {}


def _flawed_records(actors: Actors) -> dict[str, model.AssetRecord]:
    """Records each refused for a reason of their own, whatever the policy says."""
    taken = record()
    actors.other.register_resource(taken)
    return {
        "alreadyRegistered": taken,
        "contentHashMissing": replace(record(), content_hash=model.ZERO32),
        "merkleCommitmentInvalid": replace(record(), merkle_root=model.ZERO32, leaf_count=4),
        "openClassInvalid": record(open_class=model.OpenClass.CONDITIONAL),
    }


def test_registerResource_checksPolicyBeforeTheRecord(actors: Actors) -> None:
    """Data the policy keeps off the market is refused as such, before anything else about the
    record is looked at: a core-grade or negative-listed registration learns nothing more."""
    actors.admin.set_domain_restricted(7, True)
    before = actors.bureau.asset_count()
    for name, flawed in _flawed_records(actors).items():
        with pytest.raises(CoreGradeNotTradable):
            actors.bureau.register_resource(replace(flawed, grade=model.Grade.CORE))
        with pytest.raises(DomainRestricted) as err:
            actors.bureau.register_resource(replace(flawed, domain=7))
        assert err.value.args == {"domain": 7}, name
    assert actors.bureau.asset_count() == before + 1


def test_registerResources_checksPolicyBeforeTheRecord(actors: Actors) -> None:
    """In a batch, each change of classification is checked against the policy before the record
    under it: a listed record after a run of allowed ones is refused for the listing."""
    actors.admin.set_domain_restricted(7, True)
    flawed = _flawed_records(actors)
    before = actors.bureau.asset_count()
    for name, bad in flawed.items():
        batch = [record(), record(), replace(bad, domain=7), record()]
        with pytest.raises(DomainRestricted) as err:
            actors.bureau.register_resources(batch)
        assert err.value.args == {"domain": 7}, name
    assert actors.bureau.asset_count() == before


def test_registerProduct_checksPolicyBeforeTheRecordAndInputs(actors: Actors) -> None:
    """A product the policy refuses is refused as such, even with a flawed record and inputs the
    registrant has no right to process."""
    asset = actors.bureau.register_resource(record()).id
    unauthorized = [model.InputUse(asset, model.AuthKind.CERTIFICATE, 1)]
    actors.admin.set_category_restricted(model.Category.PERSONAL, True)
    for name, flawed in _flawed_records(actors).items():
        product = replace(flawed, category=model.Category.PERSONAL)
        with pytest.raises(CategoryRestricted) as err:
            actors.operator.register_product(product, unauthorized)
        assert err.value.args == {"category": int(model.Category.PERSONAL)}, name


@pytest.mark.parametrize("grade", [model.Grade.GENERAL, model.Grade.IMPORTANT])
def test_registerResource_acceptsTradableGrades(actors: Actors, grade: model.Grade) -> None:
    asset = actors.bureau.register_resource(record(grade=grade)).id
    assert actors.bureau.asset_core(asset).grade == grade


@pytest.mark.parametrize("role", ["registrar", "reviewer", "arbitrator", "admin"])
def test_grantRole_revertsWithAccessControlUnauthorizedAccountForNonAdmin(
    actors: Actors, role: str
) -> None:
    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        actors.bureau.grant_role(role, actors.bureau.account)
    assert err.value.args == {"account": actors.bureau.account, "neededRole": ROLES["admin"]}
    assert not actors.bureau.has_role(role, actors.bureau.account)
