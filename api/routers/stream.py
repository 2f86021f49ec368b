"""`GET /events/stream`: the registry's events as the indexer mirrors them, as server-sent events.

The stream polls the mirror's checkpoint (one single-row query, no connection held in between);
when it moves, the raw event log is read from the last position sent up to the checkpoint. Each
event's `id` is its position `block:logIndex`, so a client that reconnects with `Last-Event-ID`
resumes exactly after the last event it received.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import EngineDep, MinBlock, indexed_block
from api.identifiers import MAX_ID
from api.routers.lineage import HistorySubjects, events_after, history_event, resolve_asset
from api.schemas import Problem

router = APIRouter(tags=["events"], dependencies=[MinBlock])

# Key of the event, in the server's shared request state, that a shutting-down server sets so
# that open streams end cleanly instead of holding the shutdown up (see `api.main`).
STREAMS_CLOSING = "datarights.streams_closing"
POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 3000
_ROUND_ROWS = 500
_END_OF_BLOCK = 2**31 - 1  # a log index above any real one: "after the whole block"
_POSITION = re.compile(r"^(\d{1,18}):(\d{1,9})$")
_EVENT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{0,63}$")

Position = tuple[int, int]

DESCRIPTION = """\
Newly indexed registry events as `text/event-stream`, in chain order:

```
id: 57:0
event: AssetRegistered
data: {"block": 57, "log_index": 0, "tx_hash": "0x…", "event": "AssetRegistered", \
"address": "0x…", "args": {…}}
```

* `id` is the event's position `block:logIndex`; reconnect with the `Last-Event-ID` header
  (browsers do it by themselves) to resume after it, with no event repeated or missed.
* `event: indexed` with `data: {"block": N}` follows whenever the mirror's checkpoint moves: every
  event up to block N has been sent. It is also sent when the stream opens.
* `event: rollback` with `data: {"block": N}` says the indexer rolled a reorganised chain back to
  block N; events after it are sent again as the new chain has them.
* A comment line (`: keep-alive`) comes every 15 s of silence.

Without `Last-Event-ID` or `since_block` the stream starts at the current checkpoint (only new
events). `event` and `asset` narrow it down; the position still advances over what they skip.
"""


@dataclass(frozen=True)
class _Filter:
    names: frozenset[str] = frozenset()
    asset: str | None = None  # content hash: events touching it (as in the asset's history)

    def subjects(self, session: Session) -> HistorySubjects | None:
        return None if self.asset is None else HistorySubjects(session, self.asset)


@dataclass
class _Round:
    """One read of the event log: the frames to send and how far the log was read."""

    frames: list[str] = field(default_factory=list)
    scanned_to: Position = (0, 0)
    complete: bool = True


def parse_position(text: str) -> Position:
    """`block:logIndex` as sent in an event's `id`; ValueError otherwise."""
    match = _POSITION.match(text.strip())
    if match is None:
        raise ValueError(f"Last-Event-ID {text!r} is not a position like 57:0 (block:logIndex)")
    return int(match.group(1)), int(match.group(2))


def event_names(values: list[str] | None) -> frozenset[str]:
    """Event names from repeated and/or comma-separated `event` parameters."""
    names = {n.strip() for v in values or [] for n in v.split(",") if n.strip()}
    for name in names:
        if not _EVENT_NAME.match(name):
            raise ValueError(f"event {name!r} is not an event name like AssetRegistered")
    return frozenset(names)


def frame(event: str, data: dict[str, Any], *, event_id: str | None = None) -> str:
    """One server-sent event; `data` is one line of JSON."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def read_round(engine: Engine, after: Position, checkpoint: int, wanted: _Filter) -> _Round:
    """Events after `after` up to the checkpoint, at most one round's worth (blocking)."""
    with Session(engine) as session:
        rows = []
        for row in events_after(session, after):
            if int(row.block_number) > checkpoint:
                break
            rows.append(row)
            if len(rows) == _ROUND_ROWS:
                break
        subjects = wanted.subjects(session) if rows else None
    # A resumed position may lie ahead of this mirror's checkpoint: never move back from it.
    end = max(after, (checkpoint, _END_OF_BLOCK))
    found = _Round(scanned_to=end, complete=len(rows) < _ROUND_ROWS)
    if not found.complete:
        found.scanned_to = (int(rows[-1].block_number), int(rows[-1].log_index))
    for row in rows:
        args = row.args if isinstance(row.args, dict) else {}
        if wanted.names and row.event not in wanted.names:
            continue
        if subjects is not None and not subjects.touches(args):
            continue
        event = history_event(row, args)
        position = f"{event.block}:{event.log_index}"
        found.frames.append(frame(event.event, event.model_dump(mode="json"), event_id=position))
    return found


async def _closing_within(closing: asyncio.Event | None, seconds: float) -> bool:
    """Wait `seconds`; True as soon as the server starts shutting down."""
    if closing is None:
        await asyncio.sleep(seconds)
        return False
    try:
        await asyncio.wait_for(closing.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


async def event_frames(
    engine: Engine, start: Position, wanted: _Filter, closing: asyncio.Event | None
) -> AsyncIterator[str]:
    """The stream: events, checkpoints and keep-alives until the client or the server leaves."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    position, sent_checkpoint = start, None
    quiet_since = time.monotonic()
    while closing is None or not closing.is_set():
        checkpoint = await run_in_threadpool(indexed_block, engine)
        if checkpoint is not None and checkpoint != sent_checkpoint:
            if sent_checkpoint is not None and checkpoint < sent_checkpoint:
                yield frame("rollback", {"block": checkpoint})
                position = min(position, (checkpoint, _END_OF_BLOCK))
            found = await run_in_threadpool(read_round, engine, position, checkpoint, wanted)
            for text in found.frames:
                yield text
            position = found.scanned_to
            if not found.complete:
                continue  # more to read: no pause
            yield frame("indexed", {"block": checkpoint})
            sent_checkpoint, quiet_since = checkpoint, time.monotonic()
        elif time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        if await _closing_within(closing, POLL_SECONDS):
            return


def _start_position(engine: Engine, last_event_id: str | None, since_block: int | None) -> Position:
    if last_event_id:
        return parse_position(last_event_id)
    if since_block is not None:
        return since_block - 1, _END_OF_BLOCK
    indexed = indexed_block(engine)
    return (-1 if indexed is None else indexed), _END_OF_BLOCK


def _asset_key(engine: Engine, ref: str) -> str:
    with Session(engine) as session:
        return resolve_asset(session, ref)


@router.get(
    "/events/stream",
    summary="Server-sent events of newly indexed registry events, resumable by Last-Event-ID",
    description=DESCRIPTION,
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "The event stream."},
        400: {"model": Problem},
        404: {"model": Problem},
        409: {"model": Problem},
    },
)
async def stream_events(
    request: Request,
    engine: EngineDep,
    since_block: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_ID,
            description="Start with the events of this block (ignored on a resume).",
        ),
    ] = None,
    event: Annotated[
        list[str] | None,
        Query(
            description="Only these events (repeat, or separate with commas).",
            examples=["AssetRegistered,GrantIssued"],
        ),
    ] = None,
    asset: Annotated[
        str | None,
        Query(
            description="Only events touching this asset (content hash or DR-… number).",
            examples=["DR-31337-2026-000001"],
        ),
    ] = None,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", description="Resume after this event id.")
    ] = None,
) -> StreamingResponse:
    wanted = _Filter(
        names=event_names(event),
        asset=None if asset is None else await run_in_threadpool(_asset_key, engine, asset),
    )
    start = await run_in_threadpool(_start_position, engine, last_event_id, since_block)
    closing = request.scope.get("state", {}).get(STREAMS_CLOSING)
    return StreamingResponse(
        event_frames(engine, start, wanted, closing),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
