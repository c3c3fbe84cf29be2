"""pending orders read in id order: (store, chain_pending, id) instead of (chain_pending, store)

The chain pages through a store's pending orders by id. The old index found them but not in id
order, so every batch sorted all of them again: quadratic in the backlog (a 20,000-order
backfill spent more time sorting than running the chain).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_orders_chain_pending_store', table_name='orders')
    op.create_index(op.f('ix_orders_store_chain_pending_id'), 'orders', ['store', 'chain_pending', 'id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_orders_store_chain_pending_id'), table_name='orders')
    op.create_index('ix_orders_chain_pending_store', 'orders', ['chain_pending', 'store'])
