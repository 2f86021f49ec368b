"""State derived off chain from the mirror: history at any block, effective status, taint closure.

* History: the version of a record that covered block N (`version_at`), who held a certificate
  (`holder_at`) and every right over an asset (`rights_at`).
* Effective status: a grant or certificate is effective only if it and everything it rests on
  (parent grants up to the root certificate, the asset) are active and in term at that block;
  the reason when it is not. `StatusReader` answers it for many grants and certificates at many
  blocks: it fetches every version of the records a status rests on by key (one indexed query
  per record, or per batch of records, and per link of the chain) and picks the version covering
  each block in memory, so one status costs O(chain length) lookups.
* Taint closure: every product downstream of a revoked asset, certificate or grant, following the
  same edges as the contracts' bounded cascade, so it is complete before the cascade has run.

The taint graph at a block has a node per asset (that exists: its status is not NONE), grant and
certificate covering the block, and an arc from

* an asset to every product of a lineage edge with that input,
* a grant or certificate to every product of a lineage edge it authorized, to every grant whose
  parent it is, and to every certificate whose basis (grant or holding certificate) it is.

The closure is what this graph reaches in one or more steps from the seeds, the revoked assets,
grants and certificates. `taint_closure` walks it breadth-first from the seeds with one indexed
query per kind of arc and frontier (lineage edges by input and by authorization, grants by
parent, certificates by basis, products by existence), so its cost follows what is revoked and
its downstream, never the size of the mirror. At the indexed block (block None) the closure is
remembered per database and checkpoint (block number and hash; a small LRU), so repeated reads
at the same checkpoint do not walk again; a value computed while the checkpoint moved is not kept.

Whether one asset is tainted at a block (`Taint.tainted`) is a membership test. For the indexed
block the remembered closure answers it. Any other block (the derivation blocks of a lineage
trace, one per edge) would need a closure per block, or a walk upstream from the asset per block;
instead the *potential closure* answers every block at once. It is the same walk over every
version of every arc, from everything ever revoked: each path at any block is a path in that
union graph from a seed at that block, so every block's closure lies inside it, and an asset
outside it is untainted at every block. For the nodes inside it, the blocks at which each is
tainted are solved together as sets of block intervals: a node is tainted at B when an arc into
it is valid at B and its source is revoked or tainted at B (and a product exists at B), which is,
block by block, the closure's own rule; the least solution therefore holds each block's closure
exactly (`_tainted_windows`). It costs what the closure costs (the revoked part of the mirror and
its downstream) once per checkpoint, after which a test at any block is a lookup. Walking
upstream from the asset at each block would be equivalent, but costs the tainted part of its
ancestry per block, and a trace asks at hundreds of blocks.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, Table, bindparam, func, or_, select, true
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from registry import model
from registry.db.tables import (
    VERSIONED_KEYS,
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
from registry.indexer.intervals import Intervals, Span, contains, intersect, span_of, union

Row = dict[str, Any]
Subject = tuple[int, Any]  # (SubjectKind, asset hex or grant / certificate id)
_MAX_CHAIN = 10  # the contracts' hard bound on a grant chain
_CHUNK = 2000  # keys per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
_ASSET = int(model.SubjectKind.ASSET)
_CERTIFICATE = int(model.SubjectKind.CERTIFICATE)
_GRANT = int(model.SubjectKind.GRANT)


def covering(t: Table, block: int | ColumnElement[Any] | None) -> ColumnElement[bool]:
    """The versions of `t` valid at `block` (None: the current ones; or a bound parameter)."""
    if block is None:
        return t.c.to_block.is_(None)
    return (t.c.from_block <= block) & or_(t.c.to_block.is_(None), t.c.to_block > block)


def covers(row: Row, block: int | None) -> bool:
    """Whether the version `row` is valid at `block` (None: whether it is the current one)."""
    if block is None:
        return row["to_block"] is None
    return bool(row["from_block"] <= block and (row["to_block"] is None or row["to_block"] > block))


def versions_at(
    session: Session, model_: type[Versioned], block: int | None, **key: Any
) -> list[Row]:
    """Versions of `model_` covering `block` (None: the current ones) matching `key`."""
    query = _versions_query(model_, current=block is None, columns=tuple(key))
    params = {f"key_{k}": v for k, v in key.items()}
    rows = session.execute(query, {**params, "block": block}).mappings().all()
    return [dict(r) for r in rows]


def _from_block(row: Row) -> int:
    return int(row["from_block"])


@functools.cache
def _versions_query(
    model_: type[Versioned], *, current: bool, columns: tuple[str, ...]
) -> Select[Any]:
    """`versions_at`'s query, built once per table, kind of block and key columns."""
    t = table_of(model_)
    block = None if current else bindparam("block", type_=BigInteger)
    return select(t).where(
        covering(t, block), *(t.c[c] == bindparam(f"key_{c}", type_=t.c[c].type) for c in columns)
    )


def version_at(
    session: Session, model_: type[Versioned], block: int | None, **key: Any
) -> Row | None:
    found = versions_at(session, model_, block, **key)
    return found[0] if found else None


def block_time(session: Session, block: int | None) -> int:
    """Timestamp of `block` (None: the indexed block), or of the nearest indexed block below it."""
    query = _LATEST_BLOCK_TIME if block is None else _BLOCK_TIME
    return int(session.scalar(query, {"block": block}) or 0)


def _block_time_query(upto: Any) -> Select[Any]:
    blocks = table_of(BlockRow)
    query = select(blocks.c.timestamp).where(blocks.c.number <= upto)
    return query.order_by(blocks.c.number.desc()).limit(1)


_BLOCK_TIME = _block_time_query(bindparam("block", type_=BigInteger))
_LATEST_BLOCK_TIME = _block_time_query(
    func.coalesce(select(table_of(IndexStateRow).c.last_block).scalar_subquery(), 0)
)


def holder_at(session: Session, certificate_id: int, block: int | None = None) -> str | None:
    row = version_at(session, CertificateHolderRow, block, certificate_id=certificate_id)
    return None if row is None else str(row["holder"])


def rights_at(session: Session, asset: str, block: int | None = None) -> list[Row]:
    """Every certificate over `asset` at `block`, with its holder and effective status."""
    rows = versions_at(session, CertificateRow, block, asset=asset)
    reader = StatusReader(session)
    reader.prefetch([(model.AuthKind.CERTIFICATE, r["certificate_id"]) for r in rows])
    for row in rows:
        row["holder"] = reader.holder(row["certificate_id"], block)
        row["effective"] = reader.certificate(row["certificate_id"], block)
    return sorted(rows, key=lambda r: r["certificate_id"])


def chunks(keys: Collection[Any]) -> Iterator[list[Any]]:
    """`keys` in lists short enough for one IN (...) each."""
    ordered = list(keys)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


# ---------------------------------------------------------------- versions by key


_VERSION_COLUMNS = ("from_block", "to_block", "tx_hash")
# What History reads of each record: what effective status and lineage nodes need.
_HISTORY_COLUMNS: dict[type[Versioned], tuple[str, ...]] = {
    AssetRow: ("asset", "status", "registration_number", "kind", "registrant"),
    GrantRow: ("grant_id", "status", "valid_from", "valid_until", "parent_kind", "parent_id"),
    CertificateRow: (
        "certificate_id", "asset", "status", "valid_until", "basis_grant", "basis_certificate",
    ),
    CertificateHolderRow: ("certificate_id", "holder"),
}  # fmt: skip


class History:
    """Every version of records fetched by key, a batch per query, read at any block in memory."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._versions: dict[tuple[type[Versioned], Any], list[Row]] = {}

    def load(self, model_: type[Versioned], keys: Iterable[Any]) -> None:
        """Fetch every version of the records of `model_` keyed by `keys` not fetched yet."""
        missing = {k for k in keys if (model_, k) not in self._versions}
        if not missing:
            return
        [column] = VERSIONED_KEYS[model_]
        for k in missing:
            self._versions[(model_, k)] = []
        columns = (*_VERSION_COLUMNS, *_HISTORY_COLUMNS[model_])
        for row in rows_in(self.session, model_, column, missing, columns):
            self._versions[(model_, row[column])].append(row)

    def add(self, model_: type[Versioned], rows: Iterable[Row]) -> None:
        """Take every version of some records, fetched elsewhere (all of each record's)."""
        [column] = VERSIONED_KEYS[model_]
        for row in rows:
            self._versions.setdefault((model_, row[column]), []).append(row)

    def at(self, model_: type[Versioned], key: Any, block: int | None) -> Row | None:
        """The version of one record covering `block` (None: the current one)."""
        versions = self._versions.get((model_, key))
        if versions is None:
            self.load(model_, (key,))
            versions = self._versions[(model_, key)]
        for row in versions:
            if covers(row, block):
                return row
        return None

    def first(self, model_: type[Versioned], key: Any) -> Row:
        """The oldest version of one record (it must have one)."""
        versions = self.every(model_, key)
        return versions[0] if len(versions) == 1 else min(versions, key=_from_block)

    def every(self, model_: type[Versioned], key: Any) -> list[Row]:
        """Every version of one record."""
        if (model_, key) not in self._versions:
            self.load(model_, (key,))
        return self._versions[(model_, key)]


def rows_in(
    session: Session,
    model_: type[SQLModel],
    column: str,
    keys: Collection[Any],
    columns: Iterable[str] | None = None,
    *,
    equal: Mapping[str, Any] | None = None,
) -> list[Row]:
    """The rows (every version) of `model_` whose `column` is one of `keys` and whose columns
    `equal` names hold those values (`columns` of them, default all), a query per chunk of keys.

    Spelled in the driver's own placeholders and read with the driver's cursor: for hundreds of
    keys SQLAlchemy's rendering of an expanding IN list and its result rows cost more than the
    indexed query itself.
    """
    t = table_of(model_)
    names = [t.c[c].name for c in columns] if columns is not None else [c.name for c in t.columns]
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote
    conditions = "".join(f"{quote(t.c[c].name)} = {marker} AND " for c in equal or {})
    head = (
        f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(t.name)} "
        f"WHERE {conditions}{quote(t.c[column].name)} IN "
    )
    found: list[Row] = []
    cursor = connection.connection.cursor()
    try:
        for part in chunks(keys):
            sql = head + "(" + ", ".join([marker] * len(part)) + ")"
            cursor.execute(sql, (*(equal or {}).values(), *part))
            found += [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        cursor.close()
    return found


# ---------------------------------------------------------------- effective status


def grant_status(
    session: Session, grant_id: int, block: int | None = None, closure: TaintClosure | None = None
) -> str:
    """`effective`, or why not: `revoked`, `expired`, `not-yet-valid`, `parent-*`, `asset-*`."""
    return StatusReader(session, closure=closure, block=block).grant(grant_id, block)


def certificate_status(
    session: Session,
    certificate_id: int,
    block: int | None = None,
    closure: TaintClosure | None = None,
) -> str:
    """`effective`, or why not: its own status, `expired`, `asset-*` or `basis-*`."""
    reader = StatusReader(session, closure=closure, block=block)
    return reader.certificate(certificate_id, block)


class StatusReader:
    """Effective status of grants and certificates at any blocks over one session.

    `closure`, when given, is the taint closure at `block` and answers taint there; other blocks
    ask `Taint`. Versions, block times and answers are remembered for the reader's life: use one
    reader per request or trace, not across indexer batches.
    """

    def __init__(
        self, session: Session, *, closure: TaintClosure | None = None, block: int | None = None
    ) -> None:
        self.session = session
        self.history = History(session)
        self.taint = Taint(session)
        if closure is not None:
            self.taint.know(block, closure)
        self._times: dict[int | None, int] = {}
        self._auths: dict[tuple[int, int, int | None], str] = {}

    def prefetch(self, auths: Iterable[tuple[int, int]], blocks: Iterable[int | None] = ()) -> None:
        """Fetch in batches what the statuses of `auths` ((AuthKind, id)) rest on at `blocks`."""
        auths = list(auths)
        grants = {i for k, i in auths if k == model.AuthKind.GRANT}
        certificates = {i for k, i in auths if k == model.AuthKind.CERTIFICATE}
        assets: set[str] = set()
        holders: set[int] = set()
        seen_grants: set[int] = set()
        seen_certificates: set[int] = set()
        while grants or certificates:
            self.history.load(GrantRow, grants)
            self.history.load(CertificateRow, certificates)
            seen_grants |= grants
            seen_certificates |= certificates
            next_grants: set[int] = set()
            next_certificates: set[int] = set()
            for g in (v for i in grants for v in self.history.every(GrantRow, i)):
                is_grant = g["parent_kind"] == model.AuthKind.GRANT
                (next_grants if is_grant else next_certificates).add(g["parent_id"])
            for c in (v for i in certificates for v in self.history.every(CertificateRow, i)):
                assets.add(c["asset"])
                if c["basis_grant"]:
                    next_grants.add(c["basis_grant"])
                if c["basis_certificate"]:
                    next_certificates.add(c["basis_certificate"])
                    holders |= {c["certificate_id"], c["basis_certificate"]}
            grants = next_grants - seen_grants
            certificates = next_certificates - seen_certificates
        self.history.load(AssetRow, assets)
        self.history.load(CertificateHolderRow, holders)  # own-name rights compare holders
        self._prefetch_times(blocks)

    def _prefetch_times(self, blocks: Iterable[int | None]) -> None:
        wanted = {b for b in blocks if b is not None and b not in self._times}
        for row in rows_in(self.session, BlockRow, "number", wanted, ("number", "timestamp")):
            self._times[int(row["number"])] = int(row["timestamp"])

    def now(self, block: int | None) -> int:
        """The time the terms are judged at: the timestamp of `block` (None: the indexed one)."""
        if block not in self._times:
            self._times[block] = block_time(self.session, block)
        return self._times[block]

    def holder(self, certificate_id: int, block: int | None) -> str | None:
        row = self.history.at(CertificateHolderRow, certificate_id, block)
        return None if row is None else str(row["holder"])

    def auth(self, kind: int, auth_id: int, block: int | None) -> str:
        """Status of the grant or certificate behind a lineage edge (remembered)."""
        key = (kind, auth_id, block)
        if key not in self._auths:
            is_grant = kind == model.AuthKind.GRANT
            status = self.grant(auth_id, block) if is_grant else self.certificate(auth_id, block)
            self._auths[key] = status
        return self._auths[key]

    def grant(self, grant_id: int, block: int | None) -> str:
        """`effective`, or why not: `revoked`, `expired`, `not-yet-valid`, `parent-*`, `asset-*`."""
        first = grant_id
        for _ in range(_MAX_CHAIN):
            g = self.history.at(GrantRow, grant_id, block)
            if g is None:
                return "unknown"
            reason = _term_reason(g["status"] == model.GrantStatus.ACTIVE, g, self.now(block))
            if reason is not None:
                return reason if grant_id == first else f"parent-{reason}"
            if g["parent_kind"] == model.AuthKind.CERTIFICATE:
                root = self.certificate(g["parent_id"], block)
                return "effective" if root == "effective" else f"parent-{root}"
            grant_id = g["parent_id"]
        return "unknown"

    def certificate(self, certificate_id: int, block: int | None) -> str:
        """`effective`, or why not: its own status, `expired`, `asset-*` or `basis-*`."""
        c = self.history.at(CertificateRow, certificate_id, block)
        if c is None:
            return "unknown"
        if c["status"] != model.CertificateStatus.ACTIVE:
            return label(model.CertificateStatus, c["status"])
        if self.now(block) >= c["valid_until"]:
            return "expired"
        asset = self.asset(c["asset"], block)
        if asset != "active":
            return f"asset-{asset}"
        if c["basis_certificate"] != 0:
            # A right in one's own name rests on one's holding right: it ends when that ends or
            # moves.
            holding = self.certificate(c["basis_certificate"], block)
            same_holder = self.holder(c["basis_certificate"], block) == self.holder(
                certificate_id, block
            )
            if holding != "effective" or not same_holder:
                return f"basis-{holding}" if holding != "effective" else "basis-moved"
        if c["basis_grant"] == 0:
            return "effective"
        basis = self.grant(c["basis_grant"], block)
        return "effective" if basis == "effective" else f"basis-{basis}"

    def asset(self, asset: str, block: int | None) -> str:
        """The asset's status with derived taint: `active`, `tainted`, `revoked` or `unknown`."""
        row = self.history.at(AssetRow, asset, block)
        if row is None:
            return "unknown"
        status = int(row["status"])
        if status == model.AssetStatus.ACTIVE and self.taint.tainted(asset, block):
            return "tainted"
        return label(model.AssetStatus, status)


@functools.cache
def label(enum: type[IntEnum], value: int) -> str:
    """The lowercase name of an enum value (`active`, `product`, ...), looked up once."""
    return enum(value).name.lower()


def _term_reason(active: bool, row: Row, now: int) -> str | None:
    if not active:
        return "revoked"
    if now < row["valid_from"]:
        return "not-yet-valid"
    if now >= row["valid_until"]:
        return "expired"
    return None


# ---------------------------------------------------------------- taint closure


@dataclass(frozen=True)
class TaintClosure:
    """Products tainted downstream of revocations, and the rights the cascade walks through."""

    products: frozenset[str] = field(default_factory=frozenset)
    rights: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (SubjectKind, id)


def taint_closure(session: Session, block: int | None = None) -> TaintClosure:
    """The closure the on-chain cascade reaches once it has been continued to the end."""
    if block is None:
        return _CLOSURES.get(session, lambda: _reach(session, None))
    return _reach(session, block)


@dataclass(frozen=True)
class _Potential:
    """What any block's closure can hold, and at which blocks each asset in it is tainted."""

    reach: TaintClosure
    windows: dict[str, Intervals]


class Taint:
    """Is this asset tainted at that block? Answered without computing that block's closure."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._closures: dict[int | None, TaintClosure] = {}
        self._remembered: _Potential | None = None

    def know(self, block: int | None, closure: TaintClosure) -> None:
        """Use `closure` for `block` (the caller computed it already)."""
        self._closures[block] = closure

    def tainted(self, asset: str, block: int | None) -> bool:
        if block in self._closures:
            return asset in self._closures[block].products
        if block is None:
            self.know(None, taint_closure(self.session))
            return asset in self._closures[None].products
        windows = self._potential().windows.get(asset)
        return windows is not None and contains(windows, block)

    def _potential(self) -> _Potential:
        if self._remembered is None:
            self._remembered = _POTENTIALS.get(self.session, lambda: _potential(self.session))
        return self._remembered


_SUBJECT_MODELS: dict[int, type[Versioned]] = {
    _ASSET: AssetRow,
    _GRANT: GrantRow,
    _CERTIFICATE: CertificateRow,
}
_REVOKED = {
    _ASSET: model.AssetStatus.REVOKED,
    _GRANT: model.GrantStatus.REVOKED,
    _CERTIFICATE: model.CertificateStatus.REVOKED,
}


def _potential(session: Session) -> _Potential:
    seeds = _seeds(session, _EVER)
    arcs = _Arcs()
    reach = _spread(session, seeds, _EVER, arcs)
    windows = _tainted_windows(arcs, {seed: union(spans) for seed, spans in seeds.items()})
    return _Potential(reach, windows)


@dataclass
class _Arcs:
    """The arcs a walk passed, with the blocks each is valid at, and when its products exist."""

    into: dict[Subject, set[tuple[Subject, Span]]] = field(default_factory=dict)
    exists: dict[str, list[Span]] = field(default_factory=dict)

    def add(self, node: Subject, source: Subject, row: Row) -> None:
        self.into.setdefault(node, set()).add((source, span_of(row)))


def _tainted_windows(arcs: _Arcs, revoked: dict[Subject, Intervals]) -> dict[str, Intervals]:
    """At which blocks each asset is reached from a seed: the closure at every block at once.

    A node is tainted at block B when an arc into it is valid at B and its source is revoked or
    tainted at B (a product must also exist at B). Block by block that is the closure's own
    rule, so the least solution, found by raising each node's set until nothing changes
    (oldest arcs first, which is nearly topological), holds every block's closure.
    """
    exists = {asset: union(spans) for asset, spans in arcs.exists.items()}
    successors: dict[Subject, list[Subject]] = {}
    for node, into in arcs.into.items():
        for source, _span in into:
            successors.setdefault(source, []).append(node)
    tainted: dict[Subject, Intervals] = {}
    queue = deque(sorted(arcs.into, key=lambda n: min(span[0] for _, span in arcs.into[n])))
    queued = set(queue)
    while queue:
        node = queue.popleft()
        queued.discard(node)
        spans: list[Span] = []
        for source, span in arcs.into[node]:
            from_source = tainted.get(source, ())
            if source in revoked:
                from_source = union((*revoked[source], *from_source))
            if from_source:
                spans += intersect(from_source, (span,))
        found = union(spans)
        if node[0] == _ASSET:
            found = intersect(found, exists.get(node[1], ()))
        if found != tainted.get(node, ()):
            tainted[node] = found
            fresh = [s for s in successors.get(node, ()) if s not in queued]
            queue.extend(fresh)
            queued.update(fresh)
    return {key: w for (kind, key), w in tainted.items() if kind == _ASSET and w}


@dataclass(frozen=True)
class _When:
    """Which versions count: those valid at `block` (None: the current ones), or all (`ever`)."""

    block: int | None = None
    ever: bool = False

    def where(self, t: Table) -> ColumnElement[bool]:
        return true() if self.ever else covering(t, self.block)

    def holds(self, row: Row) -> bool:
        return self.ever or covers(row, self.block)


_EVER = _When(ever=True)


def _reach(session: Session, block: int | None) -> TaintClosure:
    when = _When(block)
    return _spread(session, _seeds(session, when), when)


def _seeds(session: Session, when: _When) -> dict[Subject, list[Span]]:
    """The revoked assets, grants and certificates, with the blocks each revoked version covers
    (among the versions `when` selects)."""
    found: dict[Subject, list[Span]] = {}
    for kind, model_ in _SUBJECT_MODELS.items():
        t = table_of(model_)
        [column] = VERSIONED_KEYS[model_]
        query = select(t.c[column], t.c.from_block, t.c.to_block).where(
            when.where(t), t.c.status == _REVOKED[kind]
        )
        for key, from_block, to_block in session.execute(query):
            span = span_of({"from_block": from_block, "to_block": to_block})
            found.setdefault((kind, key), []).append(span)
    return found


def _spread(
    session: Session, seeds: Iterable[Subject], when: _When, arcs: _Arcs | None = None
) -> TaintClosure:
    """Everything the arcs (in the versions `when` selects) reach from `seeds` in one or more
    steps, a frontier at a time; each arc passed goes into `arcs` when given."""
    products: set[str] = set()
    rights: set[tuple[int, int]] = set()
    frontier = list(seeds)
    while frontier:
        reached = _products_under(session, frontier, when, arcs) - products
        new_products = _existing(session, reached, when, arcs)
        new_rights = _dependents(session, frontier, when, arcs) - rights
        products |= new_products
        rights |= new_rights
        frontier = [(_ASSET, p) for p in new_products] + list(new_rights)
    return TaintClosure(frozenset(products), frozenset(rights))


def _keys(frontier: list[Subject], kind: int) -> list[Any]:
    return [key for k, key in frontier if k == kind]


# Where each kind of frontier node leads: (the table, the column holding the node's key, the
# column the reached node's key is in, the kind of node reached, what else must be equal).
_ARC_QUERIES: tuple[tuple[int, type[Versioned], str, str, int, dict[str, int]], ...] = (
    (_ASSET, LineageEdgeRow, "input_asset", "product", _ASSET, {}),
    (_GRANT, LineageEdgeRow, "auth_id", "product", _ASSET, {"auth_kind": model.AuthKind.GRANT}),
    (
        _CERTIFICATE, LineageEdgeRow, "auth_id", "product", _ASSET,
        {"auth_kind": model.AuthKind.CERTIFICATE},
    ),
    (_GRANT, GrantRow, "parent_id", "grant_id", _GRANT, {"parent_kind": model.AuthKind.GRANT}),
    (
        _CERTIFICATE, GrantRow, "parent_id", "grant_id", _GRANT,
        {"parent_kind": model.AuthKind.CERTIFICATE},
    ),
    (_GRANT, CertificateRow, "basis_grant", "certificate_id", _CERTIFICATE, {}),
    (_CERTIFICATE, CertificateRow, "basis_certificate", "certificate_id", _CERTIFICATE, {}),
)  # fmt: skip


def _follow(
    session: Session, frontier: list[Subject], when: _When, arcs: _Arcs | None, *, to_assets: bool
) -> set[Any]:
    """The nodes the frontier's arcs lead to: products (`to_assets`) or rights."""
    found: set[Any] = set()
    for kind, model_, column, wanted, reached, equal in _ARC_QUERIES:
        if (reached == _ASSET) != to_assets:
            continue
        columns = (*_VERSION_COLUMNS, column, wanted)
        rows = rows_in(session, model_, column, _keys(frontier, kind), columns, equal=equal)
        for row in rows:
            if when.holds(row):
                key = row[wanted] if to_assets else int(row[wanted])
                found.add(key if to_assets else (reached, key))
                if arcs is not None:
                    source = row[column] if kind == _ASSET else int(row[column])
                    arcs.add((reached, key), (kind, source), row)
    return found


def _products_under(
    session: Session, frontier: list[Subject], when: _When, arcs: _Arcs | None
) -> set[str]:
    """Products of the lineage edges whose input or authorization is in the frontier."""
    return _follow(session, frontier, when, arcs, to_assets=True)


def _dependents(
    session: Session, frontier: list[Subject], when: _When, arcs: _Arcs | None
) -> set[tuple[int, int]]:
    """Grants whose parent, and certificates whose basis, is a right in the frontier."""
    return _follow(session, frontier, when, arcs, to_assets=False)


def _existing(session: Session, assets: set[str], when: _When, arcs: _Arcs | None) -> set[str]:
    """Those of `assets` that exist (their status is not NONE)."""
    rows = rows_in(session, AssetRow, "asset", assets, (*_VERSION_COLUMNS, "asset", "status"))
    found: set[str] = set()
    for row in rows:
        if when.holds(row) and row["status"] != model.AssetStatus.NONE:
            found.add(row["asset"])
            if arcs is not None:
                arcs.exists.setdefault(row["asset"], []).append(span_of(row))
    return found


# ---------------------------------------------------------------- remembered per checkpoint

T = TypeVar("T")
_CACHE_SIZE = 8


class CheckpointCache(Generic[T]):
    """A value derived from a whole mirror, remembered per database and checkpoint (an LRU).

    The checkpoint (block number and hash) moves with every indexed batch and every rollback, so
    a remembered value is never stale for it; one computed while the checkpoint moved is not kept.
    """

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._computing = threading.Lock()
        self._values: OrderedDict[tuple[str, int, str], T] = OrderedDict()

    def get(self, session: Session, compute: Callable[[], T]) -> T:
        key = _checkpoint(session)
        if key is None:
            return compute()
        found = self._remembered(key)
        if found is not None:
            return found[0]
        # One computation at a time: requests arriving together at a new checkpoint wait for
        # the first one's value instead of each walking the mirror.
        with self._computing:
            found = self._remembered(key)
            if found is not None:
                return found[0]
            value = compute()
            if _checkpoint(session) == key:
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > self._size:
                        self._values.popitem(last=False)
        return value

    def _remembered(self, key: tuple[str, int, str]) -> tuple[T] | None:
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return (self._values[key],)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def _checkpoint(session: Session) -> tuple[str, int, str] | None:
    row = session.execute(_CHECKPOINT).first()
    if row is None:
        return None
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    return (database, int(row.last_block), str(row.last_block_hash))


_CHECKPOINT = select(
    table_of(IndexStateRow).c.last_block, table_of(IndexStateRow).c.last_block_hash
)
_CLOSURES: CheckpointCache[TaintClosure] = CheckpointCache()
_POTENTIALS: CheckpointCache[_Potential] = CheckpointCache()
