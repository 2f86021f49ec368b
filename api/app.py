"""The application factory: settings in, a FastAPI app reading the mirror out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from api.errors import install_problem_handler
from api.routers import (
    assets,
    certificates,
    disputes,
    evidence,
    exports,
    grants,
    health,
    lineage,
    metrics,
    parties,
    policy,
    search,
    stream,
    verify,
)
from api.routers.explorer import install_explorer
from registry.config import Settings
from registry.db.engine import database_url, make_engine

DESCRIPTION = """\
Read access to the data-rights registry through its SQL mirror of the chain: data assets and
their classification, the three separated rights (holding, processing, operating) with their
certificates and holders, grants with their effective status, parties, disputes and evidence.

* Every read endpoint accepts `min_block`: the answer waits briefly until the mirror has indexed
  that block, and otherwise is `409 not-indexed-yet` naming the indexed block.
* Lists paginate with an opaque `cursor` (pass the previous page's `next_cursor`).
* Errors are `application/problem+json` with a specific `reason`.
"""

TAGS = [
    {"name": "assets", "description": "Registered data resources and products."},
    {"name": "certificates", "description": "Rights certificates (ERC-721) and their holders."},
    {"name": "grants", "description": "Processing and operating grants, with effective status."},
    {"name": "parties", "description": "Admitted parties, their credit and what they hold."},
    {"name": "disputes", "description": "Disputes, their evidence and rulings."},
    {"name": "evidence", "description": "Anchored documents and Merkle batches."},
    {"name": "policy", "description": "The current policy and negative lists."},
    {"name": "verify", "description": "Buyers' provenance reports for a hash, record or file."},
    {"name": "health", "description": "Chain head, indexed block and lag."},
    {"name": "exports", "description": "W3C VC 2.0, ODRL 2.2, DCAT 3 and their contexts."},
    {"name": "metrics", "description": "Prometheus metrics of the API and the mirror."},
    {"name": "events", "description": "Server-sent events of newly indexed registry events."},
    {"name": "search", "description": "Find assets by number, hash, address or name."},
]

MIN_BLOCK_WAIT = 2.0


def create_app(
    settings: Settings, *, engine: Engine | None = None, min_block_wait: float = MIN_BLOCK_WAIT
) -> FastAPI:
    """The API over the mirror named by `settings` (or over `engine` when given)."""
    owned = engine is None
    db = engine if engine is not None else make_engine(database_url(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            db.dispose()

    app = FastAPI(
        title="Data rights registry",
        description=DESCRIPTION,
        version="0.1.0",
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = db
    app.state.min_block_wait = min_block_wait
    install_problem_handler(app)
    metrics.instrument(app)
    for module in (
        assets, lineage, certificates, grants, parties, disputes, evidence, policy, verify, exports,
        health, search, metrics, stream,
    ):  # fmt: skip
        app.include_router(module.router)
    install_explorer(app)
    return app
