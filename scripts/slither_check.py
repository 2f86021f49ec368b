"""Run slither over contracts/src and fail on any high or medium finding not explained.

The sources go through the project's own compiler (npm solc behind the Node wrapper, see
registry/chain/compiler.py) with the build's compiler version and EVM version. Slither reads
the typed AST, which does not depend on code generation, so code is generated the quick way
(no IR pipeline, no optimizer); the deployed build keeps its own settings.

Accepted findings are listed, each with its reason, in the table under
"Accepted static-analysis findings" in docs/SECURITY.md. A finding is matched by detector
and enclosing function (`Contract.function`). Findings in dependencies (OpenZeppelin under
node_modules) are outside the scope; a finding that touches contracts/src at all is in it.
"""

import argparse
import inspect
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crytic_compile.crytic_compile import CryticCompile
from crytic_compile.platform.solc_standard_json import SolcStandardJson
from slither import Slither  # type: ignore[import-untyped]
from slither.detectors import all_detectors  # type: ignore[import-untyped]
from slither.detectors.abstract_detector import (  # type: ignore[import-untyped]
    AbstractDetector,
    DetectorClassification,
)

from registry.chain.compiler import EVM_VERSION, build_standard_input, solc_shim
from registry.config import Settings

FAILING_IMPACTS = (DetectorClassification.HIGH, DetectorClassification.MEDIUM)
ALLOWLIST_HEADING = "## Accepted static-analysis findings"
# Slither needs the AST and crytic-compile reads bytecode and source maps from the output.
_OUTPUT_SELECTION = {
    "*": {
        "*": [
            "abi",
            "evm.bytecode.object",
            "evm.bytecode.sourceMap",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.sourceMap",
        ],
        "": ["ast"],
    }
}


@dataclass(frozen=True)
class Finding:
    """One slither result, located by the function (or contract) it concerns."""

    check: str
    impact: str
    location: str
    description: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.check, self.location)


def analysis_input(source_dir: Path) -> dict[str, Any]:
    """The build's standard-JSON input, asking for the AST and the cheapest code generation."""
    standard_input = build_standard_input(source_dir)
    standard_input["settings"] = {
        "evmVersion": EVM_VERSION,
        "optimizer": {"enabled": False},
        "viaIR": False,
        "outputSelection": _OUTPUT_SELECTION,
    }
    return standard_input


@contextmanager
def solc_on_path(solc: Path) -> Iterator[Path]:
    """Expose `solc` under the name `solc` first on PATH.

    crytic-compile 0.3 runs standard-JSON compilations as plain `solc` whatever binary it is
    given, so the project's compiler has to be found under that name.
    """
    saved = os.environ.get("PATH", "")
    with tempfile.TemporaryDirectory(prefix="datarights-solc-") as tmp:
        link = Path(tmp) / "solc"
        link.symlink_to(solc.resolve())
        os.environ["PATH"] = f"{tmp}{os.pathsep}{saved}"
        try:
            yield link
        finally:
            os.environ["PATH"] = saved


def analyse(settings: Settings) -> list[Finding]:
    """Compile contracts/src through the project's compiler and run the failing detectors."""
    source_dir = settings.project_root / "contracts" / "src"
    shim = solc_shim(
        settings.build_dir, node_modules=settings.node_modules_dir, source_root=source_dir.parent
    )
    with solc_on_path(shim) as solc:
        compilation = CryticCompile(
            SolcStandardJson(analysis_input(source_dir)),
            solc=str(solc),
            solc_working_dir=str(source_dir.parent),
        )
    slither = Slither(compilation, include_paths=[re.escape(source_dir.resolve().as_posix())])
    for detector in failing_detectors():
        slither.register_detector(detector)
    return [_finding(result) for results in slither.run_detectors() for result in results]


def failing_detectors() -> list[type[AbstractDetector]]:
    """Every slither detector whose impact is high or medium."""
    classes: list[type[Any]] = [
        member for _, member in inspect.getmembers(all_detectors, inspect.isclass)
    ]
    return [
        detector
        for detector in classes
        if issubclass(detector, AbstractDetector) and detector.IMPACT in FAILING_IMPACTS
    ]


def _finding(result: Mapping[str, Any]) -> Finding:
    return Finding(
        check=str(result["check"]),
        impact=str(result["impact"]),
        location=_location(result["elements"][0]) if result["elements"] else "",
        description=" ".join(str(result["description"]).split()),
    )


def _location(element: Mapping[str, Any]) -> str:
    """`Contract.function` of the element's enclosing function, else its contract's name."""
    names: list[str] = []
    node: Mapping[str, Any] | None = element
    while node is not None:
        if node["type"] in ("function", "contract"):
            names.append(str(node["name"]))
        node = node.get("type_specific_fields", {}).get("parent")
    return ".".join(reversed(names[:2]))


def load_allowlist(document: Path) -> dict[tuple[str, str], str]:
    """(detector, location) -> reason, from the table under ALLOWLIST_HEADING."""
    lines = document.read_text().splitlines()
    if ALLOWLIST_HEADING not in lines:
        raise ValueError(f"{document} has no section {ALLOWLIST_HEADING!r}")
    allowlist: dict[tuple[str, str], str] = {}
    for line in lines[lines.index(ALLOWLIST_HEADING) + 1 :]:
        if line.startswith("#"):
            break
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or set(cells[0]) <= set("-: "):
            continue
        if cells[0] != "Detector":
            allowlist[(cells[0], cells[1])] = cells[2]
    return allowlist


def report(findings: list[Finding], allowlist: Mapping[tuple[str, str], str]) -> int:
    """Print each finding with its verdict; 1 if a finding or an allowlist entry is unexplained."""
    unexplained = [f for f in findings if f.key not in allowlist]
    stale = sorted(set(allowlist) - {f.key for f in findings})
    for finding in sorted(findings, key=lambda f: (f.impact, f.check, f.location)):
        verdict = "accepted" if finding.key in allowlist else "UNEXPLAINED"
        print(f"{verdict:<11} {finding.impact:<6} {finding.check}: {finding.description}")
    for check, location in stale:
        print(f"stale allowlist entry: {check} at {location} is no longer reported")
    print(
        f"slither: {len(findings)} high/medium finding(s) in contracts/src, "
        f"{len(findings) - len(unexplained)} accepted, {len(unexplained)} unexplained, "
        f"{len(stale)} stale allowlist entr{'y' if len(stale) == 1 else 'ies'}"
    )
    return 1 if unexplained or stale else 0


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--allowlist",
        type=Path,
        default=settings.project_root / "docs" / "SECURITY.md",
        help="document whose accepted-findings table explains each accepted finding",
    )
    args = parser.parse_args(argv)
    # The unoptimized build exceeds the contract size limit; that warning is not a finding.
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("CryticCompile").setLevel(logging.ERROR)
    return report(analyse(settings), load_allowlist(args.allowlist))


if __name__ == "__main__":
    sys.exit(main())
