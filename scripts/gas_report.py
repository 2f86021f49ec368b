"""Print the gas used by each registry operation against its target (see docs/GAS.md)."""

import argparse
import logging
import sys

from registry.bench.gas import gas_report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hardfork", default="cancun", help="EVM hardfork anvil runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(gas_report(hardfork=args.hardfork))
    return 0


if __name__ == "__main__":
    sys.exit(main())
