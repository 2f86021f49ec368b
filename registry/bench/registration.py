"""Registration throughput through the client, beside a raw-send floor measured on the same chain.

The floor is what the node does with no client around it: the same `registerResource` calls,
signed up front with the same key and consecutive nonces, sent one `eth_sendRawTransaction`
per HTTP request, then all receipts fetched. Only ratios measured in one run mean anything on
a shared machine; the absolute figures move with the load.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint

from registry import model
from registry.bench import (
    HOLDER,
    asset_record,
    contract_artifacts,
    contracts_revision,
    deploy_parties,
    local_chain,
    rpc,
)
from registry.chain.client import RegistryClient
from registry.chain.deploy import RIGHTS
from registry.chain.keys import dev_account
from registry.errors import ChainError

SINGLE_TARGET = 0.8  # single-registration rate / raw floor
BULK_TARGET = 2_000  # assets per second
RECEIPT_BATCH = 200
_PRIORITY_FEE = 10**9


@dataclass(frozen=True)
class Rate:
    """How many assets one path registered, in how many transactions and seconds."""

    path: str
    assets: int
    transactions: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.assets / self.seconds


def timed(path: str, assets: int, transactions: int, run: Callable[[], object]) -> Rate:
    started = time.perf_counter()
    run()
    return Rate(path, assets, transactions, time.perf_counter() - started)


def raw_floor(
    client: RegistryClient, key: LocalAccount, records: Sequence[model.AssetRecord]
) -> Rate:
    """Pre-signed `registerResource` transactions, one HTTP request each, then all receipts."""
    raw = presign(client, key, records)
    w3 = client.w3

    def send_and_wait() -> None:
        hashes = [rpc(w3, "eth_sendRawTransaction", ["0x" + tx.hex()]) for tx in raw]
        wait_for_success(w3, hashes)

    rate = timed("raw floor: pre-signed, 1 request per tx", len(raw), len(raw), send_and_wait)
    client.sender.resync_nonce()  # the nonces were used behind the sender's back
    return rate


def presign(
    client: RegistryClient, key: LocalAccount, records: Sequence[model.AssetRecord]
) -> list[bytes]:
    """Signed transactions of `registerResource(record)`, consecutive nonces from the next one."""
    to = client.address_of(RIGHTS)
    calls = [client.encode(RIGHTS, "registerResource", r.to_abi()) for r in records]
    gas = client.sender.estimate_gas(to, calls[0])  # the calls differ only in hashes
    base_fee = int(client.w3.eth.get_block("latest")["baseFeePerGas"])
    first = client.sender.resync_nonce()
    common: dict[str, Any] = {
        "type": 2,
        "chainId": client.sender.chain_id,
        "to": to,
        "gas": gas,
        "value": 0,
        "maxFeePerGas": 2 * base_fee + _PRIORITY_FEE,
        "maxPriorityFeePerGas": _PRIORITY_FEE,
    }
    return [
        bytes(key.sign_transaction({**common, "nonce": first + i, "data": data}).raw_transaction)
        for i, data in enumerate(calls)
    ]


def wait_for_success(w3: Web3, hashes: Sequence[str]) -> None:
    """Poll receipts (batched) until all are mined; a failed transaction is an error."""
    provider = w3.provider
    if not isinstance(provider, JSONBaseProvider):
        raise ChainError("the benchmark needs a JSON-RPC provider that batches")
    pending = list(hashes)
    while pending:
        chunk = pending[:RECEIPT_BATCH]
        answers = provider.make_batch_request(
            [(RPCEndpoint("eth_getTransactionReceipt"), [h]) for h in chunk]
        )
        if not isinstance(answers, list):
            raise ChainError(f"receipt batch failed: {answers}")
        mined = {
            str(a["result"]["transactionHash"]): a["result"] for a in answers if a.get("result")
        }
        if any(int(r["status"], 16) != 1 for r in mined.values()):
            raise ChainError("a raw registerResource transaction failed")
        pending = [h for h in pending if h not in mined]
        if len(mined) < len(chunk):
            time.sleep(0.005)


def single(client: RegistryClient, records: Sequence[model.AssetRecord]) -> Rate:
    """`register_each`: one asset per transaction, the transactions pipelined by the client."""
    return timed(
        "single: register_each, 1 per tx, pipelined",
        len(records),
        len(records),
        lambda: client.register_each(records),
    )


def sequential(client: RegistryClient, records: Sequence[model.AssetRecord]) -> Rate:
    """`register_resource`, one transaction each, each awaited before the next (for context)."""

    def run() -> None:
        for record in records:
            client.register_resource(record)

    return timed("single: register_resource, awaited", len(records), len(records), run)


def bulk(client: RegistryClient, records: Sequence[model.AssetRecord], per_tx: int) -> Rate:
    """`register_resources`: `per_tx` assets a transaction, the transactions pipelined.

    The sender splits JSON-RPC batches by size and sends at most one block's worth of gas at a
    time (anvil refuses batches of several megabytes, and leaves pending the transactions of a
    burst that no longer fit in the block it packs them into).
    """
    transactions = math.ceil(len(records) / per_tx)
    return timed(
        f"bulk: register_resources, {per_tx} per tx, pipelined",
        len(records),
        transactions,
        lambda: client.register_resources(records, per_tx=per_tx),
    )


@dataclass(frozen=True)
class Throughput:
    floor: Rate
    single: Rate
    awaited: Rate
    bulk: Rate

    @property
    def single_ratio(self) -> float:
        return self.single.per_second / self.floor.per_second


def measure_throughput(
    client: RegistryClient, key: LocalAccount, *, single_n: int, bulk_n: int, per_tx: int
) -> Throughput:
    """Warm every path up, then time the raw floor, single and bulk registrations, in that order."""
    batches = iter(range(1_000_000))

    def records(n: int) -> list[model.AssetRecord]:
        batch = next(batches)
        return [asset_record(f"throughput {batch}-{i}") for i in range(n)]

    raw_floor(client, key, records(5))
    single(client, records(5))
    sequential(client, records(5))
    bulk(client, records(per_tx), per_tx)
    return Throughput(
        floor=raw_floor(client, key, records(single_n)),
        single=single(client, records(single_n)),
        awaited=sequential(client, records(max(1, single_n // 3))),
        bulk=bulk(client, records(bulk_n), per_tx),
    )


def format_report(result: Throughput) -> str:
    """The three rates as a table, then the two ratios with their targets."""
    rows = [result.floor, result.single, result.awaited, result.bulk]
    width = max(len(r.path) for r in rows)
    header = f"{'path':<{width}}  {'assets':>7}  {'txs':>5}  {'seconds':>7}  {'assets/s':>8}"
    lines = [header, "-" * len(header), *(_row(r, width) for r in rows), ""]
    ratio, bulk_rate = result.single_ratio, result.bulk.per_second
    lines.append(
        f"single / raw floor: {ratio:.2f}x (target >= {SINGLE_TARGET}x): "
        + _verdict(ratio >= SINGLE_TARGET)
    )
    lines.append(
        f"bulk: {bulk_rate:,.0f} assets/s (target >= {BULK_TARGET:,}/s): "
        f"{_verdict(bulk_rate >= BULK_TARGET)}; "
        f"{bulk_rate / result.floor.per_second:.1f}x the raw floor's assets/s"
    )
    return "\n".join(lines)


def _row(rate: Rate, width: int) -> str:
    return (
        f"{rate.path:<{width}}  {rate.assets:>7,}  {rate.transactions:>5,}  "
        f"{rate.seconds:>7.2f}  {rate.per_second:>8,.0f}"
    )


def _verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


def throughput_report(*, single_n: int, bulk_n: int, per_tx: int, hardfork: str = "cancun") -> str:
    """Start a private anvil (automine), deploy the registry, measure, return the printed report."""
    artifacts = contract_artifacts()
    with local_chain(hardfork=hardfork) as w3:
        client = deploy_parties(w3, artifacts).holder
        version = str(rpc(w3, "web3_clientVersion", []))
        result = measure_throughput(
            client, dev_account(HOLDER), single_n=single_n, bulk_n=bulk_n, per_tx=per_tx
        )
    title = (
        f"registration throughput; {version} automine, hardfork {hardfork}; "
        f"contracts at {contracts_revision()}"
    )
    return f"{title}\n\n{format_report(result)}"
