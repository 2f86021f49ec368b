"""Runtime configuration: one `Settings` object, built at start-up and passed down.

Every field can be set from the environment with the `DATARIGHTS_` prefix, e.g.
`DATARIGHTS_RPC_URL=http://127.0.0.1:8545`. Secrets (private keys, keystore
passwords) are deliberately not fields: the key module reads them from the
environment at the moment it needs them, so they never end up in a settings dump.
"""

import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Files that mark the root of a datarights checkout (Python package + npm toolchain).
_PROJECT_MARKERS = ("pyproject.toml", "package.json")


def find_project_root(start: Path | None = None) -> Path:
    """Return the nearest ancestor of `start` (default: cwd) that holds the project markers.

    Falls back to the checkout this package was imported from, then to `start` itself.
    """
    origin = (start or Path.cwd()).resolve()
    package_checkout = Path(__file__).resolve().parents[1]
    for candidate in (*(origin, *origin.parents), package_checkout):
        if all((candidate / marker).is_file() for marker in _PROJECT_MARKERS):
            return candidate
    return origin


class Settings(BaseSettings):
    """All runtime settings of the registry (env prefix `DATARIGHTS_`)."""

    model_config = SettingsConfigDict(env_prefix="DATARIGHTS_", extra="ignore")

    data_dir: Path = Path(".datarights")
    rpc_url: str | None = None
    chain_id: int | None = Field(default=None, gt=0)
    node: Literal["anvil", "hardhat"] = "anvil"
    node_port: int = Field(default=8545, ge=0, le=65535)
    hardfork: str = "cancun"
    confirmations: int = Field(default=0, ge=0)
    database_url: str | None = None
    keystore: Path | None = None
    key_index: int = Field(default=0, ge=0)
    log_level: str = "INFO"
    node_modules: Path | None = None

    @field_validator("data_dir")
    @classmethod
    def _anchor_data_dir(cls, value: Path) -> Path:
        # Anchored once, so a later chdir (or a subprocess cwd) cannot move it.
        return value.expanduser().resolve()

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        level = value.upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"unknown log level {value!r}")
        return level

    @property
    def uses_managed_node(self) -> bool:
        """True when no RPC URL is configured and the registry runs its own local node."""
        return self.rpc_url is None

    @property
    def project_root(self) -> Path:
        """Root of the checkout: holds contracts/, node_modules/ and build/."""
        return find_project_root()

    @property
    def deployments_dir(self) -> Path:
        return self.data_dir / "deployments"

    @property
    def node_dir(self) -> Path:
        """Working directory of the managed node: state, logs, generated configs."""
        return self.data_dir / "node"

    @property
    def node_state_file(self) -> Path:
        return self.node_dir / f"{self.node}-state.json"

    @property
    def build_dir(self) -> Path:
        return self.project_root / "build" / "contracts"

    @property
    def node_modules_dir(self) -> Path:
        return (self.node_modules or self.project_root / "node_modules").resolve()
