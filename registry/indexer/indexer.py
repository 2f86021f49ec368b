"""The indexer loop: one fetched block range is one database transaction, checkpoint included.

Each batch checks that the chain still holds the last indexed block; when it does not, the mirror
is rolled back to the fork point and indexing resumes from there. A database that mirrors another
chain (chain id, genesis or deploy block hash) is refused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from web3 import Web3

from registry.chain.deployments import Deployment
from registry.db.engine import transaction
from registry.db.migrate import upgrade
from registry.db.tables import BlockRow, EventLogRow, IndexStateRow, table_of
from registry.errors import RegistryError
from registry.events.decoder import EventDecoder
from registry.indexer.events import Event, decode_log
from registry.indexer.fetch import BlockHeader, JsonRpc, LogFetcher, cut, head_number, headers
from registry.indexer.projectors import HANDLERS
from registry.indexer.reorg import fork_point, rollback
from registry.indexer.store import Projection

logger = logging.getLogger(__name__)


class ChainMismatchError(RegistryError, RuntimeError):
    """The database mirrors another chain than the one the node serves."""


@dataclass(frozen=True)
class BatchResult:
    """What one step did: indexed `first..last` with `events` events, or rolled back."""

    first: int
    last: int
    events: int
    head: int
    rolled_back_to: int | None = None


@dataclass(frozen=True)
class _Fetched:
    end: int
    logs: list[dict[str, Any]]
    headers: dict[int, BlockHeader]


class Indexer:
    """Mirrors one deployment on one chain into one database."""

    def __init__(
        self,
        engine: Engine,
        w3: Web3,
        deployment: Deployment,
        *,
        confirmations: int = 0,
        span: int = 500,
        max_span: int = 20_000,
        until: int | None = None,
    ) -> None:
        self.engine = engine
        self.until = until
        self.deployment = deployment
        self.confirmations = confirmations
        self.rpc = JsonRpc(w3)
        self.decoder = EventDecoder(c.abi for c in deployment.contracts.values())
        addresses = [c.address for c in deployment.contracts.values()]
        self.fetcher = LogFetcher(self.rpc, addresses, span=span, max_span=max_span)

    # ------------------------------------------------------------ identity

    def prepare(self) -> IndexStateRow:
        """Migrate the schema, then check (or record) which chain this database mirrors."""
        upgrade(self.engine)
        chain_id = int(self.rpc.call("eth_chainId", []), 16)
        deploy = self.deployment.first_block
        live = headers(self.rpc, {0, deploy, max(deploy - 1, 0)})
        with transaction(self.engine) as session:
            state = session.get(IndexStateRow, 1)
            if state is None:
                return self._initialise(session, chain_id, live)
            _check_identity(state, chain_id, live[0].hash, live[deploy].hash)
            return state

    def _initialise(
        self, session: Session, chain_id: int, live: dict[int, BlockHeader]
    ) -> IndexStateRow:
        deploy = self.deployment.first_block
        start = live[max(deploy - 1, 0)]
        state = IndexStateRow(
            chain_id=chain_id,
            genesis_hash=live[0].hash,
            deploy_block=deploy,
            deploy_block_hash=live[deploy].hash,
            last_block=deploy - 1,
            last_block_hash=start.hash,
            updated_at=_now(),
        )
        session.add(state)
        session.add(BlockRow(**vars(start)))
        logger.info("mirror initialised chain_id=%d deploy_block=%d", chain_id, deploy)
        return state

    def state(self) -> IndexStateRow | None:
        with Session(self.engine) as session:
            return session.get(IndexStateRow, 1)

    def head(self) -> int:
        """The highest block the indexer may index: the chain head minus the confirmations.

        With `until` set, never above that block (to index a prefix of a chain).
        """
        head = max(head_number(self.rpc) - self.confirmations, 0)
        return head if self.until is None else min(head, self.until)

    # ------------------------------------------------------------ the loop

    def step(self) -> BatchResult | None:
        """Index one block range (or roll back one reorg); None when caught up."""
        state = self.state()
        if state is None:
            raise RegistryError("the mirror is not initialised; call prepare() first")
        head = self.head()
        if state.last_block >= head:
            return None if self._still_on_chain(state) else self._roll_back_fork(state, head)
        fetched = self._fetch(state, head)
        if fetched is None:
            return self._roll_back_fork(state, head)
        events = self._decode(fetched)
        with transaction(self.engine) as session:
            self._write(session, state, fetched, events)
        return BatchResult(state.last_block + 1, fetched.end, len(events), head)

    def catch_up(self, on_batch: Callable[[BatchResult], None] | None = None) -> int:
        """Index up to the head as it was when called; returns the last indexed block."""
        target = self.head()
        while True:
            result = self.step()
            if result is not None and on_batch is not None:
                on_batch(result)
            state = self.state()
            assert state is not None
            if result is None or state.last_block >= target:
                return state.last_block

    def follow(
        self,
        *,
        on_batch: Callable[[BatchResult], None] | None = None,
        poll: float = 0.2,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Keep up with new blocks until `should_stop()` says so."""
        while not should_stop():
            result = self.step()
            if result is None:
                time.sleep(poll)
            elif on_batch is not None:
                on_batch(result)

    def rebuild(self) -> None:
        """Empty the mirror (keeping which chain it belongs to); the next run re-indexes all."""
        state = self.prepare()
        with transaction(self.engine) as session:
            rollback(session, state.deploy_block - 1)
            start = headers(self.rpc, [max(state.deploy_block - 1, 0)])
            header = next(iter(start.values()))
            session.merge(BlockRow(**vars(header)))
            self._checkpoint(session, header)

    # ------------------------------------------------------------ one batch

    def _fetch(self, state: IndexStateRow, head: int) -> _Fetched | None:
        """Logs and headers of the next range; None when the last indexed block left the chain."""
        while True:
            start = state.last_block + 1
            planned = self.fetcher.span
            end_before = headers(self.rpc, [min(start + planned - 1, head)])
            end, logs = self.fetcher.fetch(start, head)
            # More logs than a batch should hold: keep whole blocks up to `last`, and fetch the
            # rest with the next batch (checked below with the rest, all from one response).
            last = cut(logs, end, self.fetcher.max_logs)
            numbers = {int(log["blockNumber"], 16) for log in logs}
            numbers |= {end, last, state.last_block}
            found = headers(self.rpc, numbers)
            if found[state.last_block].hash != state.last_block_hash:
                return None
            moved = end in end_before and end_before[end].hash != found[end].hash
            if not moved and all(
                found[int(x["blockNumber"], 16)].hash == x["blockHash"] for x in logs
            ):
                if last == end:
                    return _Fetched(end, logs, found)
                kept = [x for x in logs if int(x["blockNumber"], 16) <= last]
                return _Fetched(last, kept, {n: h for n, h in found.items() if n <= last})
            logger.info("chain moved while fetching blocks %d..%d; fetching again", start, end)

    def _decode(self, fetched: _Fetched) -> list[Event]:
        stamps = {n: h.timestamp for n, h in fetched.headers.items()}
        decoded = (decode_log(self.decoder, log, stamps) for log in fetched.logs)
        return [e for e in decoded if e is not None]

    def _write(
        self, session: Session, state: IndexStateRow, fetched: _Fetched, events: Sequence[Event]
    ) -> None:
        new_blocks = [vars(h) for n, h in fetched.headers.items() if n > state.last_block]
        _insert_ignoring_duplicates(session, BlockRow, new_blocks)
        _insert_ignoring_duplicates(
            session, EventLogRow, [_log_row(state.chain_id, e) for e in events]
        )
        projection = Projection(session, chain_id=state.chain_id)
        for event in events:
            handler = HANDLERS.get(event.name)
            if handler is not None:
                handler(projection, event)
        projection.flush()
        self._checkpoint(session, fetched.headers[fetched.end])

    def _checkpoint(self, session: Session, header: BlockHeader) -> None:
        state = session.get(IndexStateRow, 1)
        assert state is not None
        state.last_block = header.number
        state.last_block_hash = header.hash
        state.updated_at = _now()

    def _still_on_chain(self, state: IndexStateRow) -> bool:
        block = self.rpc.call("eth_getBlockByNumber", [hex(state.last_block), False])
        return block is not None and block["hash"] == state.last_block_hash

    def _roll_back_fork(self, state: IndexStateRow, head: int) -> BatchResult:
        below = min(state.last_block - 1, head_number(self.rpc))
        with transaction(self.engine) as session:
            fork = fork_point(session, self.rpc, below=below, floor=state.deploy_block - 1)
            if fork is None:
                raise ChainMismatchError(
                    f"no indexed block down to the deploy block {state.deploy_block} is still "
                    "on the chain: the chain was reset; use a fresh database"
                )
            rollback(session, fork.number)
            self._checkpoint(session, BlockHeader(**_header_fields(fork)))
        logger.warning("reorg: rolled back from block %d to %d", state.last_block, fork.number)
        return BatchResult(fork.number, fork.number, 0, head, rolled_back_to=fork.number)


def _check_identity(state: IndexStateRow, chain_id: int, genesis: str, deploy_hash: str) -> None:
    if state.chain_id != chain_id or state.genesis_hash != genesis:
        raise ChainMismatchError(
            f"this database mirrors chain id {state.chain_id} with genesis {state.genesis_hash}, "
            f"but the node serves chain id {chain_id} with genesis {genesis}: a different or "
            "restarted chain. Use another database (DATARIGHTS_DATABASE_URL) or delete this one."
        )
    if state.deploy_block_hash != deploy_hash:
        raise ChainMismatchError(
            f"the deploy block {state.deploy_block} has hash {deploy_hash} on the node, but this "
            f"database recorded {state.deploy_block_hash}: the chain was reset or redeployed. "
            "Use another database or delete this one."
        )


def _header_fields(block: BlockRow) -> dict[str, Any]:
    return {
        "number": block.number,
        "hash": block.hash,
        "parent_hash": block.parent_hash,
        "timestamp": block.timestamp,
    }


def _log_row(chain_id: int, e: Event) -> dict[str, Any]:
    return {
        "chain_id": chain_id,
        "block_number": e.block,
        "block_hash": e.block_hash,
        "tx_hash": e.tx_hash,
        "log_index": e.log_index,
        "address": e.address,
        "event": e.name,
        "args": e.args,
    }


def _insert_ignoring_duplicates(
    session: Session, model: type[BlockRow] | type[EventLogRow], rows: list[dict[str, Any]]
) -> None:
    """Bulk insert; rows already present (a replayed event or block) are left as they are."""
    if not rows:
        return
    table = table_of(model)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing()
    else:
        statement = insert(table)
    session.execute(statement, rows)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
