"""State derived off chain from the mirror: history at any block, effective status, taint closure.

* History: the version of a record that covered block N (`version_at`), who held a certificate
  (`holder_at`) and every right over an asset (`rights_at`).
* Effective status: a grant or certificate is effective only if it and everything it rests on
  (parent grants up to the root certificate, the asset) are active and in term at that block;
  the reason when it is not.
* Taint closure: every product downstream of a revoked asset, certificate or grant, following the
  same edges as the contracts' bounded cascade, so it is complete before the cascade has run.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import (
    AssetRow,
    BlockRow,
    CertificateHolderRow,
    CertificateRow,
    GrantRow,
    IndexStateRow,
    LineageEdgeRow,
    Versioned,
    table_of,
)

Row = dict[str, Any]
_MAX_CHAIN = 10  # the contracts' hard bound on a grant chain


def _covering(t: Table, block: int | None) -> Any:
    if block is None:
        return t.c.to_block.is_(None)
    return (t.c.from_block <= block) & or_(t.c.to_block.is_(None), t.c.to_block > block)


def versions_at(
    session: Session, model_: type[Versioned], block: int | None, **key: Any
) -> list[Row]:
    """Versions of `model_` covering `block` (None: the current ones) matching `key`."""
    t = table_of(model_)
    query = select(t).where(_covering(t, block), *(t.c[k] == v for k, v in key.items()))
    return [dict(r) for r in session.execute(query).mappings()]


def version_at(
    session: Session, model_: type[Versioned], block: int | None, **key: Any
) -> Row | None:
    found = versions_at(session, model_, block, **key)
    return found[0] if found else None


def block_time(session: Session, block: int | None) -> int:
    """Timestamp of `block` (None: the indexed block), or of the nearest indexed block below it."""
    if block is None:
        state = session.get(IndexStateRow, 1)
        block = state.last_block if state is not None else 0
    blocks = table_of(BlockRow)
    query = select(blocks.c.timestamp).where(blocks.c.number <= block)
    stamp = session.scalar(query.order_by(blocks.c.number.desc()).limit(1))
    return int(stamp or 0)


def holder_at(session: Session, certificate_id: int, block: int | None = None) -> str | None:
    row = version_at(session, CertificateHolderRow, block, certificate_id=certificate_id)
    return None if row is None else str(row["holder"])


def rights_at(session: Session, asset: str, block: int | None = None) -> list[Row]:
    """Every certificate over `asset` at `block`, with its holder and effective status."""
    rows = versions_at(session, CertificateRow, block, asset=asset)
    for row in rows:
        row["holder"] = holder_at(session, row["certificate_id"], block)
        row["effective"] = certificate_status(session, row["certificate_id"], block)
    return sorted(rows, key=lambda r: r["certificate_id"])


# ---------------------------------------------------------------- effective status


@dataclass(frozen=True)
class _Context:
    session: Session
    block: int | None
    now: int
    tainted: frozenset[str]


def _context(session: Session, block: int | None, closure: TaintClosure | None) -> _Context:
    taint = closure if closure is not None else taint_closure(session, block)
    return _Context(session, block, block_time(session, block), frozenset(taint.products))


def grant_status(
    session: Session, grant_id: int, block: int | None = None, closure: TaintClosure | None = None
) -> str:
    """`effective`, or why not: `revoked`, `expired`, `not-yet-valid`, `parent-*`, `asset-*`."""
    return _grant_status(_context(session, block, closure), grant_id)


def certificate_status(
    session: Session,
    certificate_id: int,
    block: int | None = None,
    closure: TaintClosure | None = None,
) -> str:
    """`effective`, or why not: its own status, `expired`, `asset-*` or `basis-*`."""
    return _certificate_status(_context(session, block, closure), certificate_id)


def _grant_status(ctx: _Context, grant_id: int) -> str:
    first = grant_id
    for _ in range(_MAX_CHAIN):
        g = version_at(ctx.session, GrantRow, ctx.block, grant_id=grant_id)
        if g is None:
            return "unknown"
        reason = _term_reason(g["status"] == model.GrantStatus.ACTIVE, g, ctx.now)
        if reason is not None:
            return reason if grant_id == first else f"parent-{reason}"
        if g["parent_kind"] == model.AuthKind.CERTIFICATE:
            root = _certificate_status(ctx, g["parent_id"])
            return "effective" if root == "effective" else f"parent-{root}"
        grant_id = g["parent_id"]
    return "unknown"


def _certificate_status(ctx: _Context, certificate_id: int) -> str:
    c = version_at(ctx.session, CertificateRow, ctx.block, certificate_id=certificate_id)
    if c is None:
        return "unknown"
    if c["status"] != model.CertificateStatus.ACTIVE:
        return model.CertificateStatus(c["status"]).name.lower()
    if ctx.now >= c["valid_until"]:
        return "expired"
    asset = _asset_status(ctx, c["asset"])
    if asset != "active":
        return f"asset-{asset}"
    if c["basis_certificate"] != 0:
        # A right in one's own name rests on one's holding right: it ends when that ends or moves.
        holding = _certificate_status(ctx, c["basis_certificate"])
        same_holder = holder_at(ctx.session, c["basis_certificate"], ctx.block) == holder_at(
            ctx.session, certificate_id, ctx.block
        )
        if holding != "effective" or not same_holder:
            return f"basis-{holding}" if holding != "effective" else "basis-moved"
    if c["basis_grant"] == 0:
        return "effective"
    basis = _grant_status(ctx, c["basis_grant"])
    return "effective" if basis == "effective" else f"basis-{basis}"


def _term_reason(active: bool, row: Row, now: int) -> str | None:
    if not active:
        return "revoked"
    if now < row["valid_from"]:
        return "not-yet-valid"
    if now >= row["valid_until"]:
        return "expired"
    return None


def _asset_status(ctx: _Context, asset: str) -> str:
    row = version_at(ctx.session, AssetRow, ctx.block, asset=asset)
    if row is None:
        return "unknown"
    status = model.AssetStatus(row["status"])
    if status == model.AssetStatus.ACTIVE and asset in ctx.tainted:
        return "tainted"
    return status.name.lower()


# ---------------------------------------------------------------- taint closure


@dataclass
class TaintClosure:
    """Products tainted downstream of revocations, and the rights the cascade walks through."""

    products: set[str] = field(default_factory=set)
    rights: set[tuple[int, int]] = field(default_factory=set)  # (SubjectKind, id)


def taint_closure(session: Session, block: int | None = None) -> TaintClosure:
    """The closure the on-chain cascade reaches once it has been continued to the end."""
    graph = _Graph(session, block)
    closure = TaintClosure()
    queue: deque[tuple[int, Any]] = deque(graph.revoked())
    while queue:
        kind, subject = queue.popleft()
        for product in graph.products_under(kind, subject):
            if product not in closure.products and graph.status(product) != model.AssetStatus.NONE:
                closure.products.add(product)
                queue.append((model.SubjectKind.ASSET, product))
        for dependent in graph.dependents(kind, subject):
            if dependent not in closure.rights:
                closure.rights.add(dependent)
                queue.append(dependent)
    return closure


class _Graph:
    """The lineage and dependency edges at one block, loaded once."""

    def __init__(self, session: Session, block: int | None) -> None:
        self.assets = {r["asset"]: r for r in versions_at(session, AssetRow, block)}
        self.grants = versions_at(session, GrantRow, block)
        self.certificates = versions_at(session, CertificateRow, block)
        self.edges = versions_at(session, LineageEdgeRow, block)

    def status(self, asset: str) -> int:
        row = self.assets.get(asset)
        return int(row["status"]) if row is not None else 0

    def revoked(self) -> list[tuple[int, Any]]:
        S = model.SubjectKind
        found: list[tuple[int, Any]] = [
            (S.ASSET, a) for a, r in self.assets.items() if r["status"] == model.AssetStatus.REVOKED
        ]
        found += [
            (S.GRANT, g["grant_id"])
            for g in self.grants
            if g["status"] == model.GrantStatus.REVOKED
        ]
        found += [
            (S.CERTIFICATE, c["certificate_id"])
            for c in self.certificates
            if c["status"] == model.CertificateStatus.REVOKED
        ]
        return found

    def products_under(self, kind: int, subject: Any) -> list[str]:
        if kind == model.SubjectKind.ASSET:
            return [e["product"] for e in self.edges if e["input_asset"] == subject]
        auth = (
            model.AuthKind.CERTIFICATE
            if kind == model.SubjectKind.CERTIFICATE
            else model.AuthKind.GRANT
        )
        return [
            e["product"] for e in self.edges if e["auth_kind"] == auth and e["auth_id"] == subject
        ]

    def dependents(self, kind: int, subject: Any) -> list[tuple[int, Any]]:
        if kind == model.SubjectKind.ASSET:
            return []
        auth = (
            model.AuthKind.CERTIFICATE
            if kind == model.SubjectKind.CERTIFICATE
            else model.AuthKind.GRANT
        )
        found: list[tuple[int, Any]] = [
            (model.SubjectKind.GRANT, g["grant_id"])
            for g in self.grants
            if g["parent_kind"] == auth and g["parent_id"] == subject
        ]
        basis = "basis_grant" if kind == model.SubjectKind.GRANT else "basis_certificate"
        found += [
            (model.SubjectKind.CERTIFICATE, c["certificate_id"])
            for c in self.certificates
            if c[basis] == subject
        ]
        return found
