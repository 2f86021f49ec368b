"""Deployment records: which contract lives where on which chain, checked before every use.

One JSON file per chain id in `settings.deployments_dir`. `load` validates the record
against the live chain and raises `StaleDeploymentError` with the reason when the chain
is not the one the contracts were deployed to (another chain id, a restarted or reset
chain, missing code). `deploy_set` deploys a set of contracts that may hold each other's
addresses as constructor arguments, by precomputing every CREATE address.
"""

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.abi import collapse_if_tuple
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.exceptions import BlockNotFound
from web3.types import Nonce
from web3.utils.address import get_create_address

from registry.chain.compiler import ContractArtifact
from registry.chain.transactions import TxSender
from registry.config import Settings
from registry.errors import ChainError, ConfigurationError, NotFoundError, StaleDeploymentError

logger = logging.getLogger(__name__)

RECORD_FORMAT = 1

# Builds a contract's constructor arguments from the future addresses of the whole plan.
ConstructorArgs = Callable[[Mapping[str, str]], Sequence[Any]]
DeployPlan = Sequence[tuple[str, ConstructorArgs]]


@dataclass(frozen=True)
class ContractDeployment:
    """Where one contract was deployed and with which interface."""

    name: str
    address: str
    abi: list[dict[str, Any]]
    block_number: int
    block_hash: str
    tx_hash: str
    compiler_version: str


@dataclass(frozen=True)
class Deployment:
    """All contracts deployed to one chain, identified by its chain id and genesis hash."""

    chain_id: int
    genesis_hash: str
    deployed_at: str
    deployer: str
    contracts: Mapping[str, ContractDeployment] = field(default_factory=dict)

    def contract(self, name: str) -> ContractDeployment:
        try:
            return self.contracts[name]
        except KeyError:
            raise NotFoundError(
                f"contract {name} is not in the deployment on chain {self.chain_id}"
            ) from None

    @property
    def first_block(self) -> int:
        """The earliest deploy block: where an indexer starts reading events."""
        return min((c.block_number for c in self.contracts.values()), default=0)


def deployment_path(settings: Settings, chain_id: int) -> Path:
    return settings.deployments_dir / f"{chain_id}.json"


def save(settings: Settings, deployment: Deployment) -> Path:
    """Write the record for `deployment.chain_id` atomically and return its path."""
    path = deployment_path(settings, deployment.chain_id)
    payload = {"format": RECORD_FORMAT, **asdict(deployment)}
    payload["contracts"] = {name: asdict(c) for name, c in deployment.contracts.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    logger.info("deployment saved chain_id=%d path=%s", deployment.chain_id, path)
    return path


def load(settings: Settings, w3: Web3) -> Deployment:
    """Read the record for the connected chain and check it still matches that chain."""
    live_chain_id = w3.eth.chain_id
    path = deployment_path(settings, settings.chain_id or live_chain_id)
    if not path.is_file():
        raise NotFoundError(f"no deployment record at {path}; deploy the contracts first")
    deployment = _parse(path)
    if deployment.chain_id != live_chain_id:
        raise StaleDeploymentError(
            f"{path} is for chain id {deployment.chain_id}, the node is chain id {live_chain_id}"
        )
    validate(deployment, w3)
    return deployment


def validate(deployment: Deployment, w3: Web3) -> None:
    """Raise `StaleDeploymentError` unless the deployment exists on the chain behind `w3`."""
    genesis = _block_hash(w3, 0)
    if genesis != deployment.genesis_hash:
        raise StaleDeploymentError(
            f"genesis block hash is {genesis}, the deployment was made on a chain with "
            f"genesis {deployment.genesis_hash}: a different or restarted chain"
        )
    blocks = {c.block_number: c.block_hash for c in deployment.contracts.values()}
    for number, recorded in sorted(blocks.items()):
        actual = _block_hash(w3, number)
        if actual is None:
            raise StaleDeploymentError(
                f"deploy block {number} does not exist on the chain "
                f"(head is {w3.eth.block_number}): the chain was restarted or reset"
            )
        if actual != recorded:
            raise StaleDeploymentError(
                f"deploy block {number} has hash {actual}, the deployment recorded "
                f"{recorded}: the chain was reset or reorganized"
            )
    for contract in deployment.contracts.values():
        if not w3.eth.get_code(to_checksum_address(contract.address)):
            raise StaleDeploymentError(
                f"no code at {contract.address} where {contract.name} was deployed"
            )


def deploy_set(
    sender: TxSender, artifacts: Mapping[str, ContractArtifact], plan: DeployPlan
) -> Deployment:
    """Deploy `plan` in order, each contract at the CREATE address predicted up front."""
    _check_plan(artifacts, plan)
    first_nonce = sender.resync_nonce()
    future = {
        name: get_create_address(sender.address, Nonce(first_nonce + offset))
        for offset, (name, _) in enumerate(plan)
    }
    # Every constructor is encoded before the first send: a bad plan deploys nothing.
    init_codes = [_init_code(artifacts[name], build_args(future)) for name, build_args in plan]
    contracts: dict[str, ContractDeployment] = {}
    for offset, ((name, _), init_code) in enumerate(zip(plan, init_codes, strict=True)):
        if sender.next_nonce() != first_nonce + offset:
            raise ChainError(
                f"nonce of {sender.address} moved during the deployment; "
                f"{name} would not land at {future[name]}"
            )
        contracts[name] = _deploy_one(sender, artifacts[name], init_code, expected=future[name])
    return Deployment(
        chain_id=sender.chain_id,
        genesis_hash=_require_block_hash(sender.w3, 0),
        deployed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        deployer=sender.address,
        contracts=contracts,
    )


def _deploy_one(
    sender: TxSender, artifact: ContractArtifact, init_code: bytes, *, expected: str
) -> ContractDeployment:
    receipt = sender.send(init_code, None)
    if receipt.contract_address != expected:
        raise ChainError(
            f"{artifact.name} landed at {receipt.contract_address}, expected {expected}"
        )
    logger.info("deployed contract=%s address=%s tx=%s", artifact.name, expected, receipt.tx_hash)
    return ContractDeployment(
        name=artifact.name,
        address=expected,
        abi=artifact.abi,
        block_number=receipt.block_number,
        block_hash=receipt.block_hash,
        tx_hash=receipt.tx_hash,
        compiler_version=artifact.compiler_version,
    )


def _check_plan(artifacts: Mapping[str, ContractArtifact], plan: DeployPlan) -> None:
    names = [name for name, _ in plan]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigurationError(f"deploy plan names {', '.join(duplicates)} more than once")
    for name in names:
        if name not in artifacts:
            raise NotFoundError(f"deploy plan names {name}, which is not among the artifacts")
        if not artifacts[name].is_deployable:
            raise ConfigurationError(f"{name} is abstract or an interface; it cannot be deployed")


def _init_code(artifact: ContractArtifact, args: Sequence[Any]) -> bytes:
    constructor = next((e for e in artifact.abi if e.get("type") == "constructor"), None)
    types = [collapse_if_tuple(dict(item)) for item in (constructor or {}).get("inputs", [])]
    if len(types) != len(args):
        raise ConfigurationError(
            f"{artifact.name} takes {len(types)} constructor arguments, got {len(args)}"
        )
    return bytes.fromhex(artifact.bytecode.removeprefix("0x")) + abi_encode(types, list(args))


def _block_hash(w3: Web3, number: int) -> str | None:
    try:
        block = w3.eth.get_block(number)
    except BlockNotFound:
        return None
    return "0x" + bytes(block["hash"]).hex()


def _require_block_hash(w3: Web3, number: int) -> str:
    block_hash = _block_hash(w3, number)
    if block_hash is None:
        raise ChainError(f"the node has no block {number}")
    return block_hash


def _parse(path: Path) -> Deployment:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        contracts = {
            name: ContractDeployment(**entry) for name, entry in payload["contracts"].items()
        }
        return Deployment(
            chain_id=int(payload["chain_id"]),
            genesis_hash=str(payload["genesis_hash"]),
            deployed_at=str(payload["deployed_at"]),
            deployer=str(payload["deployer"]),
            contracts=contracts,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StaleDeploymentError(f"{path} is not a readable deployment record: {exc}") from exc
