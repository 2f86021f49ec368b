"""Benchmarks of the registry: gas per operation and registration throughput.

This module holds what both share: a private local chain, the registry deployed on it with its
roles and admitted parties, and builders for asset records, certificates and grant terms.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.types import RPCEndpoint

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.compiler import ContractArtifact
from registry.chain.connect import registry_artifacts
from registry.chain.deploy import deploy_registry
from registry.chain.keys import dev_account
from registry.chain.node import LocalNode
from registry.chain.transactions import TxSender
from registry.config import Settings, find_project_root
from registry.errors import ChainError

YEAR = 365 * 24 * 3600
# A CIDv1 is ~60 characters: URIs of realistic length, since calldata and log bytes cost gas.
METADATA_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
TERMS_URI = "ipfs://bafybeihkoviema7g3gxyt6la7vd5ho32ictqbilu3wnlo3rs7ewhnp7lly"

# Development accounts (anvil pre-funds indices 0-9) of each party in the benchmarks.
ADMIN, ARBITRATOR, HOLDER, PROCESSOR, OTHER, RELAYER = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Parties:
    """One registry client per role, each writing from its own development account."""

    admin: RegistryClient  # admin and registrar
    arbitrator: RegistryClient
    holder: RegistryClient  # an enterprise that registers data and holds the rights
    processor: RegistryClient  # an enterprise that takes processing grants and makes products
    other: RegistryClient  # a third admitted enterprise: objects, disputes, receives transfers
    relayer: RegistryClient  # never admitted: submits grants that others signed

    @property
    def w3(self) -> Web3:
        return self.admin.w3


@contextmanager
def local_chain(*, hardfork: str = "cancun") -> Iterator[Web3]:
    """A fresh anvil on a free port in a temporary directory, stopped on exit."""
    with (
        tempfile.TemporaryDirectory(prefix="datarights-bench-") as tmp,
        LocalNode(data_dir=Path(tmp), kind="anvil", port=0, hardfork=hardfork) as node,
    ):
        yield Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 120}))


def rpc(w3: Web3, method: str, params: list[Any]) -> Any:
    """The result of one raw JSON-RPC call; an error answer raises `ChainError`."""
    response = w3.provider.make_request(RPCEndpoint(method), params)
    if "error" in response:
        raise ChainError(f"{method} failed: {response['error']}")
    return response["result"]


def contract_artifacts() -> dict[str, ContractArtifact]:
    """The compiled registry contracts (cached in build/ by source hash)."""
    return registry_artifacts(Settings())


def contracts_revision() -> str:
    """The last commit that changed contracts/src, noting uncommitted changes on top of it."""
    try:
        commit = _git("log", "-1", "--format=%h %cs", "--", "contracts/src")
        dirty = _git("status", "--porcelain", "--", "contracts/src")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" with uncommitted changes" if dirty else "")


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=find_project_root(), capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def deploy_parties(w3: Web3, artifacts: Mapping[str, ContractArtifact]) -> Parties:
    """Deploy a fresh registry, grant the arbitrator role and admit the parties."""
    senders = {i: TxSender(w3, dev_account(i)) for i in range(RELAYER + 1)}
    deployment = deploy_registry(senders[ADMIN], artifacts)
    clients = {i: RegistryClient(s, deployment) for i, s in senders.items()}
    parties = Parties(*(clients[i] for i in (ADMIN, ARBITRATOR, HOLDER, PROCESSOR, OTHER, RELAYER)))
    parties.admin.grant_role("arbitrator", parties.arbitrator.account)
    admitted = {
        parties.admin: model.PartyKind.GOVERNMENT,
        parties.holder: model.PartyKind.ENTERPRISE,
        parties.processor: model.PartyKind.ENTERPRISE,
        parties.other: model.PartyKind.ENTERPRISE,
    }
    for client, kind in admitted.items():
        identity = hashlib.sha256(f"identity {client.account}".encode()).digest()
        parties.admin.admit_party(client.account, kind, identity)
    return parties


def asset_record(label: str) -> model.AssetRecord:
    """An enterprise data resource of general grade whose content is `label`."""
    return model.AssetRecord(
        content_hash=sha256(f"content {label}"),
        merkle_root=sha256(f"chunk root {label}"),
        leaf_count=16,
        leaf_mode=model.LeafMode.CHUNKS,
        metadata_hash=sha256(f"metadata {label}"),
        metadata_uri=METADATA_URI,
        category=model.Category.ENTERPRISE,
        grade=model.Grade.GENERAL,
        open_class=model.OpenClass.NOT_APPLICABLE,
        domain=54,
        update_cycle=86_400,
    )


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def block_time(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])


def travel(w3: Web3, seconds: int) -> None:
    """Move block time forward by `seconds` and mine a block."""
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def certify_all(parties: Parties, client: RegistryClient, assets: list[bytes]) -> list[int]:
    """Holding certificates for `client` on `assets`: apply for all, one notice window, issue."""
    ids = [int(client.apply_for_certificate(asset, model.Right.HOLDING).id) for asset in assets]
    travel(parties.w3, notice_window(parties))
    for certificate_id in ids:
        parties.admin.issue_certificate(certificate_id)
    return ids


def notice_window(parties: Parties) -> int:
    return int(parties.admin.policy().notice_window) + 1


def grant_terms(grantee: str, *, certificate_id: int, now: int) -> model.GrantTerms:
    """Terms of a processing right for one year from `now`, resting on a certificate."""
    return model.GrantTerms(
        parent_kind=model.AuthKind.CERTIFICATE,
        parent_id=certificate_id,
        grantee=grantee,
        right=model.Right.PROCESSING,
        purpose_hash=sha256("purpose: traffic congestion analysis"),
        scenario_hash=sha256("scenario: city logistics planning"),
        scope_hash=sha256("scope: road segments, speeds"),
        security_hash=sha256("security: desensitized, in-domain compute"),
        valid_from=now,
        valid_until=now + YEAR,
        end_of_term=model.EndOfTerm.DELETE,
        sub_grantable=False,
        revocable=True,
        terms_uri=TERMS_URI,
    )
