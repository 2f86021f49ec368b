"""Grant requests (申请): file, approve (possibly narrowed), refuse with reasons, withdraw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.contract_errors import (
    ApprovalExceedsRequest,
    GrantNotFound,
    NotRequestApplicant,
    NotRequestHolder,
    RequestNotFound,
    RequestNotPending,
    RequestTermInvalid,
)
from tests.integration.conftest import Actors
from tests.integration.scenario import YEAR, certify, h, now, record, terms

pytestmark = pytest.mark.integration

CERT = model.AuthKind.CERTIFICATE
GRANT = model.AuthKind.GRANT


def ask(
    parent_id: int,
    *,
    t0: int,
    parent_kind: model.AuthKind = CERT,
    right: model.Right = model.Right.OPERATING,
    length: int = 2 * YEAR,
) -> model.RequestTerms:
    """What an applicant asks for: `right` on the parent for `length` seconds from `t0`."""
    base = terms("0x" + "00" * 20, parent_id=parent_id, valid_from=t0, valid_until=t0)
    return model.RequestTerms(
        parent_kind=parent_kind,
        parent_id=parent_id,
        right=right,
        purpose_hash=base.purpose_hash,
        scenario_hash=base.scenario_hash,
        scope_hash=base.scope_hash,
        security_hash=base.security_hash,
        valid_from=t0,
        valid_until=t0 + length,
        details_uri="https://example.org/requests/1",
    )


def answer(request: model.RequestTerms, applicant: str, **overrides: Any) -> model.GrantTerms:
    """Grant terms that give exactly what was asked, with `overrides`."""
    values: dict[str, Any] = dict(
        parent_kind=request.parent_kind,
        parent_id=request.parent_id,
        right=request.right,
        valid_from=request.valid_from,
        valid_until=request.valid_until,
        purpose_hash=request.purpose_hash,
        scenario_hash=request.scenario_hash,
    )
    values.update(overrides)
    return terms(applicant, **values)


@dataclass(frozen=True)
class Filed:
    """A pending request of the operator on the bureau's holding certificate."""

    id: int
    asked: model.RequestTerms
    cert: int
    asset: bytes


@pytest.fixture
def filed(actors: Actors) -> Filed:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    asked = ask(cert, t0=now(actors.bureau.w3))
    return Filed(int(actors.operator.request_grant(asked).id), asked, cert, asset)


def test_requestGrant_emitsRequestFiledWithFiledAt(actors: Actors) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    asked = ask(cert, t0=now(actors.bureau.w3))
    created = actors.operator.request_grant(asked)
    filed_at = int(actors.bureau.w3.eth.get_block(created.result.block_number)["timestamp"])
    assert created.result.event("RequestFiled") == {
        "requestId": 1,
        "applicant": actors.operator.account,
        "holder": actors.bureau.account,
        "filedAt": filed_at,
        "terms": asked,
    }
    assert actors.operator.grant_request(1) == model.GrantRequest(
        applicant=actors.operator.account,
        status=model.RequestStatus.PENDING,
        filed_at=filed_at,
        parent_kind=CERT,
        right=model.Right.OPERATING,
        parent_id=cert,
        valid_from=asked.valid_from,
        valid_until=asked.valid_until,
        purpose_scenario_hash=actors.operator.grant_request(1).purpose_scenario_hash,
    )


def test_requestGrant_revertsWithRequestTermInvalid(actors: Actors, filed: Filed) -> None:
    backwards = replace(filed.asked, valid_until=filed.asked.valid_from)
    with pytest.raises(RequestTermInvalid) as exc:
        actors.operator.request_grant(backwards)
    assert exc.value.args == {
        "validFrom": filed.asked.valid_from,
        "validUntil": filed.asked.valid_from,
    }


def test_requestGrant_revertsWithGrantNotFound(actors: Actors, filed: Filed) -> None:
    """A request on a grant that does not exist would have nobody to answer it."""
    missing = ask(42, t0=now(actors.bureau.w3), parent_kind=GRANT)
    with pytest.raises(GrantNotFound) as exc:
        actors.operator.request_grant(missing)
    assert exc.value.args == {"grantId": 42}


def test_approveRequest_narrowerTermsGrantToApplicant(actors: Actors, filed: Filed) -> None:
    asked = filed.asked
    narrowed = answer(
        asked,
        actors.operator.account,
        right=model.Right.PROCESSING,  # asked for operating, processing is narrower
        valid_from=asked.valid_from + 100,
        valid_until=asked.valid_until - YEAR,
        scope_hash=h("scope: road segments only"),
    )
    created = actors.bureau.approve_request(filed.id, narrowed)
    assert created.result.event("RequestApproved") == {
        "requestId": filed.id,
        "grantId": created.id,
        "holder": actors.bureau.account,
    }
    assert created.result.event("GrantIssued")["terms"] == narrowed
    g = actors.bureau.grant_record(created.id)
    assert (g.grantee, g.right, g.valid_until) == (
        actors.operator.account,
        model.Right.PROCESSING,
        asked.valid_until - YEAR,
    )
    assert actors.bureau.grant_request(filed.id).status == model.RequestStatus.APPROVED


def test_approveRequest_exactTerms(actors: Actors, filed: Filed) -> None:
    created = actors.bureau.approve_request(filed.id, answer(filed.asked, actors.operator.account))
    assert actors.bureau.grant_record(created.id).right == model.Right.OPERATING


@pytest.mark.parametrize(
    "field,change",
    [
        ("grantee", {"grantee": "buyer"}),
        ("parent", {"parent_id": 99}),
        ("parent", {"parent_kind": GRANT}),
        ("right", {"right": model.Right.HOLDING}),
        ("term", {"valid_from": -1}),
        ("term", {"valid_until": +1}),
        ("purpose", {"purpose_hash": h("purpose: marketing")}),
        ("purpose", {"scenario_hash": h("scenario: resale")}),
    ],
)
def test_approveRequest_revertsWithApprovalExceedsRequest(
    actors: Actors, filed: Filed, field: str, change: dict[str, Any]
) -> None:
    overrides = dict(change)
    if "grantee" in overrides:
        overrides["grantee"] = actors.buyer.account
    for key in ("valid_from", "valid_until"):
        if key in overrides:
            overrides[key] = getattr(filed.asked, key) + overrides[key]
    t = answer(filed.asked, actors.operator.account)
    with pytest.raises(ApprovalExceedsRequest) as exc:
        actors.bureau.approve_request(filed.id, replace(t, **overrides))
    assert exc.value.args == {"requestId": filed.id, "field": field}


def test_approveRequest_processingRequestCannotBecomeOperating(
    actors: Actors, filed: Filed
) -> None:
    asked = ask(filed.cert, t0=now(actors.bureau.w3), right=model.Right.PROCESSING)
    request_id = actors.operator.request_grant(asked).id
    wider = answer(asked, actors.operator.account, right=model.Right.OPERATING)
    with pytest.raises(ApprovalExceedsRequest) as exc:
        actors.bureau.approve_request(request_id, wider)
    assert exc.value.args == {"requestId": request_id, "field": "right"}


def test_refuseRequest_recordsReasons(actors: Actors, filed: Filed) -> None:
    result = actors.bureau.refuse_request(filed.id, h("purpose not compatible"))
    assert result.event("RequestRefused") == {
        "requestId": filed.id,
        "holder": actors.bureau.account,
        "reasonsHash": h("purpose not compatible"),
    }
    assert actors.bureau.grant_request(filed.id).status == model.RequestStatus.REFUSED
    assert actors.bureau.grant_count() == 0


def test_withdrawRequest_byApplicant(actors: Actors, filed: Filed) -> None:
    result = actors.operator.withdraw_request(filed.id)
    assert result.event("RequestWithdrawn") == {"requestId": filed.id}
    assert actors.bureau.grant_request(filed.id).status == model.RequestStatus.WITHDRAWN


def test_withdrawRequest_revertsWithNotRequestApplicant(actors: Actors, filed: Filed) -> None:
    with pytest.raises(NotRequestApplicant) as exc:
        actors.bureau.withdraw_request(filed.id)
    assert exc.value.args == {"requestId": filed.id, "account": actors.bureau.account}


@pytest.mark.parametrize("caller", ["operator", "other", "admin"])
def test_approveRequest_revertsWithNotRequestHolder(
    actors: Actors, filed: Filed, caller: str
) -> None:
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(NotRequestHolder) as exc:
        client.approve_request(filed.id, answer(filed.asked, actors.operator.account))
    assert exc.value.args == {"requestId": filed.id, "account": client.account}


@pytest.mark.parametrize("caller", ["operator", "other"])
def test_refuseRequest_revertsWithNotRequestHolder(
    actors: Actors, filed: Filed, caller: str
) -> None:
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(NotRequestHolder) as exc:
        client.refuse_request(filed.id, h("no"))
    assert exc.value.args == {"requestId": filed.id, "account": client.account}


@pytest.mark.parametrize("closing", ["approve", "refuse", "withdraw"])
def test_requestAnswers_revertWithRequestNotPending(
    actors: Actors, filed: Filed, closing: str
) -> None:
    bureau, operator = actors.bureau, actors.operator
    exact = answer(filed.asked, operator.account)
    actions: dict[str, Callable[[], object]] = {
        "approve": lambda: bureau.approve_request(filed.id, exact),
        "refuse": lambda: bureau.refuse_request(filed.id, h("no")),
        "withdraw": lambda: operator.withdraw_request(filed.id),
    }
    actions[closing]()
    for again in actions.values():
        with pytest.raises(RequestNotPending) as exc:
            again()
        assert exc.value.args == {"requestId": filed.id}


def test_approveRequest_revertsWithRequestNotFound(actors: Actors, filed: Filed) -> None:
    with pytest.raises(RequestNotFound) as exc:
        actors.bureau.approve_request(7, answer(filed.asked, actors.operator.account))
    assert exc.value.args == {"requestId": 7}


def test_approveRequest_onGrantAnsweredByGrantee(actors: Actors, filed: Filed) -> None:
    """A request on a grant goes to its grantee, who sub-grants within its own grant."""
    bureau, operator, buyer = actors.bureau, actors.operator, actors.buyer
    parent = bureau.approve_request(
        filed.id, answer(filed.asked, operator.account, sub_grantable=True)
    ).id
    asked = ask(parent, t0=now(bureau.w3), parent_kind=GRANT, right=model.Right.PROCESSING)
    created = buyer.request_grant(asked)
    assert created.result.event("RequestFiled")["holder"] == operator.account
    with pytest.raises(NotRequestHolder):
        bureau.approve_request(
            created.id, answer(asked, buyer.account, valid_until=asked.valid_until - YEAR)
        )
    sub = operator.approve_request(
        created.id, answer(asked, buyer.account, valid_until=asked.valid_until - YEAR)
    ).id
    assert bureau.grant_record(sub).depth == 1
    assert bureau.grantor_of(sub) == operator.account


def test_approveRequest_byHolderAtAnswerTime(actors: Actors, filed: Filed) -> None:
    """The request follows the parent right: after a transfer the new holder answers it."""
    actors.bureau.transfer_certificate(filed.cert, actors.other.account, h("sale"))
    with pytest.raises(NotRequestHolder):
        actors.bureau.refuse_request(filed.id, h("former holder"))
    created = actors.other.approve_request(filed.id, answer(filed.asked, actors.operator.account))
    assert created.result.event("GrantIssued")["grantor"] == actors.other.account
