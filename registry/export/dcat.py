"""The catalogue as a DCAT 3 `Catalog` with one `Dataset` per registered asset.

A dataset is identified by its registration number (`dcterms:identifier`), published by its
registrant, issued at its registration block's time, themed by its classification, and has one
`Distribution` standing for the registered bytes, whose `spdx:checksum` is their SHA-256. The
datarights terms carry the commitments, status and the registration's chain record.

Assets are read in registration order one batch at a time (keyset on `sequence`): the API serves
one page per request, the CLI streams the whole catalogue as JSON text, neither holds it all.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.db.tables import AssetRow, table_of
from registry.export.asset_terms import (
    asset_effective_status,
    asset_node,
    asset_type,
    classification,
)
from registry.export.chain_facts import (
    JsonLd,
    Registry,
    chain_record,
    datetime_literal,
    party_did,
    version_ref,
)
from registry.export.loader import DATARIGHTS_DCAT_V1, DATARIGHTS_V1
from registry.indexer.derived import taint_closure
from registry.lineage import ChainRef

CONTEXT = [DATARIGHTS_DCAT_V1, DATARIGHTS_V1]
STREAM_BATCH = 500
_TITLE = {"DataResource": "Data resource", "DataProduct": "Data product"}

Row = dict[str, Any]


def catalog(registry: Registry, datasets: list[JsonLd], **extra: Any) -> JsonLd:
    """The catalogue document holding `datasets` (one page of it, or all)."""
    return {
        "@context": list(CONTEXT),
        "id": f"{registry.urn}:catalog",
        "type": "Catalog",
        "title": f"Data rights registry catalogue, chain {registry.chain_id}",
        "publisher": registry.did,
        "registry": registry.did,
        "indexedBlock": registry.indexed_block,
        **extra,
        "dataset": datasets,
    }


def asset_rows(session: Session, *, after: int | None, limit: int) -> list[Row]:
    """Up to `limit` current assets registered after sequence `after`, in registration order."""
    t = table_of(AssetRow)
    query = select(t).where(t.c.to_block.is_(None))
    if after is not None:
        query = query.where(t.c.sequence > after)
    query = query.order_by(t.c.sequence).limit(limit)
    return [dict(r) for r in session.execute(query).mappings()]


def datasets(
    session: Session,
    registry: Registry,
    rows: list[Row],
    tainted: Collection[str] | None = None,
) -> list[JsonLd]:
    """The datasets of `rows`, with one query for their registration transactions.

    `tainted` is the taint closure's products (computed here when not given: pass it when
    writing many batches, so it is computed once)."""
    registered = _registration_txs(session, rows)
    if tainted is None:
        tainted = taint_closure(session).products
    return [
        _dataset(
            registry,
            row,
            registered.get(row["asset"]) or version_ref(row),
            asset_effective_status(row, tainted),
        )
        for row in rows
    ]


def stream_catalog(
    session: Session, registry: Registry, batch: int = STREAM_BATCH
) -> Iterator[str]:
    """The whole catalogue as JSON text, one dataset per line, one batch of assets at a time."""
    head = json.dumps(catalog(registry, []), ensure_ascii=False)
    yield head[: -len("[]}")] + "["
    after: int | None = None
    separator = "\n"
    tainted = taint_closure(session).products
    while True:
        rows = asset_rows(session, after=after, limit=batch)
        for dataset in datasets(session, registry, rows, tainted):
            yield separator + json.dumps(dataset, ensure_ascii=False)
            separator = ",\n"
        if len(rows) < batch:
            break
        after = int(rows[-1]["sequence"])
    yield "\n]}\n"


def _registration_txs(session: Session, rows: list[Row]) -> dict[str, ChainRef]:
    """Each asset's registration: the version that begins at its registration block."""
    t = table_of(AssetRow)
    keys = [r["asset"] for r in rows]
    query = select(t.c.asset, t.c.from_block, t.c.tx_hash).where(
        t.c.asset.in_(keys), t.c.from_block == t.c.registered_block
    )
    return {
        str(asset): ChainRef(int(block), str(tx)) for asset, block, tx in session.execute(query)
    }


def _dataset(registry: Registry, row: Row, registered: ChainRef, effective: str) -> JsonLd:
    node = asset_node(registry, row, effective_status=effective)
    kind = asset_type(row)
    classes = classification(row)
    return {
        "id": node.pop("id"),
        "type": ["Dataset", node.pop("type")],
        "identifier": row["registration_number"],
        "title": f"{_TITLE[kind]} {row['registration_number']}",
        "publisher": party_did(registry, row["registrant"]),
        "issued": datetime_literal(int(row["registered_at"])),
        "theme": [classes["category"], classes["grade"], classes["openClass"]],
        "distribution": [
            {
                "type": "Distribution",
                "checksum": {
                    "type": "Checksum",
                    "algorithm": "sha256",
                    "checksumValue": str(row["asset"]).removeprefix("0x"),
                },
            }
        ],
        **node,
        "metadataHash": row["metadata_hash"],
        "metadataUri": row["metadata_uri"],
        "updateCycle": int(row["update_cycle"]),
        "recordedIn": [
            chain_record(registry, registered, f"asset {row['registration_number']} registered")
        ],
    }
