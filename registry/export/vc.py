"""A rights certificate as a W3C Verifiable Credential 2.0 (JSON-LD, unsecured).

The issuer is the registry (its RightsRegistry contract on its chain, as a `did:pkh`); the subject
is the certificate's holder with the right, the asset and its classification. The credential
carries no cryptographic proof: the chain record is the proof. `credentialStatus` says where the
live status is read (the registry's `certificate(id)` and `ownerOf(id)`), and `evidence` lists the
block and transaction of every fact, so anyone can check the credential against the chain without
trusting the mirror that wrote it (docs/EXPORTS.md, "Checking a credential").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry import model
from registry.db.tables import AssetRow, CertificateHolderRow, CertificateRow
from registry.errors import NotFoundError
from registry.export.asset_terms import asset_effective_status, asset_node
from registry.export.chain_facts import (
    JsonLd,
    Registry,
    chain_record,
    datetime_literal,
    label,
    party_did,
    registry_of,
    version_ref,
)
from registry.export.loader import DATARIGHTS_V1, VC_V2
from registry.indexer.derived import certificate_status, taint_closure, version_at
from registry.lineage import first_version

CONTEXT = [VC_V2, DATARIGHTS_V1]
TYPES = ["VerifiableCredential", "DataRightsCertificate"]


def certificate_credential(session: Session, certificate_id: int) -> JsonLd:
    """The certificate's current record in the mirror as a VC 2.0 document."""
    cert = version_at(session, CertificateRow, None, certificate_id=certificate_id)
    if cert is None:
        raise NotFoundError(
            f"no certificate {certificate_id} in the mirror (never applied for, or not indexed yet)"
        )
    asset = version_at(session, AssetRow, None, asset=cert["asset"])
    if asset is None:  # a certificate is applied for over a registered asset
        raise NotFoundError(f"asset {cert['asset']} of certificate {certificate_id} is not indexed")
    registry = registry_of(session)
    tainted = taint_closure(session).products
    holder = version_at(session, CertificateHolderRow, None, certificate_id=certificate_id)
    right = label(model.Right, cert["right"])
    document: JsonLd = {
        "@context": list(CONTEXT),
        "id": registry.record_iri("certificate", certificate_id),
        "type": list(TYPES),
        "name": f"Data rights certificate {certificate_id}",
        "description": f"The {right} right over the data asset {asset['registration_number']}, "
        "as recorded by the data rights registry on chain.",
        "issuer": {"id": registry.did, "name": f"Data rights registry, chain {registry.chain_id}"},
        **_validity(cert),
        "credentialSubject": _subject(
            registry,
            cert,
            holder,
            asset_node(registry, asset, effective_status=asset_effective_status(asset, tainted)),
        ),
        "credentialStatus": _status(session, registry, cert),
        "evidence": _evidence(session, registry, cert, asset, holder),
    }
    return document


def _validity(cert: dict[str, Any]) -> JsonLd:
    """The certificate's term; an application still in its notice window has none yet."""
    term: JsonLd = {}
    if cert["issued_at"]:
        term["validFrom"] = datetime_literal(int(cert["issued_at"]))
    if cert["valid_until"]:
        term["validUntil"] = datetime_literal(int(cert["valid_until"]))
    return term


def _subject(
    registry: Registry, cert: dict[str, Any], holder: dict[str, Any] | None, asset: JsonLd
) -> JsonLd:
    cid = int(cert["certificate_id"])
    subject: JsonLd = {"type": "RightHolder"}
    if holder is not None:
        subject["id"] = party_did(registry, holder["holder"])
    subject |= {
        "right": label(model.Right, cert["right"]),
        "certificateId": cid,
        "status": label(model.CertificateStatus, cert["status"]),
        "asset": asset,
    }
    basis = [
        registry.record_iri(kind, int(cert[column]))
        for kind, column in (("grant", "basis_grant"), ("certificate", "basis_certificate"))
        if cert[column]
    ]
    if basis:
        subject["restsOn"] = basis
    return subject


def _status(session: Session, registry: Registry, cert: dict[str, Any]) -> JsonLd:
    cid = int(cert["certificate_id"])
    return {
        "id": f"{registry.record_iri('certificate', cid)}#status",
        "type": "RegistryStatus",
        "registry": registry.did,
        "certificateId": cid,
        "status": label(model.CertificateStatus, cert["status"]),
        "effectiveStatus": certificate_status(session, cid),
        "indexedBlock": registry.indexed_block,
    }


def _evidence(
    session: Session,
    registry: Registry,
    cert: dict[str, Any],
    asset: dict[str, Any],
    holder: dict[str, Any] | None,
) -> list[JsonLd]:
    """The chain facts behind the credential, oldest first."""
    cid = int(cert["certificate_id"])
    registered = first_version(session, AssetRow, asset=asset["asset"])
    applied = first_version(session, CertificateRow, certificate_id=cid)
    records = [
        chain_record(registry, registered, f"asset {asset['registration_number']} registered"),
        chain_record(registry, applied, f"certificate {cid} applied for"),
    ]
    latest = version_ref(cert)
    if latest != applied:
        action = str(cert["last_action"]).lower()
        records.append(chain_record(registry, latest, f"certificate {cid} last changed: {action}"))
    if holder is not None:
        records.append(
            chain_record(
                registry,
                version_ref(holder),
                f"holder of certificate {cid} became {holder['holder']}",
            )
        )
    return sorted(records, key=lambda r: (r["blockNumber"], r["transactionHash"]))
