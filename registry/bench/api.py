"""API benchmark: `GET /assets/{id}` beside a bare FastAPI endpoint, both served by uvicorn.

Our application (`api.main:app_from_env`, what `datarights serve` runs) reads the generated mirror
of `registry.bench.dag` (the lineage benchmark's 1M-asset one by default; `--reuse` keeps it
between runs). The floor is a FastAPI app with one synchronous endpoint of the same path shape
that returns a fixed JSON body: one of our real answers, read once, so both send the same bytes.

Each app runs in a uvicorn process of its own pinned to one core, while this process, pinned to
the other, drives it with an httpx async client holding `--connections` connections for
`--seconds` (after a warm-up), cycling through a sample of asset ids. Reported: requests per
second, p50 and p99 latency of each, and the throughput ratio (target at least 0.5). `--profile`
instead profiles the route's own work in-process and prints where the time goes.

    .venv/bin/python scripts/bench_api.py [--reuse] [--connections 16] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.main import FACTORY
from api.routers.assets import get_asset
from registry.bench.lineage import (
    Latencies,
    add_mirror_arguments,
    prepared_mirror,
    sample_starts,
)

TARGET = 0.5
FIXED_BODY_ENV = "DATARIGHTS_BENCH_FIXED_BODY"
BARE_FACTORY = "registry.bench.api:bare_app"
_READY_SECONDS = 120.0


def bare_app() -> FastAPI:
    """The floor: one endpoint answering every asset id with the same JSON body (a factory)."""
    body = json.loads(Path(os.environ[FIXED_BODY_ENV]).read_text())
    app = FastAPI()

    @app.get("/assets/{asset}")
    def fixed(asset: str) -> dict[str, Any]:
        return dict(body)

    return app


@dataclass(frozen=True)
class Load:
    """What one app answered under load."""

    name: str
    answered: int
    failed: int
    seconds: float
    latencies: Latencies

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(factory: str, env: dict[str, str], *, core: int | None) -> Iterator[str]:
    """A uvicorn process serving `factory` on a free port (pinned to `core`); its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env={**os.environ, **env})
    try:
        if core is not None:
            os.sched_setaffinity(process.pid, {core})
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(url: str, process_hint: str) -> None:
    deadline = time.monotonic() + _READY_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process_hint} did not answer {url} within {_READY_SECONDS:.0f} s")


async def _drive(base: str, paths: Sequence[str], *, connections: int, seconds: float) -> Load:
    latencies: list[float] = []
    failed = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        deadline = time.perf_counter() + seconds

        async def worker(first: int) -> None:
            nonlocal failed
            index = first
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(paths[index % len(paths)])
                latencies.append(time.perf_counter() - started)
                failed += response.status_code != 200
                index += connections

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        took = time.perf_counter() - started
    return Load(base, len(latencies) - failed, failed, took, Latencies(base, tuple(latencies)))


def drive(
    name: str, base: str, paths: Sequence[str], *, connections: int, seconds: float, warmup: float
) -> Load:
    """Warm up, then load `base` with `connections` concurrent connections for `seconds`."""
    asyncio.run(_drive(base, paths, connections=connections, seconds=warmup))
    load = asyncio.run(_drive(base, paths, connections=connections, seconds=seconds))
    return Load(name, load.answered, load.failed, load.seconds, load.latencies)


def profile_route(engine: Engine, assets: Sequence[str], console: Console) -> None:
    """Where the route's own work goes: `get_asset` and its serialization, in-process (what the
    framework adds around it is what the bare endpoint measures)."""

    def answer(asset: str) -> None:
        with Session(engine) as session:
            get_asset(session, asset).model_dump_json()

    for asset in assets[:20]:
        answer(asset)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    for asset in assets:
        answer(asset)
    plain = (time.perf_counter() - started) / len(assets)
    profiler.enable()
    for asset in assets:
        answer(asset)
    profiler.disable()
    console.print(f"GET /assets/{{id}}'s own work in-process: {plain * 1e3:.2f} ms each")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(40)


def _report(console: Console, ours: Load, bare: Load, connections: int) -> None:
    table = Table(title=f"GET /assets/{{id}} under load ({connections} connections)")
    for column in ("app", "requests/s", "p50 ms", "p99 ms", "failed"):
        table.add_column(column, justify="left" if column == "app" else "right")
    for load in (ours, bare):
        table.add_row(
            load.name, f"{load.per_second:.0f}", f"{load.latencies.ms(50):.2f}",
            f"{load.latencies.ms(99):.2f}", str(load.failed),
        )  # fmt: skip
    console.print(table)
    ratio = ours.per_second / bare.per_second
    verdict = "met" if ratio >= TARGET else "missed"
    console.print(f"throughput {ratio:.2f}x the bare endpoint (target ≥ {TARGET}x: {verdict})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_mirror_arguments(parser)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--samples", type=int, default=1000, help="asset ids cycled through")
    parser.add_argument("--profile", action="store_true", help="profile the route in-process")
    args = parser.parse_args(argv)
    console = Console()
    engine = prepared_mirror(args, console)
    url = engine.url.render_as_string(hide_password=False)
    assets = sample_starts(engine, args.samples, random.Random(args.seed))
    paths = [f"/assets/{a}" for a in assets]
    if args.profile:
        profile_route(engine, assets, console)
        return 0
    engine.dispose()
    env = {"DATARIGHTS_DATABASE_URL": url, "DATARIGHTS_LOG_LEVEL": "WARNING"}
    cores = sorted(os.sched_getaffinity(0))
    server_core = cores[-1] if len(cores) > 1 else None
    if server_core is not None:
        os.sched_setaffinity(0, set(cores[:-1]))
    options = {"connections": args.connections, "seconds": args.seconds, "warmup": args.warmup}
    with served(FACTORY, env, core=server_core) as base:
        wait_ready(base + paths[0], "the registry API")
        body = httpx.get(base + paths[0], timeout=60).content
        ours = drive("registry API", base, paths, **options)
    with tempfile.TemporaryDirectory() as tmp:
        fixed = Path(tmp) / "body.json"
        fixed.write_bytes(body)
        with served(BARE_FACTORY, {**env, FIXED_BODY_ENV: str(fixed)}, core=server_core) as base:
            wait_ready(base + paths[0], "the bare app")
            bare = drive("bare FastAPI", base, paths, **options)
    _report(console, ours, bare, args.connections)
    console.print(f"both answered with {len(body):,}-byte bodies")
    return 0
