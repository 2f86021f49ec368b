"""The JSON-LD contexts bundled with the package, and a pyld document loader that never fetches.

Every export names its contexts by URL; processing one (expansion, RDF conversion) must not reach
the network at run time, so the loader serves the copies in `contexts/` and refuses any other URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from registry.errors import NotFoundError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
DATARIGHTS_V1 = "https://w3id.org/datarights/v1"
DATARIGHTS_ODRL_V1 = "https://w3id.org/datarights/odrl/v1"
DATARIGHTS_DCAT_V1 = "https://w3id.org/datarights/dcat/v1"


@dataclass(frozen=True)
class BundledContext:
    name: str  # the file's stem in contexts/, and its path segment under the API's /contexts
    url: str
    official: bool  # a W3C document copied byte for byte (else one of ours)


CONTEXTS: tuple[BundledContext, ...] = (
    BundledContext("credentials-v2", VC_V2, official=True),
    BundledContext("datarights-v1", DATARIGHTS_V1, official=False),
    BundledContext("datarights-odrl-v1", DATARIGHTS_ODRL_V1, official=False),
    BundledContext("datarights-dcat-v1", DATARIGHTS_DCAT_V1, official=False),
)
_BY_URL = {c.url: c for c in CONTEXTS}
_BY_NAME = {c.name: c for c in CONTEXTS}


class ContextNotBundled(NotFoundError):
    """A JSON-LD context that is not bundled: fetching it would need the network."""


def context_by_name(name: str) -> BundledContext:
    found = _BY_NAME.get(name)
    if found is None:
        names = ", ".join(_BY_NAME)
        raise ContextNotBundled(f"no bundled JSON-LD context named {name!r}; bundled: {names}")
    return found


@cache
def context_bytes(name: str) -> bytes:
    """The bundled document exactly as shipped (the official ones byte for byte)."""
    context_by_name(name)
    return resources.files("registry.export").joinpath(f"contexts/{name}.jsonld").read_bytes()


def load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's `documentLoader`: a bundled context by its URL; ContextNotBundled for any other."""
    bundled = _BY_URL.get(url)
    if bundled is None:
        known = ", ".join(_BY_URL)
        raise ContextNotBundled(
            f"JSON-LD document {url!r} is not bundled and is never fetched over the network; "
            f"bundled contexts: {known}"
        )
    # A fresh parse each time: pyld may rewrite the context it is given in place.
    document = json.loads(context_bytes(bundled.name))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def jsonld_options() -> dict[str, Any]:
    """Options for any pyld call on an export: bundled contexts only."""
    return {"documentLoader": load_document}
