"""the incidents plugin's tables: the register and the detectors' samples

Revision ID: incidents_0001
Depends on: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "incidents_0001"
down_revision = None
branch_labels = ("incidents",)
depends_on = "0013"

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("open_key", sa.String(170)),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("since", TS, nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("resolved_at", TS),
        sa.Column("resolved_by", sa.String(128)),
        sa.Column("impact", JSON, nullable=False),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.Column("alerted_at", TS),
        sa.Column("resolve_alerted_at", TS),
        sa.Column("alert_error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
        sa.UniqueConstraint("open_key", name="uq_incidents_open_key"))
    op.create_index("ix_incidents_status_kind", "incidents", ["status", "kind"])
    op.create_index("ix_incidents_opened_at", "incidents", ["opened_at"])
    op.create_table(
        "incident_samples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_samples"))
    op.create_index("ix_incident_samples_kind_at", "incident_samples", ["kind", "at"])


def downgrade() -> None:
    op.drop_table("incident_samples")
    op.drop_table("incidents")
