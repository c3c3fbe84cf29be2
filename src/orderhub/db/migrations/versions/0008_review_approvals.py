"""an approval is applied by the chain: orders.chain_approved, reviews.cause

An operator's approval used to move a held order back to where it was and skip the holding step,
so an order ``validate`` held came back ``received`` and the next step (``reserve``) could not
move it on. Now the approval is recorded (``chain_approved``: the review approved) and the chain,
at its next pass, asks the holding step what approval means for it (``Step.approve``). ``cause``
says why the review exists: the step decided to hold (``step``), the step failed (``error``), or
its move was not in the lifecycle table (``lifecycle``); the latter two run the step again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('chain_approved', sa.Integer(), nullable=True))
    with op.batch_alter_table('reviews') as batch:
        batch.add_column(sa.Column('cause', sa.String(16), nullable=False, server_default='step'))


def downgrade() -> None:
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('cause')
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('chain_approved')
