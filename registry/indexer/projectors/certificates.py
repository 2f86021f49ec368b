"""Certificate events: applications, objections, lifecycle updates and ERC-721 token moves.

Holders come from the ERC-721 `Transfer` events, so a move made with a wallet's plain
`transferFrom` is mirrored exactly like `transferCertificate`.
"""

from __future__ import annotations

from collections.abc import Mapping

from registry.db.tables import (
    CertificateHolderRow,
    CertificateRow,
    ObjectionRow,
    OperatorApprovalRow,
    TokenApprovalRow,
)
from registry.indexer.events import Event
from registry.indexer.projectors.common import ZERO_ADDRESS, Handler, updated
from registry.indexer.store import Projection


def action_name(action: str) -> str:
    """The text of a bytes32 action tag (`ISSUED`)."""
    return bytes.fromhex(action[2:]).rstrip(b"\x00").decode(errors="replace")


def certificate_applied(p: Projection, e: Event) -> None:
    a = e.args
    values = {
        **a["certificate"],
        "certificate_id": a["certificateId"],
        "applicant": a["applicant"],
        "last_action": "APPLIED",
        "last_actor": a["applicant"],
    }
    p.store(CertificateRow).put(values, e, new=True)


def _adjust_objections(p: Projection, e: Event, delta: int) -> None:
    store = p.store(CertificateRow)
    cert_id = e.args["certificateId"]
    row = updated(store.get(cert_id), "certificate", cert_id)
    row["open_objections"] += delta
    store.put(row, e)


def objection_filed(p: Projection, e: Event) -> None:
    a = e.args
    values = {
        "objection_id": a["objectionId"],
        "certificate_id": a["certificateId"],
        "filer": a["filer"],
        "evidence_hash": a["evidenceHash"],
        "open": True,
    }
    p.store(ObjectionRow).put(values, e, new=True)
    _adjust_objections(p, e, +1)


def objection_resolved(p: Projection, e: Event) -> None:
    a = e.args
    store = p.store(ObjectionRow)
    row = updated(
        store.get(a["objectionId"]),
        "objection",
        a["objectionId"],
        open=False,
        upheld=a["upheld"],
        reason_hash=a["reasonHash"],
    )
    store.put(row, e)
    _adjust_objections(p, e, -1)


def certificate_updated(p: Projection, e: Event) -> None:
    a = e.args
    store = p.store(CertificateRow)
    row = updated(store.get(a["certificateId"]), "certificate", a["certificateId"])
    row.update(a["certificate"], last_action=action_name(a["action"]), last_actor=a["actor"])
    store.put(row, e)


def token_transferred(p: Projection, e: Event) -> None:
    a = e.args
    token = a["tokenId"]
    minted = a["from"] == ZERO_ADDRESS
    p.store(CertificateHolderRow).put({"certificate_id": token, "holder": a["to"]}, e, new=minted)
    if minted:
        return
    # ERC-721 clears the token's approval on every move without an Approval event.
    approvals = p.store(TokenApprovalRow)
    current = approvals.get(token)
    if current is not None and current["approved"] != ZERO_ADDRESS:
        approvals.put({"certificate_id": token, "approved": ZERO_ADDRESS}, e)


def token_approved(p: Projection, e: Event) -> None:
    values = {"certificate_id": e.args["tokenId"], "approved": e.args["approved"]}
    p.store(TokenApprovalRow).put(values, e)


def operator_approved(p: Projection, e: Event) -> None:
    a = e.args
    values = {"owner": a["owner"], "operator": a["operator"], "approved": a["approved"]}
    p.store(OperatorApprovalRow).put(values, e)


HANDLERS: Mapping[str, Handler] = {
    "CertificateApplied": certificate_applied,
    "ObjectionFiled": objection_filed,
    "ObjectionResolved": objection_resolved,
    "CertificateUpdated": certificate_updated,
    "Transfer": token_transferred,
    "Approval": token_approved,
    "ApprovalForAll": operator_approved,
}
