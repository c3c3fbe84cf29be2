"""``carriers``: how each carrier and service did with the shipments orderhub planned for it.

Per carrier and service, for shipments planned in the period (``shipments.created_at``):
``shipments``; ``shipped`` (a label was bought); ``delivered``; ``on_time`` and ``on_time_rate``
(delivered by the promised date, of the delivered that had one); ``median_transit_days`` and
``p90_transit_days`` (shipped to delivered, exact to the hour); ``exceptions`` and
``exception_rate`` (tracking status ``exception`` now, or a delay was flagged); ``returns`` and
``return_rate`` (the order was returned); and money per order currency: ``charged`` (the shipping
the customers paid, non-cancelled orders) against ``label_cost`` (the chosen rate, when quoted in
the same currency; ``cost_other_currency`` counts those that were not).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables

from . import money
from .model import Chart, Params, Report, Table
from .periods import window, zone
from .stats import percentiles, rounded, seconds_between, share
from .tables import order_facts

sh, o, f = core_tables.shipments, core_tables.orders, order_facts


async def carriers(conn: Any, params: Params, settings: Any = None) -> Report:
    start, end = window(params.first, params.last, zone(params.tz))
    where = [sh.c.created_at >= start, sh.c.created_at < end]
    if params.store:
        where.append(sh.c.store == params.store)
    source = sh.join(o, o.c.id == sh.c.order_id)
    if params.channel:
        where.append(o.c.channel == params.channel)
    delivered = sh.c.delivered_at.is_not(None)
    promised = sa.and_(delivered, sh.c.promised_at.is_not(None))
    counts = await conn.execute(
        sa.select(sh.c.carrier, sh.c.service, sa.func.count(), sa.func.count().filter(sh.c.shipped_at.is_not(None)),
                  sa.func.count().filter(delivered), sa.func.count().filter(promised),
                  sa.func.count().filter(promised, sh.c.delivered_at <= sh.c.promised_at),
                  sa.func.count().filter(sa.or_(sh.c.status == "exception", sh.c.exception_at.is_not(None),
                                                    sh.c.delayed_at.is_not(None))),
                  sa.func.count().filter(o.c.status == "returned"))
        .select_from(source).where(*where).group_by(sh.c.carrier, sh.c.service))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for carrier, service, n, shipped, deliv, with_promise, on_time, exc, ret in counts:
        rows[(carrier, service)] = {
            "carrier": carrier, "service": service, "shipments": n, "shipped": shipped, "delivered": deliv,
            "on_time": on_time, "on_time_rate": share(on_time, with_promise), "exceptions": exc,
            "exception_rate": share(exc, n), "returns": ret, "return_rate": share(ret, n)}
    hours = rounded(seconds_between(conn.dialect.name, sh.c.shipped_at, sh.c.delivered_at) / 3600.0)
    transit: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for carrier, service, h, n in await conn.execute(
            sa.select(sh.c.carrier, sh.c.service, hours, sa.func.count()).select_from(source)
            .where(*where, delivered, sh.c.shipped_at.is_not(None)).group_by(sh.c.carrier, sh.c.service, hours)):
        transit[(carrier, service)].append((float(h), n))
    for key, row in rows.items():
        p50, p90 = percentiles(transit.get(key, []), (0.5, 0.9))
        row["median_transit_days"] = round(p50 / 24, 2) if p50 is not None else None
        row["p90_transit_days"] = round(p90 / 24, 2) if p90 is not None else None
    tables = [Table("rows", "Carriers and services (shipments planned in the period)",
                    ["carrier", "service", "shipments", "shipped", "delivered", "on_time", "on_time_rate",
                     "median_transit_days", "p90_transit_days", "exceptions", "exception_rate", "returns",
                     "return_rate"], [rows[k] for k in sorted(rows)]),
              await _money(conn, source, where)]
    chart = Chart("bars", "rows", "carrier", "shipments", "Shipments per carrier and service", "shipments",
                  series="service")
    return Report("carriers", "Carriers", params, tables, chart)


async def _money(conn: Any, source: Any, where: list[Any]) -> Table:
    """Shipping charged against label cost, per carrier, service and the order's currency."""
    rate_currency = sh.c.choice[("chosen", "rate", "currency")].as_string()
    cost = money.minor_sql(sh.c.choice[("chosen", "rate", "price")].as_string(), money.scale_sql(f.c.currency))
    same = rate_currency == f.c.currency
    result = await conn.execute(
        sa.select(sh.c.carrier, sh.c.service, f.c.currency, sa.func.count(),
                  sa.func.coalesce(sa.func.sum(f.c.shipping), 0),
                  sa.func.coalesce(sa.func.sum(cost).filter(same), 0), sa.func.count().filter(sa.not_(same)))
        .select_from(source.join(f, f.c.order_id == sh.c.order_id)).where(*where, f.c.cancelled == sa.false())
        .group_by(sh.c.carrier, sh.c.service, f.c.currency).order_by(sh.c.carrier, sh.c.service, f.c.currency))
    rows = []
    for carrier, service, cur, n, charged, label, other in result:
        rows.append({"carrier": carrier, "service": service, "currency": cur, "shipments": n,
                     "charged": money.text(charged, cur), "label_cost": money.text(label, cur),
                     "margin": money.text(charged - label, cur), "cost_other_currency": other})
    return Table("shipping_money", "Shipping charged against label cost (orders not cancelled)",
                 ["carrier", "service", "currency", "shipments", "charged", "label_cost", "margin",
                  "cost_other_currency"], rows)
