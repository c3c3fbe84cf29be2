"""The domain tables. Alembic migrations create them; a test checks the two agree."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(128), nullable=False),
    sa.Column("number", sa.String(128)),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("channel_status", sa.String(64)),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    # The normalized order; the raw payload of each version lives in order_versions.
    sa.Column("data", JSON, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("ingested_at", TS, nullable=False),
    sa.Column("modified_at", TS, nullable=False),
    # The chain resumes at chain_step while chain_pending is set.
    sa.Column("chain_step", sa.Integer, nullable=False, server_default="0"),
    sa.Column("chain_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    # The open review an operator approved: the chain applies it at chain_step on its next pass.
    sa.Column("chain_approved", sa.Integer),
    sa.UniqueConstraint("store", "external_id"),
    sa.Index(None, "store", "status"),
    sa.Index(None, "store", "chain_pending", "id"),  # the chain reads pending orders in id order
    sa.Index(None, "modified_at"),  # projections (plugins' facts) read what changed since their last pass
)

order_versions = sa.Table(
    "order_versions",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("raw", JSON, nullable=False),
    sa.Column("received_at", TS, nullable=False),
)

order_events = sa.Table(
    "order_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(40), nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("from_status", sa.String(32)),
    sa.Column("to_status", sa.String(32)),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("data", JSON),
    sa.Index(None, "order_id"),
    sa.Index(None, "at"),  # projections read the moves of a quarter hour, and those since their last pass
)

cursors = sa.Table(
    "cursors",
    metadata,
    sa.Column("store", sa.String(64), primary_key=True),
    sa.Column("stream", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("external_id", sa.String(128)),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("raw", JSON, nullable=False),
    sa.Column("error_code", sa.String(64), nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("location", sa.Text),
    sa.Column("context", JSON),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("resolved_by", sa.String(128)),
    sa.UniqueConstraint("store", "payload_hash"),
    sa.Index(None, "status", "store"),
    sa.Index(None, "store", "external_id"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(40), nullable=False),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("step", sa.String(64), nullable=False),
    sa.Column("step_index", sa.Integer, nullable=False),
    sa.Column("resume_status", sa.String(32), nullable=False),
    sa.Column("reasons", JSON, nullable=False),
    # " code1 code2 " so a reason filter is a LIKE on both backends.
    sa.Column("reason_codes", sa.Text, nullable=False),
    # step: the step held it; error: the step failed; lifecycle: its move was not allowed
    sa.Column("cause", sa.String(16), nullable=False, server_default="step"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("resolved_at", TS),
    sa.Column("resolution", sa.String(16)),
    sa.Column("operator", sa.String(128)),
    sa.Column("note", sa.Text),
    sa.Index(None, "resolved_at", "store"),
    sa.Index(None, "order_id"),
)

step_runs = sa.Table(
    "step_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(40), nullable=False),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("step", sa.String(64), nullable=False),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("error_code", sa.String(64)),
    sa.Index(None, "store", "step"),
    sa.Index(None, "order_id"),
    sa.Index(None, "started_at"),  # the same, for step runs
)

pushes = sa.Table(
    "pushes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # The idempotency key: the same effect is never queued twice, and is sent with it.
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("order_id", sa.String(40)),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("payload", JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("next_attempt_at", TS, nullable=False),
    # The worker that holds the send lease; a worker restarting under the same id frees its own.
    sa.Column("claimed_by", sa.String(128)),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("delivered_at", TS),
    sa.Column("receipt", JSON),
    sa.Index(None, "status", "store", "next_attempt_at"),
)

store_state = sa.Table(
    "store_state",
    metadata,
    sa.Column("store", sa.String(64), primary_key=True),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("paused_reason", sa.Text),
    sa.Column("last_sync_at", TS),
    sa.Column("last_result", sa.String(16)),
    sa.Column("last_error", sa.Text),
    # The worker syncing the store right now (None between syncs).
    sa.Column("worker", sa.String(128)),
    sa.Column("working_since", TS),
    sa.Column("updated_at", TS, nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    # The platform's delivery id: a replayed or retried delivery is recognised and ignored.
    sa.Column("store", sa.String(64), primary_key=True),
    sa.Column("delivery_id", sa.String(200), primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("orders", sa.Integer, nullable=False, server_default="0"),
)

catalog = sa.Table(
    "catalog",
    metadata,
    sa.Column("sku", sa.String(128), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("weight_g", sa.Integer),
    sa.Column("length_mm", sa.Integer),
    sa.Column("width_mm", sa.Integer),
    sa.Column("height_mm", sa.Integer),
    sa.Column("fragile", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hazmat", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("reorder_point", sa.Integer),
    # Below or at this many available units a SKU is low; defaults to the reorder point.
    sa.Column("low_stock_threshold", sa.Integer),
    # What a unit costs (a decimal string in cost_currency): stock valued at cost.
    sa.Column("unit_cost", sa.String(32)),
    sa.Column("cost_currency", sa.String(3)),
    sa.Column("updated_at", TS, nullable=False),
)

inventory = sa.Table(
    "inventory",
    metadata,
    sa.Column("sku", sa.String(128), primary_key=True),
    sa.Column("location", sa.String(64), primary_key=True),
    sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
    # Whether the level is below its threshold now: low_stock fires on the crossing, not on every order.
    sa.Column("low", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", TS, nullable=False),
    sa.CheckConstraint("reserved >= 0 AND on_hand >= 0", name="stock_not_negative"),
)

reservations = sa.Table(
    "reservations",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("sku", sa.String(128), primary_key=True),
    sa.Column("location", sa.String(64), primary_key=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    # held (counted in reserved), released, consumed (shipped), backorder (waiting for stock)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Index(None, "sku", "status"),
)

stock_movements = sa.Table(
    "stock_movements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sku", sa.String(128), nullable=False),
    sa.Column("location", sa.String(64), nullable=False),
    # set, adjust, count, reserve, release, consume
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("on_hand_delta", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reserved_delta", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reason", sa.Text),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("order_id", sa.String(40)),
    sa.Column("at", TS, nullable=False),
    sa.Index(None, "sku", "location"),
)

store_skus = sa.Table(
    "store_skus",
    metadata,
    # Which store sells which SKU (seen on its orders): stock changes are pushed there.
    sa.Column("store", sa.String(64), primary_key=True),
    sa.Column("sku", sa.String(128), primary_key=True),
)

workers = sa.Table(
    "workers",
    metadata,
    # Each `orderhub run` worker, by its stable executor id: survivors recover a worker gone silent.
    sa.Column("executor_id", sa.String(128), primary_key=True),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("heartbeat_at", TS, nullable=False),
    sa.Column("stopped_at", TS),
    sa.Column("recovered_by", sa.String(128)),
    sa.Column("recovered_at", TS),
)

shipments = sa.Table(
    "shipments",
    metadata,
    sa.Column("id", sa.String(48), primary_key=True),
    sa.Column("order_id", sa.String(40), nullable=False),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("carrier", sa.String(64), nullable=False),
    sa.Column("service", sa.String(64), nullable=False),
    # planned (carrier chosen) -> created (label bought, tracking number known); or cancelled.
    sa.Column("state", sa.String(16), nullable=False),
    # The normalized tracking status (orderhub.models.TrackingStatus).
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("tracking_number", sa.String(64)),
    sa.Column("tracking_url", sa.Text),
    sa.Column("label_ref", sa.Text),
    # The shipping plan (parcels, flags, deadline), the choice with every candidate's score or
    # rejection, and the normalized tracking events with their raw codes.
    sa.Column("plan", JSON, nullable=False),
    sa.Column("choice", JSON, nullable=False),
    sa.Column("events", JSON, nullable=False),
    sa.Column("route", sa.String(64), nullable=False),
    sa.Column("promised_at", TS),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("shipped_at", TS),
    sa.Column("delivered_at", TS),
    sa.Column("last_event_at", TS),
    sa.Column("last_progress_at", TS),
    sa.Column("last_checked_at", TS),
    sa.Column("delayed_at", TS),
    # A delivery problem scanned and not cleared by a later scan: a flag beside ``status``.
    sa.Column("exception_at", TS),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("carrier", "tracking_number"),
    sa.Index(None, "order_id"),
    sa.Index(None, "store", "state", "status"),
)

carrier_usage = sa.Table(
    "carrier_usage",
    metadata,
    sa.Column("carrier", sa.String(64), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("shipments", sa.Integer, nullable=False),
)

carrier_state = sa.Table(
    "carrier_state",
    metadata,
    # A carrier account an operator paused: no new labels with it (the fulfil step falls back to
    # the runner-up, select_carrier skips it); tracking of its parcels goes on.
    sa.Column("carrier", sa.String(64), primary_key=True),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("paused_reason", sa.Text),
    sa.Column("paused_by", sa.String(128)),
    sa.Column("updated_at", TS, nullable=False),
)

carrier_performance = sa.Table(
    "carrier_performance",
    metadata,
    # Delivered shipments per carrier and route ("US>US:CA"), and how many arrived by the promise.
    sa.Column("carrier", sa.String(64), primary_key=True),
    sa.Column("route", sa.String(64), primary_key=True),
    sa.Column("delivered", sa.Integer, nullable=False),
    sa.Column("on_time", sa.Integer, nullable=False),
)
