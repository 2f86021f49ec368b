"""Invariant 9: every state-changing function refuses every role it is not meant for.

The matrix below has one entry per state-changing external function of the five contracts.
`test_matrix_coversEveryStateChangingFunction` lists those functions from the ABIs, so a new
function without an entry fails it.
Each entry calls the function on one shared scenario and names, per refused role, the exact error
and its arguments. Functions that anyone may call say so, with the reason, and are called by an
outsider in `test_openFunction_anyoneMayCall`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from registry import model
from registry.chain.client import ROLES, RegistryClient, WriteResult
from registry.chain.compiler import ContractArtifact
from registry.chain.contract_errors import (
    AccessControlBadConfirmation,
    AccessControlUnauthorizedAccount,
    CallerNotModule,
    ERC721InsufficientApproval,
    ERC721InvalidApprover,
    GrantSignatureInvalid,
    NotAssignedArbitrator,
    NotCertificateHolder,
    NotDisputeParticipant,
    NotRequestApplicant,
    NotRequestHolder,
    NotRightHolder,
    PartyIsSuspended,
    PartyNotAdmitted,
    ProcessingRightMissing,
    ReviewerRoleRequired,
    SelfDispute,
)
from registry.chain.deploy import CONTRACTS, DISPUTES, EVIDENCE, GOVERNANCE, GRANT_DESK, RIGHTS
from registry.chain.keys import dev_account
from registry.chain.reverts import ContractRevert
from registry.chain.signed_grants import sign_grant, typed_data
from registry.chain.transactions import TxSender
from tests.integration.conftest import Actors
from tests.integration.scenario import YEAR, certify, h, now, record, terms

# Development account indexes of the `Actors` clients, for signing.
ACTOR_KEYS = {"admin": 0, "reviewer": 1, "arbitrator": 2, "bureau": 3, "operator": 4}
ACTOR_KEYS |= {"buyer": 5, "outsider": 6, "other": 7}
EXTRA_KEYS = {"registrar": 8, "suspended": 9, "arbitrator2": 10}


@dataclass
class World:
    """One scenario in which every function has a target, and one client per role.

    Roles: `outsider` (never admitted), `party` (an admitted enterprise with no stake in anything),
    `suspended` (an admitted, suspended party), `reviewer` (reviewer role, not a party),
    `arbitrator` (arbitrator role and admitted; assigned to `dispute`), `arbitrator2` (arbitrator
    role, not assigned), `registrar` (registrar role only), `admin` (admin, registrar and party),
    and the parties with a stake: `holder` (bureau: registrant and holding-right holder), `grantee`
    (operator: holds `grant`; respondent of `dispute`), `applicant` (buyer: filed `request`;
    claimant of `dispute`).
    """

    clients: dict[str, RegistryClient]
    keys: dict[str, LocalAccount]
    asset: bytes = b""
    holding: int = 0
    notice: int = 0
    objection: int = 0
    grant: int = 0
    request: int = 0
    dispute: int = 0
    t0: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, role: str) -> RegistryClient:
        return self.clients[role]


def _extra_client(actors: Actors, index: int) -> RegistryClient:
    w3 = actors.admin.w3
    account = dev_account(index)
    w3.provider.make_request("anvil_setBalance", [account.address, hex(10**21)])  # type: ignore[arg-type]
    return actors.admin.acting_as(TxSender(w3, account))


def build_world(actors: Actors) -> World:
    a = actors
    extra = {role: _extra_client(a, i) for role, i in EXTRA_KEYS.items()}
    clients = {
        "outsider": a.outsider,
        "party": a.other,
        "reviewer": a.reviewer,
        "arbitrator": a.arbitrator,
        "admin": a.admin,
        "holder": a.bureau,
        "grantee": a.operator,
        "applicant": a.buyer,
        **extra,
    }
    keys = {role: dev_account(ACTOR_KEYS[name]) for role, name in _ROLE_ACTORS.items()}
    keys |= {role: dev_account(i) for role, i in EXTRA_KEYS.items()}
    w = World(clients=clients, keys=keys)

    a.admin.grant_role("registrar", extra["registrar"].account)
    a.admin.grant_role("arbitrator", extra["arbitrator2"].account)
    a.admin.admit_party(extra["suspended"].account, model.PartyKind.ENTERPRISE, h("suspended co"))
    a.admin.suspend_party(extra["suspended"].account, h("suspended for the scenario"))

    w.asset = a.bureau.register_resource(record()).id
    w.holding = certify(a.bureau, a.admin, w.asset, model.Right.HOLDING)
    w.t0 = now(a.admin.w3)
    w.grant = a.bureau.grant(
        terms(a.operator.account, parent_id=w.holding, valid_from=w.t0, valid_until=w.t0 + YEAR)
    ).id
    w.notice = a.bureau.apply_for_certificate(w.asset, model.Right.PROCESSING).id
    w.objection = a.other.file_objection(w.notice, h("objection")).id
    w.request = a.buyer.request_grant(request_terms(w)).id
    disputed = a.operator.register_resource(record()).id
    w.dispute = a.buyer.raise_dispute(model.SubjectKind.ASSET, disputed, h("evidence")).id
    a.admin.assign_arbitrator(w.dispute, a.arbitrator.account)
    return w


_ROLE_ACTORS = {
    "outsider": "outsider",
    "party": "other",
    "reviewer": "reviewer",
    "arbitrator": "arbitrator",
    "admin": "admin",
    "holder": "bureau",
    "grantee": "operator",
    "applicant": "buyer",
}


@pytest.fixture(scope="module")
def world(w3: Web3, deployed: Actors) -> Iterator[World]:
    """The scenario, built once for the module; refused calls change nothing."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    deployed.resync()
    yield build_world(deployed)
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    deployed.resync()


# ---------------------------------------------------------------- call arguments


def request_terms(w: World) -> model.RequestTerms:
    return model.RequestTerms(
        parent_kind=model.AuthKind.CERTIFICATE,
        parent_id=w.holding,
        right=model.Right.PROCESSING,
        purpose_hash=h("purpose"),
        scenario_hash=h("scenario"),
        scope_hash=h("scope"),
        security_hash=h("security"),
        valid_from=w.t0,
        valid_until=w.t0 + YEAR,
        details_uri="",
    )


def grant_terms(w: World, grantee: str) -> model.GrantTerms:
    return terms(
        grantee,
        parent_id=w.holding,
        valid_from=w.t0,
        valid_until=w.t0 + YEAR // 2,
        purpose_hash=h("purpose"),
        scenario_hash=h("scenario"),
    )


def signed_grant(w: World, c: RegistryClient, signer: LocalAccount) -> WriteResult:
    """Submit a grant for the holder, signed by `signer`."""
    t = grant_terms(w, w["applicant"].account)
    deadline = w.t0 + 10 * YEAR
    holder = w["holder"].account
    msg = typed_data(
        grantor=holder,
        terms=t,
        nonce=c.grant_nonce(holder),
        deadline=deadline,
        chain_id=c.w3.eth.chain_id,
        desk=c.address_of(GRANT_DESK),
    )
    return c.submit_signed_grant(holder, t, deadline, sign_grant(signer, msg)).result


def subject(w: World) -> tuple[int, bytes]:
    return int(model.SubjectKind.ASSET), w.asset


# ---------------------------------------------------------------- expectations

Call = Callable[[World, RegistryClient], object]
Args = Callable[[World, RegistryClient], Mapping[str, Any]]


@dataclass(frozen=True)
class Expected:
    error: type[ContractRevert]
    args: Args


def needs_role(role: str) -> Expected:
    return Expected(
        AccessControlUnauthorizedAccount,
        lambda w, c: {"account": c.account, "neededRole": ROLES[role]},
    )


def caller_arg(error: type[ContractRevert], name: str = "account") -> Expected:
    return Expected(error, lambda w, c: {name: c.account})


NOT_ADMITTED = caller_arg(PartyNotAdmitted)
SUSPENDED = caller_arg(PartyIsSuspended)
NOT_MODULE = caller_arg(CallerNotModule, "caller")


def each(roles: tuple[str, ...], expected: Expected) -> dict[str, Expected]:
    return dict.fromkeys(roles, expected)


# Who is refused, by kind of function.
PARTY_ONLY = each(("outsider", "reviewer", "registrar", "arbitrator2"), NOT_ADMITTED)
PARTY_ONLY |= {"suspended": SUSPENDED}
NON_REGISTRARS = ("outsider", "party", "suspended", "reviewer", "arbitrator", "arbitrator2")
NON_ADMINS = (*NON_REGISTRARS, "registrar")
EVERYONE = (*NON_ADMINS, "admin", "holder", "grantee", "applicant")


def with_args(
    error: type[ContractRevert], args: Args, roles: tuple[str, ...]
) -> dict[str, Expected]:
    return each(roles, Expected(error, args))


@dataclass(frozen=True)
class Entry:
    """One way of calling a function, and the error each refused role gets."""

    call: Call
    refused: Mapping[str, Expected]
    variant: str = ""
    open_reason: str = ""


FnKey = tuple[str, str, int]  # contract, function name, number of inputs


def _governance() -> dict[FnKey, list[Entry]]:
    newcomer = dev_account(11).address
    policy = model.Policy(10 * 86400, 3 * YEAR, 5 * YEAR, 2)
    registrar_role, admin_role = needs_role("registrar"), needs_role("admin")
    return {
        (GOVERNANCE, "admitParty", 3): [
            Entry(
                lambda w, c: c.admit_party(newcomer, model.PartyKind.ENTERPRISE, h("id")),
                each((*NON_REGISTRARS, "holder"), registrar_role),
            )
        ],
        (GOVERNANCE, "suspendParty", 2): [
            Entry(
                lambda w, c: c.suspend_party(w["party"].account, h("r")),
                each((*NON_REGISTRARS, "holder"), registrar_role),
            )
        ],
        (GOVERNANCE, "reinstateParty", 2): [
            Entry(
                lambda w, c: c.reinstate_party(w["suspended"].account, h("r")),
                each((*NON_REGISTRARS, "holder"), registrar_role),
            )
        ],
        (GOVERNANCE, "setPolicy", 1): [
            Entry(lambda w, c: c.set_policy(policy), each(NON_ADMINS, admin_role))
        ],
        (GOVERNANCE, "setDomainRestricted", 2): [
            Entry(lambda w, c: c.set_domain_restricted(54, True), each(NON_ADMINS, admin_role))
        ],
        (GOVERNANCE, "setCategoryRestricted", 2): [
            Entry(
                lambda w, c: c.set_category_restricted(model.Category.PERSONAL, True),
                each(NON_ADMINS, admin_role),
            )
        ],
        (GOVERNANCE, "grantRole", 2): [
            Entry(lambda w, c: c.grant_role("registrar", c.account), each(NON_ADMINS, admin_role))
        ],
        (GOVERNANCE, "revokeRole", 2): [
            Entry(
                lambda w, c: c.revoke_role("registrar", w["admin"].account),
                each(NON_ADMINS, admin_role),
            )
        ],
        (GOVERNANCE, "renounceRole", 2): [
            Entry(
                lambda w, c: c.write(
                    GOVERNANCE, "renounceRole", ROLES["registrar"], w["admin"].account
                ),
                with_args(AccessControlBadConfirmation, lambda w, c: {}, NON_ADMINS),
            )
        ],
        (GOVERNANCE, "recordDisputeLost", 1): [
            Entry(
                lambda w, c: c.write(GOVERNANCE, "recordDisputeLost", w["party"].account),
                each(EVERYONE, NOT_MODULE),
            )
        ],
        (GOVERNANCE, "recordObjectionUpheld", 1): [
            Entry(
                lambda w, c: c.write(GOVERNANCE, "recordObjectionUpheld", w["party"].account),
                each(EVERYONE, NOT_MODULE),
            )
        ],
    }


def _assets_and_certificates() -> dict[FnKey, list[Entry]]:
    registrar_role = needs_role("registrar")
    registrars_refuse = each((*NON_REGISTRARS, "holder"), registrar_role)
    processing_missing = with_args(
        ProcessingRightMissing,
        lambda w, c: {
            "asset": w.asset,
            "account": c.account,
            "authKind": int(model.AuthKind.GRANT),
            "authId": w.grant,
        },
        ("party", "arbitrator", "admin", "holder"),
    )
    not_holding_holder = with_args(
        NotRightHolder,
        lambda w, c: {"kind": 0, "id": w.holding, "account": c.account},
        ("party", "arbitrator", "admin", "grantee", "applicant"),
    )
    not_holder = with_args(
        NotCertificateHolder,
        lambda w, c: {"certificateId": w.holding, "account": c.account},
        ("outsider", "party", "reviewer", "arbitrator", "registrar", "admin", "grantee"),
    )
    return {
        (RIGHTS, "registerResource", 1): [
            Entry(lambda w, c: c.register_resource(record()), PARTY_ONLY)
        ],
        (RIGHTS, "registerResources", 1): [
            Entry(lambda w, c: c.register_resources([record()]), PARTY_ONLY)
        ],
        (RIGHTS, "registerProduct", 2): [
            Entry(
                lambda w, c: c.register_product(
                    record(), [model.InputUse(w.asset, model.AuthKind.GRANT, w.grant)]
                ),
                PARTY_ONLY | processing_missing,
            )
        ],
        (RIGHTS, "correctAsset", 4): [
            Entry(lambda w, c: c.correct_asset(w.asset, h("m"), "u", h("r")), registrars_refuse)
        ],
        (RIGHTS, "applyForCertificate", 3): [
            Entry(
                lambda w, c: c.apply_for_certificate(w.asset, model.Right.PROCESSING),
                PARTY_ONLY | not_holding_holder,
            )
        ],
        (RIGHTS, "objectionFiled", 1): [
            Entry(
                lambda w, c: c.write(RIGHTS, "objectionFiled", w.notice),
                each(EVERYONE, NOT_MODULE),
            )
        ],
        (RIGHTS, "objectionResolved", 3): [
            Entry(
                lambda w, c: c.write(RIGHTS, "objectionResolved", w.notice, True, h("r")),
                each(EVERYONE, NOT_MODULE),
            )
        ],
        (RIGHTS, "issueCertificate", 2): [
            Entry(lambda w, c: c.issue_certificate(w.notice), registrars_refuse)
        ],
        (RIGHTS, "rejectApplication", 2): [
            Entry(lambda w, c: c.reject_application(w.notice, h("r")), registrars_refuse)
        ],
        (RIGHTS, "renewCertificate", 3): [
            Entry(
                lambda w, c: c.renew_certificate(w.holding, w.t0 + 5 * YEAR, h("r")),
                registrars_refuse,
            )
        ],
        (RIGHTS, "correctCertificate", 3): [
            Entry(
                lambda w, c: c.correct_certificate(w.holding, w.t0 + YEAR, h("r")),
                registrars_refuse,
            )
        ],
        (RIGHTS, "cancelCertificate", 2): [
            Entry(
                lambda w, c: c.cancel_certificate(w.holding, h("r")),
                each((*NON_REGISTRARS, "grantee"), registrar_role),
            )
        ],
        (RIGHTS, "transferCertificate", 3): [
            Entry(
                lambda w, c: c.transfer_certificate(w.holding, w["party"].account, h("r")),
                not_holder,
            )
        ],
        (RIGHTS, "approve", 2): [
            Entry(
                lambda w, c: c.write(RIGHTS, "approve", w["party"].account, w.holding),
                with_args(
                    ERC721InvalidApprover,
                    lambda w, c: {"approver": c.account},
                    tuple(not_holder),
                ),
            )
        ],
        (RIGHTS, "setApprovalForAll", 2): [
            Entry(
                lambda w, c: c.write(RIGHTS, "setApprovalForAll", w["party"].account, True),
                {},
                open_reason="sets only the caller's own operators",
            )
        ],
        **{
            (RIGHTS, fn, len(args)): [
                Entry(
                    _erc721_move(fn, args),
                    with_args(
                        ERC721InsufficientApproval,
                        lambda w, c: {"operator": c.account, "tokenId": w.holding},
                        tuple(not_holder),
                    ),
                )
            ]
            for fn, args in (
                ("transferFrom", ("from", "to", "id")),
                ("safeTransferFrom", ("from", "to", "id")),
                ("safeTransferFrom", ("from", "to", "id", "data")),
            )
        },
    }


def _erc721_move(fn: str, args: tuple[str, ...]) -> Call:
    def call(w: World, c: RegistryClient) -> object:
        values = [w["holder"].account, w["party"].account, w.holding, b"wallet"]
        return c.write(RIGHTS, fn, *values[: len(args)])

    return call


def _grants_and_hooks() -> dict[FnKey, list[Entry]]:
    grantors = with_args(
        NotRightHolder,
        lambda w, c: {"kind": 0, "id": w.holding, "account": c.account},
        ("party", "arbitrator", "admin", "grantee"),
    )
    return {
        (RIGHTS, "grant", 1): [
            Entry(
                lambda w, c: c.grant(grant_terms(w, w["applicant"].account)),
                PARTY_ONLY | grantors,
            )
        ],
        (RIGHTS, "grantFor", 2): [
            Entry(
                lambda w, c: c.write(
                    RIGHTS,
                    "grantFor",
                    w["holder"].account,
                    grant_terms(w, w["applicant"].account).to_abi(),
                ),
                each(EVERYONE, NOT_MODULE),
            )
        ],
        (RIGHTS, "revokeGrant", 2): [
            Entry(
                lambda w, c: c.revoke_grant(w.grant, h("r")),
                with_args(
                    NotRightHolder,
                    lambda w, c: {"kind": 1, "id": w.grant, "account": c.account},
                    (*NON_ADMINS, "admin", "grantee", "applicant"),
                ),
            )
        ],
        (RIGHTS, "freeze", 2): [
            Entry(lambda w, c: c.write(RIGHTS, "freeze", *subject(w)), each(EVERYONE, NOT_MODULE))
        ],
        (RIGHTS, "unfreeze", 2): [
            Entry(lambda w, c: c.write(RIGHTS, "unfreeze", *subject(w)), each(EVERYONE, NOT_MODULE))
        ],
        (RIGHTS, "revokeSubject", 3): [
            Entry(
                lambda w, c: c.write(RIGHTS, "revokeSubject", *subject(w), h("decision")),
                each(EVERYONE, NOT_MODULE),
            )
        ],
        (RIGHTS, "continueCascade", 1): [
            Entry(
                lambda w, c: c.continue_cascade(10),
                {},
                open_reason="anyone may advance the revocation queue in bounded steps",
            )
        ],
    }


def _grant_desk() -> dict[FnKey, list[Entry]]:
    not_request_holder = with_args(
        NotRequestHolder,
        lambda w, c: {"requestId": w.request, "account": c.account},
        (*NON_ADMINS, "admin", "applicant", "grantee"),
    )
    return {
        (GRANT_DESK, "submitSignedGrant", 4): [
            Entry(
                lambda w, c: signed_grant(w, c, w.keys["holder"]),
                {},
                open_reason="the grantor's signature is the authority, whoever submits it",
            ),
            Entry(
                lambda w, c: signed_grant(w, c, w.keys[_role_of(w, c)]),
                with_args(
                    GrantSignatureInvalid,
                    lambda w, c: {"grantor": w["holder"].account},
                    (*NON_ADMINS, "admin", "grantee", "applicant"),
                ),
                variant="signed-by-caller",
            ),
        ],
        (GRANT_DESK, "invalidateNonce", 0): [
            Entry(
                lambda w, c: c.invalidate_nonce(),
                {},
                open_reason="consumes only the caller's own nonce",
            )
        ],
        (GRANT_DESK, "requestGrant", 1): [
            Entry(lambda w, c: c.request_grant(request_terms(w)), PARTY_ONLY)
        ],
        (GRANT_DESK, "approveRequest", 2): [
            Entry(
                lambda w, c: c.approve_request(w.request, grant_terms(w, w["applicant"].account)),
                not_request_holder,
            )
        ],
        (GRANT_DESK, "refuseRequest", 2): [
            Entry(lambda w, c: c.refuse_request(w.request, h("r")), not_request_holder)
        ],
        (GRANT_DESK, "withdrawRequest", 1): [
            Entry(
                lambda w, c: c.withdraw_request(w.request),
                with_args(
                    NotRequestApplicant,
                    lambda w, c: {"requestId": w.request, "account": c.account},
                    (*NON_ADMINS, "admin", "holder", "grantee"),
                ),
            )
        ],
    }


def _disputes_and_evidence() -> dict[FnKey, list[Entry]]:
    def anchor(review: bool) -> Call:
        kind = model.EvidenceType.REVIEW_REPORT if review else model.EvidenceType.USAGE_LOG
        return lambda w, c: c.anchor(h(f"doc {c.account}"), kind, subject=w.asset)

    def anchor_batch(review: bool) -> Call:
        kind = model.EvidenceType.REVIEW_REPORT if review else model.EvidenceType.USAGE_LOG
        return lambda w, c: c.anchor_batch(h(f"root {c.account}"), 3, kind, subject=w.asset)

    non_participants = ("outsider", "party", "reviewer", "registrar", "admin", "arbitrator2")
    reviewers_only = each(
        ("outsider", "party", "suspended", "arbitrator", "registrar", "admin"),
        caller_arg(ReviewerRoleRequired),
    )
    return {
        (DISPUTES, "fileObjection", 2): [
            Entry(lambda w, c: c.file_objection(w.notice, h("objection")), PARTY_ONLY)
        ],
        (DISPUTES, "resolveObjection", 3): [
            Entry(
                lambda w, c: c.resolve_objection(w.objection, False, h("r")),
                each((*NON_REGISTRARS, "holder"), needs_role("registrar")),
            )
        ],
        (DISPUTES, "raiseDispute", 3): [
            Entry(
                lambda w, c: c.raise_dispute(model.SubjectKind.CERTIFICATE, w.holding, h("ev")),
                PARTY_ONLY | {"holder": caller_arg(SelfDispute)},
            )
        ],
        (DISPUTES, "assignArbitrator", 2): [
            Entry(
                lambda w, c: c.assign_arbitrator(w.dispute, w["arbitrator2"].account),
                each((*NON_REGISTRARS, "applicant", "grantee"), needs_role("registrar")),
            )
        ],
        (DISPUTES, "submitEvidence", 2): [
            Entry(
                lambda w, c: c.submit_dispute_evidence(w.dispute, h("more evidence")),
                with_args(
                    NotDisputeParticipant,
                    lambda w, c: {"disputeId": w.dispute, "account": c.account},
                    non_participants,
                ),
            )
        ],
        (DISPUTES, "rule", 3): [
            Entry(
                lambda w, c: c.rule(w.dispute, False, h("decision")),
                with_args(
                    NotAssignedArbitrator,
                    lambda w, c: {"disputeId": w.dispute, "account": c.account},
                    (*non_participants, "applicant", "grantee"),
                ),
            )
        ],
        (EVIDENCE, "anchor", 5): [
            Entry(anchor(False), PARTY_ONLY, variant="usage-log"),
            Entry(anchor(True), reviewers_only, variant="review-report"),
        ],
        (EVIDENCE, "anchorBatch", 6): [
            Entry(anchor_batch(False), PARTY_ONLY, variant="usage-log"),
            Entry(anchor_batch(True), reviewers_only, variant="review-report"),
        ],
    }


def _role_of(w: World, c: RegistryClient) -> str:
    return next(role for role, client in w.clients.items() if client is c)


MATRIX: dict[FnKey, list[Entry]] = {
    **_governance(),
    **_assets_and_certificates(),
    **_grants_and_hooks(),
    **_grant_desk(),
    **_disputes_and_evidence(),
}


def _cases() -> Iterator[Any]:
    for key, entries in MATRIX.items():
        contract, fn, arity = key
        for index, entry in enumerate(entries):
            for role in entry.refused:
                variant = f"[{entry.variant}]" if entry.variant else ""
                name = f"{contract}.{fn}/{arity}{variant}-{role}"
                yield pytest.param(key, index, role, id=name)


@pytest.mark.parametrize(("key", "index", "role"), list(_cases()))
def test_matrix_refusesRole(world: World, key: FnKey, index: int, role: str) -> None:
    entry = MATRIX[key][index]
    expected = entry.refused[role]
    client = world[role]
    with pytest.raises(ContractRevert) as err:
        entry.call(world, client)
    assert type(err.value) is expected.error, f"{key} as {role}: {err.value}"
    assert err.value.args == expected.args(world, client)


def _state_changing(artifact: ContractArtifact) -> set[FnKey]:
    return {
        (artifact.name, entry["name"], len(entry["inputs"]))
        for entry in artifact.abi
        if entry.get("type") == "function" and entry["stateMutability"] not in ("view", "pure")
    }


def test_matrix_coversEveryStateChangingFunction(artifacts: dict[str, ContractArtifact]) -> None:
    functions = set().union(*(_state_changing(artifacts[name]) for name in CONTRACTS))
    assert sorted(functions - MATRIX.keys()) == [], "functions without an access-control entry"
    assert sorted(MATRIX.keys() - functions) == [], "entries for functions that do not exist"


def test_matrix_everyEntryRefusesSomeoneOrSaysWhyItIsOpen() -> None:
    for key, entries in MATRIX.items():
        for entry in entries:
            assert bool(entry.refused) != bool(entry.open_reason), key


def test_matrix_roleScenarioIsAsDescribed(world: World) -> None:
    gov = world["admin"]
    assert not gov.party(world["outsider"].account).admitted
    assert not gov.party(world["reviewer"].account).admitted
    assert not gov.party(world["registrar"].account).admitted
    assert gov.party(world["suspended"].account).suspended
    assert gov.has_role("registrar", world["registrar"].account)
    assert not gov.has_role("admin", world["registrar"].account)
    assert gov.has_role("arbitrator", world["arbitrator2"].account)
    assert gov.dispute(world.dispute).arbitrator == world["arbitrator"].account
    assert gov.holder_of(world.holding) == world["holder"].account
    assert gov.certificate(world.notice).status == model.CertificateStatus.NOTICE
    assert gov.certificate(world.notice).basis_certificate == world.holding
    assert gov.objection(world.objection).open
    assert gov.grant_record(world.grant).grantee == world["grantee"].account
    assert gov.grant_request(world.request).applicant == world["applicant"].account


OPEN_CASES = [
    pytest.param(key, index, id=f"{key[0]}.{key[1]}/{key[2]}")
    for key, entries in MATRIX.items()
    for index, entry in enumerate(entries)
    if entry.open_reason
]


@pytest.mark.parametrize(("key", "index"), OPEN_CASES)
def test_openFunction_anyoneMayCall(w3: Web3, world: World, key: FnKey, index: int) -> None:
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    try:
        MATRIX[key][index].call(world, world["outsider"])
    finally:
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
        world["outsider"].sender.resync_nonce()
