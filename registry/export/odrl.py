"""A grant as an ODRL 2.2 `Agreement` between grantor (assigner) and grantee (assignee).

* Actions follow the granted right: processing permits `read`, `derive` and `aggregate` (use and
  analyse the data, make derived data); operating permits `distribute` and `sell` (offer the
  product to others, paid or free).
* Every permission is constrained to the grant's term (`dateTime` gteq its start, lt its end), its
  purpose (`purpose` eq the purpose statement's hash), scenario and data scope (the datarights
  profile's `scenario` and `dataScope` left operands, eq their hashes).
* Sub-granting is `grantUse`: permitted when the grant may be sub-granted, prohibited otherwise.
* What happens at the end of the term (delete, return, archive) is an obligation that applies
  from the term's end.
* The grant's status, what it rests on and its chain records are datarights terms on the policy.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import GrantRow
from registry.errors import NotFoundError
from registry.export.chain_facts import (
    JsonLd,
    Registry,
    asset_iri,
    chain_record,
    datetime_literal,
    label,
    party_did,
    registry_of,
    version_ref,
)
from registry.export.loader import DATARIGHTS_ODRL_V1, DATARIGHTS_V1
from registry.indexer.derived import grant_status, version_at
from registry.lineage import first_version

CONTEXT = [DATARIGHTS_ODRL_V1, DATARIGHTS_V1]
PROFILE = DATARIGHTS_V1
XSD_DATETIME = "xsd:dateTime"
HASH_DATATYPE = "sha256Hex"  # 0x-hex SHA-256 (a term of the datarights context)

ACTIONS: dict[model.Right, list[str]] = {
    model.Right.PROCESSING: ["read", "derive", "aggregate"],
    model.Right.OPERATING: ["distribute", "sell"],
}
END_OF_TERM_ACTION = {
    model.EndOfTerm.DELETE: "delete",
    model.EndOfTerm.RETURN: "returnData",
    model.EndOfTerm.ARCHIVE: "archive",
}


def grant_agreement(session: Session, grant_id: int) -> JsonLd:
    """The grant's current record in the mirror as an ODRL Agreement."""
    grant = version_at(session, GrantRow, None, grant_id=grant_id)
    if grant is None:
        raise NotFoundError(f"no grant {grant_id} in the mirror (never issued, or not indexed yet)")
    registry = registry_of(session)
    parties = {
        "assigner": party_did(registry, grant["grantor"]),
        "assignee": party_did(registry, grant["grantee"]),
        "target": asset_iri(grant["asset"]),
    }
    term = _term(grant)
    use = {
        **parties,
        "action": list(ACTIONS[model.Right(grant["right"])]),
        "constraint": [*term, *_statements(grant)],
    }
    sublicence = {**parties, "action": "grantUse"}
    document: JsonLd = {
        "@context": list(CONTEXT),
        "uid": registry.record_iri("grant", grant_id),
        "type": "Agreement",
        "profile": PROFILE,
        **parties,
    }
    if grant["sub_grantable"]:
        document["permission"] = [use, {**sublicence, "constraint": term}]
    else:
        document |= {"permission": [use], "prohibition": [sublicence]}
    document["obligation"] = [_end_of_term(grant, parties)]
    return document | _grant_terms(session, registry, grant)


def _constraint(left: str, operator: str, value: str, datatype: str) -> JsonLd:
    return {
        "leftOperand": left,
        "operator": operator,
        "rightOperand": {"@value": value, "@type": datatype},
    }


def _term(grant: dict[str, Any]) -> list[JsonLd]:
    return [
        _constraint("dateTime", "gteq", datetime_literal(int(grant["valid_from"])), XSD_DATETIME),
        _constraint("dateTime", "lt", datetime_literal(int(grant["valid_until"])), XSD_DATETIME),
    ]


def _statements(grant: dict[str, Any]) -> list[JsonLd]:
    """Purpose, scenario and data scope: the SHA-256 of each statement, kept off chain."""
    return [
        _constraint(left, "eq", grant[column], HASH_DATATYPE)
        for left, column in (
            ("purpose", "purpose_hash"),
            ("scenario", "scenario_hash"),
            ("dataScope", "scope_hash"),
        )
    ]


def _end_of_term(grant: dict[str, Any], parties: JsonLd) -> JsonLd:
    """The duty at the end of the term, owed by the grantee from the term's end on."""
    until = datetime_literal(int(grant["valid_until"]))
    return {
        **parties,
        "action": END_OF_TERM_ACTION[model.EndOfTerm(grant["end_of_term"])],
        "constraint": [_constraint("dateTime", "gteq", until, XSD_DATETIME)],
    }


def _grant_terms(session: Session, registry: Registry, grant: dict[str, Any]) -> JsonLd:
    """The grant's own facts in the datarights vocabulary."""
    gid = int(grant["grant_id"])
    parent = "grant" if grant["parent_kind"] == model.AuthKind.GRANT else "certificate"
    issued = first_version(session, GrantRow, grant_id=gid)
    records = [chain_record(registry, issued, f"grant {gid} issued")]
    latest = version_ref(grant)
    if latest != issued:
        records.append(chain_record(registry, latest, f"grant {gid} last changed"))
    return {
        "grantId": gid,
        "right": label(model.Right, grant["right"]),
        "status": label(model.GrantStatus, grant["status"]),
        "effectiveStatus": grant_status(session, gid),
        "restsOn": registry.record_iri(parent, int(grant["parent_id"])),
        "depth": int(grant["depth"]),
        "subGrantable": bool(grant["sub_grantable"]),
        "revocable": bool(grant["revocable"]),
        "securityMeasuresHash": grant["security_hash"],
        "endOfTerm": label(model.EndOfTerm, grant["end_of_term"]),
        "termsDocument": grant["terms_uri"],
        "indexedBlock": registry.indexed_block,
        "recordedIn": records,
    }
