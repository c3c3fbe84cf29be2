"""Keeping the facts (:mod:`.tables`) in step with the orders, in SQL.

A refresh reads the orders changed since the last one (``orders.modified_at`` at or after the
last newest seen, less ``OVERLAP`` for a writer that committed late) and writes their facts anew:
``INSERT … SELECT`` with the databases' JSON functions, so no order passes through Python. It
runs before every report and every minute in the daemon; a refresh with nothing new reads one
index entry. Refreshers take turns on the state row, so two never write the same facts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables

from .money import minor_sql, scale_sql
from .tables import line_facts, order_facts, refresh_state

#: A transaction that stamped ``modified_at`` before the last refresh's newest but committed after
#: it is still read, if it committed within this long.
OVERLAP = timedelta(minutes=10)
STATE = "orders"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

orders = core_tables.orders


def _text(*path: str) -> Any:
    return orders.c.data[path].as_string()


def _order_rows(changed: Any) -> Any:
    """The facts of each changed order, as a SELECT."""
    scale = scale_sql(_text("currency"))
    email = sa.func.lower(sa.func.nullif(_text("customer", "email"), ""))
    return sa.select(
        orders.c.id, orders.c.store, orders.c.channel, _text("currency"), orders.c.created_at, orders.c.status,
        orders.c.status == "cancelled", sa.literal(0),
        minor_sql(_text("totals", "total"), scale), minor_sql(_text("totals", "discounts"), scale),
        minor_sql(_text("totals", "shipping"), scale), minor_sql(_text("totals", "tax"), scale),
        minor_sql(_text("totals", "refunded"), scale),
        _text("shipping_address", "country"), _text("shipping_address", "region"),
        sa.func.coalesce(email, sa.func.nullif(_text("customer", "external_id"), "")), sa.null(),
        orders.c.modified_at,
    ).where(changed)


def _line_rows(dialect: str, changed: Any) -> Any:
    """One row per line item of each changed order: the array's elements by the database's own
    table function (``json_each`` on SQLite, ``jsonb_array_elements`` on PostgreSQL)."""
    scale = scale_sql(_text("currency"))
    if dialect == "sqlite":
        items = sa.func.json_each(orders.c.data, "$.line_items").table_valued("key", "value").alias("items")
        line = sa.cast(items.c.key, sa.Integer)

        def field(name: str) -> Any:
            return sa.func.json_extract(items.c.value, f"$.{name}")
    else:
        items = sa.func.jsonb_array_elements(orders.c.data["line_items"]).table_valued(
            "value", with_ordinality="ord", name="items").render_derived()
        line = sa.cast(items.c.ord, sa.Integer) - 1

        def field(name: str) -> Any:
            return items.c.value.op("->>")(name)
    quantity = sa.cast(field("quantity"), sa.Integer)
    revenue = minor_sql(field("unit_price"), scale) * quantity - minor_sql(field("discount"), scale)
    return sa.select(orders.c.id, line, field("sku"), field("title"), quantity, revenue, orders.c.store,
                     orders.c.channel, _text("currency"), orders.c.created_at, orders.c.status == "cancelled",
                     ).select_from(orders.join(items, sa.true())).where(changed)


async def refresh(conn: Any) -> int:
    """Bring the facts up to date in ``conn``'s transaction; the number of orders rewritten."""
    now = datetime.now(UTC)
    taken = await conn.execute(refresh_state.update().where(refresh_state.c.name == STATE).values(refreshed_at=now))
    if not taken.rowcount:  # the first refresh on this database
        await conn.execute(refresh_state.insert().values(name=STATE, modified_at=EPOCH, refreshed_at=now))
        since = EPOCH
    else:
        seen = (await conn.execute(sa.select(refresh_state.c.modified_at)
                                   .where(refresh_state.c.name == STATE))).scalar_one()
        since = _aware(seen) - OVERLAP
    newest = (await conn.execute(sa.select(sa.func.max(orders.c.modified_at))
                                 .where(orders.c.modified_at >= since))).scalar()
    if newest is None:
        return 0
    changed = orders.c.modified_at >= since
    ids = sa.select(orders.c.id).where(changed)
    await conn.execute(line_facts.delete().where(line_facts.c.order_id.in_(ids)))
    await conn.execute(order_facts.delete().where(order_facts.c.order_id.in_(ids)))
    written = await conn.execute(order_facts.insert().from_select(
        [c.name for c in order_facts.c], _order_rows(changed)))
    await conn.execute(line_facts.insert().from_select(
        ["order_id", "line", "sku", "title", "quantity", "revenue", "store", "channel", "currency", "created_at",
         "cancelled"], _line_rows(conn.dialect.name, changed)))
    units = (sa.select(sa.func.coalesce(sa.func.sum(line_facts.c.quantity), 0))
             .where(line_facts.c.order_id == order_facts.c.order_id).scalar_subquery())
    await conn.execute(order_facts.update().where(order_facts.c.order_id.in_(ids)).values(units=units))
    # A customer's first order: of every order of theirs, so an older one arriving late moves it.
    touched = sa.select(order_facts.c.customer).where(order_facts.c.order_id.in_(ids),
                                                      order_facts.c.customer.is_not(None))
    other = order_facts.alias("other")
    first = sa.select(sa.func.min(other.c.created_at)).where(other.c.customer == order_facts.c.customer) \
        .scalar_subquery()
    await conn.execute(order_facts.update().where(order_facts.c.customer.in_(touched)).values(customer_first_at=first))
    await conn.execute(refresh_state.update().where(refresh_state.c.name == STATE).values(modified_at=newest))
    return written.rowcount


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
