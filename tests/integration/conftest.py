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
