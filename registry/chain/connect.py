"""From settings to a working registry client: the chain connection, the signer, the deployment."""

from __future__ import annotations

from web3 import Web3

from registry.chain import deployments
from registry.chain.client import RegistryClient
from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.chain.keys import load_signer
from registry.chain.transactions import TxSender
from registry.config import Settings
from registry.errors import ChainError, ConfigurationError


def rpc_url(settings: Settings) -> str:
    """The JSON-RPC endpoint: the configured one, or the managed local node's port."""
    return settings.rpc_url or f"http://127.0.0.1:{settings.node_port}"


def connect(settings: Settings) -> Web3:
    """A Web3 connection, checked to answer and to be on the expected chain id."""
    url = rpc_url(settings)
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    try:
        chain_id = w3.eth.chain_id
    except Exception as exc:  # the provider raises many transport error types
        raise ChainError(
            f"no EVM node answers at {url}; start one with `datarights chain up`"
        ) from exc
    if settings.chain_id is not None and chain_id != settings.chain_id:
        raise ConfigurationError(f"node at {url} is chain {chain_id}, expected {settings.chain_id}")
    return w3


def sender_for(settings: Settings, w3: Web3) -> TxSender:
    """A transaction sender for the configured key (env var, keystore or development account)."""
    return TxSender(w3, load_signer(settings, chain_id=w3.eth.chain_id))


def load_client(settings: Settings, w3: Web3 | None = None) -> RegistryClient:
    """The registry client for the deployment recorded for this chain (validated against it)."""
    w3 = w3 or connect(settings)
    return RegistryClient(sender_for(settings, w3), deployments.load(settings, w3))


def registry_artifacts(settings: Settings) -> dict[str, ContractArtifact]:
    """Compiled artifacts of the registry contracts (cached by source hash)."""
    return compile_contracts(
        settings.project_root / "contracts" / "src",
        settings.build_dir,
        node_modules=settings.node_modules_dir,
    )
