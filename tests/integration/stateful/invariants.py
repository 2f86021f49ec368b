"""The chain invariants of DOMAIN.md as checks over the contracts' views and the new event logs.

Each `check_*` function raises `AssertionError` naming the record that breaks its invariant. They
read the chain (`ChainState`, and `BatchReader` at the block of an event), never the model, so
they hold the contracts to the rules on their own; `check_model_matches_chain` then compares the
model's prediction of every record with what the chain says.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from registry import model
from registry.chain.deploy import RIGHTS
from registry.events.decoder import DecodedEvent
from tests.integration.stateful.chain_view import BatchReader, ChainState
from tests.integration.stateful.model import RegistryModel, right_covers
from tests.integration.stateful.rebuild import Rebuilt

ASSET, CERT, GRANT = model.SubjectKind.ASSET, model.SubjectKind.CERTIFICATE, model.SubjectKind.GRANT
ISSUED = b"ISSUED".ljust(32, b"\x00")
RENEWED = b"RENEWED".ljust(32, b"\x00")
Node = tuple[model.SubjectKind, Any]


def check_issuance(state: ChainState, events: Sequence[DecodedEvent]) -> None:
    """Invariant 1: only registrars issue, only after the notice window, with no open objection."""
    for cid, c in state.certificates.items():
        if c.issued_at:
            assert c.issued_at >= c.notice_ends_at, f"certificate {cid} issued during its notice"
    for e in events:
        if e.name == "CertificateUpdated" and e.args["action"] == ISSUED:
            c = e.args["certificate"]
            assert state.roles[("registrar", e.args["actor"])], f"{e.args['actor']} issued"
            assert c.open_objections == 0, f"certificate {e.args['certificateId']} objected to"
            assert c.issued_at >= c.notice_ends_at


def check_grants_within_parent(
    reader: BatchReader, events: Sequence[DecodedEvent], max_depth: int
) -> None:
    """Invariant 2: each new grant is the same or a narrower right than its parent, ends inside
    the parent's term, and is passed on only from a sub-grantable grant, within the depth limit.
    The parent is read at the grant's block."""
    for e in events:
        if e.name != "GrantIssued":
            continue
        t: model.GrantTerms = e.args["terms"]
        if t.parent_kind == model.AuthKind.CERTIFICATE:
            raw = reader.read([(RIGHTS, "certificate", (t.parent_id,))], e.block_number)[0]
            c = model.Certificate.from_abi(raw)
            parent_right, parent_end, passed_from = c.right, c.valid_until, c.basis_grant
        else:
            raw = reader.read([(RIGHTS, "grantRecord", (t.parent_id,))], e.block_number)[0]
            p = model.Grant.from_abi(raw)
            parent_right, parent_end, passed_from = p.right, p.valid_until, t.parent_id
        grant = f"grant {e.args['grantId']}"
        assert t.right != model.Right.HOLDING, grant
        assert right_covers(parent_right, t.right), f"{grant}: {t.right!r} from {parent_right!r}"
        assert t.valid_until <= parent_end, f"{grant} outlives its parent"
        assert e.args["depth"] <= max_depth, grant
        if passed_from:
            source = model.Grant.from_abi(
                reader.read([(RIGHTS, "grantRecord", (passed_from,))], e.block_number)[0]
            )
            assert source.sub_grantable, f"{grant} passed on from grant {passed_from}"
            assert e.args["depth"] == source.depth + 1, grant


def check_products_authorized(reader: BatchReader, events: Sequence[DecodedEvent]) -> None:
    """Invariant 3: at the block of each new product, its registrant could process every input
    (an active, in-term, unfrozen processing right on an active, unfrozen asset)."""
    for e in events:
        if e.name != "ProductDerived":
            continue
        calls = [
            (RIGHTS, "canProcess", (e.args["registrant"], u.asset, int(u.auth_kind), u.auth_id))
            for u in e.args["inputs"]
        ]
        allowed = reader.read(calls, e.block_number)
        assert all(allowed), f"product {e.args['product'].hex()} made without a right: {allowed}"


def check_frozen_inert(
    reader: BatchReader, rebuilt: Rebuilt, events: Sequence[DecodedEvent]
) -> None:
    """Invariant 4: no new transfer, grant, renewal or derivation touched a frozen subject
    (freeze counts only change in dispute transactions, so the event's block shows them)."""
    for e in events:
        touched = list(_touched(rebuilt, e))
        if not touched:
            continue
        calls = [
            (RIGHTS, "openDisputes", (int(kind), model.subject_bytes(kind, subject)))
            for kind, subject in touched
        ]
        frozen = reader.read(calls, e.block_number)
        assert not any(frozen), f"{e.name} at block {e.block_number} touched {touched}: {frozen}"


def _touched(rebuilt: Rebuilt, e: DecodedEvent) -> Iterator[Node]:
    if e.name == "CertificateTransferred" or (
        e.name == "CertificateUpdated" and e.args["action"] == RENEWED
    ):
        cid = e.args["certificateId"]
        yield CERT, cid
        yield ASSET, rebuilt.certificates[cid].asset
    elif e.name == "GrantIssued":
        t: model.GrantTerms = e.args["terms"]
        yield (CERT if t.parent_kind == model.AuthKind.CERTIFICATE else GRANT), t.parent_id
        yield ASSET, e.args["asset"]
    elif e.name == "ProductDerived":
        for use in e.args["inputs"]:
            yield ASSET, use.asset
            yield (CERT if use.auth_kind == model.AuthKind.CERTIFICATE else GRANT), use.auth_id


def check_revocation_carries(state: ChainState, rebuilt: Rebuilt) -> None:
    """Invariant 5: nothing resting on a revoked right (or a revoked or tainted asset) is
    effective; once the cascade queue is empty, every product downstream of a revocation is
    flagged."""
    for gid in state.grants:
        if _rests_on_ended(state, (GRANT, gid)):
            assert not state.grant_effective[gid], f"grant {gid} rests on a revoked right"
    for cid in state.certificates:
        if _rests_on_ended(state, (CERT, cid)):
            assert not state.certificate_effective[cid], f"certificate {cid} rests on one"
    head, tail = state.cascade_bounds
    if head != tail:
        return
    for product in downstream_of_revocations(state, rebuilt):
        status = state.assets[product].status
        assert status in (model.AssetStatus.TAINTED, model.AssetStatus.REVOKED), (
            f"product {product.hex()} downstream of a revocation is {status!r}"
        )


def _rests_on_ended(state: ChainState, node: Node) -> bool:
    """Whether the grant or certificate, or anything up its chain, is revoked or on a revoked
    or tainted asset."""
    kind, subject = node
    if kind == GRANT:
        g = state.grants[subject]
        if g.status == model.GrantStatus.REVOKED:
            return True
        asset = state.grant_assets[subject]
        parent_kind = CERT if g.parent_kind == model.AuthKind.CERTIFICATE else GRANT
        parents: list[Node] = [(parent_kind, g.parent_id)]
    else:
        c = state.certificates[subject]
        if c.status == model.CertificateStatus.REVOKED:
            return True
        asset = c.asset
        parents = [(GRANT, c.basis_grant)] if c.basis_grant else []
        parents += [(CERT, c.basis_certificate)] if c.basis_certificate else []
    if state.assets[asset].status in (model.AssetStatus.TAINTED, model.AssetStatus.REVOKED):
        return True
    return any(_rests_on_ended(state, parent) for parent in parents)


def downstream_of_revocations(state: ChainState, rebuilt: Rebuilt) -> set[bytes]:
    """Every product reached from a revoked asset, certificate or grant by lineage edges (from
    an input, or from the right that authorized it) and dependency edges (grants and
    certificates resting on a right)."""
    arcs: dict[Node, list[Node]] = {}
    for asset, kids in state.children.items():
        arcs.setdefault((ASSET, asset), []).extend((ASSET, k) for k in kids)
    for product, uses in rebuilt.inputs.items():
        for use in uses:
            kind = CERT if use.auth_kind == model.AuthKind.CERTIFICATE else GRANT
            arcs.setdefault((kind, use.auth_id), []).append((ASSET, product))
    for gid, g in state.grants.items():
        parent = CERT if g.parent_kind == model.AuthKind.CERTIFICATE else GRANT
        arcs.setdefault((parent, g.parent_id), []).append((GRANT, gid))
    for cid, c in state.certificates.items():
        if c.basis_grant:
            arcs.setdefault((GRANT, c.basis_grant), []).append((CERT, cid))
        if c.basis_certificate:
            arcs.setdefault((CERT, c.basis_certificate), []).append((CERT, cid))
    seeds: list[Node] = [(ASSET, a) for a, core in state.assets.items() if _revoked(core)]
    seeds += [(CERT, c) for c, r in state.certificates.items() if _revoked(r)]
    seeds += [(GRANT, g) for g, r in state.grants.items() if _revoked(r)]
    reached = _reach(arcs, seeds)
    return {subject for kind, subject in reached if kind == ASSET}


def _revoked(record: Any) -> bool:
    return (
        int(record.status)
        == {
            model.AssetCore: model.AssetStatus.REVOKED,
            model.Certificate: model.CertificateStatus.REVOKED,
            model.Grant: model.GrantStatus.REVOKED,
        }[type(record)]
    )


def _reach(arcs: dict[Node, list[Node]], seeds: Iterable[Node]) -> set[Node]:
    """Nodes reached in one or more steps from the seeds."""
    reached: set[Node] = set()
    frontier = deque(seeds)
    while frontier:
        for nxt in arcs.get(frontier.popleft(), []):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    return reached


def check_lineage_acyclic(state: ChainState, rebuilt: Rebuilt) -> None:
    """Invariant 6: the lineage graph has no cycle; every input was registered before its
    product."""
    for product, uses in rebuilt.inputs.items():
        for use in uses:
            assert rebuilt.sequences[use.asset] < rebuilt.sequences[product]
    # Kahn's algorithm: a graph is acyclic exactly when repeatedly removing the nodes without
    # incoming edges removes them all.
    incoming = {asset: 0 for asset in state.children}
    for kids in state.children.values():
        for kid in kids:
            incoming[kid] += 1
    ready = [asset for asset, n in incoming.items() if n == 0]
    removed = 0
    while ready:
        asset = ready.pop()
        removed += 1
        for kid in state.children[asset]:
            incoming[kid] -= 1
            if incoming[kid] == 0:
                ready.append(kid)
    assert removed == len(incoming), "the lineage graph has a cycle"


def check_signed_nonces_unique(events: Sequence[DecodedEvent], seen: set[tuple[str, int]]) -> None:
    """Invariant 7: each (grantor, nonce) carries at most one signed grant."""
    for e in events:
        if e.name == "SignedGrantSubmitted":
            key = (e.args["grantor"], e.args["nonce"])
            assert key not in seen, f"signed grant replayed: {key}"
            seen.add(key)


def check_events_rebuild_state(state: ChainState, rebuilt: Rebuilt) -> None:
    """Invariant 8: the events alone rebuild every asset core, certificate, holder and grant."""
    counts = (len(rebuilt.assets), len(rebuilt.certificates), len(rebuilt.grants))
    assert counts == (state.asset_count, state.certificate_count, state.grant_count), counts
    for asset, core in state.assets.items():
        _same(f"asset {asset.hex()} from events", rebuilt.assets[asset], core)
    for cid, c in state.certificates.items():
        _same(f"certificate {cid} from events", rebuilt.certificates[cid], c)
        _same(f"holder of certificate {cid} from events", rebuilt.holders[cid], state.holders[cid])
    for gid, g in state.grants.items():
        _same(f"grant {gid} from events", rebuilt.grants[gid], g)


def _same(what: str, expected: Any, chain: Any) -> None:
    assert expected == chain, f"{what}: {expected!r} but the chain says {chain!r}"


def check_roles_unchanged(state: ChainState, initial: dict[tuple[str, str], bool]) -> None:
    """Invariant 9 (with the refusals the rules assert): no call changed anyone's roles."""
    assert state.roles == initial


def check_model_matches_chain(m: RegistryModel, state: ChainState) -> None:
    """The model's prediction of every record equals the chain's."""
    m.now = state.timestamp
    counts = (m.asset_count, len(m.certs), len(m.grants), (m.queue_head, len(m.queue)))
    chain = (state.asset_count, state.certificate_count, state.grant_count, state.cascade_bounds)
    _same("model counts (assets, certificates, grants, cascade queue)", counts, chain)
    for asset, core in state.assets.items():
        _same(f"model asset {asset.hex()}", m.assets[asset].core(), core)
        _same(f"model children of {asset.hex()}", m.children[asset], state.children[asset])
        _same(
            f"model ownership disputes of {asset.hex()}",
            m.ownership_disputes[asset],
            state.ownership_disputes[asset],
        )
    for cid, c in state.certificates.items():
        _same(f"model certificate {cid}", m.certs[cid].record(), c)
        _same(f"model holder of certificate {cid}", m.certs[cid].holder, state.holders[cid])
        _same(
            f"model: certificate {cid} effective",
            m.cert_valid(cid, unfrozen=False),
            state.certificate_effective[cid],
        )
    for gid, g in state.grants.items():
        _same(f"model grant {gid}", m.grants[gid].record, g)
        _same(f"model asset of grant {gid}", m.grants[gid].asset, state.grant_assets[gid])
        _same(
            f"model: grant {gid} effective",
            m.grant_valid(gid, unfrozen=False),
            state.grant_effective[gid],
        )
    for subject, count in state.open_disputes.items():
        _same(f"model open disputes of {subject}", m.open_disputes[subject], count)
    for did, d in state.disputes.items():
        x = m.disputes[did]
        expected = model.Dispute(
            claimant=x.claimant,
            status=x.status,
            kind=x.kind,
            ownership=x.ownership,
            raised_at=x.raised_at,
            arbitrator=x.arbitrator,
            subject=model.subject_bytes(x.kind, x.subject),
        )
        _same(f"model dispute {did}", expected, d)
    for account, party in state.parties.items():
        p = m.parties.get(account)
        expected_party = (
            (False, False, 0, 0)
            if p is None
            else (True, p.suspended, p.disputes_lost, p.objections_upheld)
        )
        chain_party = (
            party.admitted,
            party.suspended,
            party.disputes_lost,
            party.objections_upheld,
        )
        _same(f"model party {account}", expected_party, chain_party)
        _same(f"model nonce of {account}", m.nonces[account], state.nonces[account])
