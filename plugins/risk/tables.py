"""The ``risk`` plugin's tables: each order's score, the identities velocity is counted over,
what became of scored orders (outcomes), and the weights ``risk tune`` applied."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from orderhub.extend import plugin_metadata

metadata = plugin_metadata()
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)

#: The latest score of each order, with every signal's points and evidence.
scores = sa.Table(
    "risk_scores",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("level", sa.String(8), nullable=False),  # ok | review | high
    sa.Column("signals", JSON, nullable=False),
    sa.Column("weights", sa.Integer),  # the tuned weights' version used; None: the defaults
    sa.Column("scored_at", TS, nullable=False),
    sa.Index(None, "store", "scored_at"),
)

#: One row per order and identity (hashed email, phone, shipping address, card): velocity is a
#: count of these rows per key over a window of the orders' creation times.
identities = sa.Table(
    "risk_identities",
    metadata,
    sa.Column("kind", sa.String(8), primary_key=True),
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("at", TS, nullable=False),
    sa.Index(None, "key", "at"),  # keys are hashes of "kind:value": unique across kinds
    sa.Index(None, "order_id"),
)

#: What became of an order: ``fraud`` (rejected as fraud, or marked), ``chargeback``, ``legit``
#: (marked good after a hold). One per order; a later mark replaces an earlier one.
outcomes = sa.Table(
    "risk_outcomes",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),  # review_reject | mark | chargeback
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("at", TS, nullable=False),
)

#: Weights learned by ``risk tune``; the newest applied row is in force.
weights = sa.Table(
    "risk_weights",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("points", JSON, nullable=False),
    sa.Column("fit", JSON, nullable=False),  # coefficients, intercept, before/after figures
    sa.Column("applied_by", sa.String(128), nullable=False),
    sa.Column("applied_at", TS, nullable=False),
)

#: How far the outcome sweep has read the order log (rejects with reason ``fraud``).
cursor = sa.Table(
    "risk_cursor",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.BigInteger, nullable=False),
)
