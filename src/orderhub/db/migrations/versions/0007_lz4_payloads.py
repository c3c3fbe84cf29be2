"""large JSON columns compressed with lz4 on PostgreSQL

A raw marketplace payload (~9 KB) and an order's JSON (~3 KB) are over PostgreSQL's TOAST
threshold, so each one is compressed as it is written. With pglz, the default, the server spent
about 0.45 of a core at 950 orders/s in the scale-out benchmark; with lz4 0.34, and two workers got
the more of the shared CPU. lz4 needs PostgreSQL 14+ built with it (the Debian and Docker builds
are); elsewhere the columns keep pglz. Values already stored stay as they are. SQLite: nothing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = [("order_versions", "raw"), ("orders", "data"), ("quarantine", "raw")]


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or bind.dialect.server_version_info < (14,):
        return
    for table, column in COLUMNS:
        try:
            with bind.begin_nested():  # a server without lz4 refuses it: keep pglz, go on
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")
        except sa.exc.DBAPIError:
            return


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
