"""``orderhub report feedback``: where complaints come from, to find their root causes.

- ``rows`` (main): per period, the items created then (at the source), by category;
- ``by_sku``, ``by_carrier`` (the carriers of the items' orders' shipments) and ``by_store``: the
  items by category for each, most first;
- ``response``: per priority, items, those responded to and resolved, the time to the first
  response and to resolution (median and p90, from when orderhub received them), and those
  escalated for a missed deadline.

Registered with the ``register_reports`` hook, so the reports plugin renders it like its own.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from typing import Any

import sqlalchemy as sa

from orderhub.extend import (FEEDBACK_CATEGORIES, FEEDBACK_PRIORITIES, Report, ReportChart, ReportParams,
                             ReportTable, as_utc, core_tables)

from .tables import items

TOP = 20


def _where(p: ReportParams) -> list[Any]:
    start, end = p.window()
    out = [items.c.created_at >= start, items.c.created_at < end]
    if p.store:
        out.append(items.c.store == p.store)
    if p.channel:
        out.append(items.c.channel == p.channel)
    return out


def _nearest(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[max(1, math.ceil(q * len(values))) - 1])


def _by(name: str, title: str, key: str, counts: Counter[tuple[str, str]]) -> ReportTable:
    per: dict[str, Counter[str]] = {}
    for (k, category), n in counts.items():
        per.setdefault(k, Counter())[category] += n
    rows = [{key: k, "items": sum(c.values()), **{cat: c.get(cat, 0) for cat in FEEDBACK_CATEGORIES}}
            for k, c in per.items()]
    rows.sort(key=lambda r: (-r["items"], r[key]))
    return ReportTable(name, title, [key, "items", *FEEDBACK_CATEGORIES], rows[:TOP])


async def feedback_report(conn: Any, p: ReportParams, hub: Any = None) -> Report:
    spans = p.periods()
    starts = [s.start for s in spans]
    per_period = {s.label: Counter() for s in spans}
    by_sku: Counter[tuple[str, str]] = Counter()
    by_store: Counter[tuple[str, str]] = Counter()
    order_cats: dict[str, list[str]] = {}
    response: dict[str, dict[str, Any]] = {pr: {"items": 0, "responded": [], "resolved": [], "escalated": 0}
                                           for pr in FEEDBACK_PRIORITIES}
    rows = await conn.execute(sa.select(items.c.created_at, items.c.category, items.c.skus, items.c.store,
                                        items.c.order_id, items.c.priority, items.c.received_at, items.c.responded_at,
                                        items.c.closed_at, items.c.status, items.c.escalated_at).where(*_where(p)))
    for r in rows:
        at = as_utc(r.created_at)
        i = bisect_right(starts, at) - 1
        if 0 <= i < len(spans) and at < spans[i].end:
            per_period[spans[i].label][r.category] += 1
        for sku in r.skus or []:
            by_sku[(sku, r.category)] += 1
        by_store[(r.store or "(none)", r.category)] += 1
        if r.order_id:
            order_cats.setdefault(r.order_id, []).append(r.category)
        x = response.get(r.priority)
        if x is not None:
            x["items"] += 1
            received = as_utc(r.received_at)
            if r.responded_at:
                x["responded"].append((as_utc(r.responded_at) - received).total_seconds())
            if r.status == "resolved" and r.closed_at:
                x["resolved"].append((as_utc(r.closed_at) - received).total_seconds())
            x["escalated"] += r.escalated_at is not None
    by_carrier: Counter[tuple[str, str]] = Counter()
    if order_cats:
        sh = core_tables.shipments
        carriers: dict[str, set[str]] = {}
        ids = list(order_cats)
        for start in range(0, len(ids), 500):
            for oid, carrier in await conn.execute(sa.select(sh.c.order_id, sh.c.carrier)
                                                   .where(sh.c.order_id.in_(ids[start:start + 500]))):
                carriers.setdefault(oid, set()).add(carrier)
        for oid, cats in order_cats.items():
            for carrier in carriers.get(oid, {"(no shipment)"}):
                for category in cats:
                    by_carrier[(carrier, category)] += 1
    main = ReportTable("rows", f"Feedback per {p.by}, by category", ["period", "items", *FEEDBACK_CATEGORIES],
                       [{"period": label, "items": sum(c.values()), **{k: c.get(k, 0) for k in FEEDBACK_CATEGORIES}}
                        for label, c in per_period.items()])
    times = []
    for pr, x in response.items():
        times.append({"priority": pr, "items": x["items"], "responded": len(x["responded"]),
                      "first_response_median_s": _nearest(x["responded"], 0.5),
                      "first_response_p90_s": _nearest(x["responded"], 0.9), "resolved": len(x["resolved"]),
                      "resolution_median_s": _nearest(x["resolved"], 0.5),
                      "resolution_p90_s": _nearest(x["resolved"], 0.9), "escalated": x["escalated"]})
    seen = [k for k in FEEDBACK_CATEGORIES if any(r[k] for r in main.rows)] or ["items"]
    tables = [main, _by("by_sku", "By SKU of the order", "sku", by_sku),
              _by("by_carrier", "By carrier of the order's shipments", "carrier", by_carrier),
              _by("by_store", "By store", "store", by_store),
              ReportTable("response", "Time to first response and to resolution, by priority (seconds, "
                                      "nearest-rank)", list(times[0]), times)]
    chart = ReportChart("lines", "rows", "period", tuple(seen), f"Feedback per {p.by}, by category", "items")
    return Report("feedback", "Feedback", p, tables, chart)
