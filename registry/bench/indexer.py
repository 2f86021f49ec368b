"""Indexer benchmark: events indexed from scratch against a floor measured in the same run.

The floor is the least any indexer must do: the same `eth_getLogs` ranges, `eth_abi` decoding and
one `executemany` of the raw values into SQLite. The indexer's figures are printed as ratios to it.

The chain is generated once, in rounds of N events; the block where each round ends is noted, and
every prefix (N, 2N, ... events) is indexed from scratch into a fresh database. Each indexing runs
in a child process of its own, so its peak memory (`VmHWM`) is the indexer's alone, not the
benchmark's (which generated the chain). Last, the lag of `--follow` while transactions arrive at
a fixed rate.

    .venv/bin/python scripts/bench_indexer.py --events 20000 --rounds 3 [--postgres URL]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from web3 import Web3

from registry import model
from registry.chain import deployments
from registry.chain.client import RegistryClient
from registry.chain.connect import registry_artifacts
from registry.chain.deploy import EVIDENCE, RIGHTS, deploy_registry
from registry.chain.deployments import Deployment
from registry.chain.keys import dev_account
from registry.chain.node import LocalNode
from registry.chain.transactions import TxSender
from registry.config import Settings
from registry.db.engine import make_engine
from registry.events.decoder import EventDecoder
from registry.indexer.events import decode_log, raw_log
from registry.indexer.fetch import JsonRpc
from registry.indexer.indexer import BatchResult, Indexer

SQLITE_TARGET = 0.67
POSTGRES_TARGET = 0.5
YEAR = 365 * 86400
_counter = iter(range(10**9))


def _h(text_: str) -> bytes:
    return hashlib.sha256(text_.encode()).digest()


def _record() -> model.AssetRecord:
    n = next(_counter)
    return model.AssetRecord(
        _h(f"bench-{n}"), _h(f"root-{n}"), 4, model.LeafMode.CHUNKS, _h(f"meta-{n}"),
        "ipfs://bench", model.Category.ENTERPRISE, model.Grade.GENERAL,
        model.OpenClass.NOT_APPLICABLE, 54, 86400,
    )  # fmt: skip


def _setup(w3: Web3, settings: Settings) -> tuple[RegistryClient, RegistryClient, int]:
    admin_sender = TxSender(w3, dev_account(0))
    deployment = deploy_registry(admin_sender, registry_artifacts(settings))
    deployments.save(settings, deployment)
    admin = RegistryClient(admin_sender, deployment)
    bureau = admin.acting_as(TxSender(w3, dev_account(3)))
    operator = admin.acting_as(TxSender(w3, dev_account(4)))
    for client, kind in (
        (bureau, model.PartyKind.GOVERNMENT),
        (operator, model.PartyKind.ENTERPRISE),
    ):
        admin.admit_party(client.account, kind, _h(client.account))
    asset = bureau.register_resource(_record()).id
    cert = bureau.apply_for_certificate(asset, model.Right.HOLDING).id
    w3.provider.make_request("evm_increaseTime", [11 * 86400])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    admin.issue_certificate(cert, 0)
    return bureau, operator, int(cert)


def _terms(grantee: str, cert: int, now: int) -> tuple[Any, ...]:
    return model.GrantTerms(
        model.AuthKind.CERTIFICATE, cert, grantee, model.Right.PROCESSING, _h("p"), _h("s"),
        _h("scope"), _h("sec"), now, now + YEAR, model.EndOfTerm.DELETE, False, True, "uri",
    ).to_abi()  # fmt: skip


def generate(w3: Web3, bureau: RegistryClient, operator: RegistryClient, cert: int, n: int) -> None:
    """About `n` events: 80% bulk registrations, 8% grants, 6% derivations, 6% evidence."""
    now = int(w3.eth.get_block("latest")["timestamp"])
    asset = bureau.certificate(cert).asset
    grants = [
        (RIGHTS, "grant", (_terms(operator.account, cert, now),)) for _ in range(n * 8 // 100)
    ]
    results = bureau.write_many(grants)
    grant_ids = [r.event("GrantIssued")["grantId"] for r in results]
    del results
    bureau.register_resources([_record() for _ in range(n * 80 // 100)], per_tx=256)
    products = [
        (
            RIGHTS,
            "registerProduct",
            (_record().to_abi(), [(asset, 1, grant_ids[i % len(grant_ids)])]),
        )
        for i in range(n * 3 // 100)
    ]
    operator.write_many(products)
    anchors = [
        (EVIDENCE, "anchor", (_h(f"doc-{next(_counter)}"), 2, 0, asset, "uri"))
        for _ in range(n * 6 // 100)
    ]
    bureau.write_many(anchors)


# ---------------------------------------------------------------- the floor


def floor(
    w3: Web3,
    deployment: Deployment,
    ranges: list[tuple[int, int]],
    db: Path,
    *,
    indexer_decode: bool = False,
) -> tuple[int, float]:
    """Same getLogs ranges + eth_abi decode + executemany into SQLite; (events, seconds).

    The decode is `EventDecoder.decode(records=False)`, one `eth_abi` call per indexed topic;
    with `indexer_decode`, the indexer's own `decode_log` (the topics in one call).
    """
    rpc = JsonRpc(w3)
    decoder = EventDecoder(c.abi for c in deployment.contracts.values())
    addresses = [c.address.lower() for c in deployment.contracts.values()]
    db.unlink(missing_ok=True)
    connection = sqlite3.connect(db)
    connection.execute("pragma journal_mode=wal")
    connection.execute(
        "create table logs (block integer, tx text, log_index integer, name text, args text)"
    )
    started, count = time.perf_counter(), 0
    for start, end in ranges:
        logs = rpc.call(
            "eth_getLogs", [{"fromBlock": hex(start), "toBlock": hex(end), "address": addresses}]
        )
        rows = []
        for log in logs:
            if indexer_decode:
                ev = decode_log(decoder, log, {})
                if ev is not None:
                    rows.append((ev.block, ev.tx_hash, ev.log_index, ev.name, repr(ev.args)))
                continue
            e = decoder.decode(raw_log(log), records=False)
            if e is not None:
                rows.append((e.block_number, e.tx_hash, e.log_index, e.name, repr(e.args)))
        with connection:
            connection.executemany("insert into logs values (?, ?, ?, ?, ?)", rows)
        count += len(rows)
    seconds = time.perf_counter() - started
    connection.close()
    return count, seconds


# ---------------------------------------------------------------- the indexer, in a child process


@dataclass(frozen=True)
class IndexRun:
    """One indexing from scratch, as measured by the child process that did it."""

    events: int
    seconds: float
    ranges: list[tuple[int, int]]
    startup_kb: int  # VmHWM after imports, connection and schema migration
    peak_kb: int  # VmHWM at the end


def _vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _child(argv: list[str]) -> int:
    """Index `--until` into `--db` and print the measurements as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rpc", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--until", type=int, required=True)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    w3 = Web3(Web3.HTTPProvider(args.rpc, request_kwargs={"timeout": 120}))
    deployment = deployments.load(Settings(data_dir=args.data_dir), w3)
    engine = make_engine(args.db)
    indexer = Indexer(engine, w3, deployment, until=args.until)
    indexer.prepare()
    startup_kb = _vm_hwm_kb()
    ranges: list[tuple[int, int]] = []
    events = 0

    def on_batch(result: BatchResult) -> None:
        nonlocal events
        ranges.append((result.first, result.last))
        events += result.events

    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    indexer.catch_up(on_batch)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.dump_stats(args.profile)
    engine.dispose()
    report = {
        "events": events,
        "seconds": seconds,
        "ranges": ranges,
        "startup_kb": startup_kb,
        "peak_kb": _vm_hwm_kb(),
    }
    print(json.dumps(report))
    return 0


def index_in_child(
    url: str, data_dir: Path, db: str, until: int, profile: Path | None = None
) -> IndexRun:
    command = [sys.executable, "-m", "registry.bench.indexer", "--rpc", url]
    command += ["--data-dir", str(data_dir), "--db", db, "--until", str(until)]
    if profile is not None:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return IndexRun(
        events=report["events"],
        seconds=report["seconds"],
        ranges=[(a, b) for a, b in report["ranges"]],
        startup_kb=report["startup_kb"],
        peak_kb=report["peak_kb"],
    )


# ---------------------------------------------------------------- follow mode


def follow_lag(
    w3: Web3, bureau: RegistryClient, deployment: Deployment, url: str, rate: int, seconds: float
) -> list[float]:
    """Seconds from each transaction's receipt to the follower having indexed its block."""
    engine = make_engine(url)
    indexer = Indexer(engine, w3, deployment)
    indexer.prepare()
    indexer.catch_up()
    indexed: list[tuple[int, float]] = []
    stop = threading.Event()
    follower = threading.Thread(
        target=indexer.follow,
        kwargs={
            "on_batch": lambda r: indexed.append((r.last, time.monotonic())),
            "poll": 0.02,
            "should_stop": stop.is_set,
        },
    )
    follower.start()
    mined = _send_at_rate(bureau, rate, seconds)
    time.sleep(2.0)
    stop.set()
    follower.join()
    engine.dispose()
    return [next((t for last, t in indexed if last >= b), float("inf")) - at for b, at in mined]


def _send_at_rate(bureau: RegistryClient, rate: int, seconds: float) -> list[tuple[int, float]]:
    mined: list[tuple[int, float]] = []
    interval, started = 1.0 / rate, time.monotonic()
    for i in range(int(rate * seconds)):
        due = started + i * interval
        time.sleep(max(0.0, due - time.monotonic()))
        result = bureau.anchor(_h(f"follow-{i}-{uuid.uuid4()}"), model.EvidenceType.USAGE_LOG)
        mined.append((result.block_number, time.monotonic()))
    return mined


# ---------------------------------------------------------------- the run


@contextmanager
def _postgres_schema(base: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as c:
        c.execute(text(f'create schema "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def _line(label: str, events: int, seconds: float, floor_rate: float | None = None) -> str:
    rate = events / seconds
    ratio = f"; {rate / floor_rate:.2f}x the floor" if floor_rate else ""
    return f"{label:<17}: {events} events in {seconds:.2f}s = {rate:,.0f} ev/s{ratio}"


def _verdict(ratio: float, target: float) -> str:
    return f"(target >= {target}: {'meets' if ratio >= target else 'misses'})"


@dataclass(frozen=True)
class _Size:
    events: int
    block: int
    sqlite: IndexRun
    postgres: IndexRun | None


def _measure_prefix(
    w3: Web3,
    node_url: str,
    deployment: Deployment,
    tmp: Path,
    block: int,
    args: argparse.Namespace,
    say: Callable[[str], None],
) -> _Size:
    data_dir = tmp / "data"
    lite = index_in_child(node_url, data_dir, f"sqlite:///{tmp}/prefix-{block}.db", block)
    f_events, f_seconds = floor(w3, deployment, lite.ranges, tmp / "floor.db")
    if f_events != lite.events:
        raise RuntimeError(f"the floor saw {f_events} events, the indexer {lite.events}")
    _, own_seconds = floor(w3, deployment, lite.ranges, tmp / "floor.db", indexer_decode=True)
    f_rate, own_rate = f_events / f_seconds, f_events / own_seconds
    say(f"-- blocks up to {block} ({len(lite.ranges)} ranges)")
    say(_line("floor", f_events, f_seconds))
    say(_line("floor, own decode", f_events, own_seconds) + " (the indexer's decode_log)")
    runs = [("indexer sqlite", lite, SQLITE_TARGET)]
    pg: IndexRun | None = None
    if not args.no_postgres:
        with _postgres_schema(args.postgres) as url:
            pg = index_in_child(node_url, data_dir, url, block)
        runs.append(("indexer postgres", pg, POSTGRES_TARGET))
    for label, run, target in runs:
        ratio = run.events / run.seconds / f_rate
        own = run.events / run.seconds / own_rate
        say(
            f"{_line(label, run.events, run.seconds, f_rate)} {_verdict(ratio, target)}; "
            f"{own:.2f}x the own-decode floor"
        )
    return _Size(lite.events, block, lite, pg)


def _memory_table(sizes: list[_Size]) -> list[str]:
    lines = [
        "indexer child process peak RSS (VmHWM), MB:",
        f"{'events':>8} {'blocks':>7}  {'sqlite start':>12} {'sqlite peak':>11}"
        f"  {'pg start':>8} {'pg peak':>7}",
    ]
    for s in sizes:
        pg_start = f"{s.postgres.startup_kb / 1024:8.0f}" if s.postgres else f"{'-':>8}"
        pg_peak = f"{s.postgres.peak_kb / 1024:7.0f}" if s.postgres else f"{'-':>7}"
        lines.append(
            f"{s.events:>8} {s.block:>7}  {s.sqlite.startup_kb / 1024:12.0f}"
            f" {s.sqlite.peak_kb / 1024:11.0f}  {pg_start} {pg_peak}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000, help="events per round")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of --events; every prefix is indexed"
    )
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--rate", type=int, default=100, help="follow mode: transactions per second"
    )
    parser.add_argument("--follow-seconds", type=float, default=10.0)
    parser.add_argument(
        "--profile", type=Path, help="also write a cProfile of the first SQLite indexing here"
    )
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        LocalNode(data_dir=Path(tmp_name), kind="anvil", port=0) as node,
    ):
        tmp = Path(tmp_name)
        w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 120}))
        bureau, operator, cert = _setup(w3, Settings(data_dir=tmp / "data"))
        ends: list[int] = []
        for round_ in range(args.rounds):
            started = time.perf_counter()
            generate(w3, bureau, operator, cert, args.events)
            ends.append(w3.eth.block_number)
            took = time.perf_counter() - started
            print(f"chain round {round_ + 1}: {took:.1f}s to generate, head {ends[-1]}", flush=True)
        if args.profile is not None:
            index_in_child(
                node.url, tmp / "data", f"sqlite:///{tmp}/profile.db", ends[0], args.profile
            )
            print(f"profile of the SQLite indexing up to block {ends[0]}: {args.profile}")
        sizes = [
            _measure_prefix(w3, node.url, bureau.deployment, tmp, end, args, print) for end in ends
        ]
        print("\n".join(_memory_table(sizes)))
        url = f"sqlite:///{tmp}/prefix-{ends[-1]}.db"
        lags = follow_lag(w3, bureau, bureau.deployment, url, args.rate, args.follow_seconds)
        p50, worst = statistics.median(lags), max(lags)
        print(f"follow at {args.rate} tx/s: lag p50 {p50:.3f}s, max {worst:.3f}s ({len(lags)} txs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
