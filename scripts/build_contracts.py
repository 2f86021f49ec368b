"""Compile contracts/src into build/contracts and report each contract's runtime size."""

import logging
import sys

from registry.chain.compiler import EIP170_RUNTIME_LIMIT, compile_contracts
from registry.chain.reverts import write_error_module
from registry.config import Settings
from registry.errors import RegistryError


def main() -> int:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s %(message)s")
    source_dir = settings.project_root / "contracts" / "src"
    try:
        artifacts = compile_contracts(
            source_dir, settings.build_dir, node_modules=settings.node_modules_dir
        )
    except RegistryError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    for artifact in sorted(artifacts.values(), key=lambda a: a.source_path + a.name):
        if not artifact.is_deployable:
            continue
        size = artifact.runtime_size
        print(f"{artifact.name:<32} {size:>7,} bytes  {artifact.source_path}")
        if size > EIP170_RUNTIME_LIMIT:
            print(
                f"warning: {artifact.name} runtime is {size:,} bytes, above the EIP-170 limit "
                f"of {EIP170_RUNTIME_LIMIT:,}; it cannot be deployed on mainnet",
                file=sys.stderr,
            )
    if write_error_module(artifacts):
        print("regenerated registry/chain/contract_errors.py from the contract ABIs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
