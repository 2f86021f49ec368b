"""Sending transactions fast and safely from one local account.

`TxSender` keeps the account's nonce locally (fetched once, then incremented), estimates
gas first so that a revert surfaces as a typed `ContractRevert` before anything is sent,
signs locally (eth-keys with the coincurve backend) and talks raw JSON-RPC to the node,
batching up to `BATCH_SIZE` calls per HTTP request in `send_many`. Results leave this
module as plain Python values (`TxReceiptInfo`), never as web3 AttributeDicts.
"""

import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from eth_account.signers.local import LocalAccount
from eth_keys.backends import get_backend
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint

from registry.chain.reverts import ContractRevert, UnknownRevert, decode_revert
from registry.errors import ChainError, ConfigurationError

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Nodes refuse very large JSON-RPC batches (anvil: several MB); stay well below.
BATCH_BYTES = 1_000_000
GAS_MARGIN_PERCENT = 20
DEFAULT_PRIORITY_FEE = 10**9  # 1 gwei, when the node has no eth_maxPriorityFeePerGas
_NONCE_ERROR_MARKERS = ("nonce", "already known", "replacement transaction")
_MAX_POLL_INTERVAL = 0.5
_STALL_SECONDS = 2.0

# (to, call data, gas limit): `to` None deploys a contract, gas None is estimated.
TxRequest = tuple[str | None, bytes, int | None]


class RawLog(TypedDict):
    """One event log as plain Python values."""

    address: str
    topics: tuple[bytes, ...]
    data: bytes
    log_index: int
    block_number: int
    block_hash: str
    tx_hash: str


@dataclass(frozen=True)
class TxReceiptInfo:
    """The receipt of a mined transaction as plain Python values."""

    tx_hash: str
    block_number: int
    block_hash: str
    gas_used: int
    status: int
    logs: tuple[RawLog, ...]
    contract_address: str | None

    @property
    def succeeded(self) -> bool:
        return self.status == 1


@dataclass(frozen=True)
class TxFailure:
    """A transaction of a batch that was mined but reverted."""

    index: int
    receipt: TxReceiptInfo
    revert: ContractRevert | ChainError


class RpcError(ChainError):
    """The node answered a JSON-RPC call with an error object."""

    def __init__(self, method: str, error: Mapping[str, Any]) -> None:
        self.method = method
        self.code = error.get("code")
        self.message = str(error.get("message", ""))
        self.error = dict(error)
        super().__init__(f"{method} failed: {self.message} (code {self.code})")


class TransactionBatchError(ChainError):
    """Some transactions of a `send_many` batch reverted; all the others were mined."""

    def __init__(self, failures: Sequence[TxFailure], receipts: Sequence[TxReceiptInfo]) -> None:
        self.failures = list(failures)
        self.receipts = list(receipts)
        shown = "; ".join(
            f"#{failure.index} {failure.receipt.tx_hash}: {failure.revert}"
            for failure in self.failures[:5]
        )
        more = f" (and {len(self.failures) - 5} more)" if len(self.failures) > 5 else ""
        super().__init__(
            f"{len(self.failures)} of {len(self.receipts)} transactions reverted: {shown}{more}"
        )


def signing_backend_name() -> str:
    """Name of the ECC backend eth-keys signs with; `CoinCurveECCBackend` is the fast one."""
    return type(get_backend()).__name__


class TxSender:
    """Signs and sends transactions from one account through one Web3 connection."""

    def __init__(
        self,
        w3: Web3,
        account: LocalAccount,
        *,
        receipt_timeout: float = 120.0,
        gas_margin_percent: int = GAS_MARGIN_PERCENT,
        errors: Mapping[bytes, type[ContractRevert]] | None = None,
    ) -> None:
        """`errors`: exception classes for reverts beyond the generated ones (`error_table`)."""
        if not isinstance(w3.provider, JSONBaseProvider):
            raise ConfigurationError("TxSender needs a JSON-RPC provider (HTTP) for batching")
        self._provider: JSONBaseProvider = w3.provider
        self.w3 = w3
        self._account = account
        self.receipt_timeout = receipt_timeout
        self.gas_margin_percent = gas_margin_percent
        self._errors = errors
        self._lock = threading.Lock()
        self._nonce: int | None = None
        self._chain_id: int | None = None
        self._dev_node: bool | None = None
        if signing_backend_name() != "CoinCurveECCBackend":
            logger.warning("signing backend=%s is slow; install coincurve", signing_backend_name())

    @property
    def address(self) -> ChecksumAddress:
        return self._account.address

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = int(self._rpc("eth_chainId", []), 16)
        return self._chain_id

    def next_nonce(self) -> int:
        """The nonce the next transaction will use (fetched from the node once)."""
        with self._lock:
            return self._local_nonce()

    def resync_nonce(self) -> int:
        """Forget the local nonce and fetch the account's `pending` nonce again."""
        with self._lock:
            self._nonce = None
            return self._local_nonce()

    def call(self, to: str, data: bytes, block: int | str | None = None) -> bytes:
        """Run a read-only call; a revert raises the decoded `ContractRevert`."""
        tag = hex(block) if isinstance(block, int) else (block or "latest")
        return _hex_bytes(self._simulate("eth_call", self._call_object(to, data), tag))

    def estimate_gas(self, to: str | None, data: bytes) -> int:
        """Gas limit for the call, with a safety margin; a revert raises `ContractRevert`."""
        estimate = int(self._simulate("eth_estimateGas", self._call_object(to, data)), 16)
        return self._with_margin(estimate)

    def send(self, call_data: bytes, to: str | None) -> TxReceiptInfo:
        """Send one transaction (`to` None deploys) and wait until it is mined.

        A revert found by gas estimation is raised before anything is sent; a transaction
        that is mined but fails raises the revert re-simulated on its parent block.
        """
        gas = self.estimate_gas(to, call_data)
        fees = self._fees()
        tx_hash = self._send_one(to, call_data, gas=gas, fees=fees)
        receipt = self._wait_for_receipts([tx_hash])[0]
        if not receipt.succeeded:
            raise self._failure_revert(to, call_data, gas=gas, receipt=receipt)
        return receipt

    def send_many(self, requests: Sequence[TxRequest]) -> list[TxReceiptInfo]:
        """Send many transactions with consecutive nonces, batched; return receipts in order.

        Missing gas limits are estimated first (a revert there raises before anything is
        sent). Raises `TransactionBatchError` naming every transaction that reverted.
        """
        if not requests:
            return []
        started = time.monotonic()
        gas_limits = self._gas_limits(requests)
        fees = self._fees()
        self._check_balance(gas_limits, fees)
        receipts: list[TxReceiptInfo] = []
        # One group at most fills one block: a node that packs a burst into one block would
        # otherwise leave the transactions that no longer fit pending.
        for group in _gas_groups(gas_limits, self._block_gas_limit()):
            receipts.extend(
                self._send_group([requests[i] for i in group], [gas_limits[i] for i in group], fees)
            )
        logger.info("send_many txs=%d seconds=%.2f", len(requests), time.monotonic() - started)
        failures = self._batch_failures(requests, gas_limits, receipts)
        if failures:
            raise TransactionBatchError(failures, receipts)
        return receipts

    def _send_group(
        self, requests: Sequence[TxRequest], gas_limits: Sequence[int], fees: Mapping[str, int]
    ) -> list[TxReceiptInfo]:
        with self._lock:
            first_nonce = self._local_nonce()
            self._nonce = first_nonce + len(requests)
        raw = [
            self._sign(to, data, gas=gas, fees=fees, nonce=first_nonce + index)
            for index, ((to, data, _), gas) in enumerate(zip(requests, gas_limits, strict=True))
        ]
        return self._wait_for_receipts(self._send_raw_batch(raw))

    def _block_gas_limit(self) -> int:
        return int(self._rpc("eth_getBlockByNumber", ["latest", False])["gasLimit"], 16)

    # --- nonces, fees, gas ----------------------------------------------------------------

    def _local_nonce(self) -> int:
        if self._nonce is None:
            self._nonce = int(self._rpc("eth_getTransactionCount", [self.address, "pending"]), 16)
        return self._nonce

    def _take_nonce(self) -> int:
        with self._lock:
            nonce = self._local_nonce()
            self._nonce = nonce + 1
            return nonce

    def _with_margin(self, estimate: int) -> int:
        return estimate + estimate * self.gas_margin_percent // 100

    def _fees(self) -> dict[str, int]:
        block, tip = self._rpc_batch(
            [("eth_getBlockByNumber", ["latest", False]), ("eth_maxPriorityFeePerGas", [])]
        )
        if "error" in block:
            raise RpcError("eth_getBlockByNumber", block["error"])
        base_fee = block["result"].get("baseFeePerGas")
        if base_fee is None:
            return {"gasPrice": int(self._rpc("eth_gasPrice", []), 16)}
        priority = int(tip["result"], 16) if "result" in tip else DEFAULT_PRIORITY_FEE
        return {"maxFeePerGas": 2 * int(base_fee, 16) + priority, "maxPriorityFeePerGas": priority}

    def _gas_limits(self, requests: Sequence[TxRequest]) -> list[int]:
        missing = [index for index, (_, _, gas) in enumerate(requests) if gas is None]
        calls = [
            ("eth_estimateGas", [self._call_object(requests[i][0], requests[i][1])])
            for i in missing
        ]
        estimated = dict(zip(missing, self._rpc_batch(calls), strict=True))
        limits: list[int] = []
        for index, (_, _, gas) in enumerate(requests):
            if gas is not None:
                limits.append(gas)
                continue
            response = estimated[index]
            if "error" in response:
                raise _error_as_exception(
                    "eth_estimateGas", response["error"], errors=self._errors, index=index
                )
            limits.append(self._with_margin(int(response["result"], 16)))
        return limits

    def _check_balance(self, gas_limits: Sequence[int], fees: Mapping[str, int]) -> None:
        # A rejected transaction in the middle of a batch would leave a nonce gap behind
        # which the later ones wait forever, so refuse up front what the node would refuse.
        price = fees.get("maxFeePerGas", fees.get("gasPrice", 0))
        needed = sum(gas_limits) * price
        balance = int(self._rpc("eth_getBalance", [self.address, "pending"]), 16)
        if balance < needed:
            raise ChainError(
                f"account {self.address} has {balance} wei, the batch may cost up to {needed} wei"
            )

    # --- signing and sending --------------------------------------------------------------

    def _call_object(self, to: str | None, data: bytes) -> dict[str, str]:
        call = {"from": self.address, "data": "0x" + data.hex()}
        if to is not None:
            call["to"] = to
        return call

    def _sign(
        self, to: str | None, data: bytes, *, gas: int, fees: Mapping[str, int], nonce: int
    ) -> bytes:
        tx: dict[str, Any] = {
            "chainId": self.chain_id,
            "nonce": nonce,
            "gas": gas,
            "value": 0,
            "data": data,
            **fees,
        }
        if "maxFeePerGas" in fees:
            tx["type"] = 2
        if to is not None:
            tx["to"] = to_checksum_address(to)
        return bytes(self._account.sign_transaction(tx).raw_transaction)

    def _send_one(self, to: str | None, data: bytes, *, gas: int, fees: Mapping[str, int]) -> str:
        for attempt in range(2):
            nonce = self._take_nonce()
            raw = self._sign(to, data, gas=gas, fees=fees, nonce=nonce)
            response = self._provider.make_request(
                RPCEndpoint("eth_sendRawTransaction"), ["0x" + raw.hex()]
            )
            tx_hash = _sent_hash(response)
            if tx_hash is None:
                # The nonce was not used (or was wrong): never leave a gap behind.
                self.resync_nonce()
                exc = RpcError("eth_sendRawTransaction", response["error"])
                if attempt == 0 and _is_nonce_error(exc):
                    logger.warning("nonce rejected nonce=%d reason=%s; resynced", nonce, exc)
                    continue
                raise exc
            logger.debug("tx sent hash=%s nonce=%d", tx_hash, nonce)
            return tx_hash
        raise AssertionError("unreachable")

    def _send_raw_batch(self, raw: Sequence[bytes]) -> list[str]:
        calls = [("eth_sendRawTransaction", ["0x" + tx.hex()]) for tx in raw]
        responses = self._rpc_batch(calls)
        # Hardhat serves a batch concurrently and, when automining, refuses a nonce ahead of
        # the account's: those (always a suffix in nonce order) are sent again one by one.
        for index, response in enumerate(responses):
            if "error" in response and _is_future_nonce(response["error"]):
                responses[index] = dict(
                    self._provider.make_request(
                        RPCEndpoint("eth_sendRawTransaction"), calls[index][1]
                    )
                )
        rejected = [(i, r["error"]) for i, r in enumerate(responses) if not _sent_hash(r)]
        if rejected:
            self.resync_nonce()
            index, error = rejected[0]
            raise ChainError(
                f"{len(rejected)} of {len(raw)} transactions were rejected by the node, "
                f"first #{index}: {error.get('message')}; transactions after a rejected "
                "nonce stay queued in the node until that nonce is used"
            )
        return [str(_sent_hash(response)) for response in responses]

    # --- receipts and failures ------------------------------------------------------------

    def _wait_for_receipts(self, hashes: Sequence[str]) -> list[TxReceiptInfo]:
        found: dict[int, TxReceiptInfo] = {}
        deadline = time.monotonic() + self.receipt_timeout
        last_progress = time.monotonic()
        interval = 0.005
        while len(found) < len(hashes):
            before = len(found)
            pending = [i for i in range(len(hashes)) if i not in found]
            calls = [("eth_getTransactionReceipt", [hashes[i]]) for i in pending]
            for index, response in zip(pending, self._rpc_batch(calls), strict=True):
                if "error" in response:
                    raise RpcError("eth_getTransactionReceipt", response["error"])
                if response.get("result") is not None:
                    found[index] = _receipt_info(response["result"])
            now = time.monotonic()
            if len(found) > before:
                last_progress = now
            if len(found) < len(hashes):
                if now > deadline:
                    raise ChainError(
                        f"{len(hashes) - len(found)} of {len(hashes)} transactions not mined "
                        f"after {self.receipt_timeout:.0f} s"
                    )
                if now - last_progress > _STALL_SECONDS and self._nudge_dev_node():
                    last_progress = now
                time.sleep(interval)
                interval = min(interval * 2, _MAX_POLL_INTERVAL)
        return [found[i] for i in range(len(hashes))]

    def _nudge_dev_node(self) -> bool:
        """Mine a block on a local development node whose automine left transactions pending.

        Several senders' bursts can land in one automined block whose gas they overfill; the
        node then keeps the rest pending until another transaction arrives. Real chains keep
        producing blocks, so this is done only on anvil and hardhat.
        """
        if self._dev_node is None:
            version = str(self._rpc("web3_clientVersion", [])).lower()
            self._dev_node = version.startswith(("anvil", "hardhatnetwork"))
        if self._dev_node:
            logger.warning("receipts stalled on a development node; mining a block")
            self._rpc("evm_mine", [])
        return self._dev_node

    def _failure_revert(
        self, to: str | None, data: bytes, *, gas: int, receipt: TxReceiptInfo
    ) -> ContractRevert | ChainError:
        """Why a mined transaction failed: re-run it on the state of its parent block."""
        where = f"transaction {receipt.tx_hash} in block {receipt.block_number}"
        call = {**self._call_object(to, data), "gas": hex(gas)}
        try:
            self._simulate("eth_call", call, hex(receipt.block_number - 1))
        except ContractRevert as revert:
            revert.add_note(where)
            return revert
        except RpcError as exc:  # e.g. out of gas: a failure, but not a revert
            return ChainError(f"{where} failed: {exc.message}")
        unknown = UnknownRevert()
        unknown.add_note(
            f"{where} failed, but re-running it on the parent block succeeds "
            "(it depended on earlier transactions of the same block)"
        )
        return unknown

    def _batch_failures(
        self,
        requests: Sequence[TxRequest],
        gas_limits: Sequence[int],
        receipts: Sequence[TxReceiptInfo],
    ) -> list[TxFailure]:
        return [
            TxFailure(
                index=index,
                receipt=receipt,
                revert=self._failure_revert(
                    requests[index][0], requests[index][1], gas=gas_limits[index], receipt=receipt
                ),
            )
            for index, receipt in enumerate(receipts)
            if not receipt.succeeded
        ]

    # --- JSON-RPC -------------------------------------------------------------------------

    def _simulate(self, method: str, call: Mapping[str, str], *tag: str) -> str:
        response = self._provider.make_request(RPCEndpoint(method), [dict(call), *tag])
        if "error" in response:
            raise _error_as_exception(method, response["error"], errors=self._errors)
        return str(response["result"])

    def _rpc(self, method: str, params: list[Any]) -> Any:
        response = self._provider.make_request(RPCEndpoint(method), params)
        if "error" in response:
            raise RpcError(method, response["error"])
        return response["result"]

    def _rpc_batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
        """Responses in call order; up to BATCH_SIZE calls per HTTP request."""
        responses: list[dict[str, Any]] = []
        for chunk in _request_chunks(calls):
            answer = self._provider.make_batch_request(
                [(RPCEndpoint(method), params) for method, params in chunk]
            )
            if not isinstance(answer, list) or len(answer) != len(chunk):
                error = answer.get("error", {}) if isinstance(answer, dict) else {}
                raise RpcError("batch request", error or {"message": "malformed batch response"})
            responses.extend(dict(item) for item in answer)
        return responses


def _request_chunks(calls: Sequence[tuple[str, list[Any]]]) -> Iterator[Sequence[Any]]:
    """At most BATCH_SIZE calls and about BATCH_BYTES of parameters per HTTP request."""
    start, size = 0, 0
    for index, (_, params) in enumerate(calls):
        weight = len(repr(params))
        if index > start and (index - start >= BATCH_SIZE or size + weight > BATCH_BYTES):
            yield calls[start:index]
            start, size = index, 0
        size += weight
    if start < len(calls):
        yield calls[start:]


def _gas_groups(gas_limits: Sequence[int], block_gas_limit: int) -> Iterator[list[int]]:
    """Indices of consecutive transactions whose gas limits fit in one block together."""
    group: list[int] = []
    total = 0
    for index, gas in enumerate(gas_limits):
        if group and total + gas > block_gas_limit:
            yield group
            group, total = [], 0
        group.append(index)
        total += gas
    if group:
        yield group


def _is_nonce_error(exc: RpcError) -> bool:
    message = exc.message.lower()
    return any(marker in message for marker in _NONCE_ERROR_MARKERS)


def _sent_hash(response: Mapping[str, Any]) -> str | None:
    """Hash of a transaction the node accepted, else None.

    Hardhat, when automining, answers with an error for a transaction that was mined but
    reverted; the error then carries the hash, and the receipt tells the rest.
    """
    if "result" in response:
        return str(response["result"])
    data = response.get("error", {}).get("data")
    if isinstance(data, Mapping) and data.get("txHash"):
        return str(data["txHash"])
    return None


def _is_future_nonce(error: Mapping[str, Any]) -> bool:
    return "nonce too high" in str(error.get("message", "")).lower()


def _error_as_exception(
    method: str,
    error: Mapping[str, Any],
    *,
    errors: Mapping[bytes, type[ContractRevert]] | None,
    index: int | None = None,
) -> ContractRevert | RpcError:
    """The decoded revert if the error is one (anvil: code 3; hardhat nests `data`)."""
    data = error.get("data")
    if isinstance(data, Mapping):
        data = data.get("data")
    message = str(error.get("message", ""))
    if error.get("code") == 3 or "revert" in message.lower():
        revert_data = _hex_bytes(data) if isinstance(data, str) else b""
        exc: ContractRevert | RpcError = decode_revert(revert_data, errors=errors)
    else:
        exc = RpcError(method, error)
    if index is not None:
        exc.add_note(f"request #{index} of the batch; nothing was sent")
    return exc


def _hex_bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def _receipt_info(receipt: Mapping[str, Any]) -> TxReceiptInfo:
    contract = receipt.get("contractAddress")
    return TxReceiptInfo(
        tx_hash=str(receipt["transactionHash"]),
        block_number=int(receipt["blockNumber"], 16),
        block_hash=str(receipt["blockHash"]),
        gas_used=int(receipt["gasUsed"], 16),
        status=int(receipt["status"], 16),
        logs=tuple(_raw_log(log) for log in receipt.get("logs", [])),
        contract_address=to_checksum_address(contract) if contract else None,
    )


def _raw_log(log: Mapping[str, Any]) -> RawLog:
    return RawLog(
        address=to_checksum_address(log["address"]),
        topics=tuple(_hex_bytes(topic) for topic in log["topics"]),
        data=_hex_bytes(log["data"]),
        log_index=int(log["logIndex"], 16),
        block_number=int(log["blockNumber"], 16),
        block_hash=str(log["blockHash"]),
        tx_hash=str(log["transactionHash"]),
    )
