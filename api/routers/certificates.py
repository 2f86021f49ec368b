"""Certificates: one by id, lists by asset, holder and status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import ColumnElement, select
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
from api.schemas import CertificateOut, CertificateTerms, Page, Problem
from registry import model
from registry.db.tables import CertificateHolderRow, CertificateRow, table_of
from registry.indexer.derived import TaintClosure, certificate_status, holder_at, taint_closure

router = APIRouter(
    prefix="/certificates",
    tags=["certificates"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)


def certificate_out(
    session: Session, row: Row, closure: TaintClosure, *, block: int | None = None
) -> CertificateOut:
    cid = int(row["certificate_id"])
    return CertificateOut(
        certificate_id=cid,
        asset=row["asset"],
        right=enum_name(model.Right, row["right"]),
        holder=holder_at(session, cid, block),
        applicant=row["applicant"],
        status=enum_name(model.CertificateStatus, row["status"]),
        effective_status=certificate_status(session, cid, block, closure),
        terms=CertificateTerms(
            issued_at=row["issued_at"],
            valid_until=row["valid_until"],
            notice_ends_at=row["notice_ends_at"],
        ),
        open_objections=row["open_objections"],
        basis_grant=row["basis_grant"],
        basis_certificate=row["basis_certificate"],
        last_action=row["last_action"],
        last_actor=row["last_actor"],
        version=version(row),
    )


@router.get("/{certificate_id}", summary="One certificate with its holder and effective status")
def get_certificate(
    session: SessionDep, certificate_id: Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
) -> CertificateOut:
    row = current(session, CertificateRow, what="certificate", certificate_id=certificate_id)
    return certificate_out(session, row, taint_closure(session))


@router.get("", summary="Certificates by asset, holder and status, in id order")
def list_certificates(
    session: SessionDep,
    asset: Annotated[str | None, Query(description="Content hash of the asset.")] = None,
    holder: Annotated[str | None, Query(description="Current holder's address.")] = None,
    status: Annotated[
        str | None, Query(description=" | ".join(enum_names(model.CertificateStatus)))
    ] = None,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[CertificateOut]:
    t = table_of(CertificateRow)
    filters: list[ColumnElement[bool]] = []
    if asset is not None:
        filters.append(t.c.asset == parse_hash(asset, what="content hash"))
    if holder is not None:
        h = table_of(CertificateHolderRow)
        held = select(h.c.certificate_id).where(
            h.c.to_block.is_(None), h.c.holder == parse_address(holder)
        )
        filters.append(t.c.certificate_id.in_(held))
    if status is not None:
        filters.append(t.c.status == parse_enum(model.CertificateStatus, status, what="status"))
    size = page_size(limit)
    rows = current_page(
        session, CertificateRow, order_by="certificate_id",
        after=decode_cursor(cursor, int), size=size, filters=filters,
    )
    items, next_cursor = split_page(rows, size, "certificate_id")
    closure = taint_closure(session)
    return Page[CertificateOut](
        items=[certificate_out(session, r, closure) for r in items], next_cursor=next_cursor
    )
