"""The ``incidents`` plugin's tables: the register itself, and the samples the detectors read
that no core table keeps (requests and 429s per sync, refused webhooks)."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from orderhub.extend import plugin_metadata

metadata = plugin_metadata()
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("subject", sa.String(128), nullable=False),  # the store, carrier or SKU it is about
    # "kind:subject" while open, None once resolved: one open incident per condition.
    sa.Column("open_key", sa.String(170), unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open | resolved
    sa.Column("since", TS, nullable=False),  # when the condition began, as the evidence shows
    sa.Column("opened_at", TS, nullable=False),  # when a detector saw it: opened_at - since = time to detect
    sa.Column("last_seen_at", TS, nullable=False),
    sa.Column("resolved_at", TS),
    sa.Column("resolved_by", sa.String(128)),  # "auto" (the condition cleared) or "operator:<name>"
    sa.Column("impact", JSON, nullable=False),
    sa.Column("actions", JSON, nullable=False),
    sa.Column("details", JSON, nullable=False),
    sa.Column("alerted_at", TS),
    sa.Column("resolve_alerted_at", TS),
    sa.Column("alert_error", sa.Text),
    sa.Index(None, "status", "kind"),
    sa.Index(None, "opened_at"),
)

samples = sa.Table(
    "incident_samples",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # http_requests | http_429 | webhook_refused
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Index(None, "kind", "at"),
)
