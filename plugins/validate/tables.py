"""The ``validate`` plugin's own table: each order's fingerprint, to find duplicates."""

import sqlalchemy as sa

from orderhub.extend import plugin_metadata

metadata = plugin_metadata()

#: Same customer, items and address → same fingerprint (``checks.fingerprint``).
fingerprints = sa.Table(
    "validate_fingerprints",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "store", "fingerprint"),
)
