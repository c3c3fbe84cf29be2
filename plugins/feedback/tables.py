"""The ``feedback`` plugin's tables: the items, every move of each through triage, the labels ops
add to train the classifier, and the rows refused on import."""

import sqlalchemy as sa

from orderhub.extend import plugin_metadata

metadata = plugin_metadata()
TS = sa.DateTime(timezone=True)
JSON = sa.JSON()

items = sa.Table(
    "feedback_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("store", sa.String(64)),
    sa.Column("channel", sa.String(64)),
    sa.Column("order_id", sa.String(40)),
    sa.Column("order_ref", sa.String(128)),
    sa.Column("rating", sa.Integer),
    sa.Column("text", sa.Text),
    sa.Column("author", sa.String(320)),
    sa.Column("skus", JSON, nullable=False),
    sa.Column("language", sa.String(8)),
    sa.Column("sentiment", sa.Float),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("classified_by", sa.String(16), nullable=False),  # rules, model, or customer (chosen on the form)
    sa.Column("priority", sa.String(8), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("cues", JSON, nullable=False),
    # new → assigned → responded → resolved, or dismissed
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("assignee", sa.String(128)),
    sa.Column("reply", sa.Text),
    sa.Column("resolution", sa.Text),
    sa.Column("created_at", TS, nullable=False),  # at the source
    sa.Column("received_at", TS, nullable=False),  # stored here
    sa.Column("due_at", TS, nullable=False),  # respond by: received + the priority's SLA
    sa.Column("escalated_at", TS),
    sa.Column("responded_at", TS),
    sa.Column("closed_at", TS),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("source", "external_id"),
    sa.Index(None, "status", "due_at"),
    sa.Index(None, "order_id"),
    sa.Index(None, "created_at"),
)

moves = sa.Table(
    "feedback_moves",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, nullable=False),
    sa.Column("from_status", sa.String(16)),
    sa.Column("to_status", sa.String(16), nullable=False),
    sa.Column("operator", sa.String(128), nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Column("note", sa.Text),
    sa.Index(None, "item_id"),
)

#: Texts ops labelled (``orderhub feedback train FILE``): trained on beside the shipped set.
labels = sa.Table(
    "feedback_labels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("added_by", sa.String(128), nullable=False),
    sa.Column("added_at", TS, nullable=False),
)

#: A row that could not be read, kept with its reason (one per source and row content).
quarantine = sa.Table(
    "feedback_quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(128)),
    sa.Column("row_hash", sa.String(64), nullable=False),
    sa.Column("row", JSON, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.UniqueConstraint("source", "row_hash"),
)

#: How far each store's feedback has been pulled (the connector's cursor).
cursors = sa.Table(
    "feedback_cursors",
    metadata,
    sa.Column("store", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)
