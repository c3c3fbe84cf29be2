"""indexes on when things happened: order_events.at and step_runs.started_at

Projections (the reports' sums) add up the moves and step runs of a quarter hour or a day, and
read those since their last pass; without these, each is a scan of the whole log.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_order_events_at', 'order_events', ['at'])
    op.create_index('ix_step_runs_started_at', 'step_runs', ['started_at'])


def downgrade() -> None:
    op.drop_index('ix_step_runs_started_at', table_name='step_runs')
    op.drop_index('ix_order_events_at', table_name='order_events')
