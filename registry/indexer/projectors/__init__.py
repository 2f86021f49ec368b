"""One projector per event family; `HANDLERS` maps every projected event name to its handler."""

from __future__ import annotations

from collections.abc import Mapping

from registry.indexer.projectors import assets, certificates, disputes, evidence, governance, grants
from registry.indexer.projectors.common import Handler

HANDLERS: Mapping[str, Handler] = {
    **governance.HANDLERS,
    **assets.HANDLERS,
    **certificates.HANDLERS,
    **grants.HANDLERS,
    **disputes.HANDLERS,
    **evidence.HANDLERS,
}
