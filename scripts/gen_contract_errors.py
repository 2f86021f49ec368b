"""Regenerate registry/chain/contract_errors.py from the compiled contracts in contracts/src."""

import logging
import sys

from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.chain.reverts import GENERATED_PATH, collect_errors, write_error_module
from registry.config import Settings
from registry.errors import RegistryError


def main() -> int:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s %(message)s")
    source_dir = settings.project_root / "contracts" / "src"
    artifacts: dict[str, ContractArtifact] = {}
    try:
        if any(source_dir.rglob("*.sol")):
            artifacts = compile_contracts(
                source_dir, settings.build_dir, node_modules=settings.node_modules_dir
            )
        changed = write_error_module(artifacts)
    except RegistryError as exc:
        print(f"generating contract errors failed: {exc}", file=sys.stderr)
        return 1
    state = "written" if changed else "unchanged"
    print(f"{GENERATED_PATH} {state}: {len(collect_errors(artifacts))} custom errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
