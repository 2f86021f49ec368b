"""Health: the chain head when the node answers, the indexed block and the lag. Never fails."""

from __future__ import annotations

import logging

import httpx
from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from api.deps import EngineDep, SettingsDep, indexed_block
from api.schemas import Health
from registry.chain.connect import rpc_url

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)
_RPC_TIMEOUT = 1.0


def chain_head(url: str) -> int:
    """The node's latest block number (raises httpx errors, KeyError or ValueError)."""
    payload = {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}
    response = httpx.post(url, json=payload, timeout=_RPC_TIMEOUT)
    response.raise_for_status()
    return int(response.json()["result"], 16)


@router.get("/health", summary="Chain head, indexed block and lag; says so when the chain is down")
def health(settings: SettingsDep, engine: EngineDep) -> Health:
    problems: list[str] = []
    head: int | None = None
    try:
        head = chain_head(rpc_url(settings))
    except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
        # The URL may carry an API key: name only the failure, never the endpoint.
        log.warning("health: chain unreachable error=%s", type(exc).__name__)
        problems.append(f"chain unreachable ({type(exc).__name__})")
    indexed: int | None = None
    try:
        indexed = indexed_block(engine)
        if indexed is None:
            problems.append("nothing indexed yet")
    except SQLAlchemyError as exc:
        log.warning("health: database unreachable error=%s", type(exc).__name__)
        problems.append(f"database unreachable ({type(exc).__name__})")
    lag = None if head is None or indexed is None else max(head - indexed, 0)
    return Health(
        status="degraded" if problems else "ok",
        chain="unreachable" if head is None else "reachable",
        chain_head=head,
        indexed_block=indexed,
        lag=lag,
        detail="; ".join(problems) or None,
    )
