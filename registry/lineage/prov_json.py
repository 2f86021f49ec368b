"""W3C PROV-JSON for a lineage trace: assets are entities, derivations activities, registrants
agents.

Each product's registration is one activity that `used` its inputs (qualified with the grant or
certificate that authorized the use and whether it was effective at the derivation block) and by
which the product `wasGeneratedBy`; `wasDerivedFrom` links product and input through it, and
`wasAttributedTo` / `wasAssociatedWith` name the registrant. Chain facts (block, tx hash,
registration number) are attributes in the `dr:` namespace.
"""

from __future__ import annotations

from typing import Any

from registry.lineage.trace import LineageEdge, LineageGraph, LineageNode

NAMESPACES = {
    "dr": "urn:datarights:terms#",
    "asset": "urn:datarights:asset:",
    "derivation": "urn:datarights:derivation:",
    "party": "urn:datarights:party:",
}


def _entity(node: LineageNode) -> dict[str, Any]:
    return {
        "prov:type": {"$": f"dr:{node.kind}", "type": "prov:QUALIFIED_NAME"},
        "prov:label": node.registration_number,
        "dr:registrationNumber": node.registration_number,
        "dr:contentSha256": node.asset,
        "dr:status": node.status,
        "dr:derivedStatus": node.derived_status,
        "dr:block": node.registered.block,
        "dr:txHash": node.registered.tx_hash,
    }


def _used(edge: LineageEdge) -> dict[str, Any]:
    return {
        "prov:activity": f"derivation:{edge.product}",
        "prov:entity": f"asset:{edge.input_asset}",
        "dr:position": edge.position,
        "dr:authKind": edge.auth_kind,
        "dr:authId": edge.auth_id,
        "dr:validAtDerivation": edge.valid_at_derivation,
        "dr:statusAtDerivation": edge.status_at_derivation,
        "dr:statusNow": edge.status_now,
    }


def to_prov_json(graph: LineageGraph) -> dict[str, Any]:
    """The trace as a PROV-JSON document (a dict ready for `json.dumps`)."""
    doc: dict[str, Any] = {
        "prefix": dict(NAMESPACES),
        "entity": {},
        "activity": {},
        "agent": {},
        "used": {},
        "wasGeneratedBy": {},
        "wasDerivedFrom": {},
        "wasAttributedTo": {},
        "wasAssociatedWith": {},
    }
    registrants = {node.asset: node.registrant for node in graph.nodes}
    for node in graph.nodes:
        doc["entity"][f"asset:{node.asset}"] = _entity(node)
        doc["agent"][f"party:{node.registrant}"] = {"prov:type": "prov:Organization"}
        doc["wasAttributedTo"][f"_:attributed-{node.asset}"] = {
            "prov:entity": f"asset:{node.asset}",
            "prov:agent": f"party:{node.registrant}",
        }
    for edge in graph.edges:
        _add_derivation(doc, edge, registrants.get(edge.product))
    return {key: value for key, value in doc.items() if value}


def _add_derivation(doc: dict[str, Any], edge: LineageEdge, registrant: str | None) -> None:
    activity = f"derivation:{edge.product}"
    if activity not in doc["activity"]:
        doc["activity"][activity] = {
            "prov:type": {"$": "dr:derivation", "type": "prov:QUALIFIED_NAME"},
            "dr:block": edge.derived.block,
            "dr:txHash": edge.derived.tx_hash,
        }
        doc["wasGeneratedBy"][f"_:generated-{edge.product}"] = {
            "prov:entity": f"asset:{edge.product}",
            "prov:activity": activity,
        }
        if registrant is not None:
            doc["wasAssociatedWith"][f"_:associated-{edge.product}"] = {
                "prov:activity": activity,
                "prov:agent": f"party:{registrant}",
            }
    key = f"{edge.product}-{edge.position}"
    doc["used"][f"_:used-{key}"] = _used(edge)
    doc["wasDerivedFrom"][f"_:derived-{key}"] = {
        "prov:generatedEntity": f"asset:{edge.product}",
        "prov:usedEntity": f"asset:{edge.input_asset}",
        "prov:activity": activity,
    }
