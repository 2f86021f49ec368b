"""Response models of the API, separate from the mirror's table models.

Enumerations appear by lowercase name (`public`, `conditional`, `active`); hashes as 0x hex;
addresses checksummed; times as Unix seconds; every record names the block and transaction of
its current version.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue

T = TypeVar("T")

_HASH = "0x5f1c0a7e1b2d3c4e5f60718293a4b5c6d7e8f90112233445566778899aabbccd"
_ACCOUNT = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"


def _example(**values: JsonValue) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [values]})


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` as `cursor` for the next (null: the last page)."""

    items: list[T]
    next_cursor: str | None = Field(default=None, examples=["eyJhZnRlciI6NDJ9"])


class Problem(BaseModel):
    """An RFC 9457 problem body (`application/problem+json`)."""

    model_config = _example(
        type="urn:datarights:problem:not-found",
        title="Not found",
        status=404,
        detail=f"no asset {_HASH}",
        instance=f"/assets/{_HASH}",
        reason="not-found",
    )
    type: str
    title: str
    status: int
    detail: str
    instance: str
    reason: str
    indexed_block: int | None = None
    min_block: int | None = None


class Version(BaseModel):
    """Where the shown version of a record comes from."""

    from_block: int = Field(examples=[57])
    tx_hash: str = Field(examples=[_HASH])


class Classification(BaseModel):
    model_config = _example(category="public", grade="important", open_class="conditional",
                            domain=3)
    category: str
    grade: str
    open_class: str
    domain: int


class AssetSummary(BaseModel):
    model_config = _example(
        asset=_HASH, registration_number="DR-31337-2026-000001", kind="resource",
        registrant=_ACCOUNT, status="active", effective_status="active",
    )
    asset: str = Field(description="The content SHA-256 (0x hex).")
    registration_number: str
    sequence: int
    kind: str
    registrant: str
    registered_at: int
    registered_block: int
    classification: Classification
    status: str = Field(description="The status the contracts record: active, tainted, revoked.")
    effective_status: str = Field(
        description="`tainted` also when a revocation upstream has not been cascaded on chain yet."
    )
    version: Version


class CertificateTerms(BaseModel):
    issued_at: int
    valid_until: int
    notice_ends_at: int


class CertificateOut(BaseModel):
    model_config = _example(
        certificate_id=1, asset=_HASH, right="holding", holder=_ACCOUNT, status="active",
        effective_status="effective",
    )
    certificate_id: int
    asset: str
    right: str
    holder: str | None
    applicant: str
    status: str
    effective_status: str = Field(
        description="`effective`, or why not: `expired`, `revoked`, `asset-tainted`, `basis-*`."
    )
    terms: CertificateTerms
    open_objections: int
    basis_grant: int
    basis_certificate: int
    last_action: str
    last_actor: str
    version: Version


class RightHolders(BaseModel):
    """One of the three rights over an asset: who holds it effectively now; every certificate."""

    right: str = Field(examples=["processing"])
    holders: list[str]
    certificates: list[CertificateOut]


class InputEdge(BaseModel):
    input_asset: str
    position: int
    auth_kind: str
    auth_id: int


class AssetDetail(AssetSummary):
    merkle_root: str
    leaf_count: int
    leaf_mode: str
    metadata_hash: str
    metadata_uri: str
    update_cycle: int
    status_cause_kind: str | None
    status_cause: str | None
    rights: list[RightHolders]
    inputs: list[InputEdge] = Field(description="Lineage inputs of a product (empty otherwise).")


class GrantTermsOut(BaseModel):
    valid_from: int
    valid_until: int
    purpose_hash: str
    scenario_hash: str
    scope_hash: str
    security_hash: str
    end_of_term: str
    terms_uri: str


class GrantOut(BaseModel):
    model_config = _example(
        grant_id=1, asset=_HASH, grantor=_ACCOUNT, grantee=_ACCOUNT, right="processing",
        status="active", effective=True, effective_status="effective",
    )
    grant_id: int
    asset: str
    grantor: str
    grantee: str
    right: str
    status: str
    effective: bool
    effective_status: str = Field(
        description="`effective`, or why not: `revoked`, `expired`, `not-yet-valid`, `parent-*`."
    )
    depth: int
    sub_grantable: bool
    revocable: bool
    parent_kind: str
    parent_id: int
    terms: GrantTermsOut
    submitted_by: str | None
    signature_nonce: int | None
    revoked_by: str | None
    revoke_reason: str | None
    version: Version


class HeldRight(BaseModel):
    certificate_id: int
    asset: str
    right: str
    status: str
    effective_status: str


class PartyOut(BaseModel):
    model_config = _example(
        account=_ACCOUNT, kind="government", admitted=True, suspended=False,
        credit={"disputes_lost": 0, "objections_upheld": 0},
    )
    account: str
    kind: str | None
    admitted: bool
    suspended: bool
    admitted_at: int
    admitted_by: str
    identity_commitment: str
    credit: dict[str, int] = Field(description="Disputes lost and objections upheld against it.")
    rights_now: list[HeldRight]
    at_block: int | None = None
    rights_at_block: list[HeldRight] | None = Field(
        default=None, description="With `at_block`: the rights it held at that block."
    )
    grants_given: list[GrantOut]
    grants_received: list[GrantOut]


class DisputeEvidenceOut(BaseModel):
    submitter: str
    evidence_hash: str
    block: int
    tx_hash: str


class DisputeOut(BaseModel):
    model_config = _example(dispute_id=1, kind="grant", status="upheld", ownership=False)
    dispute_id: int
    claimant: str
    respondent: str
    kind: str
    subject: str
    asset: str
    ownership: bool
    evidence_hash: str
    status: str
    raised_at: int
    arbitrator: str
    decision_hash: str | None
    evidence: list[DisputeEvidenceOut]
    version: Version


class AnchorOut(BaseModel):
    model_config = _example(
        document_hash=_HASH, submitter=_ACCOUNT, evidence_type="registration-material",
        subject_kind="asset", subject=_HASH, anchored_at=1767225600, uri="https://example.org/doc",
    )
    document_hash: str
    submitter: str
    evidence_type: str
    subject_kind: str
    subject: str
    anchored_at: int
    uri: str
    version: Version


class BatchOut(BaseModel):
    model_config = _example(root=_HASH, count=12, evidence_type="review-report")
    root: str
    count: int
    submitter: str
    evidence_type: str
    subject_kind: str
    subject: str
    anchored_at: int
    uri: str
    version: Version


class Health(BaseModel):
    model_config = _example(
        status="ok", chain="reachable", chain_head=130, indexed_block=130, lag=0, detail=None
    )
    status: str = Field(description="`ok`, or `degraded` when the chain or mirror is missing.")
    chain: str = Field(description="`reachable` or `unreachable`.")
    chain_head: int | None
    indexed_block: int | None
    lag: int | None
    detail: str | None


# ---------------------------------------------------------------- lineage, history, verify, policy


class ChainRefOut(BaseModel):
    """The block and transaction that prove a fact."""

    block: int = Field(examples=[57])
    tx_hash: str = Field(examples=[_HASH])


class LineageNodeOut(BaseModel):
    asset: str
    registration_number: str
    kind: str
    registrant: str
    status: str = Field(description="As the chain records it: active, tainted, revoked.")
    derived_status: str = Field(
        description="`tainted` also when a revocation upstream has not been cascaded yet."
    )
    depth: int = Field(description="Edges from the traced asset (0: the asset itself).")
    registered: ChainRefOut


class LineageEdgeOut(BaseModel):
    product: str
    input_asset: str
    position: int
    auth_kind: str = Field(description="`certificate` or `grant`: what authorized the use.")
    auth_id: int
    valid_at_derivation: bool
    status_at_derivation: str = Field(description="`effective`, or why not, at the derivation.")
    status_now: str
    derived: ChainRefOut = Field(description="The block and transaction of the derivation.")


class LineageOut(BaseModel):
    model_config = _example(root=_HASH, direction="up", depth=10, nodes=[], edges=[])
    root: str
    direction: str
    depth: int
    nodes: list[LineageNodeOut]
    edges: list[LineageEdgeOut]


class HistoryEvent(BaseModel):
    """One registry event from the mirror's raw event log, in chain order."""

    model_config = _example(
        block=57, log_index=0, tx_hash=_HASH, event="AssetRegistered",
        address=_ACCOUNT, args={"asset": _HASH},
    )
    block: int
    log_index: int
    tx_hash: str
    event: str
    address: str = Field(description="The emitting contract.")
    args: dict[str, JsonValue]


class VerifyRequest(BaseModel):
    """Verify by content hash, or one record with its Merkle proof (as `datarights` writes it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"sha256": _HASH, "seller": _ACCOUNT},
                {
                    "record": "0x726f772c31",
                    "proof": {"index": 1, "count": 5, "siblings": [_HASH], "leaf": _HASH,
                              "root": _HASH},
                },
            ]
        },
    )
    sha256: str | None = Field(default=None, description="The content SHA-256 (0x hex).")
    seller: str | None = Field(default=None, description="Account that offers the data.")
    record: str | None = Field(
        default=None, max_length=1 << 20,
        description="One record's bytes: 0x-prefixed hex, or base64.",
    )
    proof: dict[str, JsonValue] | None = Field(
        default=None, description="The record's Merkle proof: index, count, siblings, leaf, root."
    )


class PolicyOut(BaseModel):
    model_config = _example(
        notice_window=1209600, default_term=31536000, max_public_data_grant_term=31536000,
        max_grant_depth=3, restricted_domains=[13], restricted_categories=["personal"],
    )
    notice_window: int
    default_term: int
    max_public_data_grant_term: int
    max_grant_depth: int
    restricted_domains: list[int] = Field(description="Negative list of industry domains.")
    restricted_categories: list[str] = Field(description="Negative list of data categories.")
    version: Version | None = Field(description="Where the policy's current version comes from.")
