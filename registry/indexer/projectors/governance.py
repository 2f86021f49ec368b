"""Governance events: roles, parties and their credit, the policy and the negative list."""

from __future__ import annotations

from collections.abc import Mapping

from registry.db.tables import (
    PartyRow,
    PolicyRow,
    RestrictedCategoryRow,
    RestrictedDomainRow,
    RoleMemberRow,
)
from registry.indexer.events import Event
from registry.indexer.projectors.common import ZERO_HASH, Handler
from registry.indexer.store import Projection, Row


def _role(p: Projection, e: Event, member: bool) -> None:
    a = e.args
    values = {
        "role": a["role"],
        "account": a["account"],
        "member": member,
        "changed_by": a["sender"],
    }
    p.store(RoleMemberRow).put(values, e)


def role_granted(p: Projection, e: Event) -> None:
    _role(p, e, True)


def role_revoked(p: Projection, e: Event) -> None:
    _role(p, e, False)


def _party(p: Projection, account: str) -> Row:
    current = p.store(PartyRow).get(account)
    if current is not None:
        return current
    # Governance keeps credit counters even for accounts never admitted.
    return {
        "account": account,
        "kind": 0,
        "admitted": False,
        "suspended": False,
        "admitted_at": 0,
        "disputes_lost": 0,
        "objections_upheld": 0,
        "identity_commitment": ZERO_HASH,
        "admitted_by": "",
    }


def party_admitted(p: Projection, e: Event) -> None:
    party = _party(p, e.args["account"])
    party.update(e.args["party"], admitted_by=e.args["registrar"])
    p.store(PartyRow).put(party, e)


def party_suspended(p: Projection, e: Event) -> None:
    party = _party(p, e.args["account"])
    p.store(PartyRow).put({**party, "suspended": True}, e)


def party_reinstated(p: Projection, e: Event) -> None:
    party = _party(p, e.args["account"])
    p.store(PartyRow).put({**party, "suspended": False}, e)


def party_credit_changed(p: Projection, e: Event) -> None:
    party = _party(p, e.args["account"])
    party.update(disputes_lost=e.args["disputesLost"], objections_upheld=e.args["objectionsUpheld"])
    p.store(PartyRow).put(party, e)


def policy_changed(p: Projection, e: Event) -> None:
    p.store(PolicyRow).put({"singleton": 1, **e.args["policy"]}, e)


def domain_listed(p: Projection, e: Event) -> None:
    values = {"domain": e.args["domain"], "restricted": e.args["restricted"]}
    p.store(RestrictedDomainRow).put(values, e)


def category_listed(p: Projection, e: Event) -> None:
    values = {"category": e.args["category"], "restricted": e.args["restricted"]}
    p.store(RestrictedCategoryRow).put(values, e)


HANDLERS: Mapping[str, Handler] = {
    "RoleGranted": role_granted,
    "RoleRevoked": role_revoked,
    "PartyAdmitted": party_admitted,
    "PartySuspended": party_suspended,
    "PartyReinstated": party_reinstated,
    "PartyCreditChanged": party_credit_changed,
    "PolicyChanged": policy_changed,
    "DomainListed": domain_listed,
    "CategoryListed": category_listed,
}
