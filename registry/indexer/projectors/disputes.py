"""Dispute events, subject freezes and the revocation cascade queue."""

from __future__ import annotations

from collections.abc import Mapping

from registry import model
from registry.db.tables import (
    CascadeEntryRow,
    CascadeStateRow,
    DisputeEvidenceRow,
    DisputeRow,
    FreezeRow,
)
from registry.indexer.events import Event
from registry.indexer.projectors.common import ZERO_ADDRESS, Handler, updated
from registry.indexer.store import Projection


def dispute_raised(p: Projection, e: Event) -> None:
    a = e.args
    values = {
        "dispute_id": a["disputeId"],
        "claimant": a["claimant"],
        "respondent": a["respondent"],
        "kind": a["kind"],
        "subject": a["subject"],
        "asset": a["asset"],
        "ownership": a["ownership"],
        "evidence_hash": a["evidenceHash"],
        "status": int(model.DisputeStatus.RAISED),
        "raised_at": e.timestamp,
        "arbitrator": ZERO_ADDRESS,
    }
    p.store(DisputeRow).put(values, e, new=True)


def _dispute(p: Projection, e: Event, **changes: object) -> None:
    store = p.store(DisputeRow)
    dispute_id = e.args["disputeId"]
    store.put(updated(store.get(dispute_id), "dispute", dispute_id, **changes), e)


def arbitrator_assigned(p: Projection, e: Event) -> None:
    status = int(model.DisputeStatus.ASSIGNED)
    _dispute(p, e, arbitrator=e.args["arbitrator"], status=status)


def dispute_ruled(p: Projection, e: Event) -> None:
    upheld = e.args["upheld"]
    status = model.DisputeStatus.UPHELD if upheld else model.DisputeStatus.DISMISSED
    _dispute(p, e, status=int(status), decision_hash=e.args["decisionHash"])


def dispute_evidence_submitted(p: Projection, e: Event) -> None:
    a = e.args
    values = {
        "dispute_id": a["disputeId"],
        "log_index": e.log_index,
        "submitter": a["submitter"],
        "evidence_hash": a["evidenceHash"],
    }
    p.store(DisputeEvidenceRow).put(values, e, new=True)


def subject_freeze_changed(p: Projection, e: Event) -> None:
    a = e.args
    values = {"kind": a["kind"], "subject": a["subject"], "open_disputes": a["openDisputes"]}
    p.store(FreezeRow).put(values, e)


def cascade_queued(p: Projection, e: Event) -> None:
    a = e.args
    values = {"position": a["position"], "kind": a["kind"], "subject": a["subject"]}
    p.store(CascadeEntryRow).put(values, e, new=True)


def cascade_continued(p: Projection, e: Event) -> None:
    values = {"singleton": 1, "head": e.args["head"], "remaining": e.args["remaining"]}
    p.store(CascadeStateRow).put(values, e)


HANDLERS: Mapping[str, Handler] = {
    "DisputeRaised": dispute_raised,
    "ArbitratorAssigned": arbitrator_assigned,
    "DisputeRuled": dispute_ruled,
    "DisputeEvidenceSubmitted": dispute_evidence_submitted,
    "SubjectFreezeChanged": subject_freeze_changed,
    "CascadeQueued": cascade_queued,
    "CascadeContinued": cascade_continued,
}
