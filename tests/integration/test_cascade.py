"""The revocation cascade (invariant 5): nothing resting on a revoked right stays active.

Rights resting on a revoked right end at once (validity is computed up the parent chain);
products made downstream are flagged `Tainted` by a queue advanced in bounded steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from registry import model
from registry.chain.client import RegistryClient, WriteResult
from registry.chain.contract_errors import (
    AssetNotUsable,
    CascadeStepsInvalid,
    ParentRightInactive,
)
from registry.chain.deploy import RIGHTS
from tests.integration.conftest import Actors
from tests.integration.scenario import YEAR, certify, certify_own_name, h, record
from tests.integration.test_grants import grant_from

pytestmark = pytest.mark.integration

CERT = model.AuthKind.CERTIFICATE
GRANT = model.AuthKind.GRANT
ASSET = model.SubjectKind.ASSET
TAINTED = model.AssetStatus.TAINTED


@dataclass(frozen=True)
class Chain:
    """cert -> grant -> sub-grant -> P1 -> (processing cert on P1) P2; P3 made from P1 and P2.

    The bureau holds `cert` on `asset`; `g1` goes to the operator, `g2` from the operator to the
    buyer, who makes every product; `basis` is the buyer's processing certificate resting on g2.
    The buyer holds the holding right on P1 and P2, and processes them in its own name under
    processing certificates resting on those holding certificates.
    """

    asset: bytes
    cert: int
    g1: int
    g2: int
    basis: int
    p1: bytes
    p1_holding: int
    p1_processing: int
    p2: bytes
    p2_holding: int
    p2_processing: int
    p3: bytes


def build_chain(actors: Actors) -> Chain:
    bureau, operator, buyer, admin = actors.bureau, actors.operator, actors.buyer, actors.admin
    asset = bureau.register_resource(record()).id
    cert = certify(bureau, admin, asset, model.Right.HOLDING)
    g1 = grant_from(bureau, operator, parent_id=cert, sub_grantable=True)
    g2 = grant_from(operator, buyer, parent_kind=GRANT, parent_id=g1, length=YEAR - 60)
    basis = certify(buyer, admin, asset, model.Right.PROCESSING, basis_grant=g2)
    p1 = buyer.register_product(record(), [model.InputUse(asset, GRANT, g2)]).id
    p1_holding, p1_processing = certify_own_name(buyer, admin, p1, model.Right.PROCESSING)
    p2 = buyer.register_product(record(), [model.InputUse(p1, CERT, p1_processing)]).id
    p2_holding, p2_processing = certify_own_name(buyer, admin, p2, model.Right.PROCESSING)
    p3 = buyer.register_product(
        record(),
        [model.InputUse(p1, CERT, p1_processing), model.InputUse(p2, CERT, p2_processing)],
    ).id
    return Chain(
        asset,
        cert,
        g1,
        g2,
        basis,
        p1,
        p1_holding,
        p1_processing,
        p2,
        p2_holding,
        p2_processing,
        p3,
    )


def uphold(actors: Actors, kind: model.SubjectKind, subject: bytes | int) -> WriteResult:
    """Another enterprise disputes the subject; the arbitrator upholds the claim."""
    dispute = actors.other.raise_dispute(kind, subject, h("the data is ours")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    return actors.arbitrator.rule(dispute, True, h("claim upheld"))


def taints(results: list[WriteResult]) -> list[Mapping[str, Any]]:
    return [e for r in results for e in r.all("AssetStatusChanged")]


def step_until_done(client: RegistryClient, max_steps: int, limit: int = 200) -> list[WriteResult]:
    """Call continueCascade(max_steps) until the queue is empty; check each reported count."""
    results: list[WriteResult] = []
    while client.cascade_pending():
        assert len(results) < limit, "cascade did not finish"
        result = client.continue_cascade(max_steps)
        event = result.event("CascadeContinued")
        assert event["caller"] == client.account
        assert event["remaining"] == client.cascade_pending()
        results.append(result)
    return results


@pytest.fixture
def chain(actors: Actors) -> Chain:
    return build_chain(actors)


def test_build_chain_everythingEffectiveBeforeRuling(actors: Actors, chain: Chain) -> None:
    reader = actors.admin
    assert reader.children(chain.asset) == [chain.p1]
    assert reader.children(chain.p1) == [chain.p2, chain.p3]
    assert reader.children(chain.p2) == [chain.p3]
    assert all(reader.is_grant_effective(g) for g in (chain.g1, chain.g2))
    assert reader.is_certificate_effective(chain.basis)


def test_rule_upholdEndsRestingRightsAtOnce(actors: Actors, chain: Chain) -> None:
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    reader = actors.admin
    assert not reader.is_certificate_effective(chain.cert)
    assert not reader.is_grant_effective(chain.g1)
    assert not reader.is_grant_effective(chain.g2)
    assert not reader.is_certificate_effective(chain.basis)
    assert not reader.can_process(actors.buyer.account, chain.asset, GRANT, chain.g2)
    assert not reader.can_process(actors.buyer.account, chain.asset, CERT, chain.basis)
    # Nothing downstream was written yet: products are flagged by the queue.
    assert reader.asset_core(chain.p1).status == model.AssetStatus.ACTIVE
    assert reader.cascade_pending() == 1


def test_continueCascade_taintsDownstreamOnceEach(actors: Actors, chain: Chain) -> None:
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    results = step_until_done(actors.outsider, 1)  # anyone may advance it, even a non-party
    assert taints(results) == [
        {
            "asset": chain.p1,
            "status": TAINTED,
            "causeKind": model.SubjectKind.GRANT,
            "cause": chain.g2.to_bytes(32, "big"),
        },
        {"asset": chain.p2, "status": TAINTED, "causeKind": ASSET, "cause": chain.p1},
        {"asset": chain.p3, "status": TAINTED, "causeKind": ASSET, "cause": chain.p1},
    ]  # the diamond's P3 is flagged once, though it is also a child of P2
    # One step per edge, one per entry without edges: cert->g1, g1->g2, g2->P1, g2->basis,
    # basis (none), P1->P2, P1->P3, P2->P3 (already tainted), P3 (none).
    assert len(results) == 9
    queued = [(e["kind"], e["subject"]) for r in results for e in r.all("CascadeQueued")]
    assert queued == [
        (model.SubjectKind.GRANT, chain.g1.to_bytes(32, "big")),
        (model.SubjectKind.GRANT, chain.g2.to_bytes(32, "big")),
        (ASSET, chain.p1),
        (model.SubjectKind.CERTIFICATE, chain.basis.to_bytes(32, "big")),
        (ASSET, chain.p2),
        (ASSET, chain.p3),
    ]
    for product in (chain.p1, chain.p2, chain.p3):
        assert actors.admin.asset_core(product).status == TAINTED
    assert actors.admin.asset_core(chain.asset).status == model.AssetStatus.ACTIVE


def test_continueCascade_reportsRemainingPerStep(actors: Actors, chain: Chain) -> None:
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    first = actors.outsider.continue_cascade(1)
    # The certificate's entry had one dependant (g1): the queue now holds g1 only.
    assert first.event("CascadeQueued")["kind"] == model.SubjectKind.GRANT
    assert first.event("CascadeContinued") == {
        "caller": actors.outsider.account,
        "head": 1,
        "remaining": 1,
    }


def test_continueCascade_revertsWithCascadeStepsInvalid(actors: Actors) -> None:
    with pytest.raises(CascadeStepsInvalid):
        actors.buyer.continue_cascade(0)


def test_continueCascade_onEmptyQueue(actors: Actors) -> None:
    result = actors.buyer.continue_cascade(5)
    assert result.event("CascadeContinued")["remaining"] == 0


def test_taintedProduct_cannotBeUsedAsInput(actors: Actors, chain: Chain) -> None:
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    step_until_done(actors.buyer, 10)
    use = model.InputUse(chain.p1, CERT, chain.p1_processing)
    with pytest.raises(AssetNotUsable) as exc:
        actors.buyer.register_product(record(), [use])
    assert exc.value.args == {"asset": chain.p1, "status": TAINTED}


def test_taintedProduct_cannotCarryNewGrants(actors: Actors, chain: Chain) -> None:
    uphold(actors, model.SubjectKind.CERTIFICATE, chain.cert)
    step_until_done(actors.buyer, 10)
    assert not actors.buyer.is_certificate_effective(chain.p1_processing)
    with pytest.raises(ParentRightInactive) as exc:
        grant_from(actors.buyer, actors.other, parent_id=chain.p1_processing)
    assert exc.value.args == {"kind": CERT, "id": chain.p1_processing}
    with pytest.raises(AssetNotUsable):
        actors.buyer.apply_for_certificate(chain.p2, model.Right.OPERATING)


def test_continueCascade_fromRevokedGrantSparesOtherBranches(actors: Actors, chain: Chain) -> None:
    """Revoking g2 by ruling taints its products but leaves the root certificate and g1 alone."""
    uphold(actors, model.SubjectKind.GRANT, chain.g2)
    step_until_done(actors.buyer, 3)
    assert actors.admin.is_certificate_effective(chain.cert)
    assert actors.admin.is_grant_effective(chain.g1)
    assert not actors.admin.is_certificate_effective(chain.basis)
    assert [actors.admin.asset_core(p).status for p in (chain.p1, chain.p2, chain.p3)] == [
        TAINTED
    ] * 3


def test_continueCascade_fromRevokedAsset(actors: Actors, chain: Chain) -> None:
    result = uphold(actors, ASSET, chain.asset)
    assert result.event("AssetStatusChanged") == {
        "asset": chain.asset,
        "status": model.AssetStatus.REVOKED,
        "causeKind": ASSET,
        "cause": h("claim upheld"),
    }
    assert not actors.admin.is_certificate_effective(chain.cert)
    assert not actors.admin.is_grant_effective(chain.g2)
    results = step_until_done(actors.buyer, 2)
    assert [e["asset"] for e in taints(results)] == [chain.p1, chain.p2, chain.p3]


def test_continueCascade_fromRevokedHoldingTaintsProductsMadeInOwnName(
    actors: Actors, chain: Chain
) -> None:
    """Revoking the buyer's holding certificate on P1 ends its own-name processing certificate at
    once; the queue then taints what was made under it (P2, P3), and P1 itself stays active."""
    result = uphold(actors, model.SubjectKind.CERTIFICATE, chain.p1_holding)
    reader = actors.admin
    assert result.event("CascadeQueued")["subject"] == chain.p1_holding.to_bytes(32, "big")
    assert not reader.is_certificate_effective(chain.p1_processing)
    assert not reader.can_process(actors.buyer.account, chain.p1, CERT, chain.p1_processing)
    assert reader.is_certificate_effective(chain.cert)
    assert reader.is_certificate_effective(chain.basis)

    results = step_until_done(actors.outsider, 1)

    cause = chain.p1_processing.to_bytes(32, "big")
    certificate = model.SubjectKind.CERTIFICATE
    assert taints(results) == [
        {"asset": chain.p2, "status": TAINTED, "causeKind": certificate, "cause": cause},
        {"asset": chain.p3, "status": TAINTED, "causeKind": certificate, "cause": cause},
    ]
    queued = [(e["kind"], e["subject"]) for r in results for e in r.all("CascadeQueued")]
    assert queued == [(certificate, cause), (ASSET, chain.p2), (ASSET, chain.p3)]
    assert reader.asset_core(chain.p1).status == model.AssetStatus.ACTIVE
    assert reader.asset_core(chain.asset).status == model.AssetStatus.ACTIVE
    assert not reader.is_certificate_effective(chain.p2_processing)


def test_revokeGrant_byGrantorAlsoQueuesCascade(actors: Actors, chain: Chain) -> None:
    actors.bureau.revoke_grant(chain.g1, h("terms breached"))
    results = step_until_done(actors.buyer, 4)
    assert taints(results)[0]["asset"] == chain.p1
    assert actors.admin.asset_core(chain.p3).status == TAINTED


# ---------------------------------------------------------------- bounded steps

FAN_OUT = 50
MAX_STEPS = 10
# Gas bounds, from what a step does. A taint reads the edge and the asset core (two cold
# SLOADs), writes the status, opens a new queue slot (a zero-to-nonzero SSTORE, 22,100 gas) and
# emits two events: measured at about 39,000 gas. An entry without edges reads its slots and
# deletes them (refunded in part): about 9,000. A call adds the transaction's 21,000 gas and the
# queue bounds. The bounds below leave ~15% room for compiler changes. They fail for a call doing
# more than `maxSteps` units of work: draining 50 leaf entries in one call cost 445,000 gas, and
# grew with the fan-out, before empty entries were counted as steps.
GAS_PER_TAINT = 45_000
GAS_PER_ENTRY = 12_000
GAS_PER_CALL = 60_000


def fan_out(actors: Actors, n: int) -> tuple[int, list[bytes]]:
    """A revocable processing grant and `n` products the operator made under it."""
    bureau, operator = actors.bureau, actors.operator
    asset = bureau.register_resource(record()).id
    cert = certify(bureau, actors.admin, asset, model.Right.HOLDING)
    g = grant_from(bureau, operator, parent_id=cert)
    use = model.InputUse(asset, GRANT, g).to_abi()
    records = [record() for _ in range(n)]
    operator.write_many([(RIGHTS, "registerProduct", (r.to_abi(), [use])) for r in records])
    return g, [r.content_hash for r in records]


def test_continueCascade_fanOutInBoundedCalls(actors: Actors) -> None:
    g, products = fan_out(actors, FAN_OUT)
    assert len(actors.admin.children(actors.admin.grant_asset(g))) == FAN_OUT
    actors.bureau.revoke_grant(g, h("revoked"))
    results = step_until_done(actors.buyer, MAX_STEPS)
    # 50 edges of the grant's entry, then 50 products' own (empty) entries, 10 steps a call.
    assert len(results) >= FAN_OUT // MAX_STEPS
    assert len(results) == 2 * FAN_OUT // MAX_STEPS
    assert [len(r.all("AssetStatusChanged")) for r in results[:5]] == [MAX_STEPS] * 5
    assert sorted(e["asset"] for e in taints(results)) == sorted(products)
    for r in results:
        tainted = len(r.all("AssetStatusChanged"))
        bound = GAS_PER_CALL + tainted * GAS_PER_TAINT + (MAX_STEPS - tainted) * GAS_PER_ENTRY
        assert r.gas_used < bound, [r.gas_used for r in results]
        assert r.gas_used < GAS_PER_CALL + MAX_STEPS * GAS_PER_TAINT


def test_continueCascade_emptyEntriesCountAsSteps(actors: Actors) -> None:
    """A queue of leaves (products without children) drains maxSteps entries a call."""
    g, _ = fan_out(actors, 12)
    actors.bureau.revoke_grant(g, h("revoked"))
    first = actors.buyer.continue_cascade(12)  # taints all 12; 12 leaf entries queued
    assert first.event("CascadeContinued")["remaining"] == 12
    second = actors.buyer.continue_cascade(5)
    assert second.event("CascadeContinued")["remaining"] == 7
