"""Lineage benchmark: traces on a generated 1M-asset DAG beside a bare recursive CTE.

See `registry/bench/lineage.py` for what is measured and how.

    .venv/bin/python scripts/bench_lineage.py [--assets 1000000] [--reuse] [--database-url URL]
"""

from __future__ import annotations

from registry.bench.lineage import main

if __name__ == "__main__":
    raise SystemExit(main())
