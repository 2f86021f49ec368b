"""Evidence anchors: single documents by hash, Merkle batches by root, lists by subject."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import MinBlock, SessionDep
from api.identifiers import enum_name, parse_hash
from api.pagination import (
    DEFAULT_LIMIT,
    CursorParam,
    LimitParam,
    decode_cursor,
    page_size,
    split_page,
)
from api.queries import Row, current, current_page, version
from api.schemas import AnchorOut, BatchOut, Page, Problem
from registry import model
from registry.db.tables import AnchorRow, BatchAnchorRow, table_of

router = APIRouter(
    prefix="/evidence",
    tags=["evidence"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)

_HASH_EXAMPLE = "0x5f1c0a7e1b2d3c4e5f60718293a4b5c6d7e8f90112233445566778899aabbccd"


def _common(row: Row) -> dict[str, object]:
    return {
        "submitter": row["submitter"],
        "evidence_type": enum_name(model.EvidenceType, row["evidence_type"]),
        "subject_kind": enum_name(model.SubjectKind, row["subject_kind"]),
        "subject": row["subject"],
        "anchored_at": row["anchored_at"],
        "uri": row["uri"],
        "version": version(row),
    }


def anchor_out(row: Row) -> AnchorOut:
    return AnchorOut.model_validate({"document_hash": row["document_hash"], **_common(row)})


def batch_out(row: Row) -> BatchOut:
    return BatchOut.model_validate({"root": row["root"], "count": row["count"], **_common(row)})


@router.get("/batches/{root}", summary="One Merkle batch anchor by its root")
def get_batch(
    session: SessionDep, root: Annotated[str, Path(examples=[_HASH_EXAMPLE])]
) -> BatchOut:
    key = parse_hash(root, what="Merkle root")
    return batch_out(current(session, BatchAnchorRow, what="evidence batch", root=key))


@router.get("/batches", summary="Merkle batch anchors, optionally about one subject")
def list_batches(
    session: SessionDep,
    subject: Annotated[str | None, Query(description="Subject as 0x hex (32 bytes).")] = None,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[BatchOut]:
    t = table_of(BatchAnchorRow)
    filters = [] if subject is None else [t.c.subject == parse_hash(subject, what="subject")]
    size = page_size(limit)
    rows = current_page(
        session, BatchAnchorRow, order_by="id", after=decode_cursor(cursor, int), size=size,
        filters=filters,
    )
    items, next_cursor = split_page(rows, size, "id")
    return Page[BatchOut](items=[batch_out(r) for r in items], next_cursor=next_cursor)


@router.get("/{document_hash}", summary="One anchored document by its SHA-256")
def get_anchor(
    session: SessionDep, document_hash: Annotated[str, Path(examples=[_HASH_EXAMPLE])]
) -> AnchorOut:
    key = parse_hash(document_hash, what="document hash")
    return anchor_out(current(session, AnchorRow, what="evidence anchor", document_hash=key))


@router.get("", summary="Anchored documents, optionally about one subject")
def list_anchors(
    session: SessionDep,
    subject: Annotated[str | None, Query(description="Subject as 0x hex (32 bytes).")] = None,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> Page[AnchorOut]:
    t = table_of(AnchorRow)
    filters = [] if subject is None else [t.c.subject == parse_hash(subject, what="subject")]
    size = page_size(limit)
    rows = current_page(
        session, AnchorRow, order_by="id", after=decode_cursor(cursor, int), size=size,
        filters=filters,
    )
    items, next_cursor = split_page(rows, size, "id")
    return Page[AnchorOut](items=[anchor_out(r) for r in items], next_cursor=next_cursor)
