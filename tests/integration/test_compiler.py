import logging
from pathlib import Path

import pytest

from registry.chain.compiler import SOLC_VERSION, compile_contracts, load_artifacts
from registry.errors import CompilationError, NotFoundError

VAULT = """\
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IVault} from "./interfaces/IVault.sol";

contract Vault is IVault, Ownable {
    uint256 private _stored;

    constructor() Ownable(msg.sender) {}

    function store(uint256 amount) external onlyOwner {
        if (amount == 0) revert VaultEmptyAmount();
        _stored = amount;
        emit Stored(amount);
    }

    function stored() external view returns (uint256) {
        return _stored;
    }
}
"""

IVAULT = """\
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

interface IVault {
    /// @notice `amount` was stored.
    event Stored(uint256 amount);
    /// @notice Storing zero is not allowed.
    error VaultEmptyAmount();
}
"""


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    source = tmp_path / "contracts" / "src"
    (source / "interfaces").mkdir(parents=True)
    (source / "Vault.sol").write_text(VAULT)
    (source / "interfaces" / "IVault.sol").write_text(IVAULT)
    return source


def test_compile_contracts_builds_own_contracts_and_interfaces(
    source_dir: Path, tmp_path: Path
) -> None:
    artifacts = compile_contracts(source_dir, tmp_path / "build")

    assert set(artifacts) == {"Vault", "IVault"}
    vault, ivault = artifacts["Vault"], artifacts["IVault"]
    assert vault.source_path == "src/Vault.sol"
    assert vault.is_deployable
    assert vault.bytecode.startswith("0x60")
    assert vault.runtime_size > 0
    assert vault.compiler_version.startswith(SOLC_VERSION + "+commit.")
    assert {"store(uint256)", "stored()", "owner()"} <= set(vault.method_identifiers)
    abi_names = {entry.get("name") for entry in vault.abi}
    assert {"Stored", "VaultEmptyAmount", "OwnableUnauthorizedAccount"} <= abi_names
    assert ivault.source_path == "src/interfaces/IVault.sol"
    assert not ivault.is_deployable
    assert ivault.bytecode == ""
    assert {entry["type"] for entry in ivault.abi} == {"event", "error"}


def test_second_compile_of_unchanged_sources_hits_the_cache(
    source_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    build_dir = tmp_path / "build"
    first = compile_contracts(source_dir, build_dir)

    with caplog.at_level(logging.INFO, logger="registry.chain.compiler"):
        second = compile_contracts(source_dir, build_dir)

    assert "cache=hit" in caplog.text
    assert second == first
    assert load_artifacts(build_dir, source_dir) == first
    assert load_artifacts(build_dir) == first


def test_changed_source_misses_the_cache(
    source_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    build_dir = tmp_path / "build"
    compile_contracts(source_dir, build_dir)
    (source_dir / "Vault.sol").write_text(
        VAULT.replace("_stored = amount;", "_stored = amount + 1;")
    )

    with pytest.raises(NotFoundError):
        load_artifacts(build_dir, source_dir)
    with caplog.at_level(logging.INFO, logger="registry.chain.compiler"):
        compile_contracts(source_dir, build_dir)

    assert "cache=miss" in caplog.text


def test_syntax_error_raises_compilation_error_with_the_message(
    source_dir: Path, tmp_path: Path
) -> None:
    (source_dir / "Broken.sol").write_text("pragma solidity ^0.8.24;\ncontract Broken {\n")

    with pytest.raises(CompilationError, match="ParserError") as raised:
        compile_contracts(source_dir, tmp_path / "build")

    assert "src/Broken.sol:3" in str(raised.value)
    assert not list((tmp_path / "build").glob("*.json"))


def test_compilation_error_lists_every_error(source_dir: Path, tmp_path: Path) -> None:
    for name in ("First", "Second"):
        (source_dir / f"{name}.sol").write_text(
            f"pragma solidity ^0.8.24;\ncontract {name} {{ uint8 private _small = 300; }}\n"
        )

    with pytest.raises(CompilationError, match="2 error") as raised:
        compile_contracts(source_dir, tmp_path / "build")

    message = str(raised.value)
    assert "TypeError" in message
    assert "src/First.sol" in message
    assert "src/Second.sol" in message


def test_empty_source_dir_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        compile_contracts(tmp_path, tmp_path / "build")
