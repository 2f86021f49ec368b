"""Grants: one by id with its effective status and the reason, lists by asset, grantor, grantee."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from api.deps import MinBlock, SessionDep
from api.identifiers import MAX_ID, enum_name, parse_address, parse_hash
from api.pagination import (
    DEFAULT_LIMIT,
    CursorParam,
    LimitParam,
    decode_cursor,
    page_size,
    split_page,
)
from api.queries import Row, current, current_page, version
from api.schemas import GrantOut, GrantTermsOut, Page, Problem
from registry import model
from registry.db.tables import GrantRow, table_of
from registry.indexer.derived import TaintClosure, grant_status, taint_closure

router = APIRouter(
    prefix="/grants",
    tags=["grants"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)


def grant_out(session: Session, row: Row, closure: TaintClosure) -> GrantOut:
    gid = int(row["grant_id"])
    effective = grant_status(session, gid, None, closure)
    return GrantOut(
        grant_id=gid,
        asset=row["asset"],
        grantor=row["grantor"],
        grantee=row["grantee"],
        right=enum_name(model.Right, row["right"]),
        status=enum_name(model.GrantStatus, row["status"]),
        effective=effective == "effective",
        effective_status=effective,
        depth=row["depth"],
        sub_grantable=row["sub_grantable"],
        revocable=row["revocable"],
        parent_kind=enum_name(model.AuthKind, row["parent_kind"]),
        parent_id=row["parent_id"],
        terms=GrantTermsOut(
            valid_from=row["valid_from"],
            valid_until=row["valid_until"],
            purpose_hash=row["purpose_hash"],
            scenario_hash=row["scenario_hash"],
            scope_hash=row["scope_hash"],
            security_hash=row["security_hash"],
            end_of_term=enum_name(model.EndOfTerm, row["end_of_term"]),
            terms_uri=row["terms_uri"],
        ),
        submitted_by=row["submitted_by"],
        signature_nonce=row["signature_nonce"],
        revoked_by=row["revoked_by"],
        revoke_reason=row["revoke_reason"],
        version=version(row),
    )


def grants_page(
    session: Session,
    filters: list[ColumnElement[bool]],
    *,
    limit: int,
    cursor: str | None,
) -> Page[GrantOut]:
    size = page_size(limit)
    rows = current_page(
        session, GrantRow, order_by="grant_id", after=decode_cursor(cursor, int), size=size,
        filters=filters,
    )
    items, next_cursor = split_page(rows, size, "grant_id")
    closure = taint_closure(session)
    return Page[GrantOut](
        items=[grant_out(session, r, closure) for r in items], next_cursor=next_cursor
    )


@router.get("/{grant_id}", summary="One grant with its effective status and the reason")
def get_grant(
    session: SessionDep, grant_id: Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
) -> GrantOut:
    row = current(session, GrantRow, what="grant", grant_id=grant_id)
    return grant_out(session, row, taint_closure(session))


@router.get("", summary="Grants by asset, grantor and grantee, in id order")
def list_grants(
    session: SessionDep,
    asset: Annotated[str | None, Query(description="Content hash of the asset.")] = None,
    grantor: Annotated[str | None, Query(description="Grantor's address.")] = None,
    grantee: Annotated[str | None, Query(description="Grantee's address.")] = None,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[GrantOut]:
    t = table_of(GrantRow)
    filters: list[ColumnElement[bool]] = []
    if asset is not None:
        filters.append(t.c.asset == parse_hash(asset, what="content hash"))
    if grantor is not None:
        filters.append(t.c.grantor == parse_address(grantor))
    if grantee is not None:
        filters.append(t.c.grantee == parse_address(grantee))
    return grants_page(session, filters, limit=limit, cursor=cursor)
