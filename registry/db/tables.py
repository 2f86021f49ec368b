"""SQLModel tables of the mirror.

Every record the contracts keep is a *versioned* table: one row per version, valid for blocks
`[from_block, to_block)` (`to_block` NULL: the current version). History queries ("who held this
right at block N") select the version covering N; a reorg rollback to block F deletes the versions
that start above F and reopens those closed above F, which restores the exact earlier state.
Byte strings are stored as 0x-prefixed lowercase hex, addresses checksummed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, Table
from sqlmodel import Field, SQLModel

# 64-bit keys on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
_ID = BigInteger().with_variant(Integer(), "sqlite")


def big(**kwargs: Any) -> Any:
    """A 64-bit integer column (block numbers, timestamps, ids, counters)."""
    return Field(sa_type=BigInteger, **kwargs)


class Versioned(SQLModel):
    """Columns shared by every versioned table."""

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    from_block: int = big(index=True)
    to_block: int | None = big(default=None, index=True)
    tx_hash: str = ""


class PartyRow(Versioned, table=True):
    __tablename__ = "parties"
    account: str
    kind: int = 0
    admitted: bool = False
    suspended: bool = False
    admitted_at: int = big(default=0)
    disputes_lost: int = big(default=0)
    objections_upheld: int = big(default=0)
    identity_commitment: str = ""
    admitted_by: str = ""


class RoleMemberRow(Versioned, table=True):
    __tablename__ = "role_members"
    role: str
    account: str
    member: bool
    changed_by: str = ""


class PolicyRow(Versioned, table=True):
    __tablename__ = "policy"
    singleton: int = 1
    notice_window: int = big()
    default_term: int = big()
    max_public_data_grant_term: int = big()
    max_grant_depth: int


class RestrictedDomainRow(Versioned, table=True):
    __tablename__ = "restricted_domains"
    domain: int
    restricted: bool


class RestrictedCategoryRow(Versioned, table=True):
    __tablename__ = "restricted_categories"
    category: int
    restricted: bool


class AssetRow(Versioned, table=True):
    __tablename__ = "assets"
    asset: str  # the content SHA-256
    sequence: int = big()
    registration_number: str = Field(index=True)
    kind: int
    registrant: str = Field(index=True)
    registered_at: int = big()
    registered_block: int = big()
    merkle_root: str
    leaf_count: int = big()
    leaf_mode: int
    metadata_hash: str
    metadata_uri: str
    category: int
    grade: int
    open_class: int
    domain: int = Field(index=True)
    update_cycle: int = big()
    status: int = Field(index=True)
    status_cause_kind: int | None = None
    status_cause: str | None = None


class LineageEdgeRow(Versioned, table=True):
    __tablename__ = "lineage_edges"
    product: str = Field(index=True)
    input_asset: str = Field(index=True)
    position: int
    auth_kind: int
    auth_id: int = big()


class CertificateRow(Versioned, table=True):
    __tablename__ = "certificates"
    certificate_id: int = big()
    asset: str = Field(index=True)
    right: int
    status: int = Field(index=True)
    notice_ends_at: int = big()
    issued_at: int = big()
    valid_until: int = big()
    open_objections: int
    basis_grant: int = big(index=True)
    basis_certificate: int = big(index=True)
    applicant: str
    last_action: str
    last_actor: str


class CertificateHolderRow(Versioned, table=True):
    """ERC-721 ownership of certificate tokens: registry transfers and plain token moves alike."""

    __tablename__ = "certificate_holders"
    certificate_id: int = big()
    holder: str = Field(index=True)


class TokenApprovalRow(Versioned, table=True):
    __tablename__ = "token_approvals"
    certificate_id: int = big()
    approved: str


class OperatorApprovalRow(Versioned, table=True):
    __tablename__ = "operator_approvals"
    owner: str
    operator: str
    approved: bool


class ObjectionRow(Versioned, table=True):
    __tablename__ = "objections"
    objection_id: int = big()
    certificate_id: int = big(index=True)
    filer: str
    evidence_hash: str
    open: bool
    upheld: bool | None = None
    reason_hash: str | None = None


class GrantRow(Versioned, table=True):
    __tablename__ = "grants"
    grant_id: int = big()
    asset: str = Field(index=True)
    grantor: str = Field(index=True)
    grantee: str = Field(index=True)
    right: int
    status: int = Field(index=True)
    depth: int
    sub_grantable: bool
    revocable: bool
    parent_kind: int
    parent_id: int = big()
    valid_from: int = big()
    valid_until: int = big()
    purpose_hash: str
    scenario_hash: str
    scope_hash: str
    security_hash: str
    end_of_term: int
    terms_uri: str
    submitted_by: str | None = None
    signature_nonce: int | None = big(default=None)
    revoked_by: str | None = None
    revoke_reason: str | None = None


class GrantNonceRow(Versioned, table=True):
    __tablename__ = "grant_nonces"
    grantor: str
    next_nonce: int = big()


class GrantRequestRow(Versioned, table=True):
    __tablename__ = "grant_requests"
    request_id: int = big()
    applicant: str = Field(index=True)
    holder: str = Field(index=True)
    status: int
    filed_at: int = big()
    parent_kind: int
    parent_id: int = big()
    right: int
    purpose_hash: str
    scenario_hash: str
    scope_hash: str
    security_hash: str
    valid_from: int = big()
    valid_until: int = big()
    details_uri: str
    purpose_scenario_hash: str
    grant_id: int | None = big(default=None)
    reasons_hash: str | None = None


class DisputeRow(Versioned, table=True):
    __tablename__ = "disputes"
    dispute_id: int = big()
    claimant: str
    respondent: str
    kind: int
    subject: str = Field(index=True)
    asset: str = Field(index=True)
    ownership: bool
    evidence_hash: str
    status: int = Field(index=True)
    raised_at: int = big()
    arbitrator: str
    decision_hash: str | None = None


class DisputeEvidenceRow(Versioned, table=True):
    __tablename__ = "dispute_evidence"
    dispute_id: int = big(index=True)
    log_index: int
    submitter: str
    evidence_hash: str


class FreezeRow(Versioned, table=True):
    __tablename__ = "freezes"
    kind: int
    subject: str
    open_disputes: int


class AnchorRow(Versioned, table=True):
    __tablename__ = "evidence_anchors"
    document_hash: str
    submitter: str
    evidence_type: int
    subject_kind: int
    subject: str = Field(index=True)
    anchored_at: int = big()
    uri: str


class BatchAnchorRow(Versioned, table=True):
    __tablename__ = "evidence_batches"
    root: str
    count: int = big()
    submitter: str
    evidence_type: int
    subject_kind: int
    subject: str = Field(index=True)
    anchored_at: int = big()
    uri: str


class CascadeEntryRow(Versioned, table=True):
    __tablename__ = "cascade_queue"
    position: int = big()
    kind: int
    subject: str


class CascadeStateRow(Versioned, table=True):
    __tablename__ = "cascade_state"
    singleton: int = 1
    head: int = big()
    remaining: int = big()


# ---------------------------------------------------------------- append-only bookkeeping


class EventLogRow(SQLModel, table=True):
    """Every registry log with its decoded arguments; the unique key makes a replay a no-op."""

    __tablename__ = "event_log"
    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    chain_id: int = big()
    block_number: int = big(index=True)
    block_hash: str
    tx_hash: str = Field(index=True)
    log_index: int
    address: str
    event: str = Field(index=True)
    args: dict[str, Any] = Field(sa_type=JSON)


class BlockRow(SQLModel, table=True):
    """Headers of indexed blocks (those with events, and each batch's last): reorg detection."""

    __tablename__ = "blocks"
    number: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    hash: str
    parent_hash: str
    timestamp: int = big()


class IndexStateRow(SQLModel, table=True):
    """The checkpoint and the identity of the chain this database mirrors (one row)."""

    __tablename__ = "index_state"
    id: int = Field(default=1, primary_key=True)
    chain_id: int = big()
    genesis_hash: str
    deploy_block: int = big()
    deploy_block_hash: str
    last_block: int = big()
    last_block_hash: str
    updated_at: str = ""


# Key columns of each versioned table: the identity of the record whose versions it holds.
VERSIONED_KEYS: dict[type[Versioned], tuple[str, ...]] = {
    PartyRow: ("account",),
    RoleMemberRow: ("role", "account"),
    PolicyRow: ("singleton",),
    RestrictedDomainRow: ("domain",),
    RestrictedCategoryRow: ("category",),
    AssetRow: ("asset",),
    LineageEdgeRow: ("product", "input_asset"),
    CertificateRow: ("certificate_id",),
    CertificateHolderRow: ("certificate_id",),
    TokenApprovalRow: ("certificate_id",),
    OperatorApprovalRow: ("owner", "operator"),
    ObjectionRow: ("objection_id",),
    GrantRow: ("grant_id",),
    GrantNonceRow: ("grantor",),
    GrantRequestRow: ("request_id",),
    DisputeRow: ("dispute_id",),
    DisputeEvidenceRow: ("dispute_id", "log_index"),
    FreezeRow: ("kind", "subject"),
    AnchorRow: ("document_hash",),
    BatchAnchorRow: ("root",),
    CascadeEntryRow: ("position",),
    CascadeStateRow: ("singleton",),
}


def table_of(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


for _model, _keys in VERSIONED_KEYS.items():
    _t = table_of(_model)
    # The current version of a record, and one version per record and block.
    Index(f"ix_{_t.name}_current", *(_t.c[k] for k in _keys), _t.c.to_block)
    Index(f"uq_{_t.name}_version", *(_t.c[k] for k in _keys), _t.c.from_block, unique=True)

# The taint walk: revocations by status, then edges, child grants and certificates by what they
# rest on, each among the versions current (or valid at a block).
TAINT_INDEXES: dict[str, tuple[type[Versioned], tuple[str, ...]]] = {
    "ix_assets_status_current": (AssetRow, ("status", "to_block")),
    "ix_grants_status_current": (GrantRow, ("status", "to_block")),
    "ix_certificates_status_current": (CertificateRow, ("status", "to_block")),
    "ix_lineage_edges_input_current": (LineageEdgeRow, ("input_asset", "to_block")),
    "ix_lineage_edges_auth_current": (LineageEdgeRow, ("auth_kind", "auth_id", "to_block")),
    "ix_grants_parent_current": (GrantRow, ("parent_kind", "parent_id", "to_block")),
    "ix_certificates_basis_grant_current": (CertificateRow, ("basis_grant", "to_block")),
    "ix_certificates_basis_certificate_current": (
        CertificateRow,
        ("basis_certificate", "to_block"),
    ),
}
for _name, (_model, _columns) in TAINT_INDEXES.items():
    Index(_name, *(table_of(_model).c[c] for c in _columns))

Index(
    "uq_event_log_identity",
    *(table_of(EventLogRow).c[k] for k in ("chain_id", "block_hash", "tx_hash", "log_index")),
    unique=True,
)
