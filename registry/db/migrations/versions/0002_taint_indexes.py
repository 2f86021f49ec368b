"""indexes for the taint walk

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported: a migration keeps describing the schema it made.
INDEXES = {
    "ix_assets_status_current": ("assets", ["status", "to_block"]),
    "ix_grants_status_current": ("grants", ["status", "to_block"]),
    "ix_certificates_status_current": ("certificates", ["status", "to_block"]),
    "ix_lineage_edges_input_current": ("lineage_edges", ["input_asset", "to_block"]),
    "ix_lineage_edges_auth_current": ("lineage_edges", ["auth_kind", "auth_id", "to_block"]),
    "ix_grants_parent_current": ("grants", ["parent_kind", "parent_id", "to_block"]),
    "ix_certificates_basis_grant_current": ("certificates", ["basis_grant", "to_block"]),
    "ix_certificates_basis_certificate_current": (
        "certificates",
        ["basis_certificate", "to_block"],
    ),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
