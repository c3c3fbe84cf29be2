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
from .periods import Fold, periods, window, zone
from .stats import share
from .tables import line_facts, order_facts

f = order_facts
MONEY = ("gross", "discounts", "shipping", "tax", "refunds")
TOP = 10


def _scope(params: Params) -> list[Any]:
    start, end = window(params.first, params.last, zone(params.tz))
    out = [f.c.created_at >= start, f.c.created_at < end]
    if params.store:
        out.append(f.c.store == params.store)
    if params.channel:
        out.append(f.c.channel == params.channel)
    return out


def _sum(column: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(column).filter(f.c.cancelled == sa.false()), 0)


def _kept() -> Any:
    return sa.func.count().filter(f.c.cancelled == sa.false())


def _add(into: list[int], figures: Any) -> None:
    for i, v in enumerate(figures):
        into[i] += v


#: What the main query adds up per quarter hour and currency, in this order.
FIGURES = ("orders", "cancelled", "kept", "units", *MONEY, "new_customers", "returning_orders", "unknown_orders",
           "refunded")


async def sales(conn: Any, params: Params, settings: Any = None) -> Report:
    """Three queries over the period's facts: per quarter hour and currency (folded into periods),
    per channel, store and ship-to place, and per SKU."""
    spans = periods(params.first, params.last, params.by, zone(params.tz))
    fold, scope = Fold(spans), _scope(params)
    slot = fold.sql(f.c.created_at, conn.dialect.name)
    cancelled, kept = f.c.cancelled == sa.true(), f.c.cancelled == sa.false()
    sums: dict[tuple[str, str], list[int]] = {}
    result = await conn.execute(
        sa.select(slot, f.c.currency, sa.func.count(), sa.func.count().filter(cancelled), _kept(), _sum(f.c.units),
                  *(_sum(getattr(f.c, m)) for m in MONEY),
                  sa.func.count().filter(f.c.created_at <= f.c.customer_first_at),
                  sa.func.count().filter(f.c.created_at > f.c.customer_first_at),
                  sa.func.count().filter(f.c.customer.is_(None)),
                  sa.func.count().filter(kept, f.c.refunds > 0))
        .where(*scope).group_by(slot, f.c.currency))
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
              await _top_skus(conn, params), *await _places(conn, scope), _per_period(per_period)]
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


async def _top_skus(conn: Any, params: Params) -> Table:
    ln = line_facts
    start, end = window(params.first, params.last, zone(params.tz))
    where = [ln.c.created_at >= start, ln.c.created_at < end, ln.c.cancelled == sa.false()]
    if params.store:
        where.append(ln.c.store == params.store)
    if params.channel:
        where.append(ln.c.channel == params.channel)
    units = sa.func.sum(ln.c.quantity)
    result = await conn.execute(
        sa.select(ln.c.sku, sa.func.max(ln.c.title), ln.c.currency, units, sa.func.sum(ln.c.revenue))
        .where(*where).group_by(ln.c.sku, ln.c.currency).order_by(units.desc(), ln.c.sku).limit(TOP))
    return Table("top_skus", f"Top {TOP} SKUs by units", ["sku", "title", "currency", "units", "revenue"],
                 [{"sku": sku, "title": title, "currency": cur, "units": u, "revenue": money.text(r, cur)}
                  for sku, title, cur, u, r in result])


PLACES = (("channel",), ("store",), ("country", "region"))


async def _places(conn: Any, scope: list[Any]) -> list[Table]:
    """By channel, by store and by ship-to country and region: one query, added up three ways."""
    keys = (f.c.channel, f.c.store, f.c.country, f.c.region, f.c.currency)
    totals: dict[tuple[Any, ...], dict[tuple[Any, ...], list[int]]] = {k: {} for k in PLACES}
    for channel, store, country, region, cur, *figures in await conn.execute(
            sa.select(*keys, sa.func.count(), _kept(), _sum(f.c.units), _sum(f.c.gross), _sum(f.c.refunds))
            .where(*scope).group_by(*keys)):
        named = {"channel": channel, "store": store, "country": country, "region": region}
        for place in PLACES:
            _add(totals[place].setdefault((*(named[k] for k in place), cur), [0] * 5), figures)
    tables = []
    for place in PLACES:
        rows = []
        for (*ks, cur), (n, kept, units, gross, refunds) in totals[place].items():
            rows.append({**dict(zip(place, ks)), "currency": cur, "orders": n, "units": units,
                         "gross": money.text(gross, cur), "net": money.text(gross - refunds, cur),
                         "aov": money.ratio(gross, kept, cur), "_gross": gross})
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
