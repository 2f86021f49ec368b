"""A buyer's provenance report built from the chain alone, in the same shape as the mirror's.

The asset from `assetCore` and its `AssetRegistered` event; the rights from the certificates
applied for over it (`CertificateApplied` by asset), each with its `ownerOf` holder, effective
status and the events behind "since"; the seller's operating right through a certificate or a
grant (`GrantIssued` by asset); the upstream lineage walked through `ProductDerived` events by
product, each edge judged at its derivation block with historical calls; and the disputes raised
over any upstream asset with their status from the DisputeRegistry.

What the chain cannot answer is kept beside the report, per fact: `gaps` (no state at a past
block) and `taint_pending` (facts that depend on taint while the on-chain revocation cascade still
has entries queued, so the chain has not recorded yet what the mirror derives ahead of it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eth_utils.address import is_address, to_checksum_address

from registry import model
from registry.chain.deploy import DISPUTES, RIGHTS
from registry.events.decoder import DecodedEvent
from registry.lineage.trace import MAX_DEPTH, ChainRef, LineageEdge, LineageGraph, LineageNode
from registry.registration_numbers import registration_number
from registry.verify.chain_view import ChainView, NoStateAtBlock, hex32
from registry.verify.report import (
    OPEN_OR_UPHELD,
    AssetFact,
    BytesCheck,
    DisputeFact,
    ProvenanceReport,
    RightFact,
    SellerCheck,
    seller_fact,
)

FactKey = tuple[str, str]  # (subject, field) as named by `registry.verify.trustless.subjects`
BytesFor = Callable[[Mapping[str, Any]], BytesCheck]  # the asset's merkle_root and leaf_count
_SHOWN = (model.CertificateStatus.ACTIVE, model.CertificateStatus.REVOKED)


def right_key(certificate_id: int) -> str:
    return f"right:{certificate_id}"


def node_key(asset: str) -> str:
    return f"node:{asset}"


def edge_key(product: str, position: int) -> str:
    return f"edge:{product}:{position}"


def dispute_key(dispute_id: int) -> str:
    return f"dispute:{dispute_id}"


def ref(event: DecodedEvent) -> ChainRef:
    return ChainRef(event.block_number, event.tx_hash)


@dataclass
class ChainReport:
    """The chain's own report, and what the chain could not settle, fact by fact."""

    report: ProvenanceReport
    gaps: dict[FactKey, str] = field(default_factory=dict)
    taint_pending: dict[FactKey, str] = field(default_factory=dict)


def report_from_chain(
    view: ChainView, asset: bytes, *, sha256: str, seller: str | None, bytes_for: BytesFor
) -> ChainReport:
    """The report for `asset` as of `view.block`; `sha256` is the file's (the asset id if whole)."""
    if view.asset(asset).status == model.AssetStatus.NONE:
        reason = f"not registered: no asset on chain has SHA-256 {sha256} at block {view.block}"
        check = BytesCheck(False, reason, whole_file=False)
        return ChainReport(ProvenanceReport(sha256, False, view.block, check))
    return _Builder(view).build(asset, sha256=sha256, seller=seller, bytes_for=bytes_for)


class _Builder:
    def __init__(self, view: ChainView) -> None:
        self.view = view
        self.out = ChainReport(ProvenanceReport("", False, view.block, BytesCheck(False, "", None)))
        self.registrations: dict[str, DecodedEvent] = {}

    def build(
        self, asset: bytes, *, sha256: str, seller: str | None, bytes_for: BytesFor
    ) -> ChainReport:
        key = hex32(asset)
        lineage = self._lineage(asset)
        registered = self.registrations[key].args["record"]
        rights = self._rights(asset)
        self.out.report = ProvenanceReport(
            sha256=sha256,
            registered=True,
            indexed_block=self.view.block,
            bytes=bytes_for(
                {"merkle_root": hex32(registered.merkle_root), "leaf_count": registered.leaf_count}
            ),
            asset=self._asset_fact(lineage.node(key), registered),
            rights=rights,
            seller=None if seller is None else self._seller(asset, seller, rights),
            lineage=lineage,
            disputes=self._disputes({n.asset for n in lineage.nodes}),
        )
        self._mark_taint_pending(lineage, rights)
        return self.out

    # ------------------------------------------------------------ the asset and its lineage

    def _asset_fact(self, node: LineageNode, record: model.AssetRecord) -> AssetFact:
        return AssetFact(
            asset=node.asset,
            registration_number=node.registration_number,
            kind=node.kind,
            registrant=node.registrant,
            status=node.status,
            derived_status=node.derived_status,
            merkle_root=hex32(record.merkle_root),
            leaf_count=record.leaf_count,
            leaf_mode=record.leaf_mode.name.lower(),
            registered=node.registered,
        )

    def _lineage(self, root: bytes) -> LineageGraph:
        """Every upstream asset and derivation edge, walked breadth-first over event logs."""
        depths: dict[bytes, int] = {root: 0}
        derivations: list[DecodedEvent] = []
        frontier = [root]
        while frontier:
            found = self.view.logs(RIGHTS, "ProductDerived", frontier)
            frontier = []
            for event in found:
                derivations.append(event)
                for use in event.args["inputs"]:
                    if use.asset not in depths:
                        depths[use.asset] = depths[event.args["product"]] + 1
                        frontier.append(use.asset)
        for event in self.view.logs(RIGHTS, "AssetRegistered", list(depths)):
            self.registrations[hex32(event.args["asset"])] = event
        nodes = sorted(
            (self._node(asset, depth) for asset, depth in depths.items()),
            key=lambda n: (n.depth, n.registration_number),
        )
        edges = [
            self._edge(event, position, use)
            for event in derivations
            for position, use in enumerate(event.args["inputs"])
        ]
        edges.sort(key=lambda e: (e.derived.block, e.product, e.position))
        return LineageGraph(hex32(root), "up", MAX_DEPTH, tuple(nodes), tuple(edges))

    def _node(self, asset: bytes, depth: int) -> LineageNode:
        core = self.view.asset(asset)
        event = self.registrations[hex32(asset)]
        status = self.view.asset_status(asset)
        return LineageNode(
            asset=hex32(asset),
            registration_number=registration_number(
                chain_id=self.view.chain_id,
                registered_at=int(event.args["registeredAt"]),
                sequence=int(event.args["sequence"]),
            ),
            kind=core.kind.name.lower(),
            registrant=core.registrant,
            status=status,
            derived_status=status,
            depth=depth,
            registered=ref(event),
        )

    def _edge(self, event: DecodedEvent, position: int, use: model.InputUse) -> LineageEdge:
        product = hex32(event.args["product"])
        key = edge_key(product, position)
        then = self._status_then(key, use, event.block_number)
        return LineageEdge(
            product=product,
            input_asset=hex32(use.asset),
            position=position,
            auth_kind=use.auth_kind.name.lower(),
            auth_id=use.auth_id,
            valid_at_derivation=then == "effective",
            status_at_derivation=then,
            status_now=self.view.auth_status(use.auth_kind, use.auth_id),
            derived=ref(event),
        )

    def _status_then(self, key: str, use: model.InputUse, block: int) -> str:
        """The authorization's status at the derivation block, read with historical calls."""
        try:
            status = self.view.auth_status(use.auth_kind, use.auth_id, block)
            pending = self.view.cascade_pending(block)
        except NoStateAtBlock as exc:
            for name in ("status_at_derivation", "valid_at_derivation"):
                self.out.gaps[(key, name)] = str(exc)
            return "unverifiable"
        if pending:
            for name in ("status_at_derivation", "valid_at_derivation"):
                self.out.taint_pending[(key, name)] = _pending_reason(pending, block)
        return status

    # ------------------------------------------------------------ rights and the seller

    def _rights(self, asset: bytes) -> tuple[RightFact, ...]:
        applied = self.view.logs(RIGHTS, "CertificateApplied", None, asset)
        ids = [int(e.args["certificateId"]) for e in applied]
        shown = [i for i in ids if self.view.certificate(i).status in _SHOWN]
        since = self._since(shown)
        facts = [
            RightFact(
                right=self.view.certificate(i).right.name.lower(),
                certificate_id=i,
                holder=self.view.holder(i),
                status=self.view.certificate_status(i),
                since=since[i],
            )
            for i in shown
        ]
        return tuple(sorted(facts, key=lambda f: (model.Right[f.right.upper()], f.certificate_id)))

    def _since(self, ids: list[int]) -> dict[int, ChainRef]:
        """The later of each certificate's issue and its current holder's acquisition."""
        if not ids:
            return {}
        issued: dict[int, ChainRef] = {}
        for e in self.view.logs(RIGHTS, "CertificateUpdated", ids):
            cert_id = int(e.args["certificateId"])
            if e.args["certificate"].status == model.CertificateStatus.ACTIVE:
                issued.setdefault(cert_id, ref(e))
        transfers = self.view.logs(RIGHTS, "Transfer", None, None, ids)
        acquired = {int(e.args["tokenId"]): ref(e) for e in transfers}
        found: dict[int, ChainRef] = {}
        for cert_id in ids:
            refs = [r for r in (issued.get(cert_id), acquired.get(cert_id)) if r is not None]
            found[cert_id] = max(refs, key=lambda r: r.block) if refs else ChainRef(0, "")
        return found

    def _seller(self, asset: bytes, seller: str, rights: Iterable[RightFact]) -> SellerCheck:
        if not is_address(seller):
            return SellerCheck(seller, False, f"{seller!r} is not an account address")
        account = to_checksum_address(seller)
        found = [
            seller_fact(account, "certificate", f.certificate_id, f.status, f.since)
            for f in rights
            if f.right == "operating" and f.holder == account
        ]
        issued = self.view.logs(RIGHTS, "GrantIssued", None, asset)
        for e in sorted(issued, key=lambda e: int(e.args["grantId"])):
            terms: model.GrantTerms = e.args["terms"]
            if terms.grantee == account and terms.right == model.Right.OPERATING:
                grant_id = int(e.args["grantId"])
                status = self.view.grant_status(grant_id)
                found.append(seller_fact(account, "grant", grant_id, status, ref(e)))
        active = [f for f in found if f.active]
        if active or found:
            return (active or found)[0]
        return SellerCheck(account, False, f"{account} holds no operating right over this asset")

    # ------------------------------------------------------------ disputes upstream

    def _disputes(self, assets: set[str]) -> tuple[DisputeFact, ...]:
        every = self.view.logs(DISPUTES, "DisputeRaised")
        raised = [e for e in every if hex32(e.args["asset"]) in assets]
        if not raised:
            return ()
        ids = [int(e.args["disputeId"]) for e in raised]
        latest = {i: ref(e) for i, e in zip(ids, raised, strict=True)}
        for e in self.view.logs(DISPUTES, ("ArbitratorAssigned", "DisputeRuled"), ids):
            latest[int(e.args["disputeId"])] = ref(e)
        facts = []
        for dispute_id, e in zip(ids, raised, strict=True):
            status = self.view.dispute(dispute_id).status
            if status not in OPEN_OR_UPHELD:
                continue
            kind = model.SubjectKind(e.args["kind"])
            subject: bytes = e.args["subject"]
            facts.append(
                DisputeFact(
                    dispute_id=dispute_id,
                    status=status.name.lower(),
                    subject_kind=kind.name.lower(),
                    subject=hex32(subject)
                    if kind == model.SubjectKind.ASSET
                    else str(int.from_bytes(subject, "big")),
                    asset=hex32(e.args["asset"]),
                    claimant=e.args["claimant"],
                    raised=ref(e),
                    latest=latest[dispute_id],
                )
            )
        return tuple(sorted(facts, key=lambda f: f.dispute_id))

    # ------------------------------------------------------------ taint ahead of the cascade

    def _mark_taint_pending(self, lineage: LineageGraph, rights: Iterable[RightFact]) -> None:
        pending = self.view.cascade_pending()
        if not pending:
            return
        why = _pending_reason(pending, self.view.block)
        keys: list[FactKey] = [("asset", "derived_status"), ("seller", "active")]
        keys += [("seller", "reason")]
        keys += [(node_key(n.asset), "derived_status") for n in lineage.nodes]
        keys += [(right_key(f.certificate_id), "status") for f in rights]
        keys += [(edge_key(e.product, e.position), "status_now") for e in lineage.edges]
        for key in keys:
            self.out.taint_pending[key] = why


def _pending_reason(pending: int, block: int) -> str:
    entries = "entry" if pending == 1 else "entries"
    return (
        f"the on-chain revocation cascade has {pending} queued {entries} at block {block}: "
        f"taint it has not reached yet is not recorded on chain"
    )
