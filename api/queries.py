"""Queries the routers share: current versions, one record by key, a page in key order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.schemas import Version
from registry.db.tables import Versioned, table_of
from registry.errors import NotFoundError

Row = dict[str, Any]


def current(session: Session, model: type[Versioned], *, what: str, **key: Any) -> Row:
    """The current version of one record; NotFoundError naming it when there is none."""
    t = table_of(model)
    query = select(t).where(t.c.to_block.is_(None), *(t.c[k] == v for k, v in key.items()))
    row = session.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"no {what} {', '.join(str(v) for v in key.values())}")
    return dict(row)


def current_page(
    session: Session,
    model: type[Versioned],
    *,
    order_by: str,
    after: Any,
    size: int,
    filters: list[ColumnElement[bool]],
) -> list[Row]:
    """Up to `size + 1` current rows after the cursor key, in key order (the extra one tells
    whether another page follows)."""
    t = table_of(model)
    query = select(t).where(t.c.to_block.is_(None), *filters)
    if after is not None:
        query = query.where(t.c[order_by] > after)
    query = query.order_by(t.c[order_by]).limit(size + 1)
    return [dict(r) for r in session.execute(query).mappings()]


def version(row: Row) -> Version:
    return Version(from_block=row["from_block"], tx_hash=row["tx_hash"])
