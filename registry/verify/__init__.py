"""Buyers' provenance reports over the mirror."""

from registry.verify.report import (
    AssetFact,
    BytesCheck,
    DisputeFact,
    ProvenanceReport,
    RightFact,
    SellerCheck,
    asset_by_root,
    provenance_report,
    report_from_file,
)

__all__ = [
    "AssetFact",
    "BytesCheck",
    "DisputeFact",
    "ProvenanceReport",
    "RightFact",
    "SellerCheck",
    "asset_by_root",
    "provenance_report",
    "report_from_file",
]
