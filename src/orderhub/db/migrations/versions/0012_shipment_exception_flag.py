"""shipments.exception_at: a delivery problem is a flag beside the tracking status

Before, a problem scan replaced the status (and a later scan of a lower rank could move it
back). Now ``status`` is the furthest point along the route and ``exception_at`` says a problem
is open. A row stored with status ``exception`` keeps it until its next tracking answer, which
works out both from the events.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shipments') as batch:
        batch.add_column(sa.Column('exception_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shipments') as batch:
        batch.drop_column('exception_at')
