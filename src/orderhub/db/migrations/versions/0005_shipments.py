"""shipments, carrier usage per day and carrier on-time performance per route

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('shipments',
    sa.Column('id', sa.String(length=48), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('tracking_url', sa.Text(), nullable=True),
    sa.Column('label_ref', sa.Text(), nullable=True),
    sa.Column('plan', JSON, nullable=False),
    sa.Column('choice', JSON, nullable=False),
    sa.Column('events', JSON, nullable=False),
    sa.Column('route', sa.String(length=64), nullable=False),
    sa.Column('promised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_progress_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delayed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('carrier', 'tracking_number', name=op.f('uq_shipments_carrier_tracking_number'))
    )
    op.create_index(op.f('ix_shipments_order_id'), 'shipments', ['order_id'], unique=False)
    op.create_index(op.f('ix_shipments_store_state_status'), 'shipments', ['store', 'state', 'status'], unique=False)
    op.create_table('carrier_usage',
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('shipments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('carrier', 'day', name=op.f('pk_carrier_usage'))
    )
    op.create_table('carrier_performance',
    sa.Column('carrier', sa.String(length=64), nullable=False),
    sa.Column('route', sa.String(length=64), nullable=False),
    sa.Column('delivered', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('carrier', 'route', name=op.f('pk_carrier_performance'))
    )


def downgrade() -> None:
    op.drop_table('carrier_performance')
    op.drop_table('carrier_usage')
    op.drop_index(op.f('ix_shipments_store_state_status'), table_name='shipments')
    op.drop_index(op.f('ix_shipments_order_id'), table_name='shipments')
    op.drop_table('shipments')
