"""Lineage benchmark: traces on a generated DAG (1M assets by default) beside a bare recursive CTE.

The mirror is generated straight into the tables (`registry.bench.dag`), on SQLite by default or
on PostgreSQL with `--database-url`, and kept between runs (`--reuse`). From a sample of start
assets (half products, half any asset, so depths are mixed) it times, interleaved:

* `registry.lineage.trace(...)` up and down to `--depth` edges, a fresh session per trace (as an
  API request has): the walk, the nodes with derived taint, every edge's authorization with its
  status at the derivation block and now;
* the floor: one bare recursive CTE answering the same reachability question (which assets lie
  within the depth, and how far), sent through the driver's cursor on the same database;
* `GET /assets/{id}/lineage` through the API (TestClient, same database), on fewer starts.

Then p50 and p99 of each and p99(trace) / p99(bare) against the targets (at most 2x, 50 ms).
The taint closure and the potential closure are computed once before timing (cold figures
printed): afterwards they are remembered for the checkpoint, as in a running service.

    .venv/bin/python scripts/bench_lineage.py [--assets 1000000] [--reuse] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from fastapi.testclient import TestClient
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.app import create_app
from registry import model
from registry.bench.dag import DagShape, generated_mirror
from registry.config import Settings
from registry.db.tables import AssetRow, table_of
from registry.indexer.derived import Taint, taint_closure
from registry.lineage import Direction, trace

T = TypeVar("T")
RATIO_TARGET = 2.0
ABSOLUTE_TARGET_MS = 50.0

_BARE = """
WITH RECURSIVE walk(node, depth) AS (
    SELECT CAST({p} AS VARCHAR), 0
    UNION
    SELECT e.{far}, w.depth + 1 FROM walk w JOIN lineage_edges e ON e.{near} = w.node
    WHERE e.to_block IS NULL AND w.depth < {p}
)
SELECT node, MIN(depth) FROM walk GROUP BY node
"""


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile `q` (0-100) of `values`."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass(frozen=True)
class Latencies:
    """Seconds per call of one measured path."""

    name: str
    seconds: tuple[float, ...]

    def ms(self, q: float) -> float:
        """The percentile `q` in milliseconds."""
        return percentile(self.seconds, q) * 1e3


def bare_query(engine: Engine, *, up: bool) -> str:
    """The floor's SQL in the driver's placeholders."""
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    near, far = ("product", "input_asset") if up else ("input_asset", "product")
    return _BARE.format(p=marker, near=near, far=far)


def sample_starts(engine: Engine, count: int, rng: random.Random) -> list[str]:
    """`count` start assets: half of them products, half any asset, in random order."""
    t = table_of(AssetRow)
    current = t.c.to_block.is_(None)
    with Session(engine) as session:
        total = session.scalar(select(func.max(t.c.sequence))) or 0
        # Each asset drawn goes to one half or the other by a coin toss, so the second half is
        # an unbiased sample of all assets.
        products: dict[str, None] = {}
        anything: dict[str, None] = {}
        while len(products) < count // 2 or len(anything) < count - count // 2:
            sequences = [rng.randint(1, total) for _ in range(count)]
            query = select(t.c.asset, t.c.kind).where(current, t.c.sequence.in_(sequences))
            for row in session.execute(query):
                if rng.random() < 0.5:
                    anything.setdefault(row.asset)
                elif row.kind == model.AssetKind.PRODUCT:
                    products.setdefault(row.asset)
    starts = list(products)[: count // 2]
    starts += [a for a in anything if a not in products][: count - len(starts)]
    rng.shuffle(starts)
    return starts


def measure_traces(
    engine: Engine, starts: Sequence[str], *, up: bool, depth: int
) -> tuple[Latencies, Latencies, list[int]]:
    """Trace and bare CTE from every start, interleaved; and each trace's edge count."""
    direction: Direction = "up" if up else "down"
    sql = bare_query(engine, up=up)
    traced: list[float] = []
    bare: list[float] = []
    edges: list[int] = []
    raw = engine.raw_connection()
    try:
        for asset in starts:
            started = time.perf_counter()
            with Session(engine) as session:
                graph = trace(session, asset, direction=direction, depth=depth)
            traced.append(time.perf_counter() - started)
            edges.append(len(graph.edges))
            cursor = raw.cursor()
            started = time.perf_counter()
            cursor.execute(sql, (asset, depth))
            cursor.fetchall()
            bare.append(time.perf_counter() - started)
            cursor.close()
            raw.rollback()
    finally:
        raw.close()
    return (
        Latencies(f"trace {direction}", tuple(traced)),
        Latencies(f"bare CTE {direction}", tuple(bare)),
        edges,
    )


def measure_api(engine: Engine, starts: Sequence[str], *, depth: int) -> Latencies:
    """`GET /assets/{id}/lineage` (upstream) through the application, from each start."""
    seconds: list[float] = []
    with TestClient(create_app(Settings(), engine=engine)) as client:
        for asset in starts:
            started = time.perf_counter()
            response = client.get(f"/assets/{asset}/lineage", params={"depth": depth})
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
    return Latencies("GET /assets/{id}/lineage up", tuple(seconds))


def timed(run: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = run()
    return value, time.perf_counter() - started


def add_mirror_arguments(parser: argparse.ArgumentParser) -> None:
    """The options naming the generated mirror (what `prepared_mirror` reads)."""
    parser.add_argument("--assets", type=int, default=1_000_000, help="size of the DAG")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="reuse a mirror generated before")
    parser.add_argument(
        "--cache-dir", type=Path, default=Settings().data_dir / "bench", help="SQLite files"
    )


def prepared_mirror(args: argparse.Namespace, console: Console) -> Engine:
    """The generated mirror the arguments name (assets, seed, database, cache, reuse)."""
    shape = DagShape(assets=args.assets, seed=args.seed)
    columns = (TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("assets", total=shape.assets)
        (engine, generated), took = timed(
            lambda: generated_mirror(
                shape,
                database_url=args.database_url,
                cache_dir=args.cache_dir,
                reuse=args.reuse,
                on_chunk=lambda n: progress.advance(task, n),
            )
        )
    what = f"generated in {took:.0f} s" if generated else "reused"
    console.print(f"mirror {shape.key()} ({engine.dialect.name}): {what}")
    return engine


def _cold_closures(engine: Engine, console: Console) -> None:
    with Session(engine) as session:
        closure, took = timed(lambda: taint_closure(session))
        console.print(
            f"taint closure at the indexed block: {len(closure.products):,} products, "
            f"{len(closure.rights):,} rights, {took * 1e3:.0f} ms cold"
        )
        taint = Taint(session)
        _, took = timed(lambda: taint.tainted(next(iter(closure.products), ""), 1))
        console.print(f"potential closure (for past blocks): {took * 1e3:.0f} ms cold")


def _report(console: Console, rows: list[tuple[Latencies, Latencies, list[int]]]) -> None:
    table = Table(title="lineage traces (ms)")
    for column in ("path", "p50", "p99", "edges p50 / p99", "p99 / bare p99", "targets"):
        table.add_column(column, justify="left" if column == "path" else "right")
    for traced, bare, edges in rows:
        spread = f"{percentile(edges, 50):.0f} / {percentile(edges, 99):.0f}"
        ratio = traced.ms(99) / bare.ms(99)
        met = (ratio <= RATIO_TARGET, traced.ms(99) <= ABSOLUTE_TARGET_MS)
        verdict = f"≤{RATIO_TARGET:g}x {_yes(met[0])}, ≤{ABSOLUTE_TARGET_MS:g} ms {_yes(met[1])}"
        table.add_row(traced.name, *_ms(traced), spread, f"{ratio:.1f}x", verdict)
        table.add_row(bare.name, *_ms(bare), "", "", "")
    console.print(table)


def _ms(latencies: Latencies) -> tuple[str, str]:
    return f"{latencies.ms(50):.2f}", f"{latencies.ms(99):.2f}"


def _yes(met: bool) -> str:
    return "met" if met else "missed"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_mirror_arguments(parser)
    parser.add_argument("--samples", type=int, default=500, help="start assets")
    parser.add_argument("--api-samples", type=int, default=100, help="starts through the API")
    parser.add_argument("--depth", type=int, default=10)
    args = parser.parse_args(argv)
    console = Console()
    engine = prepared_mirror(args, console)
    _cold_closures(engine, console)
    starts = sample_starts(engine, args.samples, random.Random(args.seed))
    measure_traces(engine, starts[:20], up=True, depth=args.depth)  # warm the caches
    rows = [measure_traces(engine, starts, up=up, depth=args.depth) for up in (True, False)]
    _report(console, rows)
    api = measure_api(engine, starts[: args.api_samples], depth=args.depth)
    p50, p99 = _ms(api)
    console.print(f"{api.name}: p50 {p50} ms, p99 {p99} ms over {len(api.seconds)} starts")
    engine.dispose()
    return 0
