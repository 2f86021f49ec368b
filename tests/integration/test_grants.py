"""Grants (invariant 2): a grant never exceeds the grantor's own right."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.contract_errors import (
    GrantAlreadyRevoked,
    GrantDepthExceeded,
    GrantNotRevocable,
    GrantOutlivesParent,
    HoldingRightNotGrantable,
    NotOpenDataCannotBeGranted,
    NotRightHolder,
    OperatingRightOnPublicResource,
    ParentRightInactive,
    PublicDataGrantTooLong,
    RightExceedsParent,
    SelfGrant,
    SubGrantNotAllowed,
    TermInvalid,
)
from tests.integration.conftest import Actors
from tests.integration.scenario import (
    YEAR,
    certify,
    certify_own_name,
    h,
    now,
    record,
    terms,
    travel,
)

pytestmark = pytest.mark.integration

CERT = model.AuthKind.CERTIFICATE
GRANT = model.AuthKind.GRANT


@dataclass(frozen=True)
class Held:
    """An asset registered by the bureau with its issued holding certificate."""

    asset: bytes
    cert: int
    cert_end: int


def hold(
    actors: Actors,
    *,
    holder: RegistryClient | None = None,
    term: int = 0,
    **record_args: model.Category | model.OpenClass | model.Grade,
) -> Held:
    """Register an asset as `holder` (default: the bureau) and certify its holding right."""
    holder = holder or actors.bureau
    asset = holder.register_resource(record(**record_args)).id  # type: ignore[arg-type]
    cert = certify(holder, actors.admin, asset, model.Right.HOLDING, term=term)
    return Held(asset, cert, holder.certificate(cert).valid_until)


def grant_from(
    grantor: RegistryClient,
    grantee: RegistryClient,
    *,
    parent_kind: model.AuthKind = CERT,
    parent_id: int,
    right: model.Right = model.Right.PROCESSING,
    length: int = YEAR,
    sub_grantable: bool = False,
    revocable: bool = True,
) -> int:
    """Grant `right` from `grantor` to `grantee` for `length` seconds from now; returns the id."""
    t0 = now(grantor.w3)
    created = grantor.grant(
        terms(
            grantee.account,
            parent_kind=parent_kind,
            parent_id=parent_id,
            right=right,
            valid_from=t0,
            valid_until=t0 + length,
            sub_grantable=sub_grantable,
            revocable=revocable,
        )
    )
    return int(created.id)


@pytest.fixture
def held(actors: Actors) -> Held:
    return hold(actors)


def test_grant_emitsGrantIssuedWithTerms(actors: Actors, held: Held) -> None:
    bureau, operator = actors.bureau, actors.operator
    t0 = now(bureau.w3)
    t = terms(operator.account, parent_id=held.cert, valid_from=t0, valid_until=t0 + YEAR)
    created = bureau.grant(t)
    event = created.result.event("GrantIssued")
    assert event == {
        "grantId": 1,
        "asset": held.asset,
        "grantor": bureau.account,
        "depth": 0,
        "terms": t,
    }
    g = bureau.grant_record(created.id)
    assert g == model.Grant(
        grantee=operator.account,
        right=model.Right.PROCESSING,
        status=model.GrantStatus.ACTIVE,
        depth=0,
        sub_grantable=False,
        revocable=True,
        parent_kind=CERT,
        valid_until=t0 + YEAR,
        valid_from=t0,
        parent_id=held.cert,
    )
    assert bureau.grant_asset(created.id) == held.asset
    assert bureau.grantor_of(created.id) == bureau.account
    assert bureau.is_grant_effective(created.id)


def test_grant_revertsWithHoldingRightNotGrantable(actors: Actors, held: Held) -> None:
    with pytest.raises(HoldingRightNotGrantable):
        grant_from(actors.bureau, actors.operator, parent_id=held.cert, right=model.Right.HOLDING)


def test_grant_revertsWithRightExceedsParent_fromProcessingCertificate(actors: Actors) -> None:
    bureau, operator = actors.bureau, actors.operator
    asset = bureau.register_resource(record()).id
    _, processing = certify_own_name(bureau, actors.admin, asset, model.Right.PROCESSING)
    with pytest.raises(RightExceedsParent) as exc:
        grant_from(bureau, operator, parent_id=processing, right=model.Right.OPERATING)
    assert exc.value.args == {
        "parentRight": model.Right.PROCESSING,
        "requested": model.Right.OPERATING,
    }
    # The same right passes on.
    assert grant_from(bureau, operator, parent_id=processing) == 1


def test_grant_revertsWithRightExceedsParent_inSubGrant(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    with pytest.raises(RightExceedsParent) as exc:
        grant_from(
            actors.operator,
            actors.buyer,
            parent_kind=GRANT,
            parent_id=g,
            right=model.Right.OPERATING,
        )
    assert exc.value.args == {
        "parentRight": model.Right.PROCESSING,
        "requested": model.Right.OPERATING,
    }


def test_grant_operatingParentCoversProcessing(actors: Actors, held: Held) -> None:
    g = grant_from(
        actors.bureau,
        actors.operator,
        parent_id=held.cert,
        right=model.Right.OPERATING,
        sub_grantable=True,
    )
    sub = grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g)
    assert actors.bureau.grant_record(sub).right == model.Right.PROCESSING
    assert actors.bureau.grant_record(sub).depth == 1


def test_grant_revertsWithGrantOutlivesParent(actors: Actors, held: Held) -> None:
    t0 = now(actors.bureau.w3)
    t = terms(
        actors.operator.account, parent_id=held.cert, valid_from=t0, valid_until=held.cert_end + 1
    )
    with pytest.raises(GrantOutlivesParent) as exc:
        actors.bureau.grant(t)
    assert exc.value.args == {"validUntil": held.cert_end + 1, "parentValidUntil": held.cert_end}


def test_grant_revertsWithGrantOutlivesParent_inSubGrant(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    end = actors.bureau.grant_record(g).valid_until
    with pytest.raises(GrantOutlivesParent) as exc:
        grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g, length=2 * YEAR)
    assert exc.value.args["parentValidUntil"] == end


def test_grant_revertsWithSubGrantNotAllowed(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=False)
    with pytest.raises(SubGrantNotAllowed) as exc:
        grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g, length=100)
    assert exc.value.args == {"parentGrantId": g}


def test_grant_revertsWithGrantDepthExceeded(actors: Actors, held: Held) -> None:
    assert actors.admin.policy().max_grant_depth == 2
    chain = [actors.bureau, actors.operator, actors.buyer, actors.other]
    parent_kind, parent_id = CERT, held.cert
    for depth, (grantor, grantee) in enumerate(itertools.pairwise(chain)):
        parent_id = grant_from(
            grantor,
            grantee,
            parent_kind=parent_kind,
            parent_id=parent_id,
            length=YEAR - depth * 10,
            sub_grantable=True,
        )
        parent_kind = GRANT
        assert actors.bureau.grant_record(parent_id).depth == depth
    with pytest.raises(GrantDepthExceeded) as exc:
        grant_from(actors.other, actors.operator, parent_kind=GRANT, parent_id=parent_id, length=9)
    assert exc.value.args == {"depth": 3, "maxDepth": 2}


def test_grant_revertsWithNotRightHolder_certificate(actors: Actors, held: Held) -> None:
    with pytest.raises(NotRightHolder) as exc:
        grant_from(actors.other, actors.operator, parent_id=held.cert)
    assert exc.value.args == {"kind": CERT, "id": held.cert, "account": actors.other.account}


def test_grant_revertsWithNotRightHolder_grant(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    # The grantor of g does not hold g: only its grantee may sub-grant.
    with pytest.raises(NotRightHolder) as exc:
        grant_from(actors.bureau, actors.buyer, parent_kind=GRANT, parent_id=g, length=100)
    assert exc.value.args == {"kind": GRANT, "id": g, "account": actors.bureau.account}


def test_grant_revertsWithParentRightInactive_afterExpiry(actors: Actors) -> None:
    held = hold(actors, term=1000)
    travel(actors.bureau.w3, 1000)
    with pytest.raises(ParentRightInactive) as exc:
        grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=10)
    assert exc.value.args == {"kind": CERT, "id": held.cert}


def test_grant_revertsWithParentRightInactive_afterCancel(actors: Actors, held: Held) -> None:
    actors.bureau.cancel_certificate(held.cert, h("cancel"))
    with pytest.raises(ParentRightInactive) as exc:
        grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    assert exc.value.args == {"kind": CERT, "id": held.cert}


def test_grant_revertsWithParentRightInactive_parentGrantRevoked(
    actors: Actors, held: Held
) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    actors.bureau.revoke_grant(g, h("breach"))
    with pytest.raises(ParentRightInactive) as exc:
        grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g, length=100)
    assert exc.value.args == {"kind": GRANT, "id": g}


def test_grant_revertsWithSelfGrant(actors: Actors, held: Held) -> None:
    with pytest.raises(SelfGrant) as exc:
        grant_from(actors.bureau, actors.bureau, parent_id=held.cert)
    assert exc.value.args == {"account": actors.bureau.account}


def test_grant_revertsWithTermInvalid(actors: Actors, held: Held) -> None:
    t0 = now(actors.bureau.w3)
    t = terms(actors.operator.account, parent_id=held.cert, valid_from=t0 + 10, valid_until=t0 + 10)
    with pytest.raises(TermInvalid) as exc:
        actors.bureau.grant(t)
    assert exc.value.args == {"validFrom": t0 + 10, "validUntil": t0 + 10}


def test_revokeGrant_byGrantorEndsItAtOnce(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    result = actors.bureau.revoke_grant(g, h("breach of purpose"))
    assert result.event("GrantRevoked") == {
        "grantId": g,
        "actor": actors.bureau.account,
        "reasonHash": h("breach of purpose"),
    }
    assert actors.bureau.grant_record(g).status == model.GrantStatus.REVOKED
    assert not actors.bureau.is_grant_effective(g)


@pytest.mark.parametrize("caller", ["operator", "other"])
def test_revokeGrant_revertsWithNotRightHolder(actors: Actors, held: Held, caller: str) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(NotRightHolder) as exc:
        client.revoke_grant(g, h("no"))
    assert exc.value.args == {"kind": GRANT, "id": g, "account": client.account}


def test_revokeGrant_revertsWithGrantNotRevocable(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, revocable=False)
    with pytest.raises(GrantNotRevocable) as exc:
        actors.bureau.revoke_grant(g, h("no"))
    assert exc.value.args == {"grantId": g}


def test_revokeGrant_revertsWithGrantAlreadyRevoked(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    actors.bureau.revoke_grant(g, h("once"))
    with pytest.raises(GrantAlreadyRevoked) as exc:
        actors.bureau.revoke_grant(g, h("twice"))
    assert exc.value.args == {"grantId": g}


def test_revokeGrant_byNewHolderAfterTransfer(actors: Actors, held: Held) -> None:
    """The grantor is whoever holds the parent right now, so revocation follows the certificate."""
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    actors.bureau.transfer_certificate(held.cert, actors.other.account, h("sale"))
    assert actors.bureau.grantor_of(g) == actors.other.account
    with pytest.raises(NotRightHolder):
        actors.bureau.revoke_grant(g, h("former holder"))
    actors.other.revoke_grant(g, h("new holder"))
    assert not actors.bureau.is_grant_effective(g)


def test_grant_revertsWithNotOpenDataCannotBeGranted(actors: Actors) -> None:
    held = hold(actors, category=model.Category.PUBLIC, open_class=model.OpenClass.NOT_OPEN)
    with pytest.raises(NotOpenDataCannotBeGranted) as exc:
        grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    assert exc.value.args == {"asset": held.asset}


def test_grant_revertsWithOperatingRightOnPublicResource(actors: Actors) -> None:
    held = hold(actors, category=model.Category.PUBLIC)
    with pytest.raises(OperatingRightOnPublicResource) as exc:
        grant_from(actors.bureau, actors.operator, parent_id=held.cert, right=model.Right.OPERATING)
    assert exc.value.args == {"asset": held.asset}
    # Processing the same public resource is what authorized operation is for.
    assert grant_from(actors.bureau, actors.operator, parent_id=held.cert) == 1


def test_grant_revertsWithPublicDataGrantTooLong(actors: Actors) -> None:
    held = hold(actors, category=model.Category.PUBLIC, term=10 * YEAR)
    cap = actors.admin.policy().max_public_data_grant_term
    assert cap == 5 * YEAR
    with pytest.raises(PublicDataGrantTooLong) as exc:
        grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=cap + 1)
    assert exc.value.args == {"term": cap + 1, "maxTerm": cap}
    assert grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=cap) == 1


def test_grant_enterpriseDataNotCappedByPublicDataTerm(actors: Actors) -> None:
    held = hold(actors, term=10 * YEAR)
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=6 * YEAR)
    assert actors.bureau.is_grant_effective(g)


def test_issueCertificate_cappedAtBasisGrantEnd(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=YEAR)
    grant_end = actors.bureau.grant_record(g).valid_until
    cert = certify(actors.operator, actors.admin, held.asset, model.Right.PROCESSING, basis_grant=g)
    c = actors.operator.certificate(cert)
    assert c.basis_grant == g
    assert c.valid_until == grant_end  # default term (3 years) cut to the grant's end
    assert c.valid_until < c.issued_at + actors.admin.policy().default_term


def test_grant_fromCertificateRestingOnGrant_followsBasisGrantRules(
    actors: Actors, held: Held
) -> None:
    closed = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=False)
    cert = certify(actors.operator, actors.admin, held.asset, model.Right.PROCESSING, closed)
    with pytest.raises(SubGrantNotAllowed) as exc:
        grant_from(actors.operator, actors.buyer, parent_id=cert, length=100)
    assert exc.value.args == {"parentGrantId": closed}


def test_isGrantEffective_falseAtOnceWhenRootCancelled(actors: Actors, held: Held) -> None:
    g1 = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    g2 = grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g1, length=100_000)
    assert actors.bureau.is_grant_effective(g1) and actors.bureau.is_grant_effective(g2)
    actors.bureau.cancel_certificate(held.cert, h("cancel"))
    assert not actors.bureau.is_grant_effective(g1)
    assert not actors.bureau.is_grant_effective(g2)
    # Nothing was written to the grants themselves: validity is computed up the chain.
    assert actors.bureau.grant_record(g2).status == model.GrantStatus.ACTIVE


def test_isGrantEffective_falseAtOnceWhenParentGrantRevoked(actors: Actors, held: Held) -> None:
    g1 = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    g2 = grant_from(
        actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g1, length=YEAR // 2
    )
    cert = certify(actors.buyer, actors.admin, held.asset, model.Right.PROCESSING, basis_grant=g2)
    assert actors.bureau.is_certificate_effective(cert)
    actors.bureau.revoke_grant(g1, h("revoked"))
    assert not actors.bureau.is_grant_effective(g2)
    assert not actors.bureau.is_certificate_effective(cert)


def test_isGrantEffective_falseAfterOwnExpiry(actors: Actors, held: Held) -> None:
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, length=500)
    assert actors.bureau.is_grant_effective(g)
    travel(actors.bureau.w3, 500)
    assert not actors.bureau.is_grant_effective(g)


def test_isGrantEffective_falseBeforeValidFrom(actors: Actors, held: Held) -> None:
    t0 = now(actors.bureau.w3)
    t = terms(
        actors.operator.account, parent_id=held.cert, valid_from=t0 + 1000, valid_until=t0 + YEAR
    )
    g = actors.bureau.grant(t).id
    assert not actors.bureau.is_grant_effective(g)
    travel(actors.bureau.w3, 1000)
    assert actors.bureau.is_grant_effective(g)


def test_grant_revertsWithSubGrantNotAllowed_rawPublicDataPassedOn(actors: Actors) -> None:
    """An authorized operator of raw public data may process it but not pass it on, even under
    a grant marked sub-grantable, nor through a certificate resting on that grant."""
    held = hold(actors, category=model.Category.PUBLIC)
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert, sub_grantable=True)
    with pytest.raises(SubGrantNotAllowed) as exc:
        grant_from(actors.operator, actors.buyer, parent_kind=GRANT, parent_id=g, length=100)
    assert exc.value.args == {"parentGrantId": g}
    cert = certify(actors.operator, actors.admin, held.asset, model.Right.PROCESSING, g)
    with pytest.raises(SubGrantNotAllowed) as exc:
        grant_from(actors.operator, actors.buyer, parent_id=cert, length=100)
    assert exc.value.args == {"parentGrantId": g}


def test_grant_publicDataProductMayBeSubGranted(actors: Actors) -> None:
    held = hold(actors, category=model.Category.PUBLIC)
    g = grant_from(actors.bureau, actors.operator, parent_id=held.cert)
    product = actors.operator.register_product(
        record(category=model.Category.PUBLIC), [model.InputUse(held.asset, GRANT, g)]
    ).id
    _, operating = certify_own_name(actors.operator, actors.admin, product, model.Right.OPERATING)
    licence = grant_from(
        actors.operator,
        actors.buyer,
        parent_id=operating,
        right=model.Right.OPERATING,
        sub_grantable=True,
    )
    sub = grant_from(actors.buyer, actors.other, parent_kind=GRANT, parent_id=licence, length=100)
    assert actors.bureau.grant_record(sub).depth == 1
