"""webhook deliveries, for deduplication by the platform's delivery id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_deliveries',
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('delivery_id', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('orders', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('store', 'delivery_id', name=op.f('pk_webhook_deliveries'))
    )


def downgrade() -> None:
    op.drop_table('webhook_deliveries')
