"""validate's fingerprints table, on the plugin's own branch.

Until this revision the table was the core's ``order_fingerprints`` (core revision 0003): a
database that has it gets it renamed, with its rows; a new one gets the table created.

Revision ID: validate_0001
Depends on: 0008 (the core schema it was moved out of)
"""

import sqlalchemy as sa
from alembic import op

revision = "validate_0001"
down_revision = None
branch_labels = ("validate",)
depends_on = "0008"

OLD, NEW = "order_fingerprints", "validate_fingerprints"


def upgrade() -> None:
    if OLD in sa.inspect(op.get_bind()).get_table_names():
        op.drop_index(f"ix_{OLD}_store_fingerprint", table_name=OLD)
        op.rename_table(OLD, NEW)
    else:
        op.create_table(NEW,
                        sa.Column("order_id", sa.String(40), nullable=False),
                        sa.Column("store", sa.String(64), nullable=False),
                        sa.Column("fingerprint", sa.String(64), nullable=False),
                        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                        sa.PrimaryKeyConstraint("order_id", name=f"pk_{NEW}"))
    op.create_index(f"ix_{NEW}_store_fingerprint", NEW, ["store", "fingerprint"])


def downgrade() -> None:
    """Back to the core's table, rows kept (the core's revision 0003 owns it again)."""
    op.drop_index(f"ix_{NEW}_store_fingerprint", table_name=NEW)
    op.rename_table(NEW, OLD)
    op.create_index(f"ix_{OLD}_store_fingerprint", OLD, ["store", "fingerprint"])
