"""An asset's lineage (up, down or both, depth-limited, PROV-JSON on request) and its timeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from api.deps import MinBlock, SessionDep
from api.identifiers import parse_asset_ref
from api.pagination import (
    DEFAULT_LIMIT,
    CursorParam,
    LimitParam,
    decode_cursor,
    encode_cursor,
    page_size,
)
from api.queries import current
from api.schemas import (
    ChainRefOut,
    HistoryEvent,
    LineageEdgeOut,
    LineageNodeOut,
    LineageOut,
    Page,
    Problem,
)
from registry import model
from registry.db.tables import (
    AssetRow,
    CertificateRow,
    DisputeRow,
    EventLogRow,
    GrantRow,
    LineageEdgeRow,
    ObjectionRow,
    table_of,
)
from registry.errors import NotFoundError
from registry.lineage import AssetNotIndexed, LineageGraph, to_prov_json, trace

router = APIRouter(
    prefix="/assets",
    tags=["assets"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)

AssetPath = Annotated[
    str,
    Path(
        description="The content SHA-256 (0x hex) or the registration number (DR-…).",
        examples=["DR-31337-2026-000001"],
    ),
]
_HISTORY_BATCH = 500


def resolve_asset(session: Session, ref: str) -> str:
    """The content hash of the asset a path segment names; NotFoundError when unknown."""
    column, value = parse_asset_ref(ref)
    return str(current(session, AssetRow, what="asset", **{column: value})["asset"])


def lineage_out(graph: LineageGraph) -> LineageOut:
    return LineageOut(
        root=graph.root,
        direction=graph.direction,
        depth=graph.depth,
        nodes=[
            LineageNodeOut(
                asset=n.asset,
                registration_number=n.registration_number,
                kind=n.kind,
                registrant=n.registrant,
                status=n.status,
                derived_status=n.derived_status,
                depth=n.depth,
                registered=ChainRefOut(block=n.registered.block, tx_hash=n.registered.tx_hash),
            )
            for n in graph.nodes
        ],
        edges=[
            LineageEdgeOut(
                product=e.product,
                input_asset=e.input_asset,
                position=e.position,
                auth_kind=e.auth_kind,
                auth_id=e.auth_id,
                valid_at_derivation=e.valid_at_derivation,
                status_at_derivation=e.status_at_derivation,
                status_now=e.status_now,
                derived=ChainRefOut(block=e.derived.block, tx_hash=e.derived.tx_hash),
            )
            for e in graph.edges
        ],
    )


@router.get(
    "/{asset}/lineage",
    summary="Lineage: the sources of an asset, what was made from it, or both",
    # With format=prov the answer is a PROV-JSON document: documented as a JSON object.
    response_model=LineageOut | dict[str, Any],
    responses={200: {"description": "The trace; with `format=prov` a W3C PROV-JSON document."}},
)
def get_lineage(
    session: SessionDep,
    asset: AssetPath,
    direction: Annotated[
        str, Query(description="`up` (sources), `down` (products made from it) or `both`.")
    ] = "up",
    depth: Annotated[int, Query(description="How many edges to follow (0 to 1000).")] = 10,
    format: Annotated[
        str, Query(description="`json` (nodes and edges) or `prov` (W3C PROV-JSON).")
    ] = "json",
) -> LineageOut | JSONResponse:
    if format not in ("json", "prov"):
        raise ValueError(f"format {format!r} is not one of json, prov")
    key = resolve_asset(session, asset)
    try:
        graph = trace(session, key, direction=direction, depth=depth)  # type: ignore[arg-type]
    except AssetNotIndexed as exc:
        raise NotFoundError(str(exc)) from None
    if format == "prov":
        return JSONResponse(to_prov_json(graph))
    return lineage_out(graph)


# ---------------------------------------------------------------- history


class HistorySubjects:
    """What an asset's timeline is about: the asset and its direct lineage neighbours, its
    certificates (and their objections), its grants and its disputes."""

    def __init__(self, session: Session, asset: str) -> None:
        edges = table_of(LineageEdgeRow)
        neighbours = session.execute(
            select(edges.c.product, edges.c.input_asset).where(
                or_(edges.c.product == asset, edges.c.input_asset == asset)
            )
        ).all()
        self.assets = {asset} | {str(v) for row in neighbours for v in row}
        self.certificates = _ids(session, CertificateRow, "certificate_id", asset=asset)
        # Its grants, and those that authorized its own derivation from its inputs.
        used = session.scalars(
            select(edges.c.auth_id).where(
                edges.c.product == asset, edges.c.auth_kind == model.AuthKind.GRANT
            )
        )
        self.grants = _ids(session, GrantRow, "grant_id", asset=asset) | {int(v) for v in used}
        disputes = table_of(DisputeRow)
        about = [
            and_(disputes.c.kind == kind, disputes.c.subject.in_([f"0x{i:064x}" for i in ids]))
            for kind, ids in (
                (model.SubjectKind.CERTIFICATE, self.certificates),
                (model.SubjectKind.GRANT, self.grants),
            )
        ]
        self.disputes = {
            int(v)
            for v in session.scalars(
                select(disputes.c.dispute_id).where(or_(disputes.c.asset == asset, *about))
            )
        }
        objections = table_of(ObjectionRow)
        self.objections = {
            int(v)
            for v in session.scalars(
                select(objections.c.objection_id).where(
                    objections.c.certificate_id.in_(sorted(self.certificates))
                )
            )
        }

    def touches(self, args: dict[str, Any]) -> bool:
        for key in ("asset", "product"):
            if args.get(key) in self.assets:
                return True
        numbered = (
            ("certificateId", self.certificates),
            ("grantId", self.grants),
            ("disputeId", self.disputes),
            ("objectionId", self.objections),
        )
        if any(_as_int(args.get(key)) in ids for key, ids in numbered):
            return True
        inputs = args.get("inputs")
        if isinstance(inputs, list) and any(
            isinstance(i, dict) and i.get("asset") in self.assets for i in inputs
        ):
            return True
        pairs = (("kind", "subject"), ("subjectKind", "subject"), ("causeKind", "cause"))
        return any(self._subject(args.get(k), args.get(s)) for k, s in pairs)

    def _subject(self, kind: Any, subject: Any) -> bool:
        if not isinstance(kind, int) or not isinstance(subject, str):
            return False
        if kind == model.SubjectKind.ASSET:
            return subject in self.assets
        number = _as_int(subject)
        if kind == model.SubjectKind.CERTIFICATE:
            return number in self.certificates
        if kind == model.SubjectKind.GRANT:
            return number in self.grants
        return False


def _ids(session: Session, row: type[Any], column: str, **key: Any) -> set[int]:
    t = table_of(row)
    query = select(t.c[column]).where(*(t.c[k] == v for k, v in key.items()))
    return {int(v) for v in session.scalars(query)}


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return int(value, 16)
        except ValueError:
            return None
    return None


def events_after(session: Session, after: tuple[int, int] | None) -> Iterator[Any]:
    """The raw event log in chain order after `after` (block, log index), in batches."""
    t = table_of(EventLogRow)
    while True:
        query = select(
            t.c.block_number, t.c.log_index, t.c.tx_hash, t.c.event, t.c.address, t.c.args
        )
        if after is not None:
            block, index = after
            query = query.where(
                or_(
                    t.c.block_number > block, and_(t.c.block_number == block, t.c.log_index > index)
                )
            )
        rows = session.execute(
            query.order_by(t.c.block_number, t.c.log_index).limit(_HISTORY_BATCH)
        ).all()
        yield from rows
        if len(rows) < _HISTORY_BATCH:
            return
        after = (int(rows[-1].block_number), int(rows[-1].log_index))


def history_event(row: Any, args: dict[str, Any]) -> HistoryEvent:
    """One row of the raw event log as the API shows it."""
    return HistoryEvent(
        block=int(row.block_number),
        log_index=int(row.log_index),
        tx_hash=str(row.tx_hash),
        event=str(row.event),
        address=str(row.address),
        args=args,
    )


@router.get(
    "/{asset}/history",
    summary="The arbitrator's timeline: every event touching the asset, in chain order",
    description="Every registry event about the asset, its certificates and their objections, "
    "its grants, its direct lineage neighbours and its disputes, ordered by block and log "
    "index, each with its block number and transaction hash.",
)
def get_history(
    session: SessionDep,
    asset: AssetPath,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[HistoryEvent]:
    key = resolve_asset(session, asset)
    after_key = decode_cursor(cursor, list)
    after: tuple[int, int] | None = None
    if after_key is not None:
        if len(after_key) != 2 or not all(isinstance(v, int) for v in after_key):
            raise ValueError(f"cursor {cursor!r} is not one this API issued")
        after = (int(after_key[0]), int(after_key[1]))
    subjects = HistorySubjects(session, key)
    size = page_size(limit)
    items: list[HistoryEvent] = []
    more = False
    for row in events_after(session, after):
        args = row.args if isinstance(row.args, dict) else {}
        if not subjects.touches(args):
            continue
        if len(items) == size:
            more = True
            break
        items.append(history_event(row, args))
    next_cursor = encode_cursor([items[-1].block, items[-1].log_index]) if more else None
    return Page[HistoryEvent](items=items, next_cursor=next_cursor)
