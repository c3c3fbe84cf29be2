"""the feedback plugin's tables: items, their moves, ops' labels, refused rows and pull cursors

Revision ID: feedback_0001
Depends on: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "feedback_0001"
down_revision = None
branch_labels = ("feedback",)
depends_on = "0011"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("store", sa.String(64)),
        sa.Column("channel", sa.String(64)),
        sa.Column("order_id", sa.String(40)),
        sa.Column("order_ref", sa.String(128)),
        sa.Column("rating", sa.Integer()),
        sa.Column("text", sa.Text()),
        sa.Column("author", sa.String(320)),
        sa.Column("skus", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("sentiment", sa.Float()),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("classified_by", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(128)),
        sa.Column("reply", sa.Text()),
        sa.Column("resolution", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("escalated_at", TS),
        sa.Column("responded_at", TS),
        sa.Column("closed_at", TS),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_items"),
        sa.UniqueConstraint("source", "external_id", name="uq_feedback_items_source_external_id"))
    op.create_index("ix_feedback_items_status_due_at", "feedback_items", ["status", "due_at"])
    op.create_index("ix_feedback_items_order_id", "feedback_items", ["order_id"])
    op.create_index("ix_feedback_items_created_at", "feedback_items", ["created_at"])
    op.create_table(
        "feedback_moves",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("operator", sa.String(128), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_moves"))
    op.create_index("ix_feedback_moves_item_id", "feedback_moves", ["item_id"])
    op.create_table(
        "feedback_labels",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("added_by", sa.String(128), nullable=False),
        sa.Column("added_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_labels"))
    op.create_table(
        "feedback_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(128)),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_quarantine"),
        sa.UniqueConstraint("source", "row_hash", name="uq_feedback_quarantine_source_row_hash"))


    op.create_table(
        "feedback_cursors",
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("store", name="pk_feedback_cursors"))


def downgrade() -> None:
    for table in ("feedback_cursors", "feedback_quarantine", "feedback_labels", "feedback_moves", "feedback_items"):
        op.drop_table(table)
