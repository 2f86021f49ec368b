"""Shared fixtures for tests against real local chains.

`anvil_node` and `hardhat_node` are started once per test session (once per xdist
worker) in a temporary data directory on a free port; `w3` talks to `anvil_node`.
"""

from collections.abc import Iterator

import pytest
from web3 import Web3

from registry.chain.node import LocalNode


@pytest.fixture(scope="session")
def anvil_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    with LocalNode(data_dir=tmp_path_factory.mktemp("anvil"), kind="anvil", port=0) as node:
        yield node


@pytest.fixture(scope="session")
def hardhat_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    with LocalNode(data_dir=tmp_path_factory.mktemp("hardhat"), kind="hardhat", port=0) as node:
        yield node


@pytest.fixture(scope="session")
def w3(anvil_node: LocalNode) -> Web3:
    return Web3(Web3.HTTPProvider(anvil_node.url))


# ---------------------------------------------------------------- the deployed registry

from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

from registry import model  # noqa: E402
from registry.chain.client import RegistryClient  # noqa: E402
from registry.chain.compiler import ContractArtifact  # noqa: E402
from registry.chain.connect import registry_artifacts  # noqa: E402
from registry.chain.deploy import deploy_registry  # noqa: E402
from registry.chain.deployments import Deployment  # noqa: E402
from registry.chain.keys import dev_account  # noqa: E402
from registry.chain.transactions import TxSender  # noqa: E402
from registry.config import Settings  # noqa: E402


@dataclass
class Actors:
    """One registry client per role in the scenarios, each on its own development account."""

    admin: RegistryClient  # admin and registrar
    reviewer: RegistryClient
    arbitrator: RegistryClient
    bureau: RegistryClient  # a city data bureau (government), holder of public data
    operator: RegistryClient  # an authorized public-data operator (processor)
    buyer: RegistryClient  # a logistics company
    outsider: RegistryClient  # never admitted
    other: RegistryClient  # another admitted enterprise

    def all(self) -> dict[str, RegistryClient]:
        return dict(vars(self))

    def resync(self) -> None:
        for client in self.all().values():
            client.sender.resync_nonce()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ContractArtifact]:
    return registry_artifacts(Settings(data_dir=tmp_path_factory.mktemp("data")))


def deploy_actors(w3: Web3, artifacts: dict[str, ContractArtifact]) -> Actors:
    """Deploy a fresh registry on `w3` and set up roles and parties for the scenarios."""
    senders = [TxSender(w3, dev_account(i)) for i in range(8)]
    deployment: Deployment = deploy_registry(senders[0], artifacts)
    clients = [RegistryClient(s, deployment) for s in senders]
    actors = Actors(*clients)
    admin = actors.admin
    admin.grant_role("reviewer", actors.reviewer.account)
    admin.grant_role("arbitrator", actors.arbitrator.account)
    kinds = {
        "bureau": model.PartyKind.GOVERNMENT,
        "operator": model.PartyKind.ENTERPRISE,
        "buyer": model.PartyKind.ENTERPRISE,
        "other": model.PartyKind.ENTERPRISE,
        "admin": model.PartyKind.GOVERNMENT,
        "arbitrator": model.PartyKind.ENTERPRISE,
    }
    for name, kind in kinds.items():
        client = getattr(actors, name)
        admin.admit_party(client.account, kind, name.encode().ljust(32, b"\x01"))
    return actors


@pytest.fixture(scope="session")
def deployed(w3: Web3, artifacts: dict[str, ContractArtifact]) -> Actors:
    return deploy_actors(w3, artifacts)


@pytest.fixture
def actors(w3: Web3, deployed: Actors) -> Iterator[Actors]:
    """The deployed registry, rolled back to its initial state after each test."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    deployed.resync()
    yield deployed
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    deployed.resync()


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]
