"""Evidence events: single anchors and Merkle batch anchors."""

from __future__ import annotations

from collections.abc import Mapping

from registry.db.tables import AnchorRow, BatchAnchorRow
from registry.indexer.events import Event
from registry.indexer.projectors.common import Handler
from registry.indexer.store import Projection


def _common(e: Event) -> dict[str, object]:
    a = e.args
    return {
        "submitter": a["submitter"],
        "evidence_type": a["evidenceType"],
        "subject_kind": a["subjectKind"],
        "subject": a["subject"],
        "anchored_at": a["anchoredAt"],
        "uri": a["uri"],
    }


def evidence_anchored(p: Projection, e: Event) -> None:
    values = {**_common(e), "document_hash": e.args["documentHash"]}
    p.store(AnchorRow).put(values, e, new=True)


def evidence_batch_anchored(p: Projection, e: Event) -> None:
    values = {**_common(e), "root": e.args["root"], "count": e.args["count"]}
    p.store(BatchAnchorRow).put(values, e, new=True)


HANDLERS: Mapping[str, Handler] = {
    "EvidenceAnchored": evidence_anchored,
    "EvidenceBatchAnchored": evidence_batch_anchored,
}
