"""Asset events: registrations, lineage edges, metadata corrections and status changes."""

from __future__ import annotations

from collections.abc import Mapping

from registry.db.tables import AssetRow, LineageEdgeRow
from registry.indexer.events import Event
from registry.indexer.projectors.common import Handler, updated
from registry.indexer.store import Projection
from registry.registration_numbers import registration_number


def asset_registered(p: Projection, e: Event) -> None:
    a = e.args
    record = dict(a["record"])
    record.pop("content_hash")
    number = registration_number(
        chain_id=p.chain_id, registered_at=a["registeredAt"], sequence=a["sequence"]
    )
    values = {
        **record,
        "asset": a["asset"],
        "sequence": a["sequence"],
        "registration_number": number,
        "kind": a["kind"],
        "registrant": a["registrant"],
        "registered_at": a["registeredAt"],
        "registered_block": e.block,
        "status": 1,
    }
    p.store(AssetRow).put(values, e, new=True)


def product_derived(p: Projection, e: Event) -> None:
    store = p.store(LineageEdgeRow)
    for position, use in enumerate(e.args["inputs"]):
        values = {
            "product": e.args["product"],
            "input_asset": use["asset"],
            "position": position,
            "auth_kind": use["auth_kind"],
            "auth_id": use["auth_id"],
        }
        store.put(values, e, new=True)


def asset_corrected(p: Projection, e: Event) -> None:
    a = e.args
    store = p.store(AssetRow)
    row = updated(
        store.get(a["asset"]),
        "asset",
        a["asset"],
        metadata_hash=a["metadataHash"],
        metadata_uri=a["metadataURI"],
    )
    store.put(row, e)


def asset_status_changed(p: Projection, e: Event) -> None:
    a = e.args
    store = p.store(AssetRow)
    row = updated(
        store.get(a["asset"]),
        "asset",
        a["asset"],
        status=a["status"],
        status_cause_kind=a["causeKind"],
        status_cause=a["cause"],
    )
    store.put(row, e)


HANDLERS: Mapping[str, Handler] = {
    "AssetRegistered": asset_registered,
    "ProductDerived": product_derived,
    "AssetCorrected": asset_corrected,
    "AssetStatusChanged": asset_status_changed,
}
