"""Cursor pagination over a stable order: any number of results, one page at a time.

The cursor is opaque to clients: the last key of the previous page, base64url-encoded JSON. A
list query orders by a unique key and asks for one row more than the page to know whether
another page follows.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import Query

from api.identifiers import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

LimitParam = Annotated[
    int,
    Query(ge=1, description=f"Page size; values above {MAX_LIMIT} are capped to {MAX_LIMIT}."),
]
CursorParam = Annotated[
    str | None,
    Query(description="Opaque cursor from the previous page's `next_cursor`.", max_length=512),
]


def page_size(limit: int) -> int:
    return min(limit, MAX_LIMIT)


def encode_cursor(key: Any) -> str:
    raw = json.dumps({"after": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: type) -> Any:
    """The key after which the page starts (None: the first page); ValueError when malformed."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"cursor {cursor!r} is not one this API issued") from exc
    # Keys are stored as 64-bit integers; a larger one was never issued and cannot be queried.
    values = key if isinstance(key, list) else [key]
    too_large = any(isinstance(v, int) and abs(v) > MAX_ID for v in values)
    if not isinstance(key, kind) or isinstance(key, bool) or too_large:
        raise ValueError(f"cursor {cursor!r} is not one this API issued")
    return key


def split_page(rows: list[Any], size: int, key: str) -> tuple[list[Any], str | None]:
    """The page's rows and the cursor of the next page (None on the last page)."""
    if len(rows) <= size:
        return rows, None
    page = rows[:size]
    return page, encode_cursor(page[-1][key])
