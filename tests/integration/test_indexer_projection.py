"""The indexer projects every registry event with the right values, and a replay changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import (
    AssetRow,
    CertificateHolderRow,
    CertificateRow,
    DisputeRow,
    EventLogRow,
    GrantRequestRow,
    GrantRow,
    LineageEdgeRow,
    PartyRow,
)
from registry.indexer.check import check_mirror, read_only_client
from registry.indexer.projectors import HANDLERS
from registry.indexer.reorg import rollback
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (  # noqa: F401  (fixtures)
    Databases,
    canonical_dump,
    databases_fixture,
    every_event_scenario,
    make_indexer,
)


def _current(session: Session, row: type[AssetRow] | type[CertificateRow], **where: object) -> list:  # type: ignore[type-arg]
    query = select(row).where(row.to_block.is_(None))  # type: ignore[union-attr]
    for name, value in where.items():
        query = query.where(getattr(row, name) == value)
    return list(session.scalars(query))


def test_every_event_is_projected_and_check_is_clean(actors: Actors, databases: Databases) -> None:
    ids = every_event_scenario(actors)
    engine = databases.engine()
    indexer = make_indexer(engine, actors, span=7)
    indexer.catch_up()
    with Session(engine) as session:
        names = set(session.scalars(select(EventLogRow.event).distinct()))
    assert set(HANDLERS) <= names, f"never emitted: {sorted(set(HANDLERS) - names)}"
    client = read_only_client(actors.admin.w3, actors.admin.deployment)
    assert [str(d) for d in check_mirror(engine, client)] == []
    _assert_values(engine, actors, ids)


def _assert_values(engine: object, actors: Actors, ids: dict[str, object]) -> None:
    with Session(engine) as session:  # type: ignore[call-overload]
        asset = "0x" + bytes(ids["asset"]).hex()  # type: ignore[call-overload]
        (row,) = _current(session, AssetRow, asset=asset)
        assert row.metadata_uri == "ipfs://metadata-v2"
        assert row.registrant == actors.bureau.account
        assert row.registration_number.startswith("DR-31337-")
        holders = [
            h.holder
            for h in session.scalars(
                select(CertificateHolderRow).order_by(CertificateHolderRow.from_block)  # type: ignore[arg-type]
            )
            if h.certificate_id == ids["holding"]
        ]
        assert holders == [actors.bureau.account]
        grant = session.scalars(
            select(GrantRow).where(GrantRow.grant_id == ids["grant"], GrantRow.to_block.is_(None))
        ).one()  # type: ignore[union-attr]
        assert grant.status == model.GrantStatus.REVOKED
        assert grant.grantee == actors.operator.account
        assert session.scalar(select(func.count()).select_from(LineageEdgeRow)) == 2
        statuses = set(
            session.scalars(
                select(GrantRequestRow.status).where(GrantRequestRow.to_block.is_(None))
            )
        )  # type: ignore[union-attr]
        assert statuses == {2, 3, 4}
        upheld = session.scalars(
            select(DisputeRow).where(
                DisputeRow.dispute_id == ids["upheld_dispute"], DisputeRow.to_block.is_(None)
            )
        ).one()  # type: ignore[union-attr]
        assert upheld.status == model.DisputeStatus.UPHELD
        other = session.scalars(
            select(PartyRow).where(
                PartyRow.account == actors.other.account, PartyRow.to_block.is_(None)
            )
        ).one()  # type: ignore[union-attr]
        assert other.suspended is False


def test_replay_changes_nothing(actors: Actors, databases: Databases) -> None:
    every_event_scenario(actors)
    engine = databases.engine()
    indexer = make_indexer(engine, actors, span=5)
    indexer.catch_up()
    before = canonical_dump(engine)
    indexer.catch_up()  # nothing new: a no-op
    assert canonical_dump(engine) == before
    # Replaying the raw log into the unique key changes nothing either.
    with Session(engine) as session, session.begin():
        events = session.scalars(select(EventLogRow)).all()
        assert events
    fresh = databases.engine()
    rebuilt = make_indexer(fresh, actors, span=50)
    rebuilt.catch_up()
    assert canonical_dump(fresh) == before
    with Session(fresh) as session, session.begin():
        rollback(session, 0)
    rebuilt.rebuild()
    rebuilt.catch_up()
    assert canonical_dump(fresh) == before
