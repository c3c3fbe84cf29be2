"""The ``reports`` plugin's own tables: a projection of the orders that SQL can add up, and the
sums the reports read.

The canonical order is JSON in ``orders.data``; summing money out of JSON on every report would
parse every order's document each time. :mod:`.facts` keeps one typed row per order and one per
line here, refreshed from what changed (``orders.modified_at``). Money is an integer count of the
currency's minor unit (ISO 4217), so sums are exact on SQLite and PostgreSQL alike.

Facts are still a row per order; a report over a quarter of a million-order shop would add up a
million of them. :mod:`.rollups` keeps their sums per quarter hour of UTC (``slot``: seconds since
the epoch ÷ 900; every time zone's midnight falls on one) or per UTC day (``day``: slot ÷ 96), and
the reports add up those: a few thousand rows a quarter, whatever the volume.
"""

import sqlalchemy as sa

from orderhub.extend import plugin_metadata

metadata = plugin_metadata()
TS = sa.DateTime(timezone=True)


def _keys() -> list[sa.Column]:
    return [sa.Column("store", sa.String(64), primary_key=True), sa.Column("channel", sa.String(64), primary_key=True)]


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False)


order_facts = sa.Table(
    "reports_order_facts",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("slot", sa.BigInteger, nullable=False),  # the quarter hour of created_at
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False),
    sa.Column("units", sa.Integer, nullable=False),
    # minor units of ``currency``
    sa.Column("gross", sa.BigInteger, nullable=False),
    sa.Column("discounts", sa.BigInteger, nullable=False),
    sa.Column("shipping", sa.BigInteger, nullable=False),
    sa.Column("tax", sa.BigInteger, nullable=False),
    sa.Column("refunds", sa.BigInteger, nullable=False),
    sa.Column("country", sa.String(2)),
    sa.Column("region", sa.String(128)),
    # lower-cased e-mail, else the channel's customer id: who ordered, to tell new from returning
    sa.Column("customer", sa.String(320)),
    # when that customer first ordered, in any store: the order is a new customer's if it is this
    sa.Column("customer_first_at", TS),
    sa.Column("modified_at", TS, nullable=False),
    sa.Index(None, "slot"),
    sa.Index(None, "customer", "created_at"),
)

line_facts = sa.Table(
    "reports_line_facts",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("line", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(128)),
    sa.Column("title", sa.Text),
    sa.Column("quantity", sa.Integer, nullable=False),
    # unit price × quantity − the line's discount, in minor units of the order's currency
    sa.Column("revenue", sa.BigInteger, nullable=False),
    # the order's, so lines are counted without joining their orders
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("slot", sa.BigInteger, nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False),
    sa.Index(None, "slot"),
)

#: Per order, how it went through the process: when it first reached each lifecycle state, and
#: whether it was ever held, quarantined or re-run (read from the event log, step runs and
#: quarantine once, when the order changes, instead of at every report).
order_flow = sa.Table(
    "reports_order_flow",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("slot", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    *(sa.Column(f"{state}_at", TS) for state in ("received", "validated", "reserved", "ready_to_ship", "shipped",
                                                  "delivered")),
    sa.Column("held", sa.Boolean, nullable=False),
    sa.Column("quarantined", sa.Boolean, nullable=False),
    sa.Column("rerun", sa.Boolean, nullable=False),
    sa.Index(None, "slot"),
    sa.Index(None, "status", "created_at"),
)

#: How far the projection has read: the newest ``orders.modified_at`` it has seen.
refresh_state = sa.Table(
    "reports_refresh_state",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("modified_at", TS, nullable=False),
    sa.Column("refreshed_at", TS, nullable=False),
)

# --- sums (:mod:`.rollups`) ---------------------------------------------------------------------

SALES_FIGURES = ("orders", "cancelled", "kept", "units", "gross", "discounts", "shipping", "tax", "refunds",
                 "new_customers", "returning_orders", "unknown_orders", "refunded")

#: Per quarter hour the orders were created in: every ``sales`` figure, and the process's "created".
sales_slots = sa.Table(
    "reports_sales_slots", metadata,
    sa.Column("slot", sa.BigInteger, primary_key=True), *_keys(),
    sa.Column("currency", sa.String(3), primary_key=True),
    *(_count(name) for name in SALES_FIGURES),
)

#: Per quarter hour of the move: moves to ready_to_ship and to shipped (throughput).
move_slots = sa.Table(
    "reports_move_slots", metadata,
    sa.Column("slot", sa.BigInteger, primary_key=True), *_keys(),
    sa.Column("to_status", sa.String(32), primary_key=True),
    _count("moves"),
)

#: Per UTC day and ship-to place: the ``sales`` sections by channel, store and place.
place_days = sa.Table(
    "reports_place_days", metadata,
    sa.Column("day", sa.Integer, primary_key=True), *_keys(),
    sa.Column("country", sa.String(2), primary_key=True),  # "" for none: a key part is never NULL
    sa.Column("region", sa.String(128), primary_key=True),
    sa.Column("currency", sa.String(3), primary_key=True),
    *(_count(name) for name in ("orders", "kept", "units", "gross", "refunds")),
)

#: Per UTC day and SKU: lines of orders not cancelled (top SKUs).
sku_days = sa.Table(
    "reports_sku_days", metadata,
    sa.Column("day", sa.Integer, primary_key=True), *_keys(),
    sa.Column("sku", sa.String(128), primary_key=True),  # "" for a line without one
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("title", sa.Text),
    _count("units"), _count("revenue"),
)

#: Per UTC day a step run started: runs per outcome and time, the time rounded to three
#: significant digits (:func:`.stats.bucket_sql`), so percentiles are read off counts.
step_days = sa.Table(
    "reports_step_days", metadata,
    sa.Column("day", sa.Integer, primary_key=True), *_keys(),
    sa.Column("step", sa.String(64), primary_key=True),
    sa.Column("outcome", sa.String(16), primary_key=True),
    sa.Column("ms", sa.Float, primary_key=True),
    _count("runs"),
)

#: Per UTC day the orders were created: the time between two states (``pair``: an index into
#: :data:`.process.PAIRS`), rounded to three significant digits, and how many orders took it.
stage_days = sa.Table(
    "reports_stage_days", metadata,
    sa.Column("day", sa.Integer, primary_key=True), *_keys(),
    sa.Column("pair", sa.Integer, primary_key=True),
    sa.Column("seconds", sa.BigInteger, primary_key=True),
    _count("orders"),
)

#: Per UTC day the orders were created: first-pass yield's counts.
FLOW_FIGURES = ("orders", "processed", "held", "quarantined", "rerun", "first_pass")
flow_days = sa.Table(
    "reports_flow_days", metadata,
    sa.Column("day", sa.Integer, primary_key=True), *_keys(),
    *(_count(name) for name in FLOW_FIGURES),
)

# --- work lists of a refresh (emptied before it commits) ------------------------------------------

dirty_orders = sa.Table("reports_dirty_orders", metadata, sa.Column("order_id", sa.String(40), primary_key=True))
dirty_slots = sa.Table("reports_dirty_slots", metadata, sa.Column("slot", sa.BigInteger, primary_key=True))
