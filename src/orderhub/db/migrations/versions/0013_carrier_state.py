"""carrier_state: carrier accounts an operator paused

Like a store, a carrier can be paused from the command line during an outage: select_carrier
skips it and the fulfil step falls back to the runner-up of each order's selection.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'carrier_state',
        sa.Column('carrier', sa.String(64), nullable=False),
        sa.Column('paused', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('paused_reason', sa.Text()),
        sa.Column('paused_by', sa.String(128)),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('carrier', name='pk_carrier_state'))


def downgrade() -> None:
    op.drop_table('carrier_state')
