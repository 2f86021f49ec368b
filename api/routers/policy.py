"""The registry's current policy and its negative lists (restricted domains and categories)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import MinBlock, SessionDep
from api.identifiers import enum_name
from api.queries import version
from api.schemas import PolicyOut, Problem
from registry import model
from registry.db.tables import PolicyRow, RestrictedCategoryRow, RestrictedDomainRow, table_of

router = APIRouter(
    prefix="/policy",
    tags=["policy"],
    dependencies=[MinBlock],
    responses={409: {"model": Problem}},
)


@router.get("", summary="The current policy and negative lists")
def get_policy(session: SessionDep) -> PolicyOut:
    p, d, c = table_of(PolicyRow), table_of(RestrictedDomainRow), table_of(RestrictedCategoryRow)
    row = session.execute(select(p).where(p.c.to_block.is_(None))).mappings().first()
    domains = session.scalars(
        select(d.c.domain).where(d.c.to_block.is_(None), d.c.restricted.is_(True))
    )
    categories = session.scalars(
        select(c.c.category).where(c.c.to_block.is_(None), c.c.restricted.is_(True))
    )
    return PolicyOut(
        notice_window=0 if row is None else int(row["notice_window"]),
        default_term=0 if row is None else int(row["default_term"]),
        max_public_data_grant_term=0 if row is None else int(row["max_public_data_grant_term"]),
        max_grant_depth=0 if row is None else int(row["max_grant_depth"]),
        restricted_domains=sorted(int(v) for v in domains),
        restricted_categories=[
            enum_name(model.Category, v) for v in sorted(int(v) for v in categories)
        ],
        version=None if row is None else version(dict(row)),
    )
