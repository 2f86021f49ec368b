"""API benchmark: `GET /assets/{id}` beside a bare FastAPI endpoint, both served by uvicorn.

See `registry/bench/api.py` for what is measured and how.

    .venv/bin/python scripts/bench_api.py [--reuse] [--connections 16] [--seconds 10] [--profile]
"""

from __future__ import annotations

from registry.bench.api import main

if __name__ == "__main__":
    raise SystemExit(main())
