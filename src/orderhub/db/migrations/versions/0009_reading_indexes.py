"""indexes for reading the record back: orders.modified_at, step_runs.order_id, quarantine by external id

Plugins that keep a projection of the orders (the reports' facts) read what changed since their
last pass: ``WHERE modified_at >= ?``; without the index that is a scan of every order's row,
payload included, on every pass. The process report asks, per order, whether a step re-ran and
whether its payload was ever quarantined: without these two, a scan of each table per order.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_modified_at', 'orders', ['modified_at'])
    op.create_index('ix_step_runs_order_id', 'step_runs', ['order_id'])
    op.create_index('ix_quarantine_store_external_id', 'quarantine', ['store', 'external_id'])


def downgrade() -> None:
    op.drop_index('ix_quarantine_store_external_id', table_name='quarantine')
    op.drop_index('ix_step_runs_order_id', table_name='step_runs')
    op.drop_index('ix_orders_modified_at', table_name='orders')
