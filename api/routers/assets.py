"""Assets: search and filter the catalogue; one asset with its rights, holders and status."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from api.deps import MinBlock, SessionDep
from api.identifiers import (
    enum_name,
    enum_names,
    parse_address,
    parse_asset_ref,
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
from api.routers.certificates import certificate_out
from api.schemas import (
    AssetDetail,
    AssetSummary,
    Classification,
    InputEdge,
    Page,
    Problem,
    RightHolders,
)
from registry import model
from registry.db.tables import (
    AssetRow,
    CertificateHolderRow,
    CertificateRow,
    LineageEdgeRow,
    table_of,
)
from registry.indexer.derived import TaintClosure, taint_closure, versions_at

router = APIRouter(
    prefix="/assets",
    tags=["assets"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)


def _options(enum: type[IntEnum]) -> str:
    return " | ".join(enum_names(enum))


def _effective(row: Row, closure: TaintClosure) -> str:
    status = model.AssetStatus(row["status"])
    if status == model.AssetStatus.ACTIVE and row["asset"] in closure.products:
        return "tainted"
    return enum_name(model.AssetStatus, status)


def asset_summary(row: Row, closure: TaintClosure) -> AssetSummary:
    return AssetSummary(**{
        "asset": row["asset"],
        "registration_number": row["registration_number"],
        "sequence": row["sequence"],
        "kind": enum_name(model.AssetKind, row["kind"]),
        "registrant": row["registrant"],
        "registered_at": row["registered_at"],
        "registered_block": row["registered_block"],
        "classification": Classification(
            category=enum_name(model.Category, row["category"]),
            grade=enum_name(model.Grade, row["grade"]),
            open_class=enum_name(model.OpenClass, row["open_class"]),
            domain=row["domain"],
        ),
        "status": enum_name(model.AssetStatus, row["status"]),
        "effective_status": _effective(row, closure),
        "version": version(row),
    })


def _rights(session: Session, asset: str, closure: TaintClosure) -> list[RightHolders]:
    certificates = [
        certificate_out(session, row, closure)
        for row in sorted(
            versions_at(session, CertificateRow, None, asset=asset),
            key=lambda r: int(r["certificate_id"]),
        )
    ]
    rights = []
    for right in model.Right:
        name = enum_name(model.Right, right)
        mine = [c for c in certificates if c.right == name]
        holders = [c.holder for c in mine if c.effective_status == "effective" and c.holder]
        rights.append(RightHolders(right=name, holders=holders, certificates=mine))
    return rights


def _inputs(session: Session, asset: str) -> list[InputEdge]:
    edges = sorted(
        versions_at(session, LineageEdgeRow, None, product=asset), key=lambda e: e["position"]
    )
    return [
        InputEdge(
            input_asset=e["input_asset"],
            position=e["position"],
            auth_kind=enum_name(model.AuthKind, e["auth_kind"]),
            auth_id=e["auth_id"],
        )
        for e in edges
    ]


def _cause_kind(row: Row) -> str | None:
    kind = row["status_cause_kind"]
    return None if kind is None else enum_name(model.SubjectKind, kind)


@router.get(
    "/{asset}",
    summary="One asset: classification, status (with derived taint), the three rights",
)
def get_asset(
    session: SessionDep,
    asset: Annotated[
        str,
        Path(
            description="The content SHA-256 (0x hex) or the registration number (DR-…).",
            examples=["DR-31337-2026-000001"],
        ),
    ],
) -> AssetDetail:
    column, value = parse_asset_ref(asset)
    row = current(session, AssetRow, what="asset", **{column: value})
    closure = taint_closure(session)
    return AssetDetail(
        **asset_summary(row, closure).model_dump(),
        merkle_root=row["merkle_root"],
        leaf_count=row["leaf_count"],
        leaf_mode=enum_name(model.LeafMode, row["leaf_mode"]),
        metadata_hash=row["metadata_hash"],
        metadata_uri=row["metadata_uri"],
        update_cycle=row["update_cycle"],
        status_cause_kind=_cause_kind(row),
        status_cause=row["status_cause"],
        rights=_rights(session, row["asset"], closure),
        inputs=_inputs(session, row["asset"]),
    )


@router.get("", summary="Search the catalogue, in registration order")
def list_assets(
    session: SessionDep,
    registration_number: Annotated[str | None, Query(examples=["DR-31337-2026-000001"])] = None,
    content_hash: Annotated[str | None, Query(description="The content SHA-256 (0x hex).")] = None,
    registrant: Annotated[str | None, Query(description="Registrant's address.")] = None,
    holder: Annotated[
        str | None, Query(description="Holds an active certificate over the asset now.")
    ] = None,
    category: Annotated[str | None, Query(description=_options(model.Category))] = None,
    grade: Annotated[str | None, Query(description=_options(model.Grade))] = None,
    open_class: Annotated[str | None, Query(description=_options(model.OpenClass))] = None,
    domain: Annotated[int | None, Query(ge=0, le=65535)] = None,
    status: Annotated[
        str | None, Query(description=f"Recorded status: {_options(model.AssetStatus)}")
    ] = None,
    kind: Annotated[str | None, Query(description=_options(model.AssetKind))] = None,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[AssetSummary]:
    t = table_of(AssetRow)
    filters: list[ColumnElement[bool]] = []
    if registration_number is not None:
        _, number = parse_asset_ref(registration_number)
        filters.append(t.c.registration_number == number)
    if content_hash is not None:
        filters.append(t.c.asset == parse_hash(content_hash, what="content hash"))
    if registrant is not None:
        filters.append(t.c.registrant == parse_address(registrant))
    if holder is not None:
        filters.append(t.c.asset.in_(held_by(parse_address(holder))))
    enums = {
        "category": (model.Category, category),
        "grade": (model.Grade, grade),
        "open_class": (model.OpenClass, open_class),
        "status": (model.AssetStatus, status),
        "kind": (model.AssetKind, kind),
    }
    for column, (enum, text) in enums.items():
        if text is not None:
            filters.append(t.c[column] == parse_enum(enum, text, what=column.replace("_", " ")))
    if domain is not None:
        filters.append(t.c.domain == domain)
    size = page_size(limit)
    rows = current_page(
        session, AssetRow, order_by="sequence", after=decode_cursor(cursor, int), size=size,
        filters=filters,
    )
    items, next_cursor = split_page(rows, size, "sequence")
    closure = taint_closure(session)
    return Page[AssetSummary](
        items=[asset_summary(r, closure) for r in items],
        next_cursor=next_cursor,
    )


def held_by(holder: str) -> Select[tuple[str]]:
    """Assets over which `holder` holds an active certificate now."""
    c, h = table_of(CertificateRow), table_of(CertificateHolderRow)
    return (
        select(c.c.asset)
        .join(h, h.c.certificate_id == c.c.certificate_id)
        .where(
            c.c.to_block.is_(None),
            h.c.to_block.is_(None),
            h.c.holder == holder,
            c.c.status == model.CertificateStatus.ACTIVE,
        )
    )
