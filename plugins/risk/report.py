"""``orderhub report risk``: what the risk step held, what became of it, and which signals earn
their points.

- ``rows`` (main): per period of the orders' creation, orders scored, held for review and as high
  risk, released by an operator, rejected, confirmed fraud (a fraud or chargeback outcome), and
  the precision of holding: confirmed fraud among the held orders whose outcome is known;
- ``by_signal``: per signal, the orders it fired on, how many of them were held, confirmed
  fraud, and marked good — a signal whose orders are rarely fraud is one to turn down;
- ``missed``: fraud outcomes on orders the step let through, by the signals they did fire.

Registered with the ``register_reports`` hook, so the reports plugin renders it like its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Any

import sqlalchemy as sa

from orderhub.extend import Report, ReportChart, ReportParams, ReportTable, as_utc, core_tables

from .outcomes import BAD
from .tables import outcomes, scores

HELD = ("review", "high")


async def risk_report(conn: Any, p: ReportParams, hub: Any = None) -> Report:
    o, rv = core_tables.orders, core_tables.reviews
    start, end = p.window()
    spans = p.periods()
    starts = [s.start for s in spans]
    decided = (sa.select(rv.c.order_id, sa.func.max(rv.c.resolution).label("resolution"))
               .where(sa.or_(rv.c.reason_codes.like("%risk_review%"), rv.c.reason_codes.like("%risk_high%")))
               .group_by(rv.c.order_id).subquery())
    q = (sa.select(o.c.created_at, scores.c.level, scores.c.signals, outcomes.c.outcome, decided.c.resolution)
         .select_from(scores.join(o, o.c.id == scores.c.order_id)
                      .outerjoin(outcomes, outcomes.c.order_id == scores.c.order_id)
                      .outerjoin(decided, decided.c.order_id == scores.c.order_id))
         .where(o.c.created_at >= start, o.c.created_at < end))
    if p.store:
        q = q.where(o.c.store == p.store)
    if p.channel:
        q = q.where(o.c.channel == p.channel)
    per = {s.label: Counter() for s in spans}
    sig: dict[str, Counter[str]] = {}
    missed: Counter[str] = Counter()
    for created, level, signals, outcome, resolution in await conn.execute(q):
        at = as_utc(created)
        i = bisect_right(starts, at) - 1
        if not (0 <= i < len(spans) and at < spans[i].end):
            continue
        c = per[spans[i].label]
        held, bad = level in HELD, outcome in BAD
        c["scored"] += 1
        c["held_review"] += level == "review"
        c["held_high"] += level == "high"
        c["released"] += resolution == "approved"
        c["rejected"] += resolution == "rejected"
        c["fraud"] += bad
        c["held_known"] += held and outcome is not None
        c["held_fraud"] += held and bad
        names = [s["name"] for s in signals or []]
        for name in names:
            k = sig.setdefault(name, Counter())
            k["orders"] += 1
            k["held"] += held
            k["fraud"] += bad
            k["good"] += outcome == "legit"
        if bad and not held:
            for name in names or ["(no signal)"]:
                missed[name] += 1
    rows = [{"period": label, "scored": c["scored"], "held_review": c["held_review"], "held_high": c["held_high"],
             "released": c["released"], "rejected": c["rejected"], "confirmed_fraud": c["fraud"],
             "hold_precision": round(c["held_fraud"] / c["held_known"], 3) if c["held_known"] else None}
            for label, c in per.items()]
    by_signal = sorted(({"signal": name, "orders": k["orders"], "held": k["held"], "fraud": k["fraud"],
                         "marked_good": k["good"],
                         "fraud_share": round(k["fraud"] / k["orders"], 3) if k["orders"] else None}
                        for name, k in sig.items()), key=lambda r: (-r["orders"], r["signal"]))
    tables = [ReportTable("rows", f"Risk per {p.by}: held, released, confirmed fraud", list(rows[0]) if rows else
                          ["period"], rows),
              ReportTable("by_signal", "By signal: the orders it fired on and what became of them",
                          ["signal", "orders", "held", "fraud", "marked_good", "fraud_share"], by_signal),
              ReportTable("missed", "Fraud let through, by the signals it did fire", ["signal", "orders"],
                          [{"signal": k, "orders": n} for k, n in missed.most_common()])]
    chart = ReportChart("lines", "rows", "period", ("held_review", "held_high", "confirmed_fraud"),
                        f"Risk holds per {p.by}", "orders")
    return Report("risk", "Risk", p, tables, chart)
