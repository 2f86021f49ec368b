"""Lineage traces over the mirror and their W3C PROV-JSON export."""

from registry.lineage.prov_json import to_prov_json
from registry.lineage.trace import (
    DIRECTIONS,
    AssetNotIndexed,
    ChainRef,
    Direction,
    LineageEdge,
    LineageGraph,
    LineageNode,
    asset_key,
    auth_status,
    first_version,
    trace,
)

__all__ = [
    "DIRECTIONS",
    "AssetNotIndexed",
    "ChainRef",
    "Direction",
    "LineageEdge",
    "LineageGraph",
    "LineageNode",
    "asset_key",
    "auth_status",
    "first_version",
    "to_prov_json",
    "trace",
]
