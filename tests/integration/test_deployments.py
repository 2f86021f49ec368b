"""Deployment records against real anvil nodes: deploy_set, save/load and staleness checks."""

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from eth_abi.abi import decode
from eth_utils.crypto import keccak
from web3 import Web3
from web3.types import Nonce
from web3.utils.address import get_create_address

from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.chain.deployments import (
    Deployment,
    deploy_set,
    deployment_path,
    load,
    save,
)
from registry.chain.keys import dev_account
from registry.chain.node import LocalNode
from registry.chain.transactions import TxSender
from registry.config import Settings
from registry.errors import ConfigurationError, NotFoundError, StaleDeploymentError

pytestmark = pytest.mark.integration

PROBE_SOURCES = Path(__file__).parents[1] / "contracts" / "sender_probe"
DEPLOYER_INDEX = 8  # an account of its own on the shared node
PLAN = [
    ("SenderProbe", lambda future: [future["ProbePartner"]]),
    ("ProbePartner", lambda future: [future["SenderProbe"]]),
]


@pytest.fixture(scope="module")
def probe_artifacts() -> dict[str, ContractArtifact]:
    build_dir = Settings().project_root / "build" / "test-contracts"
    return compile_contracts(PROBE_SOURCES, build_dir)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", chain_id=None)


@pytest.fixture
def deployment(w3: Web3, probe_artifacts: dict[str, ContractArtifact]) -> Deployment:
    return deploy_set(TxSender(w3, dev_account(DEPLOYER_INDEX)), probe_artifacts, PLAN)


@pytest.fixture
def fresh_node(tmp_path: Path) -> Iterator[LocalNode]:
    with LocalNode(data_dir=tmp_path / "fresh", port=0) as node:
        yield node


def read_address(w3: Web3, contract: str, function: str) -> str:
    call = {"to": w3.to_checksum_address(contract), "data": keccak(text=function)[:4]}
    result = w3.eth.call(call)  # type: ignore[arg-type]
    (address,) = decode(["address"], result)
    return w3.to_checksum_address(address)


def test_deploy_set_lands_mutually_referencing_contracts_at_predicted_addresses(
    w3: Web3, probe_artifacts: dict[str, ContractArtifact]
) -> None:
    sender = TxSender(w3, dev_account(DEPLOYER_INDEX))
    nonce = sender.next_nonce()
    predicted = [get_create_address(sender.address, Nonce(nonce + i)) for i in range(2)]

    deployment = deploy_set(sender, probe_artifacts, PLAN)

    probe, partner = deployment.contract("SenderProbe"), deployment.contract("ProbePartner")
    assert [probe.address, partner.address] == predicted
    assert read_address(w3, probe.address, "partner()") == partner.address
    assert read_address(w3, partner.address, "probe()") == probe.address
    assert probe.abi == probe_artifacts["SenderProbe"].abi
    assert probe.compiler_version.startswith("0.8.37+")
    assert partner.block_number > probe.block_number
    assert probe.block_hash == "0x" + bytes(w3.eth.get_block(probe.block_number)["hash"]).hex()
    assert deployment.chain_id == 31337
    assert deployment.genesis_hash == "0x" + bytes(w3.eth.get_block(0)["hash"]).hex()
    assert deployment.deployer == sender.address
    assert deployment.first_block == probe.block_number


def test_save_then_load_on_the_same_chain(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    path = save(settings, deployment)

    assert path == settings.deployments_dir / "31337.json"
    assert load(settings, w3) == deployment


def test_load_without_a_record_is_not_found(w3: Web3, settings: Settings) -> None:
    with pytest.raises(NotFoundError, match="no deployment record"):
        load(settings, w3)


def test_load_on_a_restarted_chain_is_stale(
    settings: Settings, deployment: Deployment, fresh_node: LocalNode
) -> None:
    # `deployment` lives on the shared node; the fresh node is the same chain id, restarted.
    save(settings, deployment)

    with pytest.raises(StaleDeploymentError, match="restarted"):
        load(settings, Web3(Web3.HTTPProvider(fresh_node.url)))


def test_load_after_stopping_anvil_and_starting_a_fresh_one_is_stale(
    tmp_path: Path, settings: Settings, probe_artifacts: dict[str, ContractArtifact]
) -> None:
    with LocalNode(data_dir=tmp_path / "first", port=0) as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        save(settings, deploy_set(TxSender(w3, dev_account(0)), probe_artifacts, PLAN))
        assert load(settings, w3).contract("SenderProbe")

    with (
        LocalNode(data_dir=tmp_path / "second", port=0) as node,
        pytest.raises(StaleDeploymentError, match="restarted") as raised,
    ):
        load(settings, Web3(Web3.HTTPProvider(node.url)))

    assert "\n" not in str(raised.value)


def test_load_with_a_different_genesis_names_it(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    save(settings, replace(deployment, genesis_hash="0x" + "ab" * 32))

    with pytest.raises(StaleDeploymentError, match="genesis block hash is 0x"):
        load(settings, w3)


def test_load_with_a_deploy_block_that_does_not_exist_yet(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    far = {
        name: replace(contract, block_number=contract.block_number + 1_000_000)
        for name, contract in deployment.contracts.items()
    }
    save(settings, replace(deployment, contracts=far))

    with pytest.raises(StaleDeploymentError, match=r"deploy block \d+ does not exist"):
        load(settings, w3)


def test_load_with_a_different_deploy_block_hash(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    probe = deployment.contract("SenderProbe")
    forged = replace(probe, block_hash="0x" + "cd" * 32)
    save(settings, replace(deployment, contracts={**deployment.contracts, probe.name: forged}))

    with pytest.raises(StaleDeploymentError, match=f"deploy block {probe.block_number} has hash"):
        load(settings, w3)


def test_load_for_another_chain_id_is_stale(
    w3: Web3, tmp_path: Path, deployment: Deployment
) -> None:
    # The settings say chain 1 and a record for chain 1 exists, but the node is chain 31337.
    settings = Settings(data_dir=tmp_path / "data", chain_id=1)
    save(settings, replace(deployment, chain_id=1))

    with pytest.raises(StaleDeploymentError, match="is for chain id 1, the node is chain id 31337"):
        load(settings, w3)


def test_load_with_a_record_renamed_to_another_chain_id_is_stale(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    save(settings, replace(deployment, chain_id=5))
    deployment_path(settings, 5).rename(deployment_path(settings, 31337))

    with pytest.raises(StaleDeploymentError, match="is for chain id 5"):
        load(settings, w3)


def test_load_with_missing_code_is_stale(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    probe = deployment.contract("SenderProbe")
    empty = "0x" + "00" * 19 + "42"
    moved = replace(probe, address=w3.to_checksum_address(empty))
    save(settings, replace(deployment, contracts={**deployment.contracts, probe.name: moved}))

    with pytest.raises(StaleDeploymentError, match=f"no code at {moved.address} where SenderProbe"):
        load(settings, w3)


def test_load_with_a_damaged_record_is_stale(
    w3: Web3, settings: Settings, deployment: Deployment
) -> None:
    path = save(settings, deployment)
    record = json.loads(path.read_text())
    del record["genesis_hash"]
    path.write_text(json.dumps(record))

    with pytest.raises(StaleDeploymentError, match="not a readable deployment record"):
        load(settings, w3)


def test_deploy_set_refuses_a_bad_plan(
    w3: Web3, probe_artifacts: dict[str, ContractArtifact]
) -> None:
    sender = TxSender(w3, dev_account(DEPLOYER_INDEX))

    with pytest.raises(ConfigurationError, match="more than once"):
        deploy_set(sender, probe_artifacts, [PLAN[0], PLAN[0]])
    with pytest.raises(NotFoundError, match="Missing"):
        deploy_set(sender, probe_artifacts, [("Missing", lambda future: [])])
    with pytest.raises(ConfigurationError, match="takes 1 constructor arguments, got 0"):
        deploy_set(sender, probe_artifacts, [("SenderProbe", lambda future: [])])
