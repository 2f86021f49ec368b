"""Standard exports of the mirror: W3C Verifiable Credentials 2.0 for certificates, ODRL 2.2 for
grants, DCAT 3 for the catalogue (W3C PROV-JSON for lineage lives in `registry.lineage`).

Each is a pure function from mirror rows to a JSON-LD dict whose contexts are bundled
(`registry.export.loader`), so the documents can be processed without the network.
"""

from registry.export.dcat import asset_rows, catalog, datasets, stream_catalog
from registry.export.loader import ContextNotBundled, context_by_name, context_bytes, load_document
from registry.export.odrl import grant_agreement
from registry.export.vc import certificate_credential

__all__ = [
    "ContextNotBundled",
    "asset_rows",
    "catalog",
    "certificate_credential",
    "context_by_name",
    "context_bytes",
    "datasets",
    "grant_agreement",
    "load_document",
    "stream_catalog",
]
