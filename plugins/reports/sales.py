"""``sales``: orders, units and money per period and currency, with these definitions (so anyone
can check them):

- ``orders``: orders created in the period, whatever their status; ``cancelled``: those cancelled;
- ``units``: line quantities of the non-cancelled orders;
- ``gross``: grand totals of the non-cancelled orders; ``discounts`` (order- and line-level),
  ``shipping``, ``tax`` and ``refunds`` (refunded amounts): of the same orders;
- ``net``: gross − refunds; ``aov``: gross ÷ non-cancelled orders, half-even to the minor unit.

Sections: top SKUs (units, revenue), by channel, by store, by ship-to country and region, and per
period new customers (orders that were the customer's first, in any store — the customer is the
e-mail, else the channel's customer id), returning orders (the same customer ordered earlier),
orders naming no customer, and cancellation and refund rates.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import money
from .model import Chart, Params, Report, Table
from .periods import SLOT, Fold, periods, window, zone
from .rollups import Span
from .stats import share
from .tables import SALES_FIGURES, line_facts, order_facts, place_days, sales_slots, sku_days

f = order_facts
MONEY = ("gross", "discounts", "shipping", "tax", "refunds")
TOP = 10
FIGURES = SALES_FIGURES


def _keys(table: sa.Table, params: Params) -> list[Any]:
    out = []
    if params.store:
        out.append(table.c.store == params.store)
    if params.channel:
        out.append(table.c.channel == params.channel)
    return out


def _add(into: list[int], figures: Any) -> None:
    for i, v in enumerate(figures):
        into[i] += int(v)  # PostgreSQL sums bigints as numeric


async def sales(conn: Any, params: Params, settings: Any = None) -> Report:
    """Three queries over the sums: per quarter hour and currency (folded into periods), per
    channel, store and ship-to place, and per SKU."""
    spans = periods(params.first, params.last, params.by, zone(params.tz))
    fold, span = Fold(spans), Span.of(*window(params.first, params.last, zone(params.tz)))
    t = sales_slots
    group = t.c.slot // sa.literal_column(str(fold.size // SLOT))
    sums: dict[tuple[str, str], list[int]] = {}
    result = await conn.execute(
        sa.select(group, t.c.currency, *(sa.func.sum(t.c[k]) for k in FIGURES))
        .where(t.c.slot >= span.start, t.c.slot < span.end, *_keys(t, params)).group_by(group, t.c.currency))
    for at, currency, *figures in result:
        if (period := fold(at)) is not None:
            _add(sums.setdefault((period, currency), [0] * len(FIGURES)), figures)
    rows, per_period = [], {p.label: [0] * len(FIGURES) for p in spans}
    for (period, currency), figures in sorted(sums.items()):
        x = dict(zip(FIGURES, figures))
        _add(per_period[period], figures)
        rows.append({"period": period, "currency": currency, "orders": x["orders"], "cancelled": x["cancelled"],
                     "units": x["units"], **{k: money.text(x[k], currency) for k in MONEY},
                     "net": money.text(x["gross"] - x["refunds"], currency),
                     "aov": money.ratio(x["gross"], x["kept"], currency)})
    rows = _every_period(rows, [p.label for p in spans])
    tables = [Table("rows", "Sales by period and currency",
                    ["period", "currency", "orders", "cancelled", "units", *MONEY, "net", "aov"], rows),
              await _top_skus(conn, params, span), *await _places(conn, params, span), _per_period(per_period)]
    chart = Chart("lines", "rows", "period", "net", "Net sales per " + params.by, "net sales (each in its currency)",
                  series="currency")
    return Report("sales", "Sales", params, tables, chart)


def _every_period(rows: list[dict[str, Any]], labels: list[str]) -> list[dict[str, Any]]:
    """A row for every period and every currency sold in any of them: a period without orders in a
    currency says 0, so series have no gaps and a script sees the whole range."""
    currencies = sorted({r["currency"] for r in rows})
    have = {(r["period"], r["currency"]): r for r in rows}
    zero = {"orders": 0, "cancelled": 0, "units": 0}
    return [have.get((p, c)) or {"period": p, "currency": c, **zero, **{k: money.text(0, c) for k in (*MONEY, "net")},
                                 "aov": ""} for p in labels for c in currencies]


async def _top_skus(conn: Any, params: Params, span: Span) -> Table:
    """Per SKU and currency: whole days from the day sums, the quarter hours at either end from the
    lines themselves."""
    d, ln = sku_days, line_facts
    parts = sa.union_all(
        sa.select(d.c.sku, d.c.title, d.c.currency, d.c.units, d.c.revenue)
        .where(span.days(d.c.day), *_keys(d, params)),
        sa.select(sa.func.coalesce(ln.c.sku, "").label("sku"), ln.c.title, ln.c.currency, ln.c.quantity, ln.c.revenue)
        .where(span.edge_slots(ln.c.slot), ln.c.cancelled == sa.false(), *_keys(ln, params))).subquery("skus")
    units = sa.func.sum(parts.c.units)
    result = await conn.execute(
        sa.select(parts.c.sku, sa.func.max(parts.c.title), parts.c.currency, units, sa.func.sum(parts.c.revenue))
        .group_by(parts.c.sku, parts.c.currency).order_by(units.desc(), parts.c.sku).limit(TOP))
    return Table("top_skus", f"Top {TOP} SKUs by units", ["sku", "title", "currency", "units", "revenue"],
                 [{"sku": sku or None, "title": title, "currency": cur, "units": int(u), "revenue": money.text(int(r), cur)}
                  for sku, title, cur, u, r in result])


PLACES = (("channel",), ("store",), ("country", "region"))


async def _places(conn: Any, params: Params, span: Span) -> list[Table]:
    """By channel, by store and by ship-to country and region: one query, added up three ways."""
    d = place_days
    kept = f.c.cancelled == sa.false()

    def kept_sum(column: Any) -> Any:
        return sa.case((kept, column), else_=0)
    parts = sa.union_all(
        sa.select(d.c.channel, d.c.store, d.c.country, d.c.region, d.c.currency, d.c.orders, d.c.kept, d.c.units,
                  d.c.gross, d.c.refunds).where(span.days(d.c.day), *_keys(d, params)),
        sa.select(f.c.channel, f.c.store, sa.func.coalesce(f.c.country, ""), sa.func.coalesce(f.c.region, ""),
                  f.c.currency, sa.literal(1), sa.case((kept, 1), else_=0), kept_sum(f.c.units),
                  kept_sum(f.c.gross), kept_sum(f.c.refunds))
        .where(span.edge_slots(f.c.slot), *_keys(f, params))).subquery("places")
    keys = (parts.c.channel, parts.c.store, parts.c.country, parts.c.region, parts.c.currency)
    totals: dict[tuple[Any, ...], dict[tuple[Any, ...], list[int]]] = {k: {} for k in PLACES}
    for channel, store, country, region, cur, *figures in await conn.execute(
            sa.select(*keys, *(sa.func.sum(parts.c[k]) for k in ("orders", "kept", "units", "gross", "refunds")))
            .group_by(*keys)):
        named = {"channel": channel, "store": store, "country": country or None, "region": region or None}
        for place in PLACES:
            _add(totals[place].setdefault((*(named[k] for k in place), cur), [0] * 5), figures)
    tables = []
    for place in PLACES:
        rows = []
        for (*ks, cur), (n, kept_n, units, gross, refunds) in totals[place].items():
            rows.append({**dict(zip(place, ks)), "currency": cur, "orders": n, "units": units,
                         "gross": money.text(gross, cur), "net": money.text(gross - refunds, cur),
                         "aov": money.ratio(gross, kept_n, cur), "_gross": gross})
        rows.sort(key=lambda r: (-r.pop("_gross"), *(str(r[k]) for k in place), r["currency"]))
        tables.append(Table("by_" + "_".join(place), "By " + " and ".join(place),
                            [*place, "currency", "orders", "units", "gross", "net", "aov"], rows))
    return tables


def _per_period(per_period: dict[str, list[int]]) -> Table:
    """Per period (every currency): new customers' orders, returning ones, those naming no
    customer, cancellations and refunds, with their rates."""
    rows = []
    for period, figures in per_period.items():
        x = dict(zip(FIGURES, figures))
        rows.append({"period": period, "new_customers": x["new_customers"], "returning_orders": x["returning_orders"],
                     "unknown_orders": x["unknown_orders"], "orders": x["orders"], "cancelled": x["cancelled"],
                     "cancellation_rate": share(x["cancelled"], x["orders"]), "refunded": x["refunded"],
                     "refund_rate": share(x["refunded"], x["kept"])})
    return Table("customers", "Customers, cancellations and refunds per period (a new customer's order is their "
                              "first in any store; refund rate: of the orders not cancelled)",
                 ["period", "new_customers", "returning_orders", "unknown_orders", "orders", "cancelled",
                  "cancellation_rate", "refunded", "refund_rate"], rows)
