"""Indexer benchmark: events indexed from scratch against a floor measured in the same run.

See `registry/bench/indexer.py` for what is measured and how.

    .venv/bin/python scripts/bench_indexer.py --events 20000 --rounds 3 [--postgres URL]
"""

from __future__ import annotations

from registry.bench.indexer import main

if __name__ == "__main__":
    raise SystemExit(main())
