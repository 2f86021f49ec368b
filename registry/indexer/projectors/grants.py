"""Grant events: grants and their revocation, signed-grant nonces and grant requests."""

from __future__ import annotations

from collections.abc import Mapping

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from registry.db.tables import GrantNonceRow, GrantRequestRow, GrantRow
from registry.indexer.events import Event
from registry.indexer.projectors.common import Handler, updated
from registry.indexer.store import Projection


def grant_issued(p: Projection, e: Event) -> None:
    a = e.args
    values = {
        **a["terms"],
        "grant_id": a["grantId"],
        "asset": a["asset"],
        "grantor": a["grantor"],
        "depth": a["depth"],
        "status": 1,
    }
    p.store(GrantRow).put(values, e, new=True)


def grant_revoked(p: Projection, e: Event) -> None:
    a = e.args
    store = p.store(GrantRow)
    row = updated(
        store.get(a["grantId"]),
        "grant",
        a["grantId"],
        status=2,
        revoked_by=a["actor"],
        revoke_reason=a["reasonHash"],
    )
    store.put(row, e)


def signed_grant_submitted(p: Projection, e: Event) -> None:
    a = e.args
    store = p.store(GrantRow)
    row = updated(
        store.get(a["grantId"]),
        "grant",
        a["grantId"],
        submitted_by=a["submitter"],
        signature_nonce=a["nonce"],
    )
    store.put(row, e)
    p.store(GrantNonceRow).put({"grantor": a["grantor"], "next_nonce": a["nonce"] + 1}, e)


def nonce_invalidated(p: Projection, e: Event) -> None:
    values = {"grantor": e.args["grantor"], "next_nonce": e.args["nextNonce"]}
    p.store(GrantNonceRow).put(values, e)


def purpose_scenario_hash(purpose_hash: str, scenario_hash: str) -> str:
    """keccak256(abi.encode(purposeHash, scenarioHash)), as the grant desk stores it."""
    encoded = abi_encode(
        ["bytes32", "bytes32"], [bytes.fromhex(purpose_hash[2:]), bytes.fromhex(scenario_hash[2:])]
    )
    return "0x" + keccak(encoded).hex()


def request_filed(p: Projection, e: Event) -> None:
    a = e.args
    t = a["terms"]
    values = {
        **t,
        "request_id": a["requestId"],
        "applicant": a["applicant"],
        "holder": a["holder"],
        "status": 1,
        "filed_at": a["filedAt"],
        "purpose_scenario_hash": purpose_scenario_hash(t["purpose_hash"], t["scenario_hash"]),
    }
    p.store(GrantRequestRow).put(values, e, new=True)


def _request_status(p: Projection, e: Event, status: int, **changes: object) -> None:
    store = p.store(GrantRequestRow)
    request_id = e.args["requestId"]
    store.put(updated(store.get(request_id), "request", request_id, status=status, **changes), e)


def request_approved(p: Projection, e: Event) -> None:
    _request_status(p, e, 2, grant_id=e.args["grantId"])


def request_refused(p: Projection, e: Event) -> None:
    _request_status(p, e, 3, reasons_hash=e.args["reasonsHash"])


def request_withdrawn(p: Projection, e: Event) -> None:
    _request_status(p, e, 4)


HANDLERS: Mapping[str, Handler] = {
    "GrantIssued": grant_issued,
    "GrantRevoked": grant_revoked,
    "SignedGrantSubmitted": signed_grant_submitted,
    "NonceInvalidated": nonce_invalidated,
    "RequestFiled": request_filed,
    "RequestApproved": request_approved,
    "RequestRefused": request_refused,
    "RequestWithdrawn": request_withdrawn,
}
