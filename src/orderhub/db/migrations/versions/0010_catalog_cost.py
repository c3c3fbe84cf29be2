"""catalog.unit_cost and cost_currency: what a unit costs to buy, for stock value

Optional columns of the catalog CSV (``unit_cost``, a decimal string; ``cost_currency``, ISO 4217):
the stock report values stock at cost when they are there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('catalog') as batch:
        batch.add_column(sa.Column('unit_cost', sa.String(32), nullable=True))
        batch.add_column(sa.Column('cost_currency', sa.String(3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('catalog') as batch:
        batch.drop_column('cost_currency')
        batch.drop_column('unit_cost')
