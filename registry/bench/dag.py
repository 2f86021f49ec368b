"""A generated lineage DAG written straight into a mirror's tables, for benchmarks and tests.

The shape follows a registry in use: most assets are raw resources; a product has 1-4 inputs,
one of them a product one level below its own (levels go up to `max_level`), the rest mostly
resources, a few popular ones among them. Each asset has a holding certificate held by its
registrant; each lineage edge is authorized by the input's certificate or by a processing grant
resting on it (some grants rest on an earlier grant over the same input). Some products carry an
operating certificate resting on one of those grants, some resources a right in their holder's
own name resting on the holding certificate. A small share of assets, grants and certificates is
revoked some blocks after it was created: a closed version and a revoked one, as the indexer
writes them.

Every asset is registered in a block of its own (block = sequence + 1); block `n` has timestamp
`GENESIS_TIME + 12 n`. Rows are written with `executemany` of plain tuples, a transaction per
chunk, into tables whose indexes are dropped for the load and built again after it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, delete, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from registry import model
from registry.db.engine import make_engine
from registry.db.migrate import upgrade
from registry.db.tables import (
    AssetRow,
    BlockRow,
    CertificateHolderRow,
    CertificateRow,
    GrantRow,
    IndexStateRow,
    LineageEdgeRow,
    table_of,
)

GENESIS_TIME = 1_700_000_000
BLOCK_SECONDS = 12
CHAIN_ID = 31337
_YEAR = 365 * 86400
_PARTIES = 64
_POPULAR = 1000  # resources many products draw on (public datasets)
_CHUNK = 20_000

ASSET_COLUMNS = (
    "from_block", "to_block", "tx_hash", "asset", "sequence", "registration_number", "kind",
    "registrant", "registered_at", "registered_block", "merkle_root", "leaf_count", "leaf_mode",
    "metadata_hash", "metadata_uri", "category", "grade", "open_class", "domain", "update_cycle",
    "status", "status_cause_kind", "status_cause",
)  # fmt: skip
EDGE_COLUMNS = (
    "from_block", "to_block", "tx_hash", "product", "input_asset", "position", "auth_kind",
    "auth_id",
)  # fmt: skip
CERTIFICATE_COLUMNS = (
    "from_block", "to_block", "tx_hash", "certificate_id", "asset", "right", "status",
    "notice_ends_at", "issued_at", "valid_until", "open_objections", "basis_grant",
    "basis_certificate", "applicant", "last_action", "last_actor",
)  # fmt: skip
HOLDER_COLUMNS = ("from_block", "to_block", "tx_hash", "certificate_id", "holder")
GRANT_COLUMNS = (
    "from_block", "to_block", "tx_hash", "grant_id", "asset", "grantor", "grantee", "right",
    "status", "depth", "sub_grantable", "revocable", "parent_kind", "parent_id", "valid_from",
    "valid_until", "purpose_hash", "scenario_hash", "scope_hash", "security_hash", "end_of_term",
    "terms_uri", "submitted_by", "signature_nonce", "revoked_by", "revoke_reason",
)  # fmt: skip
BLOCK_COLUMNS = ("number", "hash", "parent_hash", "timestamp")

COLUMNS: dict[str, tuple[str, ...]] = {
    "assets": ASSET_COLUMNS,
    "lineage_edges": EDGE_COLUMNS,
    "certificates": CERTIFICATE_COLUMNS,
    "certificate_holders": HOLDER_COLUMNS,
    "grants": GRANT_COLUMNS,
    "blocks": BLOCK_COLUMNS,
}
TABLES = (AssetRow, LineageEdgeRow, CertificateRow, CertificateHolderRow, GrantRow, BlockRow)

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class DagShape:
    """What to generate; the same shape and seed always give the same rows."""

    assets: int = 1_000_000
    seed: int = 1
    product_share: float = 0.3
    max_level: int = 20
    grant_share: float = 0.5  # edges authorized by a grant (else by the input's certificate)
    sub_grant_share: float = 0.3  # of those grants, ones resting on an earlier grant
    basis_share: float = 0.05  # assets with a certificate resting on a grant or a certificate
    revoked_share: float = 0.0005  # of assets, of grants and of certificates, each
    expired_share: float = 0.02  # grants whose term ends soon after issue

    @property
    def last_block(self) -> int:
        return self.assets + 1

    def key(self) -> str:
        """A name for the generated database: the same shape, the same name."""
        spelled = repr(self).encode()
        return f"lineage-{self.assets}-{self.seed}-{hashlib.sha256(spelled).hexdigest()[:8]}"


def block_time(block: int) -> int:
    return GENESIS_TIME + BLOCK_SECONDS * block


def hex32(*parts: object) -> str:
    """A 0x-prefixed 32-byte hex value determined by `parts`."""
    return "0x" + hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass
class _Asset:
    key: str
    registrant: str
    certificate: int
    level: int


@dataclass
class Generator:
    """Rows of a DagShape, a chunk of assets at a time."""

    shape: DagShape
    rng: random.Random = field(init=False)
    parties: list[str] = field(init=False)
    resources: list[_Asset] = field(default_factory=list)
    levels: dict[int, list[_Asset]] = field(default_factory=dict)
    grants_over: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    next_certificate: int = 1
    next_grant: int = 1

    def __post_init__(self) -> None:
        self.rng = random.Random(self.shape.seed)
        self.parties = [
            "0x" + hashlib.sha256(f"party-{i}".encode()).hexdigest()[:40] for i in range(_PARTIES)
        ]

    def chunks(self, size: int = _CHUNK) -> Iterator[Rows]:
        for start in range(0, self.shape.assets, size):
            rows: Rows = {name: [] for name in COLUMNS}
            for sequence in range(start, min(start + size, self.shape.assets)):
                self._asset(rows, sequence)
            yield rows

    # ------------------------------------------------------------ one asset and its rights

    def _asset(self, rows: Rows, sequence: int) -> None:
        block = sequence + 1
        inputs = self._inputs() if self.rng.random() < self.shape.product_share else []
        level = 1 + max((i.level for i in inputs), default=-1) if inputs else 0
        key = hex32("asset", self.shape.seed, sequence)
        registrant = self.rng.choice(self.parties)
        kind = model.AssetKind.PRODUCT if inputs else model.AssetKind.RESOURCE
        self._versions(rows["assets"], block, model.AssetStatus.REVOKED, (
            key, sequence + 1, f"DR-{CHAIN_ID}-2026-{sequence + 1:07d}", kind, registrant,
            block_time(block), block, hex32("root", key), 16, model.LeafMode.CHUNKS,
            hex32("meta", key), "ipfs://bench", model.Category.ENTERPRISE, model.Grade.GENERAL,
            model.OpenClass.NOT_APPLICABLE, 54, 86400, model.AssetStatus.ACTIVE, None, None,
        ))  # fmt: skip
        rows["blocks"].append(
            (block, _block_hash(block), _block_hash(block - 1), block_time(block))
        )
        asset = _Asset(key, registrant, self._certificate(rows, block, key, registrant), level)
        auths = [self._auth(rows, block, asset, i) for i in inputs]
        for position, (source, (auth_kind, auth_id)) in enumerate(zip(inputs, auths, strict=True)):
            rows["lineage_edges"].append(
                (block, None, _tx(block, 9), key, source.key, position, auth_kind, auth_id)
            )
        self._basis_certificate(rows, block, asset, auths)
        if inputs:
            self.levels.setdefault(level, []).append(asset)
        else:
            self.resources.append(asset)

    def _inputs(self) -> list[_Asset]:
        """1-4 distinct inputs: one product a level below (if any), the rest mostly resources."""
        if not self.resources:
            return []
        count = self.rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        chosen: dict[str, _Asset] = {}
        top = min(self.shape.max_level - 1, max(self.levels, default=0))
        level = self.rng.randint(0, top)
        if level > 0:
            below = self.levels[level]
            pick = below[-1 - int(self.rng.expovariate(1 / 50)) % len(below)]
            chosen[pick.key] = pick
        for _ in range(2 * count):  # a few draws may repeat; a young DAG has few assets
            pick = self._resource() if self.rng.random() < 0.8 else self._any_product()
            chosen[pick.key] = pick
            if len(chosen) >= count:
                break
        return list(chosen.values())

    def _resource(self) -> _Asset:
        pool = self.resources
        if self.rng.random() < 0.1:
            return pool[self.rng.randrange(min(_POPULAR, len(pool)))]
        return pool[self.rng.randrange(len(pool))]

    def _any_product(self) -> _Asset:
        if not self.levels:
            return self._resource()
        below = self.levels[self.rng.choice(list(self.levels))]
        return below[self.rng.randrange(len(below))]

    def _certificate(
        self, rows: Rows, block: int, asset: str, holder: str, *, right: int = 0,
        basis_grant: int = 0, basis_certificate: int = 0,
    ) -> int:  # fmt: skip
        certificate = self.next_certificate
        self.next_certificate += 1
        self._versions(rows["certificates"], block, model.CertificateStatus.REVOKED, (
            certificate, asset, right, model.CertificateStatus.ACTIVE, block_time(block),
            block_time(block), block_time(block) + 20 * _YEAR, 0, basis_grant, basis_certificate,
            holder, "issued", holder,
        ))  # fmt: skip
        rows["certificate_holders"].append((block, None, _tx(block, 2), certificate, holder))
        return certificate

    def _auth(self, rows: Rows, block: int, product: _Asset, source: _Asset) -> tuple[int, int]:
        """The certificate or grant a derivation from `source` rests on."""
        if self.rng.random() >= self.shape.grant_share:
            return (model.AuthKind.CERTIFICATE, source.certificate)
        earlier = self.grants_over.get(source.key, [])
        parent_kind, parent_id, grantor, depth = (
            model.AuthKind.CERTIFICATE, source.certificate, source.registrant, 0,
        )  # fmt: skip
        if earlier and self.rng.random() < self.shape.sub_grant_share:
            parent_id, depth, grantor = earlier[-1]
            parent_kind = model.AuthKind.GRANT
        grant = self.next_grant
        self.next_grant += 1
        term = 20 * _YEAR
        if self.rng.random() < self.shape.expired_share:
            term = BLOCK_SECONDS * self.rng.randint(1, 1000)
        start = block_time(block)
        self._versions(rows["grants"], block, model.GrantStatus.REVOKED, (
            grant, source.key, grantor, product.registrant, model.Right.PROCESSING,
            model.GrantStatus.ACTIVE, depth + 1, depth < 2, True, parent_kind, parent_id, start,
            start + term, hex32("purpose", grant), hex32("scenario"), hex32("scope"),
            hex32("security"), model.EndOfTerm.DELETE, "ipfs://terms", None, None, None, None,
        ))  # fmt: skip
        if depth < 2:
            earlier.append((grant, depth + 1, product.registrant))
            self.grants_over[source.key] = earlier[-4:]
        return (model.AuthKind.GRANT, grant)

    def _basis_certificate(
        self, rows: Rows, block: int, asset: _Asset, auths: list[tuple[int, int]]
    ) -> None:
        if self.rng.random() >= self.shape.basis_share:
            return
        grants = [i for k, i in auths if k == model.AuthKind.GRANT]
        if grants:
            basis = {"right": model.Right.OPERATING, "basis_grant": grants[0]}
        else:
            basis = {"right": model.Right.PROCESSING, "basis_certificate": asset.certificate}
        self._certificate(rows, block, asset.key, asset.registrant, **basis)

    def _versions(
        self, out: list[tuple[Any, ...]], block: int, revoked: int, values: tuple[Any, ...]
    ) -> None:
        """The record's version from `block`; closed and followed by a revoked one for a few."""
        if self.rng.random() >= self.shape.revoked_share or block >= self.shape.last_block:
            out.append((block, None, _tx(block, 0), *values))
            return
        at = self.rng.randint(block + 1, self.shape.last_block)
        out.append((block, at, _tx(block, 0), *values))
        status = _STATUS[len(values)]
        out.append((at, None, _tx(at, 1), *values[:status], revoked, *values[status + 1 :]))


# Where `status` sits among the values (the columns after from_block, to_block and tx_hash) of
# an asset, certificate or grant row, told apart by their widths.
_STATUS = {
    len(columns) - 3: columns.index("status") - 3
    for columns in (ASSET_COLUMNS, CERTIFICATE_COLUMNS, GRANT_COLUMNS)
}
assert len(_STATUS) == 3


def _block_hash(block: int) -> str:
    return f"0x{block:064x}"


def _tx(block: int, index: int) -> str:
    return f"0x{(block << 8) | index:064x}"


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Written:
    """What `write_dag` put into the database."""

    rows: dict[str, int]
    last_block: int


def write_dag(
    engine: Engine, shape: DagShape, *, on_chunk: Callable[[int], None] | None = None
) -> Written:
    """Migrate an empty mirror and fill it with the DAG of `shape`; `on_chunk(assets)` reports."""
    upgrade(engine)
    tables = [table_of(m) for m in TABLES]
    _check_columns(tables)
    counts = dict.fromkeys(COLUMNS, 0)
    with engine.begin() as connection:
        for t in (*tables, table_of(IndexStateRow)):
            connection.execute(delete(t))
        for t in tables:
            for index in t.indexes:
                index.drop(connection, checkfirst=True)
    raw = engine.raw_connection()
    try:
        for rows in Generator(shape).chunks():
            cursor = raw.cursor()
            for name, batch in rows.items():
                cursor.executemany(_insert(engine, name), batch)
                counts[name] += len(batch)
            cursor.close()
            raw.commit()
            if on_chunk is not None:
                on_chunk(len(rows["blocks"]))
    finally:
        raw.close()
    with engine.begin() as connection:
        for t in tables:
            for index in t.indexes:
                index.create(connection, checkfirst=True)
        connection.execute(table_of(IndexStateRow).insert().values(_checkpoint(shape)))
        if engine.dialect.name == "postgresql":
            # Autovacuum would get there soon; SQLite mirrors stay unanalyzed, as the indexer
            # leaves them (with statistics its planner builds Bloom filters over whole tables).
            connection.execute(text("ANALYZE"))
    return Written(counts, shape.last_block)


def _check_columns(tables: list[Table]) -> None:
    for t in tables:
        declared = {c.name for c in t.columns if not (c.primary_key and c.name == "id")}
        if declared != set(COLUMNS[t.name]):
            raise AssertionError(f"{t.name}: generated columns differ from the table's")


def _insert(engine: Engine, name: str) -> str:
    quote = engine.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in COLUMNS[name])
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    values = ", ".join([marker] * len(COLUMNS[name]))
    return f"INSERT INTO {quote(name)} ({columns}) VALUES ({values})"


def _checkpoint(shape: DagShape) -> dict[str, Any]:
    last = shape.last_block
    return {
        "id": 1, "chain_id": CHAIN_ID, "genesis_hash": _block_hash(0), "deploy_block": 1,
        "deploy_block_hash": _block_hash(1), "last_block": last,
        "last_block_hash": hex32("checkpoint", shape.key(), last), "updated_at": "",
    }  # fmt: skip


# ---------------------------------------------------------------- a reusable generated mirror


def generated_mirror(
    shape: DagShape,
    *,
    database_url: str | None,
    cache_dir: Path,
    reuse: bool,
    on_chunk: Callable[[int], None] | None = None,
) -> tuple[Engine, bool]:
    """An engine over the mirror of `shape`, and whether it was generated now.

    SQLite by default, in `cache_dir` under a name made of the shape; on PostgreSQL
    (`database_url`) in a schema of that name. With `reuse`, a complete one from an earlier run
    (its checkpoint is the shape's) is used as it is.
    """
    if database_url is None:
        path = cache_dir / f"{shape.key()}.db"
        url = f"sqlite:///{path}"
    else:
        schema = shape.key().replace("-", "_")
        with make_engine(database_url).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        joiner = "&" if "?" in database_url else "?"
        url = f"{database_url}{joiner}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    if reuse and _complete(engine, shape):
        return engine, False
    write_dag(engine, shape, on_chunk=on_chunk)
    return engine, True


def _complete(engine: Engine, shape: DagShape) -> bool:
    t = table_of(IndexStateRow)
    try:
        with engine.connect() as connection:
            found = connection.execute(select(t.c.last_block_hash)).scalar_one_or_none()
    except (OperationalError, ProgrammingError):  # no tables yet
        return False
    return bool(found == _checkpoint(shape)["last_block_hash"])
