"""``operators``: who decided what in the review queue and in quarantine, how fast, and how often
it held. Figures per operator, not a ranking (rows are sorted by name).

- ``decisions`` (the main table): per operator, queue (the step that held the order, or
  ``quarantine``) and kind (approve, reject, replay, drop), decisions made in the period, the median
  and p90 handling time (from the hold or the quarantine to the decision, exact to the second) and
  reversals: an approved order later cancelled, returned or held again; a rejected order that
  shipped all the same; a replayed payload quarantined again;
- ``totals``: per operator, all decisions and reversals and the reversal rate.

Operators are named as they gave their name (``--operator``, the admin API's ``operator``); a
drop's reason, stored after the name, is left out.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables

from .model import Chart, Params, Report, Table
from .periods import window, zone
from .stats import duration_text, percentiles, rounded, seconds_between, share

o, rv, q = core_tables.orders, core_tables.reviews, core_tables.quarantine
KIND = {"approved": "approve", "rejected": "reject", "replayed": "replay", "dropped": "drop"}


def _who(resolved_by: str | None) -> str:
    return (resolved_by or "unknown").split(": ", 1)[0]


async def operators(conn: Any, params: Params, settings: Any = None) -> Report:
    start, end = window(params.first, params.last, zone(params.tz))
    dialect = conn.dialect.name
    # (operator, queue, kind) -> [(seconds, count)], and -> reversals
    spread: dict[tuple[str, str, str], list[tuple[float, int]]] = defaultdict(list)
    reversals: dict[tuple[str, str, str], int] = defaultdict(int)

    later = rv.alias("later")
    held_again = sa.exists().where(later.c.order_id == rv.c.order_id, later.c.created_at > rv.c.resolved_at)
    reversed_ = sa.or_(sa.and_(rv.c.resolution == "approved", sa.or_(o.c.status.in_(("cancelled", "returned")),
                                                                     held_again)),
                       sa.and_(rv.c.resolution == "rejected", o.c.status.in_(("shipped", "delivered"))))
    where = [rv.c.resolved_at >= start, rv.c.resolved_at < end, rv.c.resolution.in_(("approved", "rejected"))]
    if params.store:
        where.append(rv.c.store == params.store)
    if params.channel:
        where.append(o.c.channel == params.channel)
    secs = rounded(seconds_between(dialect, rv.c.created_at, rv.c.resolved_at))
    result = await conn.execute(
        sa.select(rv.c.operator, rv.c.step, rv.c.resolution, secs, sa.func.count(),
                  sa.func.count().filter(reversed_))
        .select_from(rv.join(o, o.c.id == rv.c.order_id)).where(*where)
        .group_by(rv.c.operator, rv.c.step, rv.c.resolution, secs))
    for operator, step, resolution, s, n, rev in result:
        key = (operator or "unknown", step, KIND[resolution])
        spread[key].append((float(s), n))
        reversals[key] += rev

    again = q.alias("again")
    requarantined = sa.exists().where(again.c.store == q.c.store, again.c.external_id == q.c.external_id,
                                      again.c.created_at > q.c.updated_at)
    where = [q.c.updated_at >= start, q.c.updated_at < end, q.c.status.in_(("replayed", "dropped"))]
    if params.store:
        where.append(q.c.store == params.store)
    secs = rounded(seconds_between(dialect, q.c.created_at, q.c.updated_at))
    result = await conn.execute(
        sa.select(q.c.resolved_by, q.c.status, secs, sa.func.count(),
                  sa.func.count().filter(sa.and_(q.c.status == "replayed", requarantined)))
        .where(*where).group_by(q.c.resolved_by, q.c.status, secs))
    for by, status, s, n, rev in result:
        key = (_who(by), "quarantine", KIND[status])
        spread[key].append((float(s), n))
        reversals[key] += rev

    rows, totals = [], defaultdict(lambda: [0, 0])
    for key in sorted(spread):
        operator, queue, kind = key
        median, p90 = percentiles(spread[key], (0.5, 0.9))
        n = sum(c for _, c in spread[key])
        rows.append({"operator": operator, "queue": queue, "kind": kind, "decisions": n,
                     "median": duration_text(median), "p90": duration_text(p90), "median_s": median, "p90_s": p90,
                     "reversals": reversals[key]})
        totals[operator][0] += n
        totals[operator][1] += reversals[key]
    total_rows = [{"operator": op, "decisions": n, "reversals": r, "reversal_rate": share(r, n)}
                  for op, (n, r) in sorted(totals.items())]
    tables = [Table("decisions", "Decisions per operator, queue and kind (made in the period)",
                    ["operator", "queue", "kind", "decisions", "median", "p90", "reversals", "median_s", "p90_s"],
                    rows),
              Table("totals", "Per operator", ["operator", "decisions", "reversals", "reversal_rate"], total_rows)]
    chart = Chart("bars", "totals", "operator", "decisions", "Decisions per operator", "decisions")
    return Report("operators", "Operators", params, tables, chart,
                  notes=["Handling time: from the hold or the quarantine to the decision (nearest-rank "
                         "percentiles, exact to the second)."])
