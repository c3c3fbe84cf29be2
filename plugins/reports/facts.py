"""Keeping the facts (:mod:`.tables`) in step with the orders, in SQL.

A refresh reads the orders changed since the last one (``orders.modified_at`` at or after the
last newest seen, less ``OVERLAP`` for a writer that committed late; and those with events, step
runs or quarantined payloads since) and writes their facts anew: ``INSERT … SELECT`` with the
databases' JSON functions, so no order passes through Python. The sums the reports read are then
added up again where they changed (:mod:`.rollups`). It runs before every report and every minute
in the daemon; a refresh with nothing new reads one index entry. Refreshers take turns on the
state row, so two never write the same facts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables, dialect_insert

from . import rollups
from .money import minor_sql, scale_sql
from .tables import dirty_orders, dirty_slots, line_facts, metadata, order_facts, order_flow, refresh_state

#: A refresh that rewrote this many orders has PostgreSQL's statistics of the plugin's tables read
#: again (they steer the plans of the next refresh; autovacuum would get there, later).
BIG = 10_000
#: A transaction that stamped ``modified_at`` before the last refresh's newest but committed after
#: it is still read, if it committed within this long.
OVERLAP = timedelta(minutes=10)
STATE = "orders"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

orders, ev, sr = core_tables.orders, core_tables.order_events, core_tables.step_runs


def _text(*path: str) -> Any:
    return orders.c.data[path].as_string()


def _customer() -> Any:
    """Who ordered: the lower-cased e-mail, else the channel's customer id (NULL: nobody named)."""
    email = sa.func.lower(sa.func.nullif(_text("customer", "email"), ""))
    return sa.func.coalesce(email, sa.func.nullif(_text("customer", "external_id"), ""))


def _order_rows(dialect: str, changed: Any) -> Any:
    """The facts of each changed order, as a SELECT."""
    scale = scale_sql(_text("currency"))
    return sa.select(
        orders.c.id, orders.c.store, orders.c.channel, _text("currency"), orders.c.created_at,
        rollups.slot_of(dialect, orders.c.created_at), orders.c.status, orders.c.status == "cancelled", sa.literal(0),
        minor_sql(_text("totals", "total"), scale), minor_sql(_text("totals", "discounts"), scale),
        minor_sql(_text("totals", "shipping"), scale), minor_sql(_text("totals", "tax"), scale),
        minor_sql(_text("totals", "refunded"), scale),
        _text("shipping_address", "country"), _text("shipping_address", "region"),
        _customer(), sa.null(),
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
                     orders.c.channel, _text("currency"), orders.c.created_at,
                     rollups.slot_of(dialect, orders.c.created_at), orders.c.status == "cancelled",
                     ).select_from(orders.join(items, sa.true())).where(changed)


async def refresh(conn: Any) -> int:
    """Bring the facts and their sums up to date in ``conn``'s transaction; the number of orders
    rewritten."""
    dialect = conn.dialect.name
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
    await _clear(conn)
    # The orders to project again: changed, moved, run through a step or quarantined since.
    q = core_tables.quarantine
    await conn.execute(dirty_orders.insert().from_select(["order_id"], sa.union(
        sa.select(orders.c.id).where(orders.c.modified_at >= since),
        sa.select(ev.c.order_id).where(ev.c.at >= since),
        sa.select(sr.c.order_id).where(sr.c.started_at >= since),
        sa.select(orders.c.id).select_from(q.join(orders, sa.and_(orders.c.store == q.c.store,
                                                                   orders.c.external_id == q.c.external_id)))
        .where(q.c.updated_at >= since))))
    ids = sa.select(dirty_orders.c.order_id)
    # And every order of a customer whose first order moves (new or returning depends on it): a
    # changed order that was its customer's first and now is another's, dated otherwise or gone,
    # or one dated before its customer's first.
    old = order_facts.alias("old")
    fresh = (sa.select(dirty_orders.c.order_id, orders.c.created_at, _customer().label("customer"),
                       old.c.created_at.label("old_created_at"), old.c.customer.label("old_customer"),
                       old.c.customer_first_at.label("old_first_at"))
             .select_from(dirty_orders.outerjoin(orders, orders.c.id == dirty_orders.c.order_id)
                          .outerjoin(old, old.c.order_id == dirty_orders.c.order_id))
             .cte("fresh").prefix_with("MATERIALIZED"))  # a thousand rows probed, not a million scanned
    moved_first = sa.select(fresh.c.old_customer).where(
        fresh.c.old_customer.is_not(None), fresh.c.old_created_at <= fresh.c.old_first_at,
        sa.or_(fresh.c.created_at.is_(None), fresh.c.created_at != fresh.c.old_created_at,
               fresh.c.customer.is_distinct_from(fresh.c.old_customer)))
    earlier = sa.select(fresh.c.customer).where(fresh.c.customer.is_not(None), sa.exists().where(
        order_facts.c.customer == fresh.c.customer, order_facts.c.customer_first_at > fresh.c.created_at))
    customers = sa.union(moved_first, earlier)
    await conn.execute(dialect_insert(conn, dirty_orders).from_select(
        ["order_id"], sa.select(order_facts.c.order_id).where(order_facts.c.customer.in_(customers)))
        .on_conflict_do_nothing(index_elements=["order_id"]))
    await _analyze(conn, dirty_orders)

    await rollups.add_facts(conn, -1)
    changed = orders.c.id.in_(ids)
    for table in (line_facts, order_facts, order_flow):
        await conn.execute(table.delete().where(table.c.order_id.in_(ids)))
    await conn.execute(order_facts.insert().from_select(
        [c.name for c in order_facts.c], _order_rows(dialect, changed)))
    await conn.execute(line_facts.insert().from_select(
        ["order_id", "line", "sku", "title", "quantity", "revenue", "store", "channel", "currency", "created_at",
         "slot", "cancelled"], _line_rows(dialect, changed)))
    await conn.execute(order_flow.insert().from_select([c.name for c in order_flow.c],
                                                       rollups.flow_rows(dialect, changed)))
    units = (sa.select(sa.func.coalesce(sa.func.sum(line_facts.c.quantity), 0))
             .where(line_facts.c.order_id == order_facts.c.order_id).scalar_subquery())
    await conn.execute(order_facts.update().where(order_facts.c.order_id.in_(ids)).values(units=units))
    other = order_facts.alias("other")
    first = sa.select(sa.func.min(other.c.created_at)).where(other.c.customer == order_facts.c.customer) \
        .scalar_subquery()
    await conn.execute(order_facts.update().where(order_facts.c.order_id.in_(ids), order_facts.c.customer.is_not(None))
                       .values(customer_first_at=first))
    await rollups.add_facts(conn, 1)

    # Moves and step runs are counted again where they were written since.
    await _mark(conn, sa.select(rollups.slot_of(dialect, ev.c.at)).where(ev.c.at >= since,
                                                                          ev.c.to_status.in_(rollups.MOVES)))
    await _mark(conn, sa.select(rollups.slot_of(dialect, sr.c.started_at)).where(sr.c.started_at >= since))
    await _analyze(conn, dirty_slots)
    await rollups.recount_logs(conn)
    written = (await conn.execute(sa.select(sa.func.count()).select_from(dirty_orders))).scalar_one()
    await _clear(conn)
    if written >= BIG:
        for table in metadata.sorted_tables:
            await _analyze(conn, table)
    await conn.execute(refresh_state.update().where(refresh_state.c.name == STATE).values(modified_at=newest))
    return written


async def _mark(conn: Any, slots: Any) -> None:
    """Add ``slots`` (a one-column SELECT) to the dirty quarter hours."""
    await conn.execute(dialect_insert(conn, dirty_slots).from_select(["slot"], slots.distinct())
                       .on_conflict_do_nothing(index_elements=["slot"]))


async def _clear(conn: Any) -> None:
    for table in (dirty_orders, dirty_slots):
        if conn.dialect.name == "postgresql":
            await conn.execute(sa.text(f"TRUNCATE {table.name}"))
        else:
            await conn.execute(table.delete())


async def _analyze(conn: Any, table: sa.Table) -> None:
    """PostgreSQL plans the joins on a work list by its size: tell it (a list of 1,000 or of a
    million orders wants different plans). SQLite's planner does without."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text(f"ANALYZE {table.name}"))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
