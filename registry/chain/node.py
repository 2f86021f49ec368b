"""A local EVM node (anvil or hardhat) run as a managed subprocess.

Anvil keeps its chain in a state file: it loads it on start and writes it when it
receives SIGINT or SIGTERM, which is why `stop()` asks it to exit before killing it.
A hardhat node keeps everything in memory and starts empty every time.

Anvil 1.7 also appends a fresh genesis block to the state file on every start, and on reload
it may pick any of the copies as block 0, which would make the same chain look like another one
(different genesis hash) to the deployment records and the indexer. `start()` therefore keeps
only the original genesis, the earliest, before anvil loads the file.
"""

import atexit
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Literal, Self

from registry.config import Settings, find_project_root
from registry.errors import ChainError, ConfigurationError

logger = logging.getLogger(__name__)

NodeKind = Literal["anvil", "hardhat"]
DEV_CHAIN_ID = 31337
LOCALHOST = "127.0.0.1"
_STDERR_TAIL_BYTES = 4_000


def is_reachable(url: str, *, timeout: float = 1.0) -> bool:
    """True when `url` answers a JSON-RPC `eth_chainId` request."""
    return _rpc_chain_id(url, timeout=timeout) is not None


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


class LocalNode:
    """A local development chain on 127.0.0.1, started and stopped by this process."""

    def __init__(
        self,
        *,
        data_dir: Path,
        kind: NodeKind = "anvil",
        port: int = 8545,
        hardfork: str = "cancun",
        chain_id: int = DEV_CHAIN_ID,
        state_file: Path | None = None,
        node_modules: Path | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        self.kind = kind
        self.hardfork = hardfork
        self.chain_id = chain_id
        self.node_dir = data_dir.resolve() / "node"
        self.state_file = (state_file or self.node_dir / f"{kind}-state.json").resolve()
        self.log_file = self.node_dir / f"{kind}.log"
        self.node_modules = (node_modules or find_project_root() / "node_modules").resolve()
        self.startup_timeout = startup_timeout
        self._requested_port = port
        self._port: int | None = port or None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "LocalNode":
        """The managed node described by `settings` (used when `rpc_url` is unset)."""
        return cls(
            data_dir=settings.data_dir,
            kind=settings.node,
            port=settings.node_port,
            hardfork=settings.hardfork,
            chain_id=settings.chain_id or DEV_CHAIN_ID,
            state_file=settings.node_state_file,
            node_modules=settings.node_modules_dir,
        )

    @property
    def port(self) -> int:
        if self._port is None:
            raise ChainError("the node picks its port when it starts; it has not started yet")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> Self:
        """Start the node and block until it answers JSON-RPC with the expected chain id."""
        if self.is_running:
            raise ChainError(f"{self.kind} node is already running at {self.url}")
        self._port = self._requested_port or free_port()
        if is_reachable(self.url):
            raise ChainError(f"another node already answers at {self.url}")
        self.node_dir.mkdir(parents=True, exist_ok=True)
        if self.kind == "anvil":
            prune_duplicate_genesis(self.state_file)
        command, cwd = self._command()
        logger.info("node start kind=%s url=%s log=%s", self.kind, self.url, self.log_file)
        self._log = self.log_file.open("ab")
        self._process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"},
            start_new_session=True,  # a Ctrl-C in the terminal must not kill it before stop()
        )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, *, timeout: float = 30.0) -> None:
        """Ask the node to exit (anvil then writes its state file); kill it if it hangs."""
        process, self._process = self._process, None
        atexit.unregister(self.stop)
        if process is not None and process.poll() is None:
            logger.info("node stop kind=%s url=%s", self.kind, self.url)
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.warning("node kill kind=%s pid=%d reason=timeout", self.kind, process.pid)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _command(self) -> tuple[list[str], Path | None]:
        if self.kind == "anvil":
            return self._anvil_command(), None
        return self._hardhat_command(), self.node_modules.parent

    def _anvil_command(self) -> list[str]:
        return [
            str(self._anvil_binary()),
            *("--host", LOCALHOST, "--port", str(self.port)),
            *("--chain-id", str(self.chain_id), "--hardfork", self.hardfork),
            *("--state", str(self.state_file)),
            # Anvil spills old block states to disk; by default under ~/.foundry, where a killed
            # node leaves them behind for good. Keep them inside this node's own directory.
            *("--cache-path", str(self.state_file.parent / "anvil-cache")),
            "--silent",
        ]

    def _anvil_binary(self) -> Path:
        # The platform binary itself, not the npm launcher, so signals reach anvil directly.
        candidates = [
            *sorted(self.node_modules.glob("@foundry-rs/anvil-*/bin/anvil")),
            self.node_modules / ".bin" / "anvil",
        ]
        on_path = shutil.which("anvil")
        for candidate in [*candidates, *([Path(on_path)] if on_path else [])]:
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        raise ConfigurationError(f"anvil not found under {self.node_modules}; run `make install`")

    def _hardhat_command(self) -> list[str]:
        cli = self.node_modules / "hardhat" / "internal" / "cli" / "cli.js"
        node = shutil.which("node")
        if node is None or not cli.is_file():
            raise ConfigurationError(f"hardhat needs node and {cli}; run `make install`")
        # Hardhat refuses to run from outside the project that installed it, so the node runs
        # in the project root and reads a config generated in the node directory.
        config = self.node_dir / "hardhat.config.js"
        networks = {"hardhat": {"chainId": self.chain_id, "hardfork": self.hardfork}}
        config.write_text(f"module.exports = {json.dumps({'networks': networks})};\n")
        return [
            node,
            str(cli),
            *("--config", str(config), "node"),
            *("--hostname", LOCALHOST, "--port", str(self.port)),
        ]

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise ChainError(f"{self.kind} exited with code {code}:\n{self._log_tail()}")
            chain_id = _rpc_chain_id(self.url, timeout=1.0)
            if chain_id is not None:
                if chain_id != self.chain_id:
                    raise ChainError(f"{self.url} reports chain id {chain_id}, not {self.chain_id}")
                return
            time.sleep(0.1)
        raise ChainError(
            f"{self.kind} did not answer at {self.url} within {self.startup_timeout:.0f}s:\n"
            + self._log_tail()
        )

    def _log_tail(self) -> str:
        if self._log is not None:
            self._log.flush()
        with self.log_file.open("rb") as log:
            log.seek(max(0, self.log_file.stat().st_size - _STDERR_TAIL_BYTES))
            return log.read().decode(errors="replace")


def prune_duplicate_genesis(state_file: Path) -> int:
    """Drop every block 0 but the earliest from an anvil state file; return how many went."""
    if not state_file.is_file():
        return 0
    state = json.loads(state_file.read_bytes())
    blocks = state.get("blocks") or []
    genesis = [b for b in blocks if int(b["header"]["number"], 16) == 0]
    if len(genesis) < 2:
        return 0
    original = min(genesis, key=lambda b: int(b["header"]["timestamp"], 16))
    state["blocks"] = [b for b in blocks if b is original or int(b["header"]["number"], 16) != 0]
    partial = state_file.with_suffix(".json.part")
    partial.write_text(json.dumps(state))
    partial.replace(state_file)
    dropped = len(genesis) - 1
    logger.info("node state pruned duplicate_genesis=%d file=%s", dropped, state_file)
    return dropped


def _rpc_chain_id(url: str, *, timeout: float) -> int | None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            result = json.loads(response.read()).get("result")
    except (OSError, ValueError):
        return None
    return int(result, 16) if isinstance(result, str) else None
