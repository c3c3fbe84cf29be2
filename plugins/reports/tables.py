"""The ``reports`` plugin's own tables: a projection of the orders that SQL can add up.

The canonical order is JSON in ``orders.data``; summing money out of JSON on every report would
parse every order's document each time. :mod:`.facts` keeps one typed row per order and one per
line here, refreshed from what changed (``orders.modified_at``). Money is an integer count of the
currency's minor unit (ISO 4217), so sums are exact on SQLite and PostgreSQL alike.
"""

import sqlalchemy as sa

from orderhub.extend import plugin_metadata

metadata = plugin_metadata()
TS = sa.DateTime(timezone=True)

order_facts = sa.Table(
    "reports_order_facts",
    metadata,
    sa.Column("order_id", sa.String(40), primary_key=True),
    sa.Column("store", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("created_at", TS, nullable=False),
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
    sa.Index(None, "created_at"),
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
    sa.Column("cancelled", sa.Boolean, nullable=False),
    sa.Index(None, "created_at"),
)

#: How far the projection has read: the newest ``orders.modified_at`` it has seen.
refresh_state = sa.Table(
    "reports_refresh_state",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("modified_at", TS, nullable=False),
    sa.Column("refreshed_at", TS, nullable=False),
)
