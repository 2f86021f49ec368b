"""Lineage (invariants 3 and 6): products need a live processing right on every input; the graph
of products and inputs is acyclic."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from registry import model
from registry.chain.contract_errors import (
    AssetAlreadyRegistered,
    AssetNotFound,
    DuplicateInput,
    InputCountInvalid,
    ProcessingRightMissing,
    SubjectFrozen,
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
from tests.integration.test_grants import grant_from

pytestmark = pytest.mark.integration

CERT = model.AuthKind.CERTIFICATE
GRANT = model.AuthKind.GRANT
MAX_INPUTS = 32


@dataclass(frozen=True)
class Source:
    """The bureau's certified asset and a processing grant from it to the operator."""

    asset: bytes
    cert: int
    grant: int

    @property
    def use(self) -> model.InputUse:
        return model.InputUse(self.asset, GRANT, self.grant)


def source(actors: Actors, *, length: int = YEAR) -> Source:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(actors.bureau, actors.operator, parent_id=cert, length=length)
    return Source(asset, cert, g)


@pytest.fixture
def src(actors: Actors) -> Source:
    return source(actors)


def missing(
    src: Source, account: str, kind: model.AuthKind = GRANT, auth_id: int = 0
) -> dict[str, object]:
    """The arguments of ProcessingRightMissing for `src`'s asset."""
    return {
        "asset": src.asset,
        "account": account,
        "authKind": kind,
        "authId": auth_id or src.grant,
    }


def test_registerProduct_emitsProductDerivedAndListsChildren(actors: Actors, src: Source) -> None:
    product_record = record()
    created = actors.operator.register_product(product_record, [src.use])
    assert created.id == product_record.content_hash
    assert created.result.event("ProductDerived") == {
        "product": created.id,
        "registrant": actors.operator.account,
        "inputs": (src.use,),
    }
    registered = created.result.event("AssetRegistered")
    assert registered["kind"] == model.AssetKind.PRODUCT
    assert registered["record"] == product_record
    core = actors.operator.asset_core(created.id)
    assert (core.kind, core.status, core.registrant) == (
        model.AssetKind.PRODUCT,
        model.AssetStatus.ACTIVE,
        actors.operator.account,
    )
    assert actors.operator.children(src.asset) == [created.id]
    assert actors.operator.children(created.id) == []


def test_registerProduct_manyInputsAndChildrenAccumulate(actors: Actors, src: Source) -> None:
    own = actors.operator.register_resource(record()).id
    _, own_cert = certify_own_name(actors.operator, actors.admin, own, model.Right.PROCESSING)
    own_use = model.InputUse(own, CERT, own_cert)
    p1 = actors.operator.register_product(record(), [src.use, own_use]).id
    p2 = actors.operator.register_product(record(), [own_use]).id
    assert actors.operator.children(src.asset) == [p1]
    assert actors.operator.children(own) == [p1, p2]


def test_registerProduct_productAsInputOfSecondProduct(actors: Actors, src: Source) -> None:
    p1 = actors.operator.register_product(record(), [src.use]).id
    _, p1_processing = certify_own_name(actors.operator, actors.admin, p1, model.Right.PROCESSING)
    # A second party processes P1 under a grant from the operator's processing certificate.
    g = grant_from(actors.operator, actors.buyer, parent_id=p1_processing)
    p2 = actors.buyer.register_product(record(), [model.InputUse(p1, GRANT, g)]).id
    assert actors.operator.children(p1) == [p2]
    assert actors.operator.asset_core(p2).kind == model.AssetKind.PRODUCT


def test_registerProduct_revertsWithProcessingRightMissing_expiredGrant(actors: Actors) -> None:
    src = source(actors, length=1000)
    travel(actors.bureau.w3, 1000)
    assert not actors.operator.can_process(actors.operator.account, src.asset, GRANT, src.grant)
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [src.use])
    assert exc.value.args == missing(src, actors.operator.account)


def test_registerProduct_revertsWithProcessingRightMissing_revokedGrant(
    actors: Actors, src: Source
) -> None:
    actors.bureau.revoke_grant(src.grant, h("revoked"))
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [src.use])
    assert exc.value.args == missing(src, actors.operator.account)


def test_registerProduct_revertsWithProcessingRightMissing_frozenGrant(
    actors: Actors, src: Source
) -> None:
    actors.other.raise_dispute(model.SubjectKind.GRANT, src.grant, h("claim"))
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [src.use])
    assert exc.value.args == missing(src, actors.operator.account)


def test_registerProduct_revertsWithProcessingRightMissing_frozenParentCertificate(
    actors: Actors, src: Source
) -> None:
    actors.other.raise_dispute(model.SubjectKind.CERTIFICATE, src.cert, h("ownership claim"))
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [src.use])
    assert exc.value.args == missing(src, actors.operator.account)


def test_registerProduct_revertsWithSubjectFrozen_frozenInputAsset(
    actors: Actors, src: Source
) -> None:
    """A frozen input asset is refused before its authorization is even looked at."""
    actors.other.raise_dispute(model.SubjectKind.ASSET, src.asset, h("ownership claim"))
    with pytest.raises(SubjectFrozen) as exc:
        actors.operator.register_product(record(), [src.use])
    assert exc.value.args == {"kind": model.SubjectKind.ASSET, "subject": src.asset}


def test_registerProduct_revertsWithProcessingRightMissing_wrongGrantee(
    actors: Actors, src: Source
) -> None:
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.buyer.register_product(record(), [src.use])
    assert exc.value.args == missing(src, actors.buyer.account)


def test_registerProduct_revertsWithProcessingRightMissing_operatingInsteadOfProcessing(
    actors: Actors,
) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(actors.bureau, actors.operator, parent_id=cert, right=model.Right.OPERATING)
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [model.InputUse(asset, GRANT, g)])
    assert exc.value.args == {
        "asset": asset,
        "account": actors.operator.account,
        "authKind": GRANT,
        "authId": g,
    }


def test_registerProduct_revertsWithProcessingRightMissing_holdingCertificate(
    actors: Actors, src: Source
) -> None:
    """Holding a resource does not imply the processing right: each right is checked on its own."""
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.bureau.register_product(record(), [model.InputUse(src.asset, CERT, src.cert)])
    assert exc.value.args == missing(src, actors.bureau.account, CERT, src.cert)


def test_registerProduct_revertsWithProcessingRightMissing_grantOnAnotherAsset(
    actors: Actors, src: Source
) -> None:
    other = source(actors)
    wrong = model.InputUse(src.asset, GRANT, other.grant)
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [wrong])
    assert exc.value.args == missing(src, actors.operator.account, GRANT, other.grant)


def test_registerProduct_revertsWithProcessingRightMissing_secondInputUnauthorized(
    actors: Actors, src: Source
) -> None:
    """Every input is checked, not only the first."""
    unauthorized = actors.other.register_resource(record()).id
    use = model.InputUse(unauthorized, GRANT, src.grant)
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(record(), [src.use, use])
    assert exc.value.args["asset"] == unauthorized


def test_registerProduct_revertsWithProcessingRightMissing_grantNotYetValid(
    actors: Actors,
) -> None:
    asset = actors.bureau.register_resource(record()).id
    cert = certify(actors.bureau, actors.admin, asset, model.Right.HOLDING)
    t0 = now(actors.bureau.w3)
    later = terms(
        actors.operator.account, parent_id=cert, valid_from=t0 + 1000, valid_until=t0 + YEAR
    )
    g = actors.bureau.grant(later).id
    with pytest.raises(ProcessingRightMissing):
        actors.operator.register_product(record(), [model.InputUse(asset, GRANT, g)])
    travel(actors.bureau.w3, 1000)
    assert actors.operator.register_product(record(), [model.InputUse(asset, GRANT, g)]).id


def test_registerProduct_revertsWithDuplicateInput(actors: Actors, src: Source) -> None:
    with pytest.raises(DuplicateInput) as exc:
        actors.operator.register_product(record(), [src.use, src.use])
    assert exc.value.args == {"asset": src.asset}


@pytest.mark.parametrize("count", [0, MAX_INPUTS + 1])
def test_registerProduct_revertsWithInputCountInvalid(
    actors: Actors, src: Source, count: int
) -> None:
    with pytest.raises(InputCountInvalid) as exc:
        actors.operator.register_product(record(), [src.use] * count)
    assert exc.value.args == {"count": count, "maxInputs": MAX_INPUTS}


def test_registerProduct_revertsWithAssetNotFound_unknownInput(actors: Actors, src: Source) -> None:
    ghost = h("never registered")
    with pytest.raises(AssetNotFound) as exc:
        actors.operator.register_product(record(), [model.InputUse(ghost, GRANT, src.grant)])
    assert exc.value.args == {"asset": ghost}


def test_registerProduct_revertsWithAssetAlreadyRegistered_existingContent(
    actors: Actors, src: Source
) -> None:
    """Lineage is a DAG by construction.

    The asset id is the content hash and is registered exactly once, at which point all its
    inputs must already exist. So every edge runs from an older asset to a strictly newer one:
    a product cannot name an existing asset (its own input included) as its new content, and it
    cannot be an input of itself, because nobody can hold a processing right on an asset that
    did not exist before this transaction. A cycle would need an edge into an older asset.
    """
    p1 = actors.operator.register_product(record(), [src.use])
    for taken in (src.asset, p1.id):
        with pytest.raises(AssetAlreadyRegistered) as exc:
            actors.operator.register_product(_with_content(taken), [src.use])
        assert exc.value.args == {"asset": taken}


def test_registerProduct_revertsWithProcessingRightMissing_selfAsInput(
    actors: Actors, src: Source
) -> None:
    """A product naming itself as an input has no processing right on itself: a self-loop is
    impossible. (Every authorization names an asset registered in an earlier transaction.)"""
    product = record()
    self_use = model.InputUse(product.content_hash, GRANT, src.grant)
    with pytest.raises(ProcessingRightMissing) as exc:
        actors.operator.register_product(product, [src.use, self_use])
    assert exc.value.args["asset"] == product.content_hash
    assert actors.operator.asset_core(product.content_hash).status == model.AssetStatus.NONE


def test_canProcess_mirrorsRegistrationRule(actors: Actors, src: Source) -> None:
    op = actors.operator
    assert op.can_process(op.account, src.asset, GRANT, src.grant)
    assert not op.can_process(actors.buyer.account, src.asset, GRANT, src.grant)
    assert not op.can_process(op.account, src.asset, CERT, src.cert)


def _with_content(asset: bytes) -> model.AssetRecord:
    """A product record whose content hash is `asset` (an existing registration)."""
    return replace(record(), content_hash=asset)
