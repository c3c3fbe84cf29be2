"""the reports plugin's sums: per quarter hour and per day, and the facts keyed by quarter hour

The facts gain their quarter hour (``slot``) and the per-order process (``reports_order_flow``);
the reports read sums per slot or day instead of a row per order. Existing facts are dropped and
the refresh state forgotten, so the next refresh builds everything from the orders.

Revision ID: reports_0002
Revises: reports_0001
Depends on: 0011 (order_events.at and step_runs.started_at indexed: sums are added up per slot)
"""

import sqlalchemy as sa
from alembic import op

revision = "reports_0002"
down_revision = "reports_0001"
branch_labels = None
depends_on = "0011"

TS = sa.DateTime(timezone=True)
STAGES = ("received", "validated", "reserved", "ready_to_ship", "shipped", "delivered")


def _keys() -> list[sa.Column]:
    return [sa.Column("store", sa.String(64), nullable=False), sa.Column("channel", sa.String(64), nullable=False)]


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in names]


def _facts(with_slot: bool) -> None:
    """The order and line facts: keyed by quarter hour (this revision), or by time (reports_0001)."""
    key = "slot" if with_slot else "created_at"
    slot = [sa.Column("slot", sa.BigInteger(), nullable=False)] if with_slot else []
    op.create_table(
        "reports_order_facts",
        sa.Column("order_id", sa.String(40), nullable=False), *_keys(),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False), *slot,
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        *_counts("gross", "discounts", "shipping", "tax", "refunds"),
        sa.Column("country", sa.String(2)),
        sa.Column("region", sa.String(128)),
        sa.Column("customer", sa.String(320)),
        sa.Column("customer_first_at", TS),
        sa.Column("modified_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_reports_order_facts"))
    op.create_index(f"ix_reports_order_facts_{key}", "reports_order_facts", [key])
    op.create_index("ix_reports_order_facts_customer_created_at", "reports_order_facts", ["customer", "created_at"])
    op.create_table(
        "reports_line_facts",
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(128)),
        sa.Column("title", sa.Text()),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False), *_keys(),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False), *slot,
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "line", name="pk_reports_line_facts"))
    op.create_index(f"ix_reports_line_facts_{key}", "reports_line_facts", [key])


def upgrade() -> None:
    op.execute("DELETE FROM reports_refresh_state")
    op.drop_index("ix_reports_line_facts_created_at", table_name="reports_line_facts")
    op.drop_table("reports_line_facts")
    op.drop_index("ix_reports_order_facts_customer_created_at", table_name="reports_order_facts")
    op.drop_index("ix_reports_order_facts_created_at", table_name="reports_order_facts")
    op.drop_table("reports_order_facts")
    _facts(with_slot=True)
    op.create_table(
        "reports_order_flow",
        sa.Column("order_id", sa.String(40), nullable=False),
        *_keys(),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        *(sa.Column(f"{state}_at", TS) for state in STAGES),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("quarantined", sa.Boolean(), nullable=False),
        sa.Column("rerun", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_reports_order_flow"))
    op.create_index("ix_reports_order_flow_slot", "reports_order_flow", ["slot"])
    op.create_index("ix_reports_order_flow_status_created_at", "reports_order_flow", ["status", "created_at"])
    op.create_table(
        "reports_sales_slots",
        sa.Column("slot", sa.BigInteger(), nullable=False), *_keys(),
        sa.Column("currency", sa.String(3), nullable=False),
        *_counts("orders", "cancelled", "kept", "units", "gross", "discounts", "shipping", "tax", "refunds",
                 "new_customers", "returning_orders", "unknown_orders", "refunded"),
        sa.PrimaryKeyConstraint("slot", "store", "channel", "currency", name="pk_reports_sales_slots"))
    op.create_table(
        "reports_move_slots",
        sa.Column("slot", sa.BigInteger(), nullable=False), *_keys(),
        sa.Column("to_status", sa.String(32), nullable=False),
        *_counts("moves"),
        sa.PrimaryKeyConstraint("slot", "store", "channel", "to_status", name="pk_reports_move_slots"))
    op.create_table(
        "reports_place_days",
        sa.Column("day", sa.Integer(), nullable=False), *_keys(),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("region", sa.String(128), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        *_counts("orders", "kept", "units", "gross", "refunds"),
        sa.PrimaryKeyConstraint("day", "store", "channel", "country", "region", "currency",
                                name="pk_reports_place_days"))
    op.create_table(
        "reports_sku_days",
        sa.Column("day", sa.Integer(), nullable=False), *_keys(),
        sa.Column("sku", sa.String(128), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("title", sa.Text()),
        *_counts("units", "revenue"),
        sa.PrimaryKeyConstraint("day", "store", "channel", "sku", "currency", name="pk_reports_sku_days"))
    op.create_table(
        "reports_step_days",
        sa.Column("day", sa.Integer(), nullable=False), *_keys(),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("ms", sa.Float(), nullable=False),
        *_counts("runs"),
        sa.PrimaryKeyConstraint("day", "store", "channel", "step", "outcome", "ms", name="pk_reports_step_days"))
    op.create_table(
        "reports_stage_days",
        sa.Column("day", sa.Integer(), nullable=False), *_keys(),
        sa.Column("pair", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        *_counts("orders"),
        sa.PrimaryKeyConstraint("day", "store", "channel", "pair", "seconds", name="pk_reports_stage_days"))
    op.create_table(
        "reports_flow_days",
        sa.Column("day", sa.Integer(), nullable=False), *_keys(),
        *_counts("orders", "processed", "held", "quarantined", "rerun", "first_pass"),
        sa.PrimaryKeyConstraint("day", "store", "channel", name="pk_reports_flow_days"))
    op.create_table("reports_dirty_orders", sa.Column("order_id", sa.String(40), nullable=False),
                    sa.PrimaryKeyConstraint("order_id", name="pk_reports_dirty_orders"))
    op.create_table("reports_dirty_slots", sa.Column("slot", sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint("slot", name="pk_reports_dirty_slots"))


def downgrade() -> None:
    """Back to reports_0001's facts, empty: the next refresh there builds them again."""
    for table in ("reports_dirty_slots", "reports_dirty_orders", "reports_flow_days", "reports_stage_days",
                  "reports_step_days", "reports_sku_days", "reports_place_days", "reports_move_slots",
                  "reports_sales_slots", "reports_order_flow", "reports_line_facts", "reports_order_facts"):
        op.drop_table(table)
    op.execute("DELETE FROM reports_refresh_state")
    _facts(with_slot=False)
