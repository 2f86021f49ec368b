"""The indexer under faults: a misbehaving RPC endpoint, SIGKILLs during catch-up, and reorgs made
by anvil itself. After each, the mirror equals a clean rebuild (the hash of its canonical dump)
and holds exactly the chain's logs, each once.

Counts scale with the Hypothesis profile (`DATARIGHTS_HYPOTHESIS_PROFILE=soak`: ten times more
fault rounds and kills); the figures are printed.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from eth_utils.address import to_checksum_address
from sqlalchemy import Engine, func, select
from web3 import Web3

from registry import model
from registry.chain.deploy import EVIDENCE
from registry.chain.node import LocalNode
from registry.db.tables import EventLogRow, table_of
from registry.indexer.check import check_mirror, read_only_client
from registry.indexer.commands import index_app
from registry.indexer.indexer import Indexer
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    Databases,
    canonical_digest,
    databases_fixture,  # noqa: F401  (fixture)
    every_event_scenario,
    indexed_block,
    indexed_or_none,
    make_indexer,
    run_indexer_process,
    wait_for_progress,
    write_settings,
)
from tests.integration.rpc_fault_proxy import FaultRates, RpcFaultProxy
from tests.integration.scenario import h, record
from tests.integration.stateful.profiles import profile_name, scaled

pytestmark = pytest.mark.integration

CLIENT_TIMEOUT = 0.4  # seconds; the proxy's timeouts sleep past it
FAULT_MIXES = {
    "http_500": FaultRates(http_500=0.15),
    "timeout": FaultRates(timeout=0.05),
    "truncated": FaultRates(truncated=0.15),
    "rpc_error": FaultRates(rpc_error=0.15),
    "too_many_results": FaultRates(max_log_range=6),
    "all": FaultRates(http_500=0.05, timeout=0.04, truncated=0.05, rpc_error=0.05, max_log_range=6),
}


def chain_log_count(actors: Actors) -> int:
    """The registry's logs on the chain from its deploy block, read straight from the node."""
    deployment = actors.admin.deployment
    addresses = [to_checksum_address(c.address) for c in deployment.contracts.values()]
    logs = actors.admin.w3.eth.get_logs(
        {"fromBlock": deployment.first_block, "toBlock": "latest", "address": addresses}
    )
    return len(logs)


def assert_exact_mirror(engine: Engine, actors: Actors, *, rebuilt: str) -> None:
    """The mirror hashes like a clean rebuild, holds each chain log once, and `index check`
    finds no difference."""
    assert canonical_digest(engine) == rebuilt
    logs = table_of(EventLogRow)
    with engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(logs)).scalar_one()
        identities = select(logs.c.tx_hash, logs.c.log_index).distinct().subquery()
        keys = connection.execute(select(func.count()).select_from(identities)).scalar_one()
    assert rows == keys == chain_log_count(actors)
    client = read_only_client(actors.admin.w3, actors.admin.deployment)
    assert [str(d) for d in check_mirror(engine, client)] == []


def clean_rebuild(databases: Databases, actors: Actors) -> str:
    engine = databases.engine()
    make_indexer(engine, actors, span=1000).catch_up()
    return canonical_digest(engine)


def substantial_scenario(actors: Actors, blocks: int) -> None:
    """Every registry event, then `blocks` more blocks of registrations and anchors."""
    every_event_scenario(actors)
    actors.bureau.register_each([record() for _ in range(blocks // 2)])
    for i in range(blocks - blocks // 2):
        actors.reviewer.anchor(h(f"review {i}"), model.EvidenceType.REVIEW_REPORT)


# ---------------------------------------------------------------- a faulty RPC endpoint


def test_catch_up_through_a_faulty_endpoint_equals_a_clean_rebuild(
    actors: Actors, anvil_node: LocalNode, databases: Databases
) -> None:
    substantial_scenario(actors, blocks=60)
    rebuilt = clean_rebuild(databases, actors)
    injected: Counter[str] = Counter()
    requests = retried = 0
    # Faults are in the RPC layer: every mix on SQLite, the mixed one on PostgreSQL (every mix on
    # both under the soak profile).
    every_mix = databases.kind == "sqlite" or profile_name() == "soak"
    names = list(FAULT_MIXES) if every_mix else ["all"]
    rounds = [(name, seed) for seed in range(scaled(1)) for name in names]
    for name, seed in rounds:
        mirror = Databases(databases.kind, databases.tmp_path)  # dropped after each round
        with RpcFaultProxy(
            anvil_node.url, FAULT_MIXES[name], seed=seed, timeout_sleep=2 * CLIENT_TIMEOUT
        ) as proxy:
            w3 = Web3(Web3.HTTPProvider(proxy.url, request_kwargs={"timeout": CLIENT_TIMEOUT}))
            try:
                indexer = Indexer(mirror.engine(), w3, actors.admin.deployment, span=2, max_span=16)
                indexer.prepare()
                indexer.catch_up()
                assert_exact_mirror(indexer.engine, actors, rebuilt=rebuilt)
            finally:
                mirror.drop_all()
            injected += proxy.injected
            requests += proxy.forwarded + proxy.injected.total()
            retried += indexer.rpc.retried
    kinds = {k for name in names for k, rate in FAULT_MIXES[name].kinds() if rate}
    kinds |= {"too_many_results"} if any(FAULT_MIXES[n].max_log_range for n in names) else set()
    assert set(injected) == kinds, f"faults injected {dict(injected)}, expected each of {kinds}"
    print(
        f"\nfaulty endpoint ({databases.kind}, profile {profile_name()}): {len(rounds)} "
        f"catch-ups, {requests} requests, faults injected {dict(sorted(injected.items()))}, "
        f"{retried} retries; every mirror equal to a clean rebuild"
    )


# ---------------------------------------------------------------- SIGKILL during catch-up


def test_killed_at_random_points_during_catch_up(
    actors: Actors, anvil_node: LocalNode, databases: Databases, tmp_path: Path
) -> None:
    """`index run` killed again and again wherever it is; each restart resumes from its last
    checkpoint. The runs are forked from this process (starting a fresh interpreter costs
    seconds of imports), run the command's own code and die by SIGKILL like any process."""
    kills_wanted = scaled(10)  # per database: 20 in all on SQLite and PostgreSQL
    every_event_scenario(actors)
    actors.bureau.register_each([record() for _ in range(150)])
    url = databases.url()
    env = write_settings(tmp_path, actors.admin.deployment, anvil_node.url, url)
    engine = databases.engine(url)
    client = read_only_client(actors.admin.w3, actors.admin.deployment)
    rng = random.Random(kills_wanted)
    kills, checkpoints = 0, list[int]()
    deployed = max(c.block_number for c in actors.admin.deployment.contracts.values())
    while kills < kills_wanted:
        before = indexed_or_none(engine)
        if before is not None and actors.admin.w3.eth.block_number - before < 20:
            _more_blocks(actors)
            continue
        process = _forked_index_run(env, "run", "--span", "1", "--max-span", "1", "--quiet")
        # `index check` compares at the indexed block: kill only once it is past the deployment,
        # and only once this run has indexed something of its own.
        beyond = max(before or 0, deployed)
        assert wait_for_progress(engine, beyond=beyond, timeout=60), f"stuck at block {beyond}"
        time.sleep(rng.uniform(0.0, 0.3))  # then kill it wherever it is in its next batch
        if not process.is_alive():  # caught up before the kill
            continue
        os.kill(process.pid, signal.SIGKILL)  # type: ignore[arg-type]
        process.join()
        kills += 1
        checkpoints.append(indexed_block(engine))
        assert [str(d) for d in check_mirror(engine, client)] == [], f"after kill {kills}"
    done = run_indexer_process(env, "run", "--quiet")
    assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
    check = run_indexer_process(env, "check")
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0, (out + err).decode()
    assert_exact_mirror(engine, actors, rebuilt=clean_rebuild(databases, actors))
    assert len(set(checkpoints)) == len(checkpoints), f"a run made no progress: {checkpoints}"
    print(
        f"\nSIGKILL during catch-up ({databases.kind}, profile {profile_name()}): {kills} kills "
        f"at checkpoints {checkpoints}; index check clean after each; final mirror equal to a "
        "clean rebuild"
    )


def _more_blocks(actors: Actors) -> None:
    """More to catch up on: a few registrations and many empty blocks (each still a batch of
    its own at span 1, while `index check`, which reads every record, stays quick)."""
    actors.bureau.register_each([record() for _ in range(5)])
    response = actors.admin.w3.provider.make_request("anvil_mine", [40])  # type: ignore[arg-type]
    assert "error" not in response, response


def _forked_index_run(env: dict[str, str], *args: str) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("fork").Process(
        target=_index_command, args=(env, args), daemon=True
    )
    process.start()
    return process


def _index_command(env: dict[str, str], args: tuple[str, ...]) -> None:
    """`datarights index ARGS` in this (forked) process; exits without running the parent's
    clean-up, which would close the database connections the parent still uses."""
    os.environ.update(env)
    code = 0
    try:
        index_app(list(args), standalone_mode=False)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


# ---------------------------------------------------------------- reorgs made by anvil


def _reorg(actors: Actors, depth: int, tag: str) -> None:
    """Replace the last `depth` blocks with new ones holding other anchors (`anvil_reorg`)."""
    reviewer = actors.reviewer
    desk = reviewer.address_of(EVIDENCE)
    txs = []
    for offset in range(depth):
        data = reviewer.encode(
            EVIDENCE,
            "anchor",
            h(f"{tag} replacement {offset}"),
            int(model.EvidenceType.REVIEW_REPORT),
            int(model.SubjectKind.ASSET),
            model.ZERO32,
            "",
        )
        txs.append([{"from": reviewer.account, "to": desk, "data": "0x" + data.hex()}, offset])
    response = reviewer.w3.provider.make_request("anvil_reorg", [depth, txs])  # type: ignore[arg-type]
    assert "error" not in response, response
    actors.resync()


def test_anvil_reorgs_of_depth_1_to_10(actors: Actors, databases: Databases) -> None:
    w3 = actors.admin.w3
    engine = databases.engine()
    indexer = make_indexer(engine, actors, span=3)
    fresh = make_indexer(databases.engine(), actors, span=1000)
    rolled_back = []
    for depth in range(1, 11):
        for i in range(depth + 2):
            actors.reviewer.anchor(h(f"depth {depth} block {i}"), model.EvidenceType.REVIEW_REPORT)
        indexer.catch_up()
        head = w3.eth.block_number
        hashes = [w3.eth.get_block(head - i)["hash"] for i in range(depth + 1)]
        _reorg(actors, depth, f"depth {depth}")
        assert w3.eth.block_number == head
        assert w3.eth.get_block(head - depth)["hash"] == hashes[depth]  # the fork point stays
        assert all(w3.eth.get_block(head - i)["hash"] != hashes[i] for i in range(depth))
        result = indexer.step()
        assert result is not None and result.rolled_back_to is not None
        assert result.rolled_back_to <= head - depth
        rolled_back.append(head - result.rolled_back_to)
        indexer.catch_up()
        fresh.rebuild()
        fresh.catch_up()
        assert_exact_mirror(engine, actors, rebuilt=canonical_digest(fresh.engine))
    print(
        f"\nanvil_reorg ({databases.kind}): depths 1-10, blocks rolled back {rolled_back}; "
        "mirror equal to a rebuild after each"
    )
