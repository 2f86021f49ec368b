"""Standard exports: certificates as W3C Verifiable Credentials 2.0, grants as ODRL 2.2
Agreements, the catalogue as DCAT 3, and the bundled JSON-LD contexts they name."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response

from api.deps import MinBlock, SessionDep
from api.identifiers import MAX_ID
from api.pagination import (
    DEFAULT_LIMIT,
    CursorParam,
    LimitParam,
    decode_cursor,
    page_size,
    split_page,
)
from api.schemas import Problem
from registry.export import (
    asset_rows,
    catalog,
    certificate_credential,
    context_by_name,
    context_bytes,
    datasets,
    grant_agreement,
)
from registry.export.chain_facts import registry_of
from registry.export.loader import CONTEXTS

VC_MEDIA_TYPE = "application/vc"
JSON_LD = "application/ld+json"

router = APIRouter(
    tags=["exports"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)

_CHAIN_RECORD = {
    "type": "ChainRecord",
    "fact": "certificate 3 applied for",
    "chainId": 31337,
    "contract": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    "blockNumber": 57,
    "transactionHash": "0x9b1c…",
}
_VC_EXAMPLE = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/datarights/v1"],
    "id": "urn:datarights:eip155:31337:0x5FbDB2315678afecb367f032d93F642f64180aa3:certificate:3",
    "type": ["VerifiableCredential", "DataRightsCertificate"],
    "issuer": {"id": "did:pkh:eip155:31337:0x5FbDB2315678afecb367f032d93F642f64180aa3"},
    "validFrom": "2026-05-01T08:00:00Z",
    "validUntil": "2029-05-01T08:00:00Z",
    "credentialSubject": {
        "type": "RightHolder",
        "id": "did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "right": "processing",
        "certificateId": 3,
        "asset": {"registrationNumber": "DR-31337-2026-000001", "contentSha256": "0x2c26…"},
    },
    "credentialStatus": {"type": "RegistryStatus", "effectiveStatus": "effective"},
    "evidence": [_CHAIN_RECORD],
}
_ODRL_EXAMPLE = {
    "@context": ["https://w3id.org/datarights/odrl/v1", "https://w3id.org/datarights/v1"],
    "uid": "urn:datarights:eip155:31337:0x5FbDB2315678afecb367f032d93F642f64180aa3:grant:1",
    "type": "Agreement",
    "assigner": "did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "assignee": "did:pkh:eip155:31337:0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "target": "urn:datarights:asset:0x2c26…",
    "permission": [{"action": ["read", "derive", "aggregate"], "constraint": []}],
    "prohibition": [{"action": "grantUse"}],
}
_DCAT_EXAMPLE = {
    "@context": ["https://w3id.org/datarights/dcat/v1", "https://w3id.org/datarights/v1"],
    "type": "Catalog",
    "dataset": [{"type": ["Dataset", "DataResource"], "identifier": "DR-31337-2026-000001"}],
    "nextCursor": "eyJhZnRlciI6NTB9",
}


def _example(media_type: str, example: dict[str, Any], description: str) -> dict[int | str, Any]:
    return {200: {"description": description, "content": {media_type: {"example": example}}}}


@router.get(
    "/certificates/{certificate_id}/credential",
    summary="A certificate as a W3C Verifiable Credential 2.0 (JSON-LD, unsecured)",
    description="The issuer is the registry (`did:pkh` of its RightsRegistry contract), the "
    "subject the holder with the right and the asset. There is no cryptographic proof: the chain "
    "is the proof; `evidence` gives the block and transaction of every fact and "
    "`credentialStatus` the live status (docs/EXPORTS.md).",
    response_class=JSONResponse,
    responses=_example(VC_MEDIA_TYPE, _VC_EXAMPLE, "The credential (`application/vc`)."),
)
def get_credential(
    session: SessionDep, certificate_id: Annotated[int, Path(ge=1, le=MAX_ID, examples=[3])]
) -> JSONResponse:
    document = certificate_credential(session, certificate_id)
    return JSONResponse(document, media_type=VC_MEDIA_TYPE)


@router.get(
    "/grants/{grant_id}/odrl",
    summary="A grant as an ODRL 2.2 Agreement (JSON-LD)",
    description="Grantor as assigner, grantee as assignee, the asset as target; actions from the "
    "granted right, constraints for the term, purpose, scenario and data scope; sub-granting "
    "(`grantUse`) permitted or prohibited; the end-of-term duty as an obligation.",
    response_class=JSONResponse,
    responses=_example(JSON_LD, _ODRL_EXAMPLE, "The agreement (`application/ld+json`)."),
)
def get_odrl(
    session: SessionDep, grant_id: Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
) -> JSONResponse:
    return JSONResponse(grant_agreement(session, grant_id), media_type=JSON_LD)


@router.get(
    "/catalog",
    summary="The catalogue as DCAT 3, one page of datasets at a time",
    description="A `dcat:Catalog` whose `dataset` list holds one page of assets in registration "
    'order; `nextCursor` (and a `Link: rel="next"` header) names the next page.',
    response_class=JSONResponse,
    responses=_example(JSON_LD, _DCAT_EXAMPLE, "One page of the catalogue."),
)
def get_catalog(
    request: Request,
    session: SessionDep,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> JSONResponse:
    size = page_size(limit)
    rows = asset_rows(session, after=decode_cursor(cursor, int), limit=size + 1)
    page, next_cursor = split_page(rows, size, "sequence")
    registry = registry_of(session)
    extra = {} if next_cursor is None else {"nextCursor": next_cursor}
    document = catalog(registry, datasets(session, registry, page), **extra)
    headers = {}
    if next_cursor is not None:
        following = request.url.include_query_params(cursor=next_cursor, limit=size)
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse(document, media_type=JSON_LD, headers=headers)


@router.get(
    "/contexts/{name}",
    summary="A bundled JSON-LD context, exactly as shipped",
    description="The contexts the exports name: "
    + ", ".join(f"`{c.name}` ({c.url})" for c in CONTEXTS)
    + ". The W3C ones are byte-for-byte copies of the official documents.",
    response_class=Response,
    responses={200: {"description": "The context document.", "content": {JSON_LD: {}}}},
)
def get_context(name: Annotated[str, Path(examples=["datarights-v1"])]) -> Response:
    return Response(context_bytes(context_by_name(name).name), media_type=JSON_LD)
