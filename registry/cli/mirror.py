"""Read access to the indexed mirror for the read-only commands (`trace`, `verify`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from registry.cli.common import InputError, parse_asset_id
from registry.config import Settings
from registry.db.engine import database_url, make_engine
from registry.db.tables import AssetRow
from registry.errors import NotFoundError


@contextmanager
def mirror_session(settings: Settings) -> Iterator[Session]:
    """A session on the settings' database; NotFoundError when it has never been indexed."""
    url = database_url(settings)
    parsed = make_url(url)
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and not Path(database).is_file():
        raise NotFoundError(f"no mirror at {parsed.database}: run `datarights index run` first")
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("index_state"):
            shown = engine.url.render_as_string(hide_password=True)
            raise NotFoundError(f"the database {shown} holds no mirror: run `datarights index run`")
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def resolve_asset(session: Session, text: str) -> bytes:
    """An asset by its id (0x SHA-256) or its registration number (DR-…)."""
    value = text.strip()
    if not value.upper().startswith("DR-"):
        return parse_asset_id(value)
    query = select(AssetRow.asset).where(  # type: ignore[call-overload]
        AssetRow.registration_number == value.upper(),
        AssetRow.to_block.is_(None),  # type: ignore[union-attr]
    )
    found = session.scalar(query)
    if found is None:
        raise InputError(f"no asset has the registration number {value}")
    return bytes.fromhex(str(found)[2:])
