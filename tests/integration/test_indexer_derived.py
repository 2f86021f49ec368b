"""Derived state: taint closure ahead of the on-chain cascade, effective status, history."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import AssetRow, CertificateHolderRow
from registry.indexer.check import check_mirror, read_only_client
from registry.indexer.derived import (
    certificate_status,
    grant_status,
    holder_at,
    rights_at,
    taint_closure,
)
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    Databases,
    databases_fixture,  # noqa: F401  (fixture)
    every_event_scenario,
    make_indexer,
    own_name_scenario,
)


def tainted_products(engine: Engine) -> set[str]:
    """The products the mirror currently shows as tainted."""
    with Session(engine) as session:
        query = select(AssetRow.asset).where(  # type: ignore[call-overload]
            AssetRow.to_block.is_(None),  # type: ignore[union-attr]
            AssetRow.status == model.AssetStatus.TAINTED,
        )
        return set(session.scalars(query))


def test_taint_closure_is_complete_before_the_cascade_runs(
    actors: Actors, databases: Databases
) -> None:
    ids = every_event_scenario(actors)
    assert actors.admin.cascade_pending() > 0
    engine = databases.engine()
    indexer = make_indexer(engine, actors)
    indexer.catch_up()
    with Session(engine) as session:
        closure = taint_closure(session)
        assert grant_status(session, ids["sub_grant"]) == "parent-revoked"
        assert grant_status(session, ids["grant"]) == "revoked"
        assert certificate_status(session, ids["grant_based_certificate"]) == (
            "basis-parent-revoked"
        )
        assert certificate_status(session, ids["holding"]) == "effective"
        assert certificate_status(session, ids["operating"]) == "effective"
    assert not actors.admin.is_grant_effective(ids["sub_grant"])
    assert "0x" + bytes(ids["product2"]).hex() in closure.products
    actors.admin.run_cascade()
    indexer.catch_up()
    assert tainted_products(engine) == closure.products


def test_own_name_rights_end_with_their_holding_certificate(
    actors: Actors, databases: Databases
) -> None:
    ids = own_name_scenario(actors)
    engine = databases.engine()
    indexer = make_indexer(engine, actors)
    indexer.catch_up()
    expected = {
        "processing": "basis-revoked",
        "sold_operating": "basis-moved",
        "cancelled_operating": "basis-cancelled",
        "kept_operating": "effective",
    }
    with Session(engine) as session:
        for name, status in expected.items():
            assert certificate_status(session, ids[name]) == status, name
            chain_says = actors.admin.is_certificate_effective(ids[name])
            assert chain_says == (status == "effective"), name
        closure = taint_closure(session)
    assert closure.products == {"0x" + bytes(ids["product"]).hex()}
    actors.admin.run_cascade()
    indexer.catch_up()
    assert tainted_products(engine) == closure.products
    client = read_only_client(actors.admin.w3, actors.admin.deployment)
    assert [str(d) for d in check_mirror(engine, client)] == []


def test_history_answers_who_held_which_right_when(actors: Actors, databases: Databases) -> None:
    every_event_scenario(actors)
    engine = databases.engine()
    make_indexer(engine, actors).catch_up()
    with Session(engine) as session:
        moves = session.scalars(
            select(CertificateHolderRow).order_by(CertificateHolderRow.from_block)  # type: ignore[arg-type]
        ).all()
        by_token: dict[int, list[CertificateHolderRow]] = {}
        for move in moves:
            by_token.setdefault(move.certificate_id, []).append(move)
        moved = next(v for v in by_token.values() if len(v) == 3)
        holders = [holder_at(session, moved[0].certificate_id, m.from_block) for m in moved]
        assert holders == [actors.buyer.account, actors.other.account, actors.buyer.account]
        assert holder_at(session, moved[0].certificate_id, moved[0].from_block - 1) is None
        rights = rights_at(session, session.get_one(AssetRow, 1).asset)
        assert rights and all(r["holder"] for r in rights)
