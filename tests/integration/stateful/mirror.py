"""The end of a random run: a fresh indexer mirrors the chain into SQLite and must agree with it.

`index check` (every mirrored record against the views) must be clean, and the mirror's derived
effective status of every grant and certificate must match the contracts'. The mirror's taint
closure runs ahead of the on-chain cascade, so while the cascade queue is not empty the mirror
may call a right ineffective because of a taint the chain has not flagged yet, and only then;
after the cascade has run to the end the two must agree exactly, and the mirror's closure must
equal the products the chain flagged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from registry import model
from registry.chain.deploy import RIGHTS
from registry.db.tables import AssetRow, IndexStateRow
from registry.indexer.check import check_mirror, read_only_client
from registry.indexer.derived import certificate_status, grant_status, taint_closure
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import Databases, make_indexer
from tests.integration.stateful.chain_view import BatchReader


@dataclass
class MirrorFigures:
    mirrors: int = 0
    statuses: int = 0
    ahead_of_cascade: int = 0

    def add(self, other: MirrorFigures) -> None:
        self.mirrors += other.mirrors
        self.statuses += other.statuses
        self.ahead_of_cascade += other.ahead_of_cascade

    def __str__(self) -> str:
        return (
            f"mirrors built and checked: {self.mirrors}; effective statuses compared: "
            f"{self.statuses} ({self.ahead_of_cascade} ineffective in the mirror ahead of the "
            "on-chain cascade)"
        )


def check_mirror_of_run(actors: Actors, tmp_path: Path) -> MirrorFigures:
    """Index the chain into a fresh SQLite mirror and compare, before and after the cascade."""
    databases = Databases("sqlite", tmp_path / f"run-{uuid.uuid4().hex[:8]}")
    databases.tmp_path.mkdir(parents=True)
    try:
        engine = databases.engine()
        indexer = make_indexer(engine, actors)
        indexer.catch_up()
        figures = _compare(actors, engine, cascade_done=actors.admin.cascade_pending() == 0)
        if actors.admin.cascade_pending():
            actors.admin.run_cascade()
            indexer.catch_up()
            figures.add(_compare(actors, engine, cascade_done=True))
        return figures
    finally:
        databases.drop_all()


def _compare(actors: Actors, engine: Engine, *, cascade_done: bool) -> MirrorFigures:
    client = actors.admin
    differences = check_mirror(engine, read_only_client(client.w3, client.deployment))
    assert not differences, "index check: " + "; ".join(str(d) for d in differences)
    figures = MirrorFigures(mirrors=1)
    with Session(engine) as session:
        closure = taint_closure(session)
        indexed = _indexed_block(session)
        grants = range(1, client.grant_count() + 1)
        certificates = range(1, client.certificate_count() + 1)
        mirror = {("grant", g): grant_status(session, g, None, closure) for g in grants}
        mirror |= {
            ("certificate", c): certificate_status(session, c, None, closure) for c in certificates
        }
        flagged = set(
            session.scalars(
                select(AssetRow.asset).where(  # type: ignore[call-overload]
                    AssetRow.to_block.is_(None),  # type: ignore[union-attr]
                    AssetRow.status == model.AssetStatus.TAINTED,
                )
            )
        )
    calls = [(RIGHTS, "isGrantEffective", (g,)) for g in grants]
    calls += [(RIGHTS, "isCertificateEffective", (c,)) for c in certificates]
    chain = dict(zip(mirror, BatchReader(client).read(calls, indexed), strict=True))
    for key, status in mirror.items():
        figures.statuses += 1
        if (status == "effective") == chain[key]:
            continue
        assert not cascade_done, f"{key}: mirror {status!r}, chain effective={chain[key]}"
        assert chain[key] and "tainted" in status, f"{key}: mirror {status!r}, chain effective"
        figures.ahead_of_cascade += 1
    if cascade_done:
        assert closure.products == flagged
    return figures


def _indexed_block(session: Session) -> int:
    state = session.get(IndexStateRow, 1)
    assert state is not None
    return int(state.last_block)
