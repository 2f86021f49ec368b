"""Lineage traces over the mirror: which assets a product was made from, and what was made from it.

One recursive CTE walks the `lineage_edges` table (indexed by product and by input) up, down or
both ways to a depth limit; then each node gets its status (the mirror's, and the derived one
that sees taint before the on-chain cascade has reached it) and each edge the authorization
behind it, with its status at the derivation block and now.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import BigInteger, Integer, Select, String, bindparam, func, literal, select
from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import AssetRow, LineageEdgeRow, Versioned, table_of
from registry.indexer.derived import StatusReader, TaintClosure, covering, label

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
    edge_rows: dict[tuple[str, str], dict[str, Any]] = {}
    depths: dict[str, int] = {root: 0}
    for walk in ("up", "down"):
        if direction in (walk, "both"):
            for row, reached in _walk(session, root, up=walk == "up", depth=depth, block=block):
                edge_rows[(row["product"], row["input_asset"])] = row
                far = row["input_asset"] if walk == "up" else row["product"]
                depths[far] = min(depths.get(far, reached), reached)
    reader = StatusReader(session)
    nodes = _nodes(depths, block, reader)
    if not any(node.asset == root for node in nodes):
        raise AssetNotIndexed(f"asset {root} is not in the mirror")
    edges = _edges(list(edge_rows.values()), block, reader)
    return LineageGraph(root, direction, depth, nodes, edges)


def _walk(
    session: Session, root: str, *, up: bool, depth: int, block: int | None
) -> list[tuple[dict[str, Any], int]]:
    """Edges within `depth` of `root`, each with the depth of its far end, in one query."""
    params = {"root": root, "depth": depth, "block": block}
    rows = session.execute(_walk_query(up=up, current=block is None), params).mappings().all()
    return [(dict(r), int(r["reached"])) for r in rows]


@functools.cache
def _walk_query(*, up: bool, current: bool) -> Select[Any]:
    """The walk from the parameter `root` to `depth` edges, at `block` unless `current`."""
    t = table_of(LineageEdgeRow)
    near, far = (t.c.product, t.c.input_asset) if up else (t.c.input_asset, t.c.product)
    alive = covering(t, None if current else bindparam("block", type_=BigInteger))
    depth = bindparam("depth", type_=Integer)
    seed = select(bindparam("root", type_=String).label("node"), literal(0).label("depth"))
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
    return (
        select(t, (nearest.c.depth + 1).label("reached"))
        .join_from(t, nearest, near == nearest.c.node)
        .where(alive, nearest.c.depth < depth)
    )


def _nodes(
    depths: dict[str, int], block: int | None, reader: StatusReader
) -> tuple[LineageNode, ...]:
    """The traced assets as they were at `block`, with derived taint and their registration."""
    reader.history.load(AssetRow, depths)
    found = []
    for asset, depth in depths.items():
        row = reader.history.at(AssetRow, asset, block)
        if row is None:
            continue
        status = label(model.AssetStatus, row["status"])
        derived = status
        if row["status"] == model.AssetStatus.ACTIVE and reader.taint.tainted(asset, block):
            derived = label(model.AssetStatus, model.AssetStatus.TAINTED)
        first = reader.history.first(AssetRow, asset)
        found.append(
            LineageNode(
                asset=asset,
                registration_number=row["registration_number"],
                kind=label(model.AssetKind, row["kind"]),
                registrant=row["registrant"],
                status=status,
                derived_status=derived,
                depth=depth,
                registered=ChainRef(int(first["from_block"]), str(first["tx_hash"])),
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
    rows: list[dict[str, Any]], block: int | None, reader: StatusReader
) -> tuple[LineageEdge, ...]:
    derived_at = [int(row["from_block"]) for row in rows]
    reader.prefetch(((r["auth_kind"], r["auth_id"]) for r in rows), [*derived_at, block])
    edges = []
    for row, then_block in zip(rows, derived_at, strict=True):
        kind = int(row["auth_kind"])
        auth_id = int(row["auth_id"])
        then = reader.auth(kind, auth_id, then_block)
        edges.append(
            LineageEdge(
                product=row["product"],
                input_asset=row["input_asset"],
                position=int(row["position"]),
                auth_kind=label(model.AuthKind, kind),
                auth_id=auth_id,
                valid_at_derivation=then == "effective",
                status_at_derivation=then,
                status_now=reader.auth(kind, auth_id, block),
                derived=ChainRef(then_block, str(row["tx_hash"])),
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
    return StatusReader(session, closure=closure, block=block).auth(kind, auth_id, block)
