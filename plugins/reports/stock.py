"""``stock``: what is on the shelves, what it is worth and how long it lasts.

Per SKU and location (the main table): ``on_hand``, ``reserved``, ``available`` (on hand −
reserved), ``value`` (on hand × the catalog's ``unit_cost``, in its ``cost_currency``, when the
catalog has them), ``sold_28d`` (units of the SKU in non-cancelled orders created in the 28 days
to the end of ``--to``, every location), ``days_of_cover`` (available here ÷ that daily rate; empty
when nothing sold), and in the period ``stockouts`` (movements that took available from above 0 to
0 or below) and ``low_crossings`` (from above the SKU's low-stock threshold — else its reorder
point — to at or below it). Crossings replay the stock movements in order (a running sum in SQL,
``SUM() OVER``), so they count from the first movement recorded. ``--store`` keeps the SKUs that
store sells; ``--channel`` does not apply.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables

from .model import Chart, Params, Report, Table
from .periods import window, zone
from .tables import line_facts, order_facts

inv, cat, mv = core_tables.inventory, core_tables.catalog, core_tables.stock_movements
COVER_DAYS = 28


async def stock(conn: Any, params: Params, settings: Any = None) -> Report:
    start, end = window(params.first, params.last, zone(params.tz))
    sold_by = core_tables.store_skus
    where = [inv.c.sku.in_(sa.select(sold_by.c.sku).where(sold_by.c.store == params.store))] if params.store else []
    levels = (await conn.execute(
        sa.select(inv.c.sku, inv.c.location, inv.c.on_hand, inv.c.reserved, cat.c.title, cat.c.unit_cost,
                  cat.c.cost_currency)
        .select_from(inv.outerjoin(cat, cat.c.sku == inv.c.sku)).where(*where)
        .order_by(inv.c.sku, inv.c.location))).all()
    sold = dict((await conn.execute(
        sa.select(line_facts.c.sku, sa.func.sum(line_facts.c.quantity))
        .select_from(line_facts.join(order_facts, order_facts.c.order_id == line_facts.c.order_id))
        .where(order_facts.c.created_at >= end - timedelta(days=COVER_DAYS), order_facts.c.created_at < end,
               order_facts.c.cancelled == sa.false(), line_facts.c.sku.is_not(None))
        .group_by(line_facts.c.sku))).all())
    crossings = await _crossings(conn, start, end)
    rows = []
    for sku, location, on_hand, reserved, title, unit_cost, cost_currency in levels:
        available = on_hand - reserved
        per_day = Decimal(sold.get(sku, 0)) / COVER_DAYS
        value = (Decimal(unit_cost) * on_hand) if unit_cost is not None else None
        out, low = crossings.get((sku, location), (0, 0))
        rows.append({"sku": sku, "location": location, "title": title, "on_hand": on_hand, "reserved": reserved,
                     "available": available, "value": str(value) if value is not None else "",
                     "cost_currency": cost_currency or "", "sold_28d": int(sold.get(sku, 0)),
                     "days_of_cover": str((Decimal(max(available, 0)) / per_day).quantize(Decimal("0.1"),
                                                                                        ROUND_HALF_EVEN))
                     if per_day else "", "stockouts": out, "low_crossings": low})
    values: dict[str, Decimal] = {}
    for r in rows:
        if r["value"]:
            values[r["cost_currency"]] = values.get(r["cost_currency"], Decimal(0)) + Decimal(r["value"])
    tables = [Table("rows", "Stock per SKU and location",
                    ["sku", "location", "title", "on_hand", "reserved", "available", "value", "cost_currency",
                     "sold_28d", "days_of_cover", "stockouts", "low_crossings"], rows),
              Table("value", "Stock value at cost, per currency", ["currency", "value"],
                    [{"currency": c, "value": str(v)} for c, v in sorted(values.items())])]
    chart = Chart("bars", "rows", "sku", "available", "Available units per SKU and location", "units",
                  series="location")
    return Report("stock", "Stock", params, tables, chart,
                  notes=[f"Days of cover: available here ÷ the SKU's units sold per day over the last {COVER_DAYS} "
                         f"days to the end of the period, every location."])


async def _crossings(conn: Any, start: Any, end: Any) -> dict[tuple[str, str], tuple[int, int]]:
    """Per SKU and location: stock-outs and low-stock crossings among the movements of the period."""
    threshold = sa.func.coalesce(cat.c.low_stock_threshold, cat.c.reorder_point)
    running = (sa.select(mv.c.sku, mv.c.location, mv.c.at,
                         sa.func.sum(mv.c.on_hand_delta - mv.c.reserved_delta)
                         .over(partition_by=(mv.c.sku, mv.c.location), order_by=mv.c.id).label("after"),
                         (mv.c.on_hand_delta - mv.c.reserved_delta).label("delta"))
               .where(mv.c.at < end).subquery("running"))
    before = running.c.after - running.c.delta
    result = await conn.execute(
        sa.select(running.c.sku, running.c.location,
                  sa.func.count().filter(before > 0, running.c.after <= 0),
                  sa.func.count().filter(threshold.is_not(None), before > threshold, running.c.after <= threshold))
        .select_from(running.outerjoin(cat, cat.c.sku == running.c.sku))
        .where(running.c.at >= start).group_by(running.c.sku, running.c.location))
    return {(sku, loc): (out, low) for sku, loc, out, low in result}
