from pathlib import Path

import pytest
from pydantic import ValidationError

from registry.config import Settings, find_project_root
from registry.errors import (
    ChainError,
    CompilationError,
    ConfigurationError,
    NotFoundError,
    RegistryError,
    StaleDeploymentError,
)

ENV_FIELDS = [
    "DATA_DIR", "RPC_URL", "CHAIN_ID", "NODE", "NODE_PORT", "HARDFORK", "CONFIRMATIONS",
    "DATABASE_URL", "KEYSTORE", "KEY_INDEX", "LOG_LEVEL", "NODE_MODULES",
]  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for field in ENV_FIELDS:
        monkeypatch.delenv(f"DATARIGHTS_{field}", raising=False)
    monkeypatch.chdir(tmp_path)


def test_settings_defaults(tmp_path: Path) -> None:
    settings = Settings()

    assert settings.data_dir == tmp_path.resolve() / ".datarights"
    assert settings.rpc_url is None
    assert settings.uses_managed_node
    assert settings.chain_id is None
    assert settings.node == "anvil"
    assert settings.node_port == 8545
    assert settings.hardfork == "cancun"
    assert settings.confirmations == 0
    assert settings.database_url is None
    assert settings.keystore is None
    assert settings.key_index == 0
    assert settings.log_level == "INFO"


def test_settings_read_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATARIGHTS_RPC_URL", "http://127.0.0.1:9545")
    monkeypatch.setenv("DATARIGHTS_CHAIN_ID", "11155111")
    monkeypatch.setenv("DATARIGHTS_NODE", "hardhat")
    monkeypatch.setenv("DATARIGHTS_NODE_PORT", "0")
    monkeypatch.setenv("DATARIGHTS_CONFIRMATIONS", "3")
    monkeypatch.setenv("DATARIGHTS_KEY_INDEX", "2")
    monkeypatch.setenv("DATARIGHTS_LOG_LEVEL", "debug")

    settings = Settings()

    assert settings.rpc_url == "http://127.0.0.1:9545"
    assert not settings.uses_managed_node
    assert settings.chain_id == 11155111
    assert settings.node == "hardhat"
    assert settings.node_port == 0
    assert settings.confirmations == 3
    assert settings.key_index == 2
    assert settings.log_level == "DEBUG"


def test_settings_ignore_secrets_and_unknown_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATARIGHTS_PRIVATE_KEY", "0x" + "11" * 32)
    monkeypatch.setenv("DATARIGHTS_KEYSTORE_PASSWORD", "hunter2")
    monkeypatch.setenv("DATARIGHTS_SOMETHING_NEW", "1")

    dumped = Settings().model_dump_json()

    assert "11" * 32 not in dumped
    assert "hunter2" not in dumped
    assert not hasattr(Settings(), "private_key")


def test_settings_derive_paths_from_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "chain-data", node="hardhat")

    assert settings.deployments_dir == tmp_path / "chain-data" / "deployments"
    assert settings.node_state_file == tmp_path / "chain-data" / "node" / "hardhat-state.json"
    assert settings.build_dir == settings.project_root / "build" / "contracts"
    assert settings.node_modules_dir == settings.project_root / "node_modules"


def test_relative_data_dir_is_anchored_at_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATARIGHTS_DATA_DIR", "relative/state")

    settings = Settings()
    monkeypatch.chdir("/")

    assert settings.data_dir == tmp_path.resolve() / "relative" / "state"


@pytest.mark.parametrize(
    ("field", "value"),
    [("node", "geth"), ("node_port", "70000"), ("log_level", "LOUD"), ("chain_id", "0")],
)
def test_settings_reject_invalid_values(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    monkeypatch.setenv(f"DATARIGHTS_{field.upper()}", value)

    with pytest.raises(ValidationError, match=field):
        Settings()


def test_project_root_is_the_checkout_holding_both_manifests() -> None:
    root = find_project_root(Path(__file__).parent)

    assert (root / "pyproject.toml").is_file()
    assert (root / "package.json").is_file()
    assert Path(__file__).resolve().is_relative_to(root)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (ConfigurationError, ValueError),
        (NotFoundError, LookupError),
        (ChainError, RuntimeError),
        (CompilationError, RuntimeError),
        (StaleDeploymentError, RuntimeError),
    ],
)
def test_errors_derive_from_registry_error_and_their_builtin(
    error: type[RegistryError], builtin: type[Exception]
) -> None:
    with pytest.raises(RegistryError):
        raise error("boom")
    with pytest.raises(builtin):
        raise error("boom")


def test_public_url_hides_keys_in_user_path_and_query() -> None:
    from registry.chain.connect import public_url

    assert public_url("http://127.0.0.1:8545") == "http://127.0.0.1:8545"
    assert public_url("https://mainnet.example.io/v3/SECRETKEY") == "https://mainnet.example.io/…"
    assert public_url("https://user:SECRET@node.example:8443?key=SECRET") == (
        "https://node.example:8443/…"
    )
