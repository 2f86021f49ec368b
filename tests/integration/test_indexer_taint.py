"""Taint closure and taint membership on generated mirrors, against the whole-graph walk.

The reference is the straightforward computation: load every asset, grant, certificate and
lineage edge version at the block, then walk breadth-first from the revoked subjects. The indexed
walk (`taint_closure`), the upstream membership test (`Taint.tainted`) and effective status
through either must give the same answers on random DAGs, at every block where something changed.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from registry import model
from registry.bench.dag import DagShape, write_dag
from registry.db.tables import AssetRow, CertificateRow, GrantRow, IndexStateRow, LineageEdgeRow
from registry.indexer.derived import (
    CheckpointCache,
    Taint,
    TaintClosure,
    certificate_status,
    grant_status,
    taint_closure,
    versions_at,
)
from tests.integration.indexer_fixtures import (
    Databases,
    databases_fixture,  # noqa: F401  (fixture)
)

S = model.SubjectKind

shapes = st.builds(
    DagShape,
    assets=st.integers(20, 220),
    seed=st.integers(0, 2**31),
    product_share=st.floats(0.3, 0.8),
    max_level=st.integers(2, 8),
    grant_share=st.floats(0.2, 0.9),
    sub_grant_share=st.floats(0.0, 0.8),
    basis_share=st.floats(0.0, 0.4),
    revoked_share=st.floats(0.01, 0.15),
    expired_share=st.floats(0.0, 0.2),
)


def whole_graph_closure(session: Session, block: int | None) -> TaintClosure:
    """The reference: every version at `block` loaded, then a breadth-first walk in memory."""
    assets = {r["asset"]: r for r in versions_at(session, AssetRow, block)}
    grants = versions_at(session, GrantRow, block)
    certificates = versions_at(session, CertificateRow, block)
    edges = versions_at(session, LineageEdgeRow, block)
    queue: deque[tuple[int, Any]] = deque(
        [(S.ASSET, a) for a, r in assets.items() if r["status"] == model.AssetStatus.REVOKED]
        + [(S.GRANT, g["grant_id"]) for g in grants if g["status"] == model.GrantStatus.REVOKED]
        + [
            (S.CERTIFICATE, c["certificate_id"])
            for c in certificates
            if c["status"] == model.CertificateStatus.REVOKED
        ]
    )
    products: set[str] = set()
    rights: set[tuple[int, int]] = set()
    while queue:
        kind, subject = queue.popleft()
        dependents: list[tuple[int, int]] = []
        if kind == S.ASSET:
            under = [e["product"] for e in edges if e["input_asset"] == subject]
        else:
            auth = model.AuthKind.CERTIFICATE if kind == S.CERTIFICATE else model.AuthKind.GRANT
            under = [
                e["product"] for e in edges if (e["auth_kind"], e["auth_id"]) == (auth, subject)
            ]
            basis = "basis_grant" if kind == S.GRANT else "basis_certificate"
            dependents += [
                (S.GRANT, g["grant_id"])
                for g in grants
                if (g["parent_kind"], g["parent_id"]) == (auth, subject)
            ]
            dependents += [
                (S.CERTIFICATE, c["certificate_id"]) for c in certificates if c[basis] == subject
            ]
        for product in under:
            exists = product in assets and assets[product]["status"] != model.AssetStatus.NONE
            if product not in products and exists:
                products.add(product)
                queue.append((S.ASSET, product))
        for dependent in dependents:
            if dependent not in rights:
                rights.add(dependent)
                queue.append(dependent)
    return TaintClosure(frozenset(products), frozenset(rights))


def changing_blocks(session: Session) -> list[int]:
    """Blocks where a revocation lands, the blocks just before them, and the first block."""
    found = {1}
    for row in (AssetRow, GrantRow, CertificateRow):
        for block in session.scalars(select(row.to_block).where(row.to_block.is_not(None))):  # type: ignore[union-attr,call-overload]
            found |= {int(block) - 1, int(block)}
    return sorted(found)


def test_taintClosure_equalsTheWholeGraphWalk_onRandomDags(databases: Databases) -> None:
    engine = databases.engine()

    @settings(max_examples=12 if databases.kind == "postgresql" else 30, deadline=None)
    @given(shape=shapes)
    def check(shape: DagShape) -> None:
        write_dag(engine, shape)
        with Session(engine) as session:
            for block in [None, *changing_blocks(session)]:
                assert taint_closure(session, block) == whole_graph_closure(session, block), block

    check()


def test_taintMembershipAndStatus_agreeWithTheClosure_onRandomDags(databases: Databases) -> None:
    engine = databases.engine()

    @settings(max_examples=8 if databases.kind == "postgresql" else 25, deadline=None)
    @given(shape=shapes, picks=st.randoms(use_true_random=False))
    def check(shape: DagShape, picks: Any) -> None:
        write_dag(engine, shape)
        with Session(engine) as session:
            blocks = changing_blocks(session)
            assets = list(session.scalars(select(AssetRow.asset).distinct()))  # type: ignore[call-overload]
            grants = list(session.scalars(select(GrantRow.grant_id).distinct()))  # type: ignore[call-overload]
            certificates = list(
                session.scalars(select(CertificateRow.certificate_id).distinct())  # type: ignore[call-overload]
            )
            for block in [None, *picks.sample(blocks, min(6, len(blocks)))]:
                closure = whole_graph_closure(session, block)
                taint = Taint(session)
                assert {a for a in assets if taint.tainted(a, block)} == closure.products, block
                for grant in picks.sample(grants, min(15, len(grants))):
                    assert grant_status(session, grant, block) == grant_status(
                        session, grant, block, closure
                    ), (block, grant)
                for cert in picks.sample(certificates, min(15, len(certificates))):
                    assert certificate_status(session, cert, block) == certificate_status(
                        session, cert, block, closure
                    ), (block, cert)

    check()


def test_generatedDag_hasRevocationsDownstreamAndStatusesOfEveryKind(tmp_path: Any) -> None:
    engine = Databases("sqlite", tmp_path).engine()
    shape = DagShape(assets=3000, seed=7, revoked_share=0.01)
    written = write_dag(engine, shape)
    assert written.rows["assets"] > 3000  # revocations add versions
    assert written.rows["lineage_edges"] > 1000
    with Session(engine) as session:
        closure = taint_closure(session)
        assert len(closure.products) > 10
        statuses = {grant_status(session, g) for g in range(1, 400)}
    assert {"effective", "revoked", "expired", "parent-revoked"} <= statuses


def test_closureAtTheIndexedBlock_isRememberedUntilTheCheckpointMoves(tmp_path: Any) -> None:
    engine = Databases("sqlite", tmp_path).engine()
    write_dag(engine, DagShape(assets=400, seed=3, revoked_share=0.05))
    with Session(engine) as session:
        first = taint_closure(session)
        assert taint_closure(session) is first
        product = session.scalars(
            select(LineageEdgeRow.product).where(  # type: ignore[call-overload]
                LineageEdgeRow.product.not_in(first.products)  # type: ignore[attr-defined]
            )
        ).first()
        inputs = session.scalars(
            select(LineageEdgeRow.input_asset).where(LineageEdgeRow.product == product)  # type: ignore[call-overload]
        ).all()
    revoke_behind_the_checkpoint(engine, inputs[0])
    with Session(engine) as session:
        assert taint_closure(session) is first  # same checkpoint: not read again
    move_checkpoint(engine)
    with Session(engine) as session:
        moved = taint_closure(session)
    assert product in moved.products and product not in first.products


def revoke_behind_the_checkpoint(engine: Engine, asset: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(AssetRow)
            .where(AssetRow.asset == asset, AssetRow.to_block.is_(None))  # type: ignore[arg-type,union-attr]
            .values(status=model.AssetStatus.REVOKED)
        )


def move_checkpoint(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(IndexStateRow).values(
                last_block=IndexStateRow.last_block + 1, last_block_hash="0x" + "ab" * 32
            )
        )


def test_checkpointCache_computesOnceForRequestsArrivingTogether(tmp_path: Any) -> None:
    engine = Databases("sqlite", tmp_path).engine()
    write_dag(engine, DagShape(assets=50, seed=5))
    cache: CheckpointCache[list[int]] = CheckpointCache()
    computed: list[int] = []

    def compute() -> list[int]:
        computed.append(1)
        time.sleep(0.2)
        return [len(computed)]

    def read() -> list[int]:
        with Session(engine) as session:
            return cache.get(session, compute)

    with ThreadPoolExecutor(max_workers=4) as pool:
        values = list(pool.map(lambda _: read(), range(4)))
    assert len(computed) == 1
    assert all(v is values[0] for v in values)
