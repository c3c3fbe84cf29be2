"""The ``validate`` plugin's own table: each order's fingerprint, to find duplicates."""

import sqlalchemy as sa

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s"})

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
