"""The indexer process killed (SIGKILL) at arbitrary points and restarted: the mirror stays exact.

Also: a second indexer on the same database refuses to start, and `index check` runs as a command.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from registry.chain.node import LocalNode
from registry.db.lock import WriterLock, WriterLockHeld
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    Databases,
    canonical_dump,
    databases_fixture,  # noqa: F401  (fixture)
    every_event_scenario,
    indexed_block,
    indexed_or_none,
    make_indexer,
    run_indexer_process,
    wait_for_progress,
    write_settings,
)
from tests.integration.scenario import record


def test_killed_mid_batch_and_restarted_then_check_is_clean(
    actors: Actors, anvil_node: LocalNode, databases: Databases, tmp_path: Path
) -> None:
    every_event_scenario(actors)
    for _ in range(30):
        actors.bureau.register_resources([record() for _ in range(20)])
    url = databases.url()
    env = write_settings(tmp_path, actors.admin.deployment, anvil_node.url, url)
    engine = databases.engine(url)
    rng = random.Random(7)
    progress: list[int] = []
    for _ in range(6):
        process = run_indexer_process(env, "run", "--span", "1", "--max-span", "1", "--quiet")
        wait_for_progress(engine, beyond=progress[-1] if progress else None)
        time.sleep(rng.uniform(0.0, 0.3))  # then kill it wherever it is in its next batch
        process.send_signal(signal.SIGKILL)
        process.wait()
        progress.append(indexed_or_none(engine))
    done = run_indexer_process(env, "run", "--quiet")
    assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
    check = run_indexer_process(env, "check")
    out, err = check.communicate(timeout=120)
    assert check.returncode == 0, (out + err).decode()
    assert b"mirror equals the chain" in out
    fresh = databases.engine()
    make_indexer(fresh, actors, span=1000).catch_up()
    assert canonical_dump(engine) == canonical_dump(fresh)
    final = indexed_block(engine)
    partial = [p for p in progress if p is not None and p < final]
    assert partial, f"no run was killed part-way: {progress} (final {final})"


def test_second_writer_is_refused(actors: Actors, databases: Databases) -> None:
    engine = databases.engine()
    make_indexer(engine, actors)
    with WriterLock(engine), pytest.raises(WriterLockHeld):
        WriterLock(
            databases.engine(str(engine.url.render_as_string(hide_password=False)))
        ).acquire()
    with WriterLock(engine):  # released with the first holder
        pass


def test_check_reports_a_tampered_mirror(
    actors: Actors, anvil_node: LocalNode, databases: Databases, tmp_path: Path
) -> None:
    from sqlalchemy import update

    from registry.db.tables import AssetRow

    actors.bureau.register_resource(record())
    url = databases.url()
    env = write_settings(tmp_path, actors.admin.deployment, anvil_node.url, url)
    engine = databases.engine(url)
    make_indexer(engine, actors).catch_up()
    with engine.begin() as connection:
        connection.execute(update(AssetRow).values(status=3))
    check = run_indexer_process(env, "check")
    out, _ = check.communicate(timeout=120)
    assert check.returncode == 1
    assert b"status mirror=3 chain=1" in out
