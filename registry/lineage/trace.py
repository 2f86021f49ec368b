"""Lineage traces over the mirror: which assets a product was made from, and what was made from it.

One recursive CTE walks the `lineage_edges` table (indexed by product and by input) up, down or
both ways to a depth limit; then each node gets its status (the mirror's, and the derived one
that sees taint before the on-chain cascade has reached it) and each edge the authorization
behind it, with its status at the derivation block and now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Table, func, literal, select
from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import AssetRow, LineageEdgeRow, Versioned, table_of
from registry.indexer.derived import (
    TaintClosure,
    certificate_status,
    grant_status,
    taint_closure,
    versions_at,
)

Direction = Literal["up", "down", "both"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down", "both")
# Lineage is a DAG (a product's inputs exist before it), so every walk ends; the ceiling only
# bounds the work a caller can ask for.
MAX_DEPTH = 1000


@dataclass(frozen=True)
class ChainRef:
    """The block and transaction that prove a fact."""

    block: int
    tx_hash: str


@dataclass(frozen=True)
class LineageNode:
    asset: str  # content SHA-256, 0x hex
    registration_number: str
    kind: str  # resource | product
    registrant: str
    status: str  # as the chain records it: active | tainted | revoked
    derived_status: str  # also tainted when a revocation upstream has not been cascaded yet
    depth: int  # edges from the traced asset (0: the asset itself)
    registered: ChainRef


@dataclass(frozen=True)
class LineageEdge:
    product: str
    input_asset: str
    position: int
    auth_kind: str  # certificate | grant
    auth_id: int
    valid_at_derivation: bool
    status_at_derivation: str  # `effective`, or why not (see registry.indexer.derived)
    status_now: str
    derived: ChainRef  # the block and transaction of the derivation


@dataclass(frozen=True)
class LineageGraph:
    root: str
    direction: Direction
    depth: int
    nodes: tuple[LineageNode, ...]
    edges: tuple[LineageEdge, ...]

    def node(self, asset: str) -> LineageNode:
        for found in self.nodes:
            if found.asset == asset:
                return found
        raise KeyError(asset)

    def inputs_of(self, product: str) -> list[LineageEdge]:
        return sorted((e for e in self.edges if e.product == product), key=lambda e: e.position)

    def products_of(self, asset: str) -> list[LineageEdge]:
        return [e for e in self.edges if e.input_asset == asset]


class AssetNotIndexed(LookupError):
    """The asset is not in the mirror (not registered, or not indexed yet)."""


def asset_key(asset: bytes | str) -> str:
    """The mirror's spelling of an asset id: 0x-prefixed lowercase hex."""
    if isinstance(asset, bytes):
        return "0x" + asset.hex()
    text = asset.strip().lower()
    return text if text.startswith("0x") else "0x" + text


def trace(
    session: Session,
    asset: bytes | str,
    *,
    direction: Direction = "up",
    depth: int = 10,
    block: int | None = None,
) -> LineageGraph:
    """The lineage of `asset` to `depth` edges (at `block`, default now); raises AssetNotIndexed."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    if not 0 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 0 and {MAX_DEPTH}, got {depth}")
    root = asset_key(asset)
    if not versions_at(session, AssetRow, block, asset=root):
        raise AssetNotIndexed(f"asset {root} is not in the mirror")
    edge_rows: dict[tuple[str, str], dict[str, Any]] = {}
    depths: dict[str, int] = {root: 0}
    for walk in ("up", "down"):
        if direction in (walk, "both"):
            for row, reached in _walk(session, root, up=walk == "up", depth=depth, block=block):
                edge_rows[(row["product"], row["input_asset"])] = row
                far = row["input_asset"] if walk == "up" else row["product"]
                depths[far] = min(depths.get(far, reached), reached)
    closure = taint_closure(session, block)
    nodes = _nodes(session, depths, block, closure)
    edges = _edges(session, edge_rows.values(), block, closure)
    return LineageGraph(root, direction, depth, nodes, edges)


def _walk(
    session: Session, root: str, *, up: bool, depth: int, block: int | None
) -> list[tuple[dict[str, Any], int]]:
    """Edges within `depth` of `root`, each with the depth of its far end, in one query."""
    t = table_of(LineageEdgeRow)
    near, far = (t.c.product, t.c.input_asset) if up else (t.c.input_asset, t.c.product)
    alive = _covering(t, block)
    seed = select(literal(root).label("node"), literal(0).label("depth"))
    walk = seed.cte("walk", recursive=True)
    # UNION (not UNION ALL) keeps one row per node and depth: a diamond does not multiply paths,
    # and together with the depth bound it ends even on a cyclic table.
    step = (
        select(far.label("node"), (walk.c.depth + 1).label("depth"))
        .join_from(walk, t, near == walk.c.node)
        .where(alive, walk.c.depth < depth)
    )
    walk = walk.union(step)
    nearest = (
        select(walk.c.node, func.min(walk.c.depth).label("depth")).group_by(walk.c.node).subquery()
    )
    query = (
        select(t, (nearest.c.depth + 1).label("reached"))
        .join_from(t, nearest, near == nearest.c.node)
        .where(alive, nearest.c.depth < depth)
    )
    rows = session.execute(query).mappings()
    return [(dict(r), int(r["reached"])) for r in rows]


def _covering(t: Table, block: int | None) -> Any:
    if block is None:
        return t.c.to_block.is_(None)
    return (t.c.from_block <= block) & ((t.c.to_block.is_(None)) | (t.c.to_block > block))


def _nodes(
    session: Session, depths: dict[str, int], block: int | None, closure: TaintClosure
) -> tuple[LineageNode, ...]:
    t = table_of(AssetRow)
    rows = session.execute(
        select(t).where(_covering(t, block), t.c.asset.in_(list(depths)))
    ).mappings()
    found = []
    for row in rows:
        status = model.AssetStatus(row["status"])
        derived = status
        if status == model.AssetStatus.ACTIVE and row["asset"] in closure.products:
            derived = model.AssetStatus.TAINTED
        first = first_version(session, AssetRow, asset=row["asset"])
        found.append(
            LineageNode(
                asset=row["asset"],
                registration_number=row["registration_number"],
                kind=model.AssetKind(row["kind"]).name.lower(),
                registrant=row["registrant"],
                status=status.name.lower(),
                derived_status=derived.name.lower(),
                depth=depths[row["asset"]],
                registered=first,
            )
        )
    return tuple(sorted(found, key=lambda n: (n.depth, n.registration_number)))


def first_version(session: Session, model_: type[Versioned], **key: Any) -> ChainRef:
    """The block and transaction that created a record (its first version)."""
    t = table_of(model_)
    query = select(t.c.from_block, t.c.tx_hash).where(*(t.c[k] == v for k, v in key.items()))
    row = session.execute(query.order_by(t.c.from_block).limit(1)).one()
    return ChainRef(int(row.from_block), str(row.tx_hash))


def _edges(
    session: Session,
    rows: Any,
    block: int | None,
    closure: TaintClosure,
) -> tuple[LineageEdge, ...]:
    closures: dict[int, TaintClosure] = {}
    edges = []
    for row in rows:
        derived_at = int(row["from_block"])
        if derived_at not in closures:
            closures[derived_at] = taint_closure(session, derived_at)
        kind = model.AuthKind(row["auth_kind"])
        then = auth_status(session, kind, int(row["auth_id"]), derived_at, closures[derived_at])
        edges.append(
            LineageEdge(
                product=row["product"],
                input_asset=row["input_asset"],
                position=int(row["position"]),
                auth_kind=kind.name.lower(),
                auth_id=int(row["auth_id"]),
                valid_at_derivation=then == "effective",
                status_at_derivation=then,
                status_now=auth_status(session, kind, int(row["auth_id"]), block, closure),
                derived=ChainRef(derived_at, str(row["tx_hash"])),
            )
        )
    return tuple(sorted(edges, key=lambda e: (e.derived.block, e.product, e.position)))


def auth_status(
    session: Session,
    kind: model.AuthKind,
    auth_id: int,
    block: int | None,
    closure: TaintClosure | None = None,
) -> str:
    """Effective status of the grant or certificate behind an edge at `block`."""
    if kind == model.AuthKind.GRANT:
        return grant_status(session, auth_id, block, closure)
    return certificate_status(session, auth_id, block, closure)
