"""Threat scenarios of docs/SECURITY.md that no other test module plays through.

Front-running a registration, and an indexer facing a block with more logs than a batch holds.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from registry import model
from registry.chain.contract_errors import (
    ArbitratorNotAssigned,
    AssetAlreadyRegistered,
    SubjectFrozen,
)
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    Databases,
    canonical_digest,
    databases_fixture,  # noqa: F401  (fixture)
    make_indexer,
)
from tests.integration.scenario import h, record

pytestmark = pytest.mark.integration

ASSET = model.SubjectKind.ASSET


def test_frontRunRegistration_ownershipDisputeRevokesTheCopyAndCountsAgainstIt(
    actors: Actors,
) -> None:
    """Someone who saw the owner's content hash registers it first. The owner cannot register the
    same bytes, but an ownership dispute freezes the copy at once and an upheld ruling revokes it,
    on the front-runner's credit record. The content hash stays taken: the owner re-registers
    only different bytes (documented in docs/SECURITY.md)."""
    owner, copier = actors.bureau, actors.other
    original = record(category=model.Category.ENTERPRISE)
    copied = copier.register_resource(original).id
    with pytest.raises(AssetAlreadyRegistered):
        owner.register_resource(original)

    dispute = owner.raise_dispute(ASSET, copied, h("collection logs of the original")).id
    with pytest.raises(SubjectFrozen):
        copier.apply_for_certificate(copied, model.Right.HOLDING)
    with pytest.raises(ArbitratorNotAssigned):  # no one rules before the registrar assigns
        actors.arbitrator.rule(dispute, True, h("too early"))
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("the registrant copied the data"))

    assert owner.asset_core(copied).status == model.AssetStatus.REVOKED
    assert owner.party(copier.account).disputes_lost == 1
    with pytest.raises(AssetAlreadyRegistered):
        owner.register_resource(original)
    renewed = replace(record(category=model.Category.ENTERPRISE), metadata_uri="ipfs://v2")
    assert owner.register_resource(renewed).id != copied


def test_indexer_blockWithMoreLogsThanABatch_isMirroredWhole(
    actors: Actors, databases: Databases
) -> None:
    """One transaction registering 40 assets puts 40 logs in one block; with batches of at most 6
    logs the indexer keeps that block whole, moves on, and equals an indexer of default size."""
    actors.bureau.register_resources([record() for _ in range(40)])
    actors.bureau.register_resource(record())  # a later block after the large one
    small = make_indexer(databases.engine(), actors)
    small.fetcher.target_logs, small.fetcher.max_logs = 3, 6
    small.catch_up()
    reference = make_indexer(databases.engine(), actors)
    reference.catch_up()
    assert canonical_digest(small.engine) == canonical_digest(reference.engine)
