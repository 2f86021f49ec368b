"""Compiling the Solidity sources: the one place that holds the compiler settings.

The compiler is the npm `solc` package (WebAssembly) behind `solc-wrapper.cjs`, which
py-solc-x drives as if it were a native binary. Results are cached in the build
directory under the hash of the complete compiler input, so unchanged sources are
never compiled twice.
"""

import hashlib
import json
import logging
import os
import shlex
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from registry.config import find_project_root
from registry.errors import CompilationError, NotFoundError

logger = logging.getLogger(__name__)

SOLC_VERSION = "0.8.37"
EVM_VERSION = "cancun"
OPTIMIZER_RUNS = 200
VIA_IR = True
# Source unit names of the project's own contracts start with this prefix.
SOURCE_PREFIX = "src/"
EIP170_RUNTIME_LIMIT = 24_576

OUTPUT_SELECTION = [
    "abi",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.methodIdentifiers",
    "metadata",
]
COMPILER_SETTINGS: dict[str, Any] = {
    "evmVersion": EVM_VERSION,
    "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
    "viaIR": VIA_IR,
    "outputSelection": {"*": {"*": OUTPUT_SELECTION}},
}

_WRAPPER = Path(__file__).with_name("solc-wrapper.cjs")
_LATEST = "LATEST"
# Bumped when the layout of cached artifact files changes.
_CACHE_FORMAT = 1


@dataclass(frozen=True)
class ContractArtifact:
    """One compiled contract; interfaces and abstract contracts have empty bytecode."""

    name: str
    source_path: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    compiler_version: str
    method_identifiers: dict[str, str]
    metadata: str

    @property
    def is_deployable(self) -> bool:
        return bool(self.bytecode)

    @property
    def runtime_size(self) -> int:
        """Size of the deployed (runtime) code in bytes."""
        return len(self.deployed_bytecode.removeprefix("0x")) // 2


def compile_contracts(
    source_dir: Path, build_dir: Path, *, node_modules: Path | None = None
) -> dict[str, ContractArtifact]:
    """Compile every `.sol` file under `source_dir`, reusing the cache in `build_dir`."""
    node_modules = (node_modules or find_project_root(source_dir) / "node_modules").resolve()
    standard_input = build_standard_input(source_dir)
    cache_file = build_dir / f"{cache_key(standard_input, node_modules=node_modules)}.json"
    if cache_file.is_file():
        logger.info("compile cache=hit file=%s", cache_file)
        artifacts = _read_cache(cache_file)
    else:
        logger.info("compile cache=miss sources=%d", len(standard_input["sources"]))
        solc = solc_shim(build_dir, node_modules=node_modules, source_root=source_dir.parent)
        output = _run_solc(standard_input, solc)
        artifacts = _artifacts_from_output(output, compiler_version=_compiler_version(solc))
        _write_cache(cache_file, artifacts)
    _atomic_write(build_dir / _LATEST, cache_file.name)
    return artifacts


def load_artifacts(build_dir: Path, source_dir: Path | None = None) -> dict[str, ContractArtifact]:
    """Return cached artifacts: those matching `source_dir` if given, else the latest build."""
    if source_dir is not None:
        node_modules = find_project_root(source_dir) / "node_modules"
        key = cache_key(build_standard_input(source_dir), node_modules=node_modules.resolve())
        cache_file = build_dir / f"{key}.json"
    else:
        latest = build_dir / _LATEST
        cache_file = build_dir / latest.read_text().strip() if latest.is_file() else latest
    if not cache_file.is_file():
        raise NotFoundError(f"no compiled contracts at {cache_file}; run `make build`")
    return _read_cache(cache_file)


def build_standard_input(source_dir: Path) -> dict[str, Any]:
    """Standard-JSON compiler input holding every `.sol` file under `source_dir` inline."""
    files = sorted(source_dir.rglob("*.sol"))
    if not files:
        raise NotFoundError(f"no Solidity sources under {source_dir}")
    sources = {
        SOURCE_PREFIX + path.relative_to(source_dir).as_posix(): {"content": path.read_text()}
        for path in files
    }
    return {"language": "Solidity", "sources": sources, "settings": COMPILER_SETTINGS}


def cache_key(standard_input: dict[str, Any], *, node_modules: Path) -> str:
    """Hash of everything that determines the output: input, settings and library versions."""
    fingerprint = {
        "format": _CACHE_FORMAT,
        "solc": SOLC_VERSION,
        "openzeppelin": _package_version(node_modules, "@openzeppelin/contracts"),
        "input": standard_input,
    }
    encoded = json.dumps(fingerprint, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _package_version(node_modules: Path, package: str) -> str | None:
    manifest = node_modules / package / "package.json"
    if not manifest.is_file():
        return None
    version = json.loads(manifest.read_text()).get("version")
    return str(version) if version is not None else None


def solc_shim(build_dir: Path, *, node_modules: Path, source_root: Path) -> Path:
    """Write (once) an executable that runs the Node wrapper with the right environment."""
    node = shutil.which("node")
    if node is None:
        raise CompilationError("`node` is not on PATH; the Solidity compiler needs Node.js")
    if not (node_modules / "solc" / "package.json").is_file():
        raise CompilationError(f"npm package solc missing under {node_modules}; run `make install`")
    script = (
        "#!/bin/sh\n"
        f"DATARIGHTS_NODE_MODULES={shlex.quote(str(node_modules))} "
        f"DATARIGHTS_SOURCE_ROOT={shlex.quote(str(source_root.resolve()))} "
        f'exec {shlex.quote(node)} {shlex.quote(str(_WRAPPER))} "$@"\n'
    )
    digest = hashlib.sha256(script.encode()).hexdigest()[:16]
    shim = build_dir / ".solc" / f"solc-{digest}"
    if not shim.is_file():
        _atomic_write(shim, script, mode=0o755)
    return shim


def _compiler_version(solc: Path) -> str:
    version = str(solcx.wrapper.get_solc_version(solc, with_commit_hash=True))
    if not version.startswith(SOLC_VERSION + "+"):
        raise CompilationError(f"expected solc {SOLC_VERSION}, the npm package is {version}")
    return version


def _run_solc(standard_input: dict[str, Any], solc: Path) -> dict[str, Any]:
    try:
        output: dict[str, Any] = solcx.compile_standard(standard_input, solc_binary=solc)
    except SolcError as exc:
        raise CompilationError(_error_report(exc)) from exc
    for diagnostic in output.get("errors", []):
        logger.warning("solc %s", diagnostic.get("formattedMessage", diagnostic).strip())
    return output


def _error_report(exc: SolcError) -> str:
    if not exc.error_dict:
        return f"solc failed: {exc}"
    messages = [
        str(error.get("formattedMessage") or error.get("message")).strip()
        for error in exc.error_dict
        if error.get("severity") == "error"
    ]
    return f"compilation failed with {len(messages)} error(s):\n" + "\n".join(messages)


def _artifacts_from_output(
    output: dict[str, Any], *, compiler_version: str
) -> dict[str, ContractArtifact]:
    artifacts: dict[str, ContractArtifact] = {}
    for source_path, contracts in sorted(output.get("contracts", {}).items()):
        if not source_path.startswith(SOURCE_PREFIX):
            continue
        for name, compiled in sorted(contracts.items()):
            if name in artifacts:
                raise CompilationError(
                    f"contract name {name} is defined in both "
                    f"{artifacts[name].source_path} and {source_path}"
                )
            evm = compiled.get("evm", {})
            artifacts[name] = ContractArtifact(
                name=name,
                source_path=source_path,
                abi=compiled.get("abi", []),
                bytecode=_hex(evm.get("bytecode", {}).get("object", "")),
                deployed_bytecode=_hex(evm.get("deployedBytecode", {}).get("object", "")),
                compiler_version=compiler_version,
                method_identifiers=evm.get("methodIdentifiers", {}),
                metadata=compiled.get("metadata", ""),
            )
    return artifacts


def _hex(code: str) -> str:
    return "0x" + code if code else ""


def _read_cache(cache_file: Path) -> dict[str, ContractArtifact]:
    entries = json.loads(cache_file.read_text())["contracts"]
    return {name: ContractArtifact(**fields) for name, fields in entries.items()}


def _write_cache(cache_file: Path, artifacts: dict[str, ContractArtifact]) -> None:
    payload = {"contracts": {name: asdict(artifact) for name, artifact in artifacts.items()}}
    _atomic_write(cache_file, json.dumps(payload, indent=1, sort_keys=True))


def _atomic_write(path: Path, text: str, *, mode: int = 0o644) -> None:
    # Parallel builds (pytest-xdist) may write the same file: never expose a partial one.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    tmp.chmod(mode)
    tmp.replace(path)
