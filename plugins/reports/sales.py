"""``sales``: orders, units and money per period and currency, with these definitions (so anyone
can check them):

- ``orders``: orders created in the period, whatever their status; ``cancelled``: those cancelled;
- ``units``: line quantities of the non-cancelled orders;
- ``gross``: grand totals of the non-cancelled orders; ``discounts`` (order- and line-level),
  ``shipping``, ``tax`` and ``refunds`` (refunded amounts): of the same orders;
- ``net``: gross − refunds; ``aov``: gross ÷ non-cancelled orders, half-even to the minor unit.

Sections: top SKUs (units, revenue), by channel, by store, by ship-to country and region, new and
returning customers (an order is a returning customer's if the same customer — e-mail, else the
channel's customer id — ordered earlier), and cancellation and refund rates.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import money
from .model import Chart, Params, Report, Table
from .periods import in_period, periods, periods_cte, window, zone
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


async def sales(conn: Any, params: Params, settings: Any = None) -> Report:
    spans = periods(params.first, params.last, params.by, zone(params.tz))
    cte = periods_cte(spans)
    scope = _scope(params)
    main = await conn.execute(
        sa.select(cte.c.period, f.c.currency, sa.func.count(), sa.func.count().filter(f.c.cancelled == sa.true()),
                  _kept(), _sum(f.c.units), *(_sum(getattr(f.c, m)) for m in MONEY))
        .select_from(cte.join(f, in_period(f.c.created_at, cte))).where(*scope)
        .group_by(cte.c.period, f.c.currency).order_by(cte.c.period, f.c.currency))
    rows = []
    for period, currency, n, cancelled, kept, units, *amounts in main:
        m = dict(zip(MONEY, amounts))
        rows.append({"period": period, "currency": currency, "orders": n, "cancelled": cancelled, "units": units,
                     **{k: money.text(v, currency) for k, v in m.items()},
                     "net": money.text(m["gross"] - m["refunds"], currency),
                     "aov": money.ratio(m["gross"], kept, currency)})
    rows = _every_period(rows, [p.label for p in spans])
    tables = [Table("rows", "Sales by period and currency",
                    ["period", "currency", "orders", "cancelled", "units", *MONEY, "net", "aov"], rows),
              await _top_skus(conn, scope), await _by(conn, scope, "channel"), await _by(conn, scope, "store"),
              await _by(conn, scope, "country", "region"), await _customers(conn, params, cte, scope),
              await _rates(conn, cte, scope)]
    chart = Chart("lines", "rows", "period", "net", "Net sales per " + params.by, "net sales (each in its currency)", series="currency")
    return Report("sales", "Sales", params, tables, chart)


def _every_period(rows: list[dict[str, Any]], labels: list[str]) -> list[dict[str, Any]]:
    """A row for every period and every currency sold in any of them: a period without orders in a
    currency says 0, so series have no gaps and a script sees the whole range."""
    currencies = sorted({r["currency"] for r in rows})
    have = {(r["period"], r["currency"]): r for r in rows}
    zero = {"orders": 0, "cancelled": 0, "units": 0}
    return [have.get((p, c)) or {"period": p, "currency": c, **zero, **{k: money.text(0, c) for k in (*MONEY, "net")},
                                 "aov": ""} for p in labels for c in currencies]


async def _top_skus(conn: Any, scope: list[Any]) -> Table:
    ln = line_facts
    units = sa.func.sum(ln.c.quantity)
    result = await conn.execute(
        sa.select(ln.c.sku, sa.func.max(ln.c.title), f.c.currency, units, sa.func.sum(ln.c.revenue))
        .select_from(ln.join(f, f.c.order_id == ln.c.order_id))
        .where(*scope, f.c.cancelled == sa.false())
        .group_by(ln.c.sku, f.c.currency).order_by(units.desc(), ln.c.sku).limit(TOP))
    return Table("top_skus", f"Top {TOP} SKUs by units", ["sku", "title", "currency", "units", "revenue"],
                 [{"sku": sku, "title": title, "currency": cur, "units": u, "revenue": money.text(r, cur)}
                  for sku, title, cur, u, r in result])


async def _by(conn: Any, scope: list[Any], *keys: str) -> Table:
    cols = [getattr(f.c, k) for k in keys]
    result = await conn.execute(
        sa.select(*cols, f.c.currency, sa.func.count(), _kept(), _sum(f.c.units), _sum(f.c.gross), _sum(f.c.refunds))
        .where(*scope).group_by(*cols, f.c.currency).order_by(_sum(f.c.gross).desc(), *cols, f.c.currency))
    rows = []
    for *ks, cur, n, kept, units, gross, refunds in result:
        rows.append({**dict(zip(keys, ks)), "currency": cur, "orders": n, "units": units,
                     "gross": money.text(gross, cur), "net": money.text(gross - refunds, cur),
                     "aov": money.ratio(gross, kept, cur)})
    name = "by_" + "_".join(keys)
    return Table(name, "By " + " and ".join(keys), [*keys, "currency", "orders", "units", "gross", "net", "aov"], rows)


async def _customers(conn: Any, params: Params, cte: Any, scope: list[Any]) -> Table:
    """Per period: orders (and customers) that were a customer's first, that came back, or that
    name no customer. "First" looks at every order in the store and channel asked for, also
    before ``--from``."""
    where = [f.c.customer.is_not(None)]
    if params.store:
        where.append(f.c.store == params.store)
    if params.channel:
        where.append(f.c.channel == params.channel)
    first = (sa.select(f.c.customer.label("customer"), sa.func.min(f.c.created_at).label("first_at"))
             .where(*where).group_by(f.c.customer).subquery("first"))
    new = sa.and_(first.c.first_at.is_not(None), f.c.created_at <= first.c.first_at)
    back = f.c.created_at > first.c.first_at
    result = await conn.execute(
        sa.select(cte.c.period, sa.func.count().filter(new), sa.func.count().filter(back),
                  sa.func.count().filter(f.c.customer.is_(None)),
                  sa.func.count(sa.distinct(f.c.customer)).filter(new),
                  sa.func.count(sa.distinct(f.c.customer)).filter(back))
        .select_from(cte.join(f, in_period(f.c.created_at, cte)).outerjoin(first, first.c.customer == f.c.customer))
        .where(*scope).group_by(cte.c.period).order_by(cte.c.period))
    return Table("customers", "New and returning customers",
                 ["period", "new_orders", "returning_orders", "unknown_orders", "new_customers", "returning_customers"],
                 [dict(zip(["period", "new_orders", "returning_orders", "unknown_orders", "new_customers",
                            "returning_customers"], r)) for r in result])


async def _rates(conn: Any, cte: Any, scope: list[Any]) -> Table:
    refunded = sa.and_(f.c.cancelled == sa.false(), f.c.refunds > 0)
    result = await conn.execute(
        sa.select(cte.c.period, sa.func.count(), sa.func.count().filter(f.c.cancelled == sa.true()), _kept(),
                  sa.func.count().filter(refunded))
        .select_from(cte.join(f, in_period(f.c.created_at, cte))).where(*scope)
        .group_by(cte.c.period).order_by(cte.c.period))
    return Table("rates", "Cancellation and refund rates (refund rate: of the orders not cancelled)",
                 ["period", "orders", "cancelled", "cancellation_rate", "refunded", "refund_rate"],
                 [{"period": p, "orders": n, "cancelled": c, "cancellation_rate": share(c, n), "refunded": r,
                   "refund_rate": share(r, kept)} for p, n, c, kept, r in result])
