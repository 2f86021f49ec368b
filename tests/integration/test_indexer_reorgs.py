"""Reorgs of depth 1 to 10 (anvil snapshot/revert, then different blocks) and a reset chain."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from web3 import Web3

from registry import model
from registry.chain.compiler import ContractArtifact
from registry.chain.node import LocalNode
from registry.indexer.check import check_mirror, read_only_client
from registry.indexer.indexer import ChainMismatchError, Indexer
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.indexer_fixtures import (
    Databases,
    canonical_dump,
    databases_fixture,  # noqa: F401  (fixture)
    make_indexer,
)
from tests.integration.scenario import YEAR, certify, h, now, record, terms


def _rpc(w3: Web3, method: str, *params: object) -> object:
    return w3.provider.make_request(method, list(params))["result"]  # type: ignore[arg-type]


def _activity(actors: Actors, rights: tuple[bytes, int], blocks: int, tag: str) -> None:
    """`blocks` blocks of registry activity (automine: one transaction per block)."""
    bureau, admin, operator = actors.bureau, actors.admin, actors.operator
    asset, holding = rights
    for i in range(blocks):
        if i % 3 == 2:
            actors.reviewer.anchor(h(f"{tag}-{i}"), model.EvidenceType.REVIEW_REPORT)
        elif i % 3 == 1:
            t0 = now(bureau.w3)
            bureau.grant(
                terms(operator.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
            )
        else:
            admin.correct_asset(asset, h(f"{tag}-{i}"), f"ipfs://{tag}/{i}", h("fix"))


@pytest.mark.parametrize("depth", range(1, 11))
def test_reorg_rolls_back_and_equals_a_rebuild(
    actors: Actors, databases: Databases, depth: int
) -> None:
    w3 = actors.admin.w3
    asset = actors.bureau.register_resource(record()).id
    rights = (asset, certify(actors.bureau, actors.admin, asset, model.Right.HOLDING))
    engine = databases.engine()
    indexer = make_indexer(engine, actors, span=3)
    indexer.catch_up()
    snapshot = _rpc(w3, "evm_snapshot")
    _activity(actors, rights, depth, "old")
    indexer.catch_up()
    old_head = w3.eth.block_number
    _rpc(w3, "evm_revert", snapshot)
    actors.resync()
    _activity(actors, rights, depth + 1, "new")
    assert w3.eth.block_number == old_head + 1
    result = indexer.step()
    assert result is not None and result.rolled_back_to is not None
    assert result.rolled_back_to <= old_head - depth
    indexer.catch_up()
    fresh = databases.engine()
    make_indexer(fresh, actors, span=1000).catch_up()
    assert canonical_dump(engine) == canonical_dump(fresh)
    client = read_only_client(w3, actors.admin.deployment)
    assert [str(d) for d in check_mirror(engine, client)] == []


def test_shorter_chain_after_reorg_is_noticed(actors: Actors, databases: Databases) -> None:
    w3 = actors.admin.w3
    engine = databases.engine()
    indexer = make_indexer(engine, actors)
    indexer.catch_up()
    snapshot = _rpc(w3, "evm_snapshot")
    actors.bureau.register_resources([record() for _ in range(3)])
    actors.bureau.register_resource(record())
    indexer.catch_up()
    _rpc(w3, "evm_revert", snapshot)
    actors.resync()
    indexer.catch_up()
    fresh = databases.engine()
    make_indexer(fresh, actors).catch_up()
    assert canonical_dump(engine) == canonical_dump(fresh)


def test_restarted_chain_behind_an_old_database_is_refused(
    tmp_path: Path, artifacts: dict[str, ContractArtifact], databases: Databases
) -> None:
    url = databases.url()
    with LocalNode(data_dir=tmp_path / "first", kind="anvil", port=0) as node:
        first = deploy_actors(Web3(Web3.HTTPProvider(node.url)), artifacts)
        first.bureau.register_resource(record())
        engine = databases.engine(url)
        make_indexer(engine, first).catch_up()
    time.sleep(1.1)  # anvil's genesis differs only by its timestamp (whole seconds)
    with LocalNode(data_dir=tmp_path / "second", kind="anvil", port=0) as node:
        second = deploy_actors(Web3(Web3.HTTPProvider(node.url)), artifacts)
        assert second.admin.deployment.contract("RightsRegistry").address == (
            first.admin.deployment.contract("RightsRegistry").address
        )
        indexer = Indexer(databases.engine(url), second.admin.w3, second.admin.deployment)
        with pytest.raises(ChainMismatchError, match="different or restarted chain"):
            indexer.prepare()
