"""An asset in the datarights vocabulary: the node the credential's subject and the catalogue's
datasets share (identity, commitments, classification, status, registrant)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from registry import model
from registry.export.chain_facts import JsonLd, Registry, asset_iri, label, party_did

_KIND_TYPE = {model.AssetKind.RESOURCE: "DataResource", model.AssetKind.PRODUCT: "DataProduct"}


def asset_type(row: dict[str, Any]) -> str:
    return _KIND_TYPE[model.AssetKind(row["kind"])]


def classification(row: dict[str, Any]) -> JsonLd:
    """Category, security grade, open class (terms of the datarights context) and domain code."""
    return {
        "category": label(model.Category, row["category"]),
        "grade": label(model.Grade, row["grade"]),
        "openClass": label(model.OpenClass, row["open_class"]),
        "domain": int(row["domain"]),
    }


def asset_node(registry: Registry, row: dict[str, Any], *, effective_status: str) -> JsonLd:
    """The asset's own facts from its current mirror row."""
    return {
        "id": asset_iri(row["asset"]),
        "type": asset_type(row),
        "registrationNumber": row["registration_number"],
        "contentSha256": row["asset"],
        "merkleRoot": row["merkle_root"],
        "leafCount": int(row["leaf_count"]),
        "leafMode": label(model.LeafMode, row["leaf_mode"]),
        **classification(row),
        "status": label(model.AssetStatus, row["status"]),
        "effectiveStatus": effective_status,
        "registrant": party_did(registry, row["registrant"]),
    }


def asset_effective_status(row: dict[str, Any], tainted: Collection[str]) -> str:
    """The recorded status, or `tainted` when a revocation upstream has not been cascaded yet."""
    status = model.AssetStatus(row["status"])
    if status == model.AssetStatus.ACTIVE and row["asset"] in tainted:
        return "tainted"
    return label(model.AssetStatus, status)
