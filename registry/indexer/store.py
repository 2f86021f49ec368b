"""Versioned records in bulk: read the current version, write new versions, flush once a batch.

A batch covers whole blocks above the checkpoint, so every version it writes starts after every
version already in the database; several changes of one record in one block collapse into one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from registry.db.tables import VERSIONED_KEYS, Versioned, table_of
from registry.indexer.events import Event

Row = dict[str, Any]
Key = tuple[Any, ...]
_META = ("id", "from_block", "to_block", "tx_hash")


class VersionedStore:
    """The versions of one table touched by the current batch."""

    def __init__(self, session: Session, model: type[Versioned]) -> None:
        self.session = session
        self.table: Table = table_of(model)
        self.keys = VERSIONED_KEYS[model]
        self.columns = tuple(c.name for c in self.table.columns if c.name != "id")
        self._current: dict[Key, Row | None] = {}
        self._open_in_db: set[Key] = set()
        self._versions: dict[Key, list[Row]] = {}

    def get(self, *key: Any) -> Row | None:
        """A copy of the record's current values, or None when it does not exist."""
        if key not in self._current:
            self._current[key] = self._load(key)
        row = self._current[key]
        return None if row is None else dict(row)

    def put(self, values: Row, event: Event, *, new: bool = False) -> None:
        """Record `values` as the record's version from `event`'s block on.

        `new`: the event creates the record, so there is no older version to look up.
        """
        row = {c: values.get(c) for c in self.columns}
        row.update(from_block=event.block, to_block=None, tx_hash=event.tx_hash)
        key = tuple(row[k] for k in self.keys)
        if key not in self._current:
            self._current[key] = None if new else self._load(key)
        versions = self._versions.setdefault(key, [])
        if versions and versions[-1]["from_block"] == event.block:
            versions[-1] = row
        else:
            if versions:
                versions[-1]["to_block"] = event.block
            versions.append(row)
        self._current[key] = row

    def flush(self) -> int:
        """Close the superseded database versions and insert the new ones; returns rows written."""
        closes = [
            {
                **{f"k_{k}": v for k, v in zip(self.keys, key, strict=True)},
                "k_to": vs[0]["from_block"],
            }
            for key, vs in self._versions.items()
            if key in self._open_in_db
        ]
        if closes:
            self.session.execute(self._close_statement(), closes)
        rows = [row for versions in self._versions.values() for row in versions]
        if rows:
            self.session.execute(insert(self.table), rows)
        self._current.clear()
        self._open_in_db.clear()
        self._versions.clear()
        return len(rows)

    def _load(self, key: Key) -> Row | None:
        t = self.table
        query = select(t).where(*self._key_clause(key), t.c.to_block.is_(None))
        found = self.session.execute(query).mappings().first()
        if found is None:
            return None
        self._open_in_db.add(key)
        return {c: found[c] for c in self.columns if c not in _META}

    def _key_clause(self, key: Key) -> Iterable[Any]:
        return (self.table.c[k] == v for k, v in zip(self.keys, key, strict=True))

    def _close_statement(self) -> Any:
        t = self.table
        match = and_(*(t.c[k] == bindparam(f"k_{k}") for k in self.keys), t.c.to_block.is_(None))
        return update(t).where(match).values(to_block=bindparam("k_to"))


class Projection:
    """All versioned stores of one batch, plus what projectors need to know about the chain."""

    def __init__(self, session: Session, *, chain_id: int) -> None:
        self.session = session
        self.chain_id = chain_id
        self._stores = {model: VersionedStore(session, model) for model in VERSIONED_KEYS}

    def store(self, model: type[Versioned]) -> VersionedStore:
        return self._stores[model]

    def flush(self) -> int:
        return sum(store.flush() for store in self._stores.values())
