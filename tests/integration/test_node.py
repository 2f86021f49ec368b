import json
from pathlib import Path
from typing import Any

import pytest
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.types import Wei

from registry.chain.node import DEV_CHAIN_ID, LocalNode, is_reachable, prune_duplicate_genesis
from registry.errors import ChainError

pytestmark = pytest.mark.integration

ONE_ETHER = Wei(10**18)


def _first_two_accounts(w3: Web3) -> tuple[ChecksumAddress, ChecksumAddress]:
    # web3 types `eth.accounts` as a one-element tuple, so unpack through a list.
    accounts = list(w3.eth.accounts)
    return accounts[0], accounts[1]


def test_anvil_fixture_serves_the_dev_chain(anvil_node: LocalNode, w3: Web3) -> None:
    assert anvil_node.is_running
    assert is_reachable(anvil_node.url)
    assert w3.eth.chain_id == DEV_CHAIN_ID
    assert len(w3.eth.accounts) == 10


def test_anvil_state_survives_a_restart(tmp_path: Path) -> None:
    node = LocalNode(data_dir=tmp_path, kind="anvil", port=0)
    with node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        sender, recipient = _first_two_accounts(w3)
        tx_hash = w3.eth.send_transaction({"from": sender, "to": recipient, "value": ONE_ETHER})
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
        balance = w3.eth.get_balance(recipient)
        first_url = node.url

    assert receipt["status"] == 1
    assert balance == 10_000 * ONE_ETHER + ONE_ETHER
    assert node.state_file.is_file()
    assert not is_reachable(first_url)

    with node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        assert w3.eth.get_balance(recipient) == balance
        assert w3.eth.get_transaction_count(sender) == 1
        assert w3.eth.block_number == receipt["blockNumber"]
        assert w3.eth.get_block(receipt["blockNumber"])["hash"] == receipt["blockHash"]
        assert w3.eth.get_transaction_receipt(tx_hash)["blockHash"] == receipt["blockHash"]


def test_start_refuses_a_port_another_node_answers_on(
    anvil_node: LocalNode, tmp_path: Path
) -> None:
    intruder = LocalNode(data_dir=tmp_path, kind="anvil", port=anvil_node.port)

    with pytest.raises(ChainError, match="already answers"):
        intruder.start()


def test_a_node_that_dies_on_start_reports_its_output(tmp_path: Path) -> None:
    node = LocalNode(data_dir=tmp_path, kind="anvil", port=0, hardfork="not-a-hardfork")

    with pytest.raises(ChainError, match="not-a-hardfork"):
        node.start()
    assert not node.is_running


@pytest.mark.hardhat
def test_hardhat_node_starts_serves_and_stops(tmp_path: Path) -> None:
    node = LocalNode(data_dir=tmp_path, kind="hardhat", port=0)
    with node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        sender, recipient = _first_two_accounts(w3)
        tx_hash = w3.eth.send_transaction({"from": sender, "to": recipient, "value": ONE_ETHER})
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
        url = node.url

        assert w3.eth.chain_id == DEV_CHAIN_ID
        assert receipt["status"] == 1
        assert w3.eth.get_balance(recipient) == 10_000 * ONE_ETHER + ONE_ETHER

    assert not node.is_running
    assert not is_reachable(url)


@pytest.mark.hardhat
def test_hardhat_fixture_serves_the_dev_chain(hardhat_node: LocalNode) -> None:
    w3 = Web3(Web3.HTTPProvider(hardhat_node.url))

    assert w3.eth.chain_id == DEV_CHAIN_ID
    assert w3.eth.get_block("latest")["number"] >= 0


def test_anvil_genesis_stays_the_same_over_many_restarts(tmp_path: Path) -> None:
    # anvil appends a new genesis to its state file on each start and may reload any copy.
    node = LocalNode(data_dir=tmp_path, kind="anvil", port=0)
    genesis_hashes = set()
    for _ in range(8):
        with node:
            w3 = Web3(Web3.HTTPProvider(node.url))
            genesis_hashes.add(w3.eth.get_block(0)["hash"])
            sender, recipient = _first_two_accounts(w3)
            w3.eth.wait_for_transaction_receipt(
                w3.eth.send_transaction({"from": sender, "to": recipient, "value": ONE_ETHER})
            )
    assert len(genesis_hashes) == 1
    prune_duplicate_genesis(node.state_file)
    state = json.loads(node.state_file.read_bytes())
    assert [int(b["header"]["number"], 16) for b in state["blocks"]].count(0) == 1


def test_prune_keeps_the_earliest_genesis_and_every_other_block(tmp_path: Path) -> None:
    def block(number: int, timestamp: int) -> dict[str, Any]:
        return {"header": {"number": hex(number), "timestamp": hex(timestamp)}}

    state_file = tmp_path / "anvil-state.json"
    blocks = [block(0, 100), block(1, 112), block(0, 300), block(2, 124), block(0, 200)]
    state_file.write_text(json.dumps({"blocks": blocks, "best_block_number": 2}))
    assert prune_duplicate_genesis(state_file) == 2
    kept = json.loads(state_file.read_text())
    assert kept["blocks"] == [block(0, 100), block(1, 112), block(2, 124)]
    assert kept["best_block_number"] == 2
    assert prune_duplicate_genesis(state_file) == 0
