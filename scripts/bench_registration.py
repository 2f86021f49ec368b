"""Registrations per second through the client, beside a raw-send floor (docs/BENCHMARKS.md)."""

import argparse
import logging
import sys

from registry.bench.registration import throughput_report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--single", type=int, default=300, help="assets registered one per tx")
    parser.add_argument("--bulk", type=int, default=5_000, help="assets registered in bulk")
    parser.add_argument("--per-tx", type=int, default=100, help="assets per bulk transaction")
    parser.add_argument("--hardfork", default="cancun", help="EVM hardfork anvil runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    report = throughput_report(
        single_n=args.single, bulk_n=args.bulk, per_tx=args.per_tx, hardfork=args.hardfork
    )
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
