"""the risk plugin's tables: scores, identities for velocity, outcomes, tuned weights, its cursor

Revision ID: risk_0001
Depends on: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "risk_0001"
down_revision = None
branch_labels = ("risk",)
depends_on = "0013"

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "risk_scores",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("signals", JSON, nullable=False),
        sa.Column("weights", sa.Integer()),
        sa.Column("scored_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_risk_scores"))
    op.create_index("ix_risk_scores_store_scored_at", "risk_scores", ["store", "scored_at"])
    op.create_table(
        "risk_identities",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", "order_id", name="pk_risk_identities"))
    op.create_index("ix_risk_identities_key_at", "risk_identities", ["key", "at"])
    op.create_index("ix_risk_identities_order_id", "risk_identities", ["order_id"])
    op.create_table(
        "risk_outcomes",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_risk_outcomes"))
    op.create_table(
        "risk_weights",
        sa.Column("version", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("points", JSON, nullable=False),
        sa.Column("fit", JSON, nullable=False),
        sa.Column("applied_by", sa.String(128), nullable=False),
        sa.Column("applied_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_risk_weights"))
    op.create_table(
        "risk_cursor",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_risk_cursor"))


def downgrade() -> None:
    for table in ("risk_cursor", "risk_weights", "risk_outcomes", "risk_identities", "risk_scores"):
        op.drop_table(table)
