"""Search: one text box for registration numbers, content hashes (whole or a prefix), party
addresses and fragments of an asset's metadata URI; assets in registration order, paginated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from api.deps import MinBlock, SessionDep
from api.identifiers import enum_name, parse_address
from api.pagination import (
    DEFAULT_LIMIT,
    CursorParam,
    LimitParam,
    decode_cursor,
    page_size,
    split_page,
)
from api.queries import Row, current_page
from api.routers.assets import asset_summary, held_by
from api.schemas import AssetSummary, Problem
from registry import model
from registry.db.tables import AssetRow, PartyRow, table_of
from registry.indexer.derived import taint_closure

router = APIRouter(
    prefix="/search",
    tags=["search"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 409: {"model": Problem}},
)

MAX_QUERY = 200
MIN_FRAGMENT = 2
MIN_HASH_PREFIX = 6
_HEX = re.compile(r"^[0-9a-fA-F]+$")


class SearchHit(BaseModel):
    """One asset found, with what about it matched."""

    asset: AssetSummary
    metadata_uri: str
    matched: list[str] = Field(
        description="`registration-number`, `content-hash`, `content-hash-prefix`, "
        "`registrant`, `holder` or `metadata`.",
        examples=[["metadata"]],
    )


class PartyHit(BaseModel):
    account: str
    kind: str
    admitted: bool
    suspended: bool


class SearchResults(BaseModel):
    """A page of assets found; `parties` (first page only) when the text is an admitted party."""

    query: str
    interpreted_as: list[str] = Field(examples=[["content-hash-prefix", "metadata"]])
    parties: list[PartyHit]
    items: list[SearchHit]
    next_cursor: str | None = None


@dataclass
class Interpretation:
    """What the search text can be, and the asset condition for each reading."""

    conditions: dict[str, ColumnElement[bool]] = field(default_factory=dict)
    address: str | None = None
    fragment: str | None = None
    prefix: str | None = None
    hash_digits: str | None = None


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def interpret(text: str) -> Interpretation:
    """The readings of the search text; ValueError naming why when it has none."""
    q = text.strip()
    if not q:
        raise ValueError("the search text q is empty")
    if len(q) > MAX_QUERY:
        raise ValueError(f"the search text is {len(q)} characters long; at most {MAX_QUERY}")
    t = table_of(AssetRow)
    found = Interpretation()
    if q.upper().startswith("DR-"):
        found.prefix = q.upper()
        found.conditions["registration-number"] = func.upper(t.c.registration_number).like(
            _like(found.prefix) + "%", escape="\\"
        )
    prefixed = q[:2].lower() == "0x"
    digits = q[2:] if prefixed else q
    if _HEX.match(digits):
        _read_hex(found, digits.lower())
    if not prefixed and len(q) >= MIN_FRAGMENT:
        found.fragment = q.lower()
        found.conditions["metadata"] = func.lower(t.c.metadata_uri).like(
            "%" + _like(found.fragment) + "%", escape="\\"
        )
    if not found.conditions:
        raise ValueError(
            f"the search text {q!r} is too short: give a registration number (DR-…), at least "
            f"{MIN_HASH_PREFIX} hex digits of a content hash, a 0x address, or at least "
            f"{MIN_FRAGMENT} characters of a name"
        )
    return found


def _read_hex(found: Interpretation, digits: str) -> None:
    t = table_of(AssetRow)
    found.hash_digits = digits
    if len(digits) == 64:
        found.conditions["content-hash"] = t.c.asset == "0x" + digits
    elif MIN_HASH_PREFIX <= len(digits) < 64:
        found.conditions["content-hash-prefix"] = t.c.asset.like("0x" + digits + "%")
    if len(digits) == 40:
        found.address = parse_address("0x" + digits)
        found.conditions["registrant"] = t.c.registrant == found.address
        found.conditions["holder"] = t.c.asset.in_(held_by(found.address))


def _matched(row: Row, found: Interpretation, held: set[str]) -> list[str]:
    asset = str(row["asset"])
    checks = {
        "registration-number": found.prefix is not None
        and str(row["registration_number"]).upper().startswith(found.prefix),
        "content-hash": asset == f"0x{found.hash_digits}",
        "content-hash-prefix": asset.startswith(f"0x{found.hash_digits}"),
        "registrant": row["registrant"] == found.address,
        "holder": asset in held,
        "metadata": found.fragment is not None
        and found.fragment in str(row["metadata_uri"]).lower(),
    }
    return [name for name in found.conditions if checks[name]]


def _parties(session: Session, address: str | None) -> list[PartyHit]:
    if address is None:
        return []
    t = table_of(PartyRow)
    rows = session.execute(
        select(t).where(t.c.to_block.is_(None), t.c.account == address)
    ).mappings()
    return [
        PartyHit(
            account=r["account"],
            kind=enum_name(model.PartyKind, r["kind"]),
            admitted=r["admitted"],
            suspended=r["suspended"],
        )
        for r in rows
    ]


@router.get(
    "",
    summary="Search assets by registration number, content hash, party address or metadata name",
    description="The text is read every way it can be: `DR-…` as a registration number or its "
    "prefix; 64 hex digits as a content hash, 6 to 63 as a content-hash prefix; a 0x address as "
    "the registrant or a current holder of an active certificate (and the party itself); any text "
    "not starting with 0x as a case-insensitive fragment of the metadata URI. Assets come in "
    "registration order, each naming what matched.",
)
def search(
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            description="Registration number, content hash or prefix, address, or name fragment.",
            examples=["DR-31337-2026-000001", "0x5f1c0a", "traffic"],
        ),
    ],
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> SearchResults:
    found = interpret(q)
    size = page_size(limit)
    rows = current_page(
        session, AssetRow, order_by="sequence", after=decode_cursor(cursor, int), size=size,
        filters=[or_(*found.conditions.values())],
    )
    items, next_cursor = split_page(rows, size, "sequence")
    held: set[str] = set()
    if found.address is not None and items:
        held = {str(a) for a in session.scalars(held_by(found.address))}
    closure = taint_closure(session)
    return SearchResults(
        query=q.strip(),
        interpreted_as=list(found.conditions),
        parties=_parties(session, found.address) if cursor is None else [],
        items=[
            SearchHit(
                asset=asset_summary(r, closure),
                metadata_uri=r["metadata_uri"],
                matched=_matched(r, found, held),
            )
            for r in items
        ],
        next_cursor=next_cursor,
    )
