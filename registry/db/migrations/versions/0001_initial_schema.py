"""initial schema

Revision ID: 0001
Revises: -
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("asset", sa.String(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("registration_number", sa.String(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("registrant", sa.String(), nullable=False),
        sa.Column("registered_at", sa.BigInteger(), nullable=False),
        sa.Column("registered_block", sa.BigInteger(), nullable=False),
        sa.Column("merkle_root", sa.String(), nullable=False),
        sa.Column("leaf_count", sa.BigInteger(), nullable=False),
        sa.Column("leaf_mode", sa.Integer(), nullable=False),
        sa.Column("metadata_hash", sa.String(), nullable=False),
        sa.Column("metadata_uri", sa.String(), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("open_class", sa.Integer(), nullable=False),
        sa.Column("domain", sa.Integer(), nullable=False),
        sa.Column("update_cycle", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("status_cause_kind", sa.Integer(), nullable=True),
        sa.Column("status_cause", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assets_current", "assets", ["asset", "to_block"], unique=False)
    op.create_index(op.f("ix_assets_domain"), "assets", ["domain"], unique=False)
    op.create_index(op.f("ix_assets_from_block"), "assets", ["from_block"], unique=False)
    op.create_index(op.f("ix_assets_registrant"), "assets", ["registrant"], unique=False)
    op.create_index(
        op.f("ix_assets_registration_number"), "assets", ["registration_number"], unique=False
    )
    op.create_index(op.f("ix_assets_status"), "assets", ["status"], unique=False)
    op.create_index(op.f("ix_assets_to_block"), "assets", ["to_block"], unique=False)
    op.create_index("uq_assets_version", "assets", ["asset", "from_block"], unique=True)
    op.create_table(
        "blocks",
        sa.Column("number", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("parent_hash", sa.String(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "cascade_queue",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cascade_queue_current", "cascade_queue", ["position", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_cascade_queue_from_block"), "cascade_queue", ["from_block"], unique=False
    )
    op.create_index(op.f("ix_cascade_queue_to_block"), "cascade_queue", ["to_block"], unique=False)
    op.create_index(
        "uq_cascade_queue_version", "cascade_queue", ["position", "from_block"], unique=True
    )
    op.create_table(
        "cascade_state",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("singleton", sa.Integer(), nullable=False),
        sa.Column("head", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cascade_state_current", "cascade_state", ["singleton", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_cascade_state_from_block"), "cascade_state", ["from_block"], unique=False
    )
    op.create_index(op.f("ix_cascade_state_to_block"), "cascade_state", ["to_block"], unique=False)
    op.create_index(
        "uq_cascade_state_version", "cascade_state", ["singleton", "from_block"], unique=True
    )
    op.create_table(
        "certificate_holders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("certificate_id", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_certificate_holders_current",
        "certificate_holders",
        ["certificate_id", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_certificate_holders_from_block"),
        "certificate_holders",
        ["from_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_certificate_holders_holder"), "certificate_holders", ["holder"], unique=False
    )
    op.create_index(
        op.f("ix_certificate_holders_to_block"), "certificate_holders", ["to_block"], unique=False
    )
    op.create_index(
        "uq_certificate_holders_version",
        "certificate_holders",
        ["certificate_id", "from_block"],
        unique=True,
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("certificate_id", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("notice_ends_at", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", sa.BigInteger(), nullable=False),
        sa.Column("valid_until", sa.BigInteger(), nullable=False),
        sa.Column("open_objections", sa.Integer(), nullable=False),
        sa.Column("basis_grant", sa.BigInteger(), nullable=False),
        sa.Column("basis_certificate", sa.BigInteger(), nullable=False),
        sa.Column("applicant", sa.String(), nullable=False),
        sa.Column("last_action", sa.String(), nullable=False),
        sa.Column("last_actor", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_certificates_asset"), "certificates", ["asset"], unique=False)
    op.create_index(
        op.f("ix_certificates_basis_grant"), "certificates", ["basis_grant"], unique=False
    )
    op.create_index(
        op.f("ix_certificates_basis_certificate"),
        "certificates",
        ["basis_certificate"],
        unique=False,
    )
    op.create_index(
        "ix_certificates_current", "certificates", ["certificate_id", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_certificates_from_block"), "certificates", ["from_block"], unique=False
    )
    op.create_index(op.f("ix_certificates_status"), "certificates", ["status"], unique=False)
    op.create_index(op.f("ix_certificates_to_block"), "certificates", ["to_block"], unique=False)
    op.create_index(
        "uq_certificates_version", "certificates", ["certificate_id", "from_block"], unique=True
    )
    op.create_table(
        "dispute_evidence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("dispute_id", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("submitter", sa.String(), nullable=False),
        sa.Column("evidence_hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_dispute_evidence_current",
        "dispute_evidence",
        ["dispute_id", "log_index", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_dispute_evidence_dispute_id"), "dispute_evidence", ["dispute_id"], unique=False
    )
    op.create_index(
        op.f("ix_dispute_evidence_from_block"), "dispute_evidence", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_dispute_evidence_to_block"), "dispute_evidence", ["to_block"], unique=False
    )
    op.create_index(
        "uq_dispute_evidence_version",
        "dispute_evidence",
        ["dispute_id", "log_index", "from_block"],
        unique=True,
    )
    op.create_table(
        "disputes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("dispute_id", sa.BigInteger(), nullable=False),
        sa.Column("claimant", sa.String(), nullable=False),
        sa.Column("respondent", sa.String(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("asset", sa.String(), nullable=False),
        sa.Column("ownership", sa.Boolean(), nullable=False),
        sa.Column("evidence_hash", sa.String(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.BigInteger(), nullable=False),
        sa.Column("arbitrator", sa.String(), nullable=False),
        sa.Column("decision_hash", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_disputes_asset"), "disputes", ["asset"], unique=False)
    op.create_index("ix_disputes_current", "disputes", ["dispute_id", "to_block"], unique=False)
    op.create_index(op.f("ix_disputes_from_block"), "disputes", ["from_block"], unique=False)
    op.create_index(op.f("ix_disputes_status"), "disputes", ["status"], unique=False)
    op.create_index(op.f("ix_disputes_subject"), "disputes", ["subject"], unique=False)
    op.create_index(op.f("ix_disputes_to_block"), "disputes", ["to_block"], unique=False)
    op.create_index("uq_disputes_version", "disputes", ["dispute_id", "from_block"], unique=True)
    op.create_table(
        "event_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_event_log_block_number"), "event_log", ["block_number"], unique=False)
    op.create_index(op.f("ix_event_log_event"), "event_log", ["event"], unique=False)
    op.create_index(op.f("ix_event_log_tx_hash"), "event_log", ["tx_hash"], unique=False)
    op.create_index(
        "uq_event_log_identity",
        "event_log",
        ["chain_id", "block_hash", "tx_hash", "log_index"],
        unique=True,
    )
    op.create_table(
        "evidence_anchors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("document_hash", sa.String(), nullable=False),
        sa.Column("submitter", sa.String(), nullable=False),
        sa.Column("evidence_type", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("anchored_at", sa.BigInteger(), nullable=False),
        sa.Column("uri", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_evidence_anchors_current",
        "evidence_anchors",
        ["document_hash", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_evidence_anchors_from_block"), "evidence_anchors", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_evidence_anchors_subject"), "evidence_anchors", ["subject"], unique=False
    )
    op.create_index(
        op.f("ix_evidence_anchors_to_block"), "evidence_anchors", ["to_block"], unique=False
    )
    op.create_index(
        "uq_evidence_anchors_version",
        "evidence_anchors",
        ["document_hash", "from_block"],
        unique=True,
    )
    op.create_table(
        "evidence_batches",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("root", sa.String(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("submitter", sa.String(), nullable=False),
        sa.Column("evidence_type", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("anchored_at", sa.BigInteger(), nullable=False),
        sa.Column("uri", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_evidence_batches_current", "evidence_batches", ["root", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_evidence_batches_from_block"), "evidence_batches", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_evidence_batches_subject"), "evidence_batches", ["subject"], unique=False
    )
    op.create_index(
        op.f("ix_evidence_batches_to_block"), "evidence_batches", ["to_block"], unique=False
    )
    op.create_index(
        "uq_evidence_batches_version", "evidence_batches", ["root", "from_block"], unique=True
    )
    op.create_table(
        "freezes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("open_disputes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_freezes_current", "freezes", ["kind", "subject", "to_block"], unique=False)
    op.create_index(op.f("ix_freezes_from_block"), "freezes", ["from_block"], unique=False)
    op.create_index(op.f("ix_freezes_to_block"), "freezes", ["to_block"], unique=False)
    op.create_index("uq_freezes_version", "freezes", ["kind", "subject", "from_block"], unique=True)
    op.create_table(
        "grant_nonces",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("grantor", sa.String(), nullable=False),
        sa.Column("next_nonce", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_grant_nonces_current", "grant_nonces", ["grantor", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_grant_nonces_from_block"), "grant_nonces", ["from_block"], unique=False
    )
    op.create_index(op.f("ix_grant_nonces_to_block"), "grant_nonces", ["to_block"], unique=False)
    op.create_index(
        "uq_grant_nonces_version", "grant_nonces", ["grantor", "from_block"], unique=True
    )
    op.create_table(
        "grant_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column("applicant", sa.String(), nullable=False),
        sa.Column("holder", sa.String(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("filed_at", sa.BigInteger(), nullable=False),
        sa.Column("parent_kind", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("purpose_hash", sa.String(), nullable=False),
        sa.Column("scenario_hash", sa.String(), nullable=False),
        sa.Column("scope_hash", sa.String(), nullable=False),
        sa.Column("security_hash", sa.String(), nullable=False),
        sa.Column("valid_from", sa.BigInteger(), nullable=False),
        sa.Column("valid_until", sa.BigInteger(), nullable=False),
        sa.Column("details_uri", sa.String(), nullable=False),
        sa.Column("purpose_scenario_hash", sa.String(), nullable=False),
        sa.Column("grant_id", sa.BigInteger(), nullable=True),
        sa.Column("reasons_hash", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_grant_requests_applicant"), "grant_requests", ["applicant"], unique=False
    )
    op.create_index(
        "ix_grant_requests_current", "grant_requests", ["request_id", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_grant_requests_from_block"), "grant_requests", ["from_block"], unique=False
    )
    op.create_index(op.f("ix_grant_requests_holder"), "grant_requests", ["holder"], unique=False)
    op.create_index(
        op.f("ix_grant_requests_to_block"), "grant_requests", ["to_block"], unique=False
    )
    op.create_index(
        "uq_grant_requests_version", "grant_requests", ["request_id", "from_block"], unique=True
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("grant_id", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(), nullable=False),
        sa.Column("grantor", sa.String(), nullable=False),
        sa.Column("grantee", sa.String(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("sub_grantable", sa.Boolean(), nullable=False),
        sa.Column("revocable", sa.Boolean(), nullable=False),
        sa.Column("parent_kind", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.BigInteger(), nullable=False),
        sa.Column("valid_until", sa.BigInteger(), nullable=False),
        sa.Column("purpose_hash", sa.String(), nullable=False),
        sa.Column("scenario_hash", sa.String(), nullable=False),
        sa.Column("scope_hash", sa.String(), nullable=False),
        sa.Column("security_hash", sa.String(), nullable=False),
        sa.Column("end_of_term", sa.Integer(), nullable=False),
        sa.Column("terms_uri", sa.String(), nullable=False),
        sa.Column("submitted_by", sa.String(), nullable=True),
        sa.Column("signature_nonce", sa.BigInteger(), nullable=True),
        sa.Column("revoked_by", sa.String(), nullable=True),
        sa.Column("revoke_reason", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_grants_asset"), "grants", ["asset"], unique=False)
    op.create_index("ix_grants_current", "grants", ["grant_id", "to_block"], unique=False)
    op.create_index(op.f("ix_grants_from_block"), "grants", ["from_block"], unique=False)
    op.create_index(op.f("ix_grants_grantee"), "grants", ["grantee"], unique=False)
    op.create_index(op.f("ix_grants_grantor"), "grants", ["grantor"], unique=False)
    op.create_index(op.f("ix_grants_status"), "grants", ["status"], unique=False)
    op.create_index(op.f("ix_grants_to_block"), "grants", ["to_block"], unique=False)
    op.create_index("uq_grants_version", "grants", ["grant_id", "from_block"], unique=True)
    op.create_table(
        "index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("genesis_hash", sa.String(), nullable=False),
        sa.Column("deploy_block", sa.BigInteger(), nullable=False),
        sa.Column("deploy_block_hash", sa.String(), nullable=False),
        sa.Column("last_block", sa.BigInteger(), nullable=False),
        sa.Column("last_block_hash", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "lineage_edges",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("product", sa.String(), nullable=False),
        sa.Column("input_asset", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("auth_kind", sa.Integer(), nullable=False),
        sa.Column("auth_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_lineage_edges_current",
        "lineage_edges",
        ["product", "input_asset", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lineage_edges_from_block"), "lineage_edges", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_lineage_edges_input_asset"), "lineage_edges", ["input_asset"], unique=False
    )
    op.create_index(op.f("ix_lineage_edges_product"), "lineage_edges", ["product"], unique=False)
    op.create_index(op.f("ix_lineage_edges_to_block"), "lineage_edges", ["to_block"], unique=False)
    op.create_index(
        "uq_lineage_edges_version",
        "lineage_edges",
        ["product", "input_asset", "from_block"],
        unique=True,
    )
    op.create_table(
        "objections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("objection_id", sa.BigInteger(), nullable=False),
        sa.Column("certificate_id", sa.BigInteger(), nullable=False),
        sa.Column("filer", sa.String(), nullable=False),
        sa.Column("evidence_hash", sa.String(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("reason_hash", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_objections_certificate_id"), "objections", ["certificate_id"], unique=False
    )
    op.create_index(
        "ix_objections_current", "objections", ["objection_id", "to_block"], unique=False
    )
    op.create_index(op.f("ix_objections_from_block"), "objections", ["from_block"], unique=False)
    op.create_index(op.f("ix_objections_to_block"), "objections", ["to_block"], unique=False)
    op.create_index(
        "uq_objections_version", "objections", ["objection_id", "from_block"], unique=True
    )
    op.create_table(
        "operator_approvals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_operator_approvals_current",
        "operator_approvals",
        ["owner", "operator", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_operator_approvals_from_block"), "operator_approvals", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_operator_approvals_to_block"), "operator_approvals", ["to_block"], unique=False
    )
    op.create_index(
        "uq_operator_approvals_version",
        "operator_approvals",
        ["owner", "operator", "from_block"],
        unique=True,
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("admitted", sa.Boolean(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("admitted_at", sa.BigInteger(), nullable=False),
        sa.Column("disputes_lost", sa.BigInteger(), nullable=False),
        sa.Column("objections_upheld", sa.BigInteger(), nullable=False),
        sa.Column("identity_commitment", sa.String(), nullable=False),
        sa.Column("admitted_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_parties_current", "parties", ["account", "to_block"], unique=False)
    op.create_index(op.f("ix_parties_from_block"), "parties", ["from_block"], unique=False)
    op.create_index(op.f("ix_parties_to_block"), "parties", ["to_block"], unique=False)
    op.create_index("uq_parties_version", "parties", ["account", "from_block"], unique=True)
    op.create_table(
        "policy",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("singleton", sa.Integer(), nullable=False),
        sa.Column("notice_window", sa.BigInteger(), nullable=False),
        sa.Column("default_term", sa.BigInteger(), nullable=False),
        sa.Column("max_public_data_grant_term", sa.BigInteger(), nullable=False),
        sa.Column("max_grant_depth", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_policy_current", "policy", ["singleton", "to_block"], unique=False)
    op.create_index(op.f("ix_policy_from_block"), "policy", ["from_block"], unique=False)
    op.create_index(op.f("ix_policy_to_block"), "policy", ["to_block"], unique=False)
    op.create_index("uq_policy_version", "policy", ["singleton", "from_block"], unique=True)
    op.create_table(
        "restricted_categories",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_restricted_categories_current",
        "restricted_categories",
        ["category", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_restricted_categories_from_block"),
        "restricted_categories",
        ["from_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_restricted_categories_to_block"),
        "restricted_categories",
        ["to_block"],
        unique=False,
    )
    op.create_index(
        "uq_restricted_categories_version",
        "restricted_categories",
        ["category", "from_block"],
        unique=True,
    )
    op.create_table(
        "restricted_domains",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("domain", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_restricted_domains_current", "restricted_domains", ["domain", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_restricted_domains_from_block"), "restricted_domains", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_restricted_domains_to_block"), "restricted_domains", ["to_block"], unique=False
    )
    op.create_index(
        "uq_restricted_domains_version", "restricted_domains", ["domain", "from_block"], unique=True
    )
    op.create_table(
        "role_members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_role_members_current", "role_members", ["role", "account", "to_block"], unique=False
    )
    op.create_index(
        op.f("ix_role_members_from_block"), "role_members", ["from_block"], unique=False
    )
    op.create_index(op.f("ix_role_members_to_block"), "role_members", ["to_block"], unique=False)
    op.create_index(
        "uq_role_members_version", "role_members", ["role", "account", "from_block"], unique=True
    )
    op.create_table(
        "token_approvals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_block", sa.BigInteger(), nullable=False),
        sa.Column("to_block", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("certificate_id", sa.BigInteger(), nullable=False),
        sa.Column("approved", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_token_approvals_current",
        "token_approvals",
        ["certificate_id", "to_block"],
        unique=False,
    )
    op.create_index(
        op.f("ix_token_approvals_from_block"), "token_approvals", ["from_block"], unique=False
    )
    op.create_index(
        op.f("ix_token_approvals_to_block"), "token_approvals", ["to_block"], unique=False
    )
    op.create_index(
        "uq_token_approvals_version",
        "token_approvals",
        ["certificate_id", "from_block"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_token_approvals_version", table_name="token_approvals")
    op.drop_index(op.f("ix_token_approvals_to_block"), table_name="token_approvals")
    op.drop_index(op.f("ix_token_approvals_from_block"), table_name="token_approvals")
    op.drop_index("ix_token_approvals_current", table_name="token_approvals")
    op.drop_table("token_approvals")
    op.drop_index("uq_role_members_version", table_name="role_members")
    op.drop_index(op.f("ix_role_members_to_block"), table_name="role_members")
    op.drop_index(op.f("ix_role_members_from_block"), table_name="role_members")
    op.drop_index("ix_role_members_current", table_name="role_members")
    op.drop_table("role_members")
    op.drop_index("uq_restricted_domains_version", table_name="restricted_domains")
    op.drop_index(op.f("ix_restricted_domains_to_block"), table_name="restricted_domains")
    op.drop_index(op.f("ix_restricted_domains_from_block"), table_name="restricted_domains")
    op.drop_index("ix_restricted_domains_current", table_name="restricted_domains")
    op.drop_table("restricted_domains")
    op.drop_index("uq_restricted_categories_version", table_name="restricted_categories")
    op.drop_index(op.f("ix_restricted_categories_to_block"), table_name="restricted_categories")
    op.drop_index(op.f("ix_restricted_categories_from_block"), table_name="restricted_categories")
    op.drop_index("ix_restricted_categories_current", table_name="restricted_categories")
    op.drop_table("restricted_categories")
    op.drop_index("uq_policy_version", table_name="policy")
    op.drop_index(op.f("ix_policy_to_block"), table_name="policy")
    op.drop_index(op.f("ix_policy_from_block"), table_name="policy")
    op.drop_index("ix_policy_current", table_name="policy")
    op.drop_table("policy")
    op.drop_index("uq_parties_version", table_name="parties")
    op.drop_index(op.f("ix_parties_to_block"), table_name="parties")
    op.drop_index(op.f("ix_parties_from_block"), table_name="parties")
    op.drop_index("ix_parties_current", table_name="parties")
    op.drop_table("parties")
    op.drop_index("uq_operator_approvals_version", table_name="operator_approvals")
    op.drop_index(op.f("ix_operator_approvals_to_block"), table_name="operator_approvals")
    op.drop_index(op.f("ix_operator_approvals_from_block"), table_name="operator_approvals")
    op.drop_index("ix_operator_approvals_current", table_name="operator_approvals")
    op.drop_table("operator_approvals")
    op.drop_index("uq_objections_version", table_name="objections")
    op.drop_index(op.f("ix_objections_to_block"), table_name="objections")
    op.drop_index(op.f("ix_objections_from_block"), table_name="objections")
    op.drop_index("ix_objections_current", table_name="objections")
    op.drop_index(op.f("ix_objections_certificate_id"), table_name="objections")
    op.drop_table("objections")
    op.drop_index("uq_lineage_edges_version", table_name="lineage_edges")
    op.drop_index(op.f("ix_lineage_edges_to_block"), table_name="lineage_edges")
    op.drop_index(op.f("ix_lineage_edges_product"), table_name="lineage_edges")
    op.drop_index(op.f("ix_lineage_edges_input_asset"), table_name="lineage_edges")
    op.drop_index(op.f("ix_lineage_edges_from_block"), table_name="lineage_edges")
    op.drop_index("ix_lineage_edges_current", table_name="lineage_edges")
    op.drop_table("lineage_edges")
    op.drop_table("index_state")
    op.drop_index("uq_grants_version", table_name="grants")
    op.drop_index(op.f("ix_grants_to_block"), table_name="grants")
    op.drop_index(op.f("ix_grants_status"), table_name="grants")
    op.drop_index(op.f("ix_grants_grantor"), table_name="grants")
    op.drop_index(op.f("ix_grants_grantee"), table_name="grants")
    op.drop_index(op.f("ix_grants_from_block"), table_name="grants")
    op.drop_index("ix_grants_current", table_name="grants")
    op.drop_index(op.f("ix_grants_asset"), table_name="grants")
    op.drop_table("grants")
    op.drop_index("uq_grant_requests_version", table_name="grant_requests")
    op.drop_index(op.f("ix_grant_requests_to_block"), table_name="grant_requests")
    op.drop_index(op.f("ix_grant_requests_holder"), table_name="grant_requests")
    op.drop_index(op.f("ix_grant_requests_from_block"), table_name="grant_requests")
    op.drop_index("ix_grant_requests_current", table_name="grant_requests")
    op.drop_index(op.f("ix_grant_requests_applicant"), table_name="grant_requests")
    op.drop_table("grant_requests")
    op.drop_index("uq_grant_nonces_version", table_name="grant_nonces")
    op.drop_index(op.f("ix_grant_nonces_to_block"), table_name="grant_nonces")
    op.drop_index(op.f("ix_grant_nonces_from_block"), table_name="grant_nonces")
    op.drop_index("ix_grant_nonces_current", table_name="grant_nonces")
    op.drop_table("grant_nonces")
    op.drop_index("uq_freezes_version", table_name="freezes")
    op.drop_index(op.f("ix_freezes_to_block"), table_name="freezes")
    op.drop_index(op.f("ix_freezes_from_block"), table_name="freezes")
    op.drop_index("ix_freezes_current", table_name="freezes")
    op.drop_table("freezes")
    op.drop_index("uq_evidence_batches_version", table_name="evidence_batches")
    op.drop_index(op.f("ix_evidence_batches_to_block"), table_name="evidence_batches")
    op.drop_index(op.f("ix_evidence_batches_subject"), table_name="evidence_batches")
    op.drop_index(op.f("ix_evidence_batches_from_block"), table_name="evidence_batches")
    op.drop_index("ix_evidence_batches_current", table_name="evidence_batches")
    op.drop_table("evidence_batches")
    op.drop_index("uq_evidence_anchors_version", table_name="evidence_anchors")
    op.drop_index(op.f("ix_evidence_anchors_to_block"), table_name="evidence_anchors")
    op.drop_index(op.f("ix_evidence_anchors_subject"), table_name="evidence_anchors")
    op.drop_index(op.f("ix_evidence_anchors_from_block"), table_name="evidence_anchors")
    op.drop_index("ix_evidence_anchors_current", table_name="evidence_anchors")
    op.drop_table("evidence_anchors")
    op.drop_index("uq_event_log_identity", table_name="event_log")
    op.drop_index(op.f("ix_event_log_tx_hash"), table_name="event_log")
    op.drop_index(op.f("ix_event_log_event"), table_name="event_log")
    op.drop_index(op.f("ix_event_log_block_number"), table_name="event_log")
    op.drop_table("event_log")
    op.drop_index("uq_disputes_version", table_name="disputes")
    op.drop_index(op.f("ix_disputes_to_block"), table_name="disputes")
    op.drop_index(op.f("ix_disputes_subject"), table_name="disputes")
    op.drop_index(op.f("ix_disputes_status"), table_name="disputes")
    op.drop_index(op.f("ix_disputes_from_block"), table_name="disputes")
    op.drop_index("ix_disputes_current", table_name="disputes")
    op.drop_index(op.f("ix_disputes_asset"), table_name="disputes")
    op.drop_table("disputes")
    op.drop_index("uq_dispute_evidence_version", table_name="dispute_evidence")
    op.drop_index(op.f("ix_dispute_evidence_to_block"), table_name="dispute_evidence")
    op.drop_index(op.f("ix_dispute_evidence_from_block"), table_name="dispute_evidence")
    op.drop_index(op.f("ix_dispute_evidence_dispute_id"), table_name="dispute_evidence")
    op.drop_index("ix_dispute_evidence_current", table_name="dispute_evidence")
    op.drop_table("dispute_evidence")
    op.drop_index("uq_certificates_version", table_name="certificates")
    op.drop_index(op.f("ix_certificates_to_block"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_status"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_from_block"), table_name="certificates")
    op.drop_index("ix_certificates_current", table_name="certificates")
    op.drop_index(op.f("ix_certificates_basis_grant"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_basis_certificate"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_asset"), table_name="certificates")
    op.drop_table("certificates")
    op.drop_index("uq_certificate_holders_version", table_name="certificate_holders")
    op.drop_index(op.f("ix_certificate_holders_to_block"), table_name="certificate_holders")
    op.drop_index(op.f("ix_certificate_holders_holder"), table_name="certificate_holders")
    op.drop_index(op.f("ix_certificate_holders_from_block"), table_name="certificate_holders")
    op.drop_index("ix_certificate_holders_current", table_name="certificate_holders")
    op.drop_table("certificate_holders")
    op.drop_index("uq_cascade_state_version", table_name="cascade_state")
    op.drop_index(op.f("ix_cascade_state_to_block"), table_name="cascade_state")
    op.drop_index(op.f("ix_cascade_state_from_block"), table_name="cascade_state")
    op.drop_index("ix_cascade_state_current", table_name="cascade_state")
    op.drop_table("cascade_state")
    op.drop_index("uq_cascade_queue_version", table_name="cascade_queue")
    op.drop_index(op.f("ix_cascade_queue_to_block"), table_name="cascade_queue")
    op.drop_index(op.f("ix_cascade_queue_from_block"), table_name="cascade_queue")
    op.drop_index("ix_cascade_queue_current", table_name="cascade_queue")
    op.drop_table("cascade_queue")
    op.drop_table("blocks")
    op.drop_index("uq_assets_version", table_name="assets")
    op.drop_index(op.f("ix_assets_to_block"), table_name="assets")
    op.drop_index(op.f("ix_assets_status"), table_name="assets")
    op.drop_index(op.f("ix_assets_registration_number"), table_name="assets")
    op.drop_index(op.f("ix_assets_registrant"), table_name="assets")
    op.drop_index(op.f("ix_assets_from_block"), table_name="assets")
    op.drop_index(op.f("ix_assets_domain"), table_name="assets")
    op.drop_index("ix_assets_current", table_name="assets")
    op.drop_table("assets")
