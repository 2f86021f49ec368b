"""Disputes: one by id with its evidence, lists by asset, party and status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Session

from api.deps import MinBlock, SessionDep
from api.identifiers import (
    MAX_ID,
    enum_name,
    enum_names,
    parse_address,
    parse_enum,
    parse_hash,
)
from api.pagination import (
    DEFAULT_LIMIT,
    CursorParam,
    LimitParam,
    decode_cursor,
    page_size,
    split_page,
)
from api.queries import Row, current, current_page, version
from api.schemas import DisputeEvidenceOut, DisputeOut, Page, Problem
from registry import model
from registry.db.tables import DisputeEvidenceRow, DisputeRow, table_of
from registry.indexer.derived import versions_at

router = APIRouter(
    prefix="/disputes",
    tags=["disputes"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)


def dispute_out(session: Session, row: Row) -> DisputeOut:
    evidence = sorted(
        versions_at(session, DisputeEvidenceRow, None, dispute_id=row["dispute_id"]),
        key=lambda e: (e["from_block"], e["log_index"]),
    )
    return DisputeOut(
        dispute_id=row["dispute_id"],
        claimant=row["claimant"],
        respondent=row["respondent"],
        kind=enum_name(model.SubjectKind, row["kind"]),
        subject=row["subject"],
        asset=row["asset"],
        ownership=row["ownership"],
        evidence_hash=row["evidence_hash"],
        status=enum_name(model.DisputeStatus, row["status"]),
        raised_at=row["raised_at"],
        arbitrator=row["arbitrator"],
        decision_hash=row["decision_hash"],
        evidence=[
            DisputeEvidenceOut(
                submitter=e["submitter"],
                evidence_hash=e["evidence_hash"],
                block=e["from_block"],
                tx_hash=e["tx_hash"],
            )
            for e in evidence
        ],
        version=version(row),
    )


@router.get("/{dispute_id}", summary="One dispute with its evidence and decision")
def get_dispute(
    session: SessionDep, dispute_id: Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
) -> DisputeOut:
    return dispute_out(session, current(session, DisputeRow, what="dispute", dispute_id=dispute_id))


@router.get("", summary="Disputes by asset, party and status, in id order")
def list_disputes(
    session: SessionDep,
    asset: Annotated[str | None, Query(description="Content hash of the asset.")] = None,
    party: Annotated[str | None, Query(description="Claimant or respondent.")] = None,
    status: Annotated[
        str | None, Query(description=" | ".join(enum_names(model.DisputeStatus)))
    ] = None,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[DisputeOut]:
    t = table_of(DisputeRow)
    filters: list[ColumnElement[bool]] = []
    if asset is not None:
        filters.append(t.c.asset == parse_hash(asset, what="content hash"))
    if party is not None:
        account = parse_address(party)
        filters.append(or_(t.c.claimant == account, t.c.respondent == account))
    if status is not None:
        filters.append(t.c.status == parse_enum(model.DisputeStatus, status, what="status"))
    size = page_size(limit)
    rows = current_page(
        session, DisputeRow, order_by="dispute_id", after=decode_cursor(cursor, int), size=size,
        filters=filters,
    )
    items, next_cursor = split_page(rows, size, "dispute_id")
    return Page[DisputeOut](
        items=[dispute_out(session, r) for r in items], next_cursor=next_cursor
    )
