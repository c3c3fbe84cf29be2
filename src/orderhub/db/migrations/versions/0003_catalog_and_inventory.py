"""catalog and inventory

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('catalog',
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('length_mm', sa.Integer(), nullable=True),
    sa.Column('width_mm', sa.Integer(), nullable=True),
    sa.Column('height_mm', sa.Integer(), nullable=True),
    sa.Column('fragile', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('hazmat', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=True),
    sa.Column('low_stock_threshold', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sku', name=op.f('pk_catalog'))
    )
    op.create_table('inventory',
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('on_hand', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reserved', sa.Integer(), server_default='0', nullable=False),
    sa.Column('low', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reserved >= 0 AND on_hand >= 0', name='stock_not_negative'),
    sa.PrimaryKeyConstraint('sku', 'location', name=op.f('pk_inventory'))
    )
    op.create_table('order_fingerprints',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_fingerprints'))
    )
    with op.batch_alter_table('order_fingerprints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_fingerprints_store_fingerprint'), ['store', 'fingerprint'], unique=False)

    op.create_table('reservations',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('order_id', 'sku', 'location', name=op.f('pk_reservations'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservations_sku_status'), ['sku', 'status'], unique=False)

    op.create_table('stock_movements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('on_hand_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reserved_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements'))
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_movements_sku_location'), ['sku', 'location'], unique=False)

    op.create_table('store_skus',
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('store', 'sku', name=op.f('pk_store_skus'))
    )


def downgrade() -> None:

    op.drop_table('store_skus')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_movements_sku_location'))

    op.drop_table('stock_movements')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reservations_sku_status'))

    op.drop_table('reservations')
    with op.batch_alter_table('order_fingerprints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_fingerprints_store_fingerprint'))

    op.drop_table('order_fingerprints')
    op.drop_table('inventory')
    op.drop_table('catalog')

