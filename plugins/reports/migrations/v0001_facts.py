"""the reports plugin's facts: one row per order and per line, and how far they have read

Revision ID: reports_0001
Depends on: 0009 (orders.modified_at indexed: the facts read what changed)
"""

import sqlalchemy as sa
from alembic import op

revision = "reports_0001"
down_revision = None
branch_labels = ("reports",)
depends_on = "0009"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reports_order_facts",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("discounts", sa.BigInteger(), nullable=False),
        sa.Column("shipping", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("refunds", sa.BigInteger(), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("region", sa.String(128)),
        sa.Column("customer", sa.String(320)),
        sa.Column("customer_first_at", TS),
        sa.Column("modified_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_reports_order_facts"))
    op.create_index("ix_reports_order_facts_created_at", "reports_order_facts", ["created_at"])
    op.create_index("ix_reports_order_facts_customer_created_at", "reports_order_facts", ["customer", "created_at"])
    op.create_table(
        "reports_line_facts",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(128)),
        sa.Column("title", sa.Text()),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "line", name="pk_reports_line_facts"))
    op.create_index("ix_reports_line_facts_created_at", "reports_line_facts", ["created_at"])
    op.create_table(
        "reports_refresh_state",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("modified_at", TS, nullable=False),
        sa.Column("refreshed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_reports_refresh_state"))


def downgrade() -> None:
    op.drop_table("reports_refresh_state")
    op.drop_index("ix_reports_line_facts_created_at", table_name="reports_line_facts")
    op.drop_table("reports_line_facts")
    op.drop_index("ix_reports_order_facts_customer_created_at", table_name="reports_order_facts")
    op.drop_index("ix_reports_order_facts_created_at", table_name="reports_order_facts")
    op.drop_table("reports_order_facts")
