"""From settings to the chain: the RPC endpoint, a checked connection, the compiled contracts."""

from __future__ import annotations

from urllib.parse import urlsplit

from web3 import Web3

from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.config import Settings
from registry.errors import ChainError, ConfigurationError


def rpc_url(settings: Settings) -> str:
    """The JSON-RPC endpoint: the configured one, or the managed local node's port."""
    return settings.rpc_url or f"http://127.0.0.1:{settings.node_port}"


def public_url(url: str) -> str:
    """The endpoint as it may be shown or logged: scheme, host and port only.

    Hosted nodes carry API keys in the user part, the path or the query of their URL.
    """
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    hidden = "/…" if parts.path.strip("/") or parts.query or parts.username else ""
    return f"{parts.scheme}://{host}{port}{hidden}"


def connect(settings: Settings) -> Web3:
    """A Web3 connection, checked to answer and to be on the expected chain id."""
    url = rpc_url(settings)
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    try:
        chain_id = w3.eth.chain_id
    except Exception as exc:  # the provider raises many transport error types
        raise ChainError(
            f"no EVM node answers at {public_url(url)}; start one with `datarights chain up`"
        ) from exc
    if settings.chain_id is not None and chain_id != settings.chain_id:
        raise ConfigurationError(
            f"node at {public_url(url)} is chain {chain_id}, expected {settings.chain_id}"
        )
    return w3


def registry_artifacts(settings: Settings) -> dict[str, ContractArtifact]:
    """Compiled artifacts of the registry contracts (cached by source hash)."""
    return compile_contracts(
        settings.project_root / "contracts" / "src",
        settings.build_dir,
        node_modules=settings.node_modules_dir,
    )
