"""Indexer benchmark: events indexed from scratch against a floor measured in the same run.

The floor is the least any indexer must do: the same `eth_getLogs` ranges, `eth_abi` decoding and
one `executemany` of the raw values into SQLite. The indexer's figures are printed as ratios to it.
Also measured: peak memory, and the lag of `--follow` while transactions arrive at a fixed rate.

    .venv/bin/python scripts/bench_indexer.py --events 20000 [--postgres URL]
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from web3 import Web3

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.connect import registry_artifacts
from registry.chain.deploy import EVIDENCE, RIGHTS, deploy_registry
from registry.chain.keys import dev_account
from registry.chain.node import LocalNode
from registry.chain.transactions import TxSender
from registry.config import Settings
from registry.db.engine import make_engine
from registry.indexer.events import raw_log
from registry.indexer.fetch import JsonRpc
from registry.indexer.indexer import BatchResult, Indexer

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
        (EVIDENCE, "anchor", (_h(f"doc-{i}"), 2, 0, asset, "uri")) for i in range(n * 6 // 100)
    ]
    bureau.write_many(anchors)


def floor(w3: Web3, indexer: Indexer, ranges: list[tuple[int, int]], db: Path) -> tuple[int, float]:
    """Same getLogs ranges + eth_abi decode + executemany into SQLite; (events, seconds)."""
    rpc = JsonRpc(w3)
    connection = sqlite3.connect(db)
    connection.execute("pragma journal_mode=wal")
    connection.execute(
        "create table logs (block integer, tx text, log_index integer, name text, args text)"
    )
    addresses = indexer.fetcher.addresses
    started, count = time.perf_counter(), 0
    for start, end in ranges:
        logs = rpc.call(
            "eth_getLogs", [{"fromBlock": hex(start), "toBlock": hex(end), "address": addresses}]
        )
        rows = []
        for log in logs:
            e = indexer.decoder.decode(raw_log(log), records=False)
            if e is not None:
                rows.append((e.block_number, e.tx_hash, e.log_index, e.name, repr(e.args)))
        with connection:
            connection.executemany("insert into logs values (?, ?, ?, ?, ?)", rows)
        count += len(rows)
    seconds = time.perf_counter() - started
    connection.close()
    return count, seconds


def run_indexer(w3: Web3, deployment: Any, url: str) -> tuple[int, float, list[tuple[int, int]]]:
    engine = make_engine(url)
    indexer = Indexer(engine, w3, deployment)
    indexer.prepare()
    ranges: list[tuple[int, int]] = []
    events = 0

    def on_batch(result: BatchResult) -> None:
        nonlocal events
        ranges.append((result.first, result.last))
        events += result.events

    started = time.perf_counter()
    indexer.catch_up(on_batch)
    seconds = time.perf_counter() - started
    engine.dispose()
    return events, seconds, ranges


def follow_lag(
    w3: Web3, bureau: RegistryClient, deployment: Any, url: str, rate: int, seconds: float
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _postgres_url(base: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as c:
        c.execute(text(f'create schema "{schema}"'))

    def drop() -> None:
        with admin.begin() as c:
            c.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()

    return f"{base}?options=-csearch_path%3D{schema}", drop


def _line(label: str, events: int, seconds: float, floor_rate: float | None = None) -> str:
    rate = events / seconds
    ratio = f"; {rate / floor_rate:.2f}x the floor" if floor_rate else ""
    return f"{label:<17}: {events} events in {seconds:.2f}s = {rate:,.0f} ev/s{ratio}"


def _measure(w3: Web3, deployment: Any, tmp: str, args: argparse.Namespace) -> None:
    events, seconds, ranges = run_indexer(w3, deployment, f"sqlite:///{tmp}/mirror.db")
    print(f"peak RSS after the SQLite run: {peak_mb():.0f} MB")
    probe = Indexer(make_engine("sqlite://"), w3, deployment)
    f_events, f_seconds = floor(w3, probe, ranges, Path(tmp) / "floor.db")
    f_rate = f_events / f_seconds
    print(_line("floor", f_events, f_seconds))
    print(_line("indexer sqlite", events, seconds, f_rate) + " (target >= 0.67)")
    if not args.no_postgres:
        url, drop = _postgres_url(args.postgres)
        try:
            pg_events, pg_seconds, _ = run_indexer(w3, deployment, url)
        finally:
            drop()
        print(_line("indexer postgres", pg_events, pg_seconds, f_rate) + " (target >= 0.5)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--rate", type=int, default=100, help="follow mode: transactions per second"
    )
    parser.add_argument("--follow-seconds", type=float, default=10.0)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalNode(data_dir=Path(tmp), kind="anvil", port=0) as node,
    ):
        w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 120}))
        bureau, operator, cert = _setup(w3, Settings(data_dir=Path(tmp) / "data"))
        started = time.perf_counter()
        generate(w3, bureau, operator, cert, args.events)
        print(
            f"chain: {time.perf_counter() - started:.1f}s to generate, head {w3.eth.block_number}"
        )
        _measure(w3, bureau.deployment, tmp, args)
        url = f"sqlite:///{tmp}/mirror.db"
        lags = follow_lag(w3, bureau, bureau.deployment, url, args.rate, args.follow_seconds)
        p50, worst = statistics.median(lags), max(lags)
        print(f"follow at {args.rate} tx/s: lag p50 {p50:.3f}s, max {worst:.3f}s ({len(lags)} txs)")
        print(f"peak RSS: {peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
