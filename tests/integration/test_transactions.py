"""TxSender against a real anvil, with the SenderProbe test contract."""

from pathlib import Path

import pytest
from eth_abi.abi import decode, encode
from eth_typing import HexStr
from eth_utils.crypto import keccak
from web3 import Web3

from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.chain.keys import dev_account
from registry.chain.node import LocalNode
from registry.chain.reverts import ContractRevert, ErrorRevert, PanicRevert, error_table
from registry.chain.transactions import (
    TransactionBatchError,
    TxSender,
    signing_backend_name,
)
from registry.config import Settings

pytestmark = pytest.mark.integration

PROBE_SOURCES = Path(__file__).parents[1] / "contracts" / "sender_probe"
# Accounts of their own, so other test modules on the shared node cannot move the nonce.
SENDER_INDEX = 7
OTHER_INDEX = 6
VALUE_STORED = keccak(text="ValueStored(address,uint256,uint256)")


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def store(value: int) -> bytes:
    return selector("store(uint256)") + encode(["uint256"], [value])


@pytest.fixture(scope="module")
def probe_artifacts() -> dict[str, ContractArtifact]:
    build_dir = Settings().project_root / "build" / "test-contracts"
    return compile_contracts(PROBE_SOURCES, build_dir)


@pytest.fixture(scope="module")
def sender(w3: Web3, probe_artifacts: dict[str, ContractArtifact]) -> TxSender:
    return TxSender(w3, dev_account(SENDER_INDEX), errors=error_table(probe_artifacts))


def deploy_probe(sender: TxSender, artifacts: dict[str, ContractArtifact]) -> str:
    init_code = bytes.fromhex(artifacts["SenderProbe"].bytecode[2:])
    receipt = sender.send(init_code + encode(["address"], [dev_account(OTHER_INDEX).address]), None)
    assert receipt.contract_address is not None
    return receipt.contract_address


@pytest.fixture
def probe(sender: TxSender, probe_artifacts: dict[str, ContractArtifact]) -> str:
    return deploy_probe(sender, probe_artifacts)


def read_uint(sender: TxSender, probe: str, function: str) -> int:
    (value,) = decode(["uint256"], sender.call(probe, selector(f"{function}()")))
    return int(value)


def test_signing_uses_coincurve() -> None:
    assert signing_backend_name() == "CoinCurveECCBackend"


def test_send_returns_plain_receipt_with_logs(w3: Web3, sender: TxSender, probe: str) -> None:
    receipt = sender.send(store(42), probe)

    assert receipt.status == 1
    assert receipt.succeeded
    assert receipt.tx_hash.startswith("0x") and len(receipt.tx_hash) == 66
    assert receipt.block_hash == "0x" + bytes(w3.eth.get_block(receipt.block_number)["hash"]).hex()
    assert receipt.gas_used > 21_000
    assert receipt.contract_address is None
    (log,) = receipt.logs
    assert log["address"] == probe
    assert log["topics"] == (VALUE_STORED, bytes(12) + bytes.fromhex(sender.address[2:]))
    assert decode(["uint256", "uint256"], log["data"]) == (42, 1)
    assert (log["block_number"], log["tx_hash"]) == (receipt.block_number, receipt.tx_hash)
    assert isinstance(log["log_index"], int)
    assert read_uint(sender, probe, "value") == 42


def test_send_raises_typed_revert_before_sending(w3: Web3, sender: TxSender, probe: str) -> None:
    block_before = w3.eth.block_number
    nonce_before = w3.eth.get_transaction_count(dev_account(SENDER_INDEX).address, "pending")

    with pytest.raises(ContractRevert) as raised:
        sender.send(store(2_000_000), probe)

    revert = raised.value
    assert type(revert).__name__ == "ProbeValueTooLarge"
    assert revert.args == {"value": 2_000_000, "limit": 1_000_000}
    assert str(revert) == "ProbeValueTooLarge(value=2000000, limit=1000000)"
    assert w3.eth.block_number == block_before
    assert w3.eth.get_transaction_count(sender.address, "pending") == nonce_before
    assert sender.next_nonce() == nonce_before


def test_send_revert_with_address_arguments(sender: TxSender, probe: str) -> None:
    data = selector("storeFromPartner(uint256)") + encode(["uint256"], [1])

    with pytest.raises(ContractRevert) as raised:
        sender.send(data, probe)

    assert raised.value.args == {
        "caller": sender.address,
        "partner": dev_account(OTHER_INDEX).address,
    }


def test_call_raises_error_string_and_panic(sender: TxSender, probe: str) -> None:
    with pytest.raises(ErrorRevert) as reason:
        sender.call(probe, selector("failWithReason()"))
    divide = selector("divide(uint256,uint256)") + encode(["uint256", "uint256"], [1, 0])
    with pytest.raises(PanicRevert) as panic:
        sender.call(probe, divide)

    assert reason.value.message == "probe reason"
    assert panic.value.code == 0x12


def test_call_reads_at_a_past_block(sender: TxSender, probe: str) -> None:
    first = sender.send(store(1), probe)
    sender.send(store(2), probe)

    (value,) = decode(["uint256"], sender.call(probe, selector("value()"), first.block_number))

    assert value == 1
    assert read_uint(sender, probe, "value") == 2


def test_send_resyncs_after_another_sender_used_the_nonce(
    w3: Web3, sender: TxSender, probe: str
) -> None:
    sender.next_nonce()  # the local nonce is now cached
    intruder = TxSender(w3, dev_account(SENDER_INDEX))
    intruder.send(store(5), probe)

    receipt = sender.send(store(6), probe)

    assert receipt.succeeded
    assert read_uint(sender, probe, "value") == 6
    assert sender.next_nonce() == w3.eth.get_transaction_count(sender.address, "pending")


@pytest.mark.slow
def test_send_many_mines_500_transactions_with_consecutive_nonces(
    w3: Web3, sender: TxSender, probe: str
) -> None:
    first_nonce = sender.next_nonce()
    requests = [(probe, store(i), 80_000) for i in range(1, 501)]

    receipts = sender.send_many(requests)

    assert len(receipts) == 500
    assert all(receipt.status == 1 for receipt in receipts)
    nonces = [w3.eth.get_transaction(HexStr(receipt.tx_hash))["nonce"] for receipt in receipts]
    assert nonces == list(range(first_nonce, first_nonce + 500))
    counts = [decode(["uint256", "uint256"], r.logs[0]["data"]) for r in receipts]
    assert counts == [(i, i) for i in range(1, 501)]
    assert read_uint(sender, probe, "count") == 500
    assert sender.next_nonce() == first_nonce + 500


def test_send_many_estimates_missing_gas_and_refuses_reverts_before_sending(
    w3: Web3, sender: TxSender, probe: str
) -> None:
    block_before = w3.eth.block_number

    with pytest.raises(ContractRevert) as raised:
        sender.send_many([(probe, store(1), None), (probe, store(5_000_000), None)])

    assert type(raised.value).__name__ == "ProbeValueTooLarge"
    assert any("request #1" in note for note in raised.value.__notes__)
    assert w3.eth.block_number == block_before
    assert [r.status for r in sender.send_many([(probe, store(3), None)])] == [1]


def test_send_many_reports_which_transaction_reverted(sender: TxSender, probe: str) -> None:
    requests = [(probe, store(value), 80_000) for value in (1, 3_000_000, 2)]

    with pytest.raises(TransactionBatchError) as raised:
        sender.send_many(requests)

    (failure,) = raised.value.failures
    assert failure.index == 1
    assert failure.receipt.status == 0
    assert isinstance(failure.revert, ContractRevert)
    assert failure.revert.args == {"value": 3_000_000, "limit": 1_000_000}
    assert [r.status for r in raised.value.receipts] == [1, 0, 1]
    assert "#1" in str(raised.value) and "ProbeValueTooLarge" in str(raised.value)
    assert read_uint(sender, probe, "value") == 2


def test_send_many_of_nothing_sends_nothing(sender: TxSender) -> None:
    assert sender.send_many([]) == []


@pytest.mark.hardhat
def test_send_many_on_hardhat_reports_reverts_and_crosses_batches(
    hardhat_node: LocalNode, probe_artifacts: dict[str, ContractArtifact]
) -> None:
    # Hardhat serves a batch concurrently and refuses queued nonces while automining.
    sender = TxSender(
        Web3(Web3.HTTPProvider(hardhat_node.url)),
        dev_account(SENDER_INDEX),
        errors=error_table(probe_artifacts),
    )
    probe = deploy_probe(sender, probe_artifacts)
    values = [*range(1, 250), 5_000_000, 7]

    with pytest.raises(TransactionBatchError) as raised:
        sender.send_many([(probe, store(value), 80_000) for value in values])

    (failure,) = raised.value.failures
    assert failure.index == 249
    assert type(failure.revert).__name__ == "ProbeValueTooLarge"
    assert len(raised.value.receipts) == 251
    assert read_uint(sender, probe, "count") == 250
    assert read_uint(sender, probe, "value") == 7
