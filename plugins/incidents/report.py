"""``orderhub report incidents``: how often things went wrong, how fast the hub saw it, how long
until it cleared — per period, and by kind (time to detect: opened − since; to resolve:
resolved − since; medians and p90 by nearest rank, seconds). Registered with ``register_reports``."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from typing import Any

import sqlalchemy as sa

from orderhub.extend import Report, ReportChart, ReportParams, ReportTable, as_utc

from .tables import incidents


def _nearest(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[max(1, math.ceil(q * len(values))) - 1])


async def incidents_report(conn: Any, p: ReportParams, hub: Any = None) -> Report:
    start, end = p.window()
    spans = p.periods()
    starts = [s.start for s in spans]
    per_period = {s.label: Counter() for s in spans}
    kinds: dict[str, dict[str, Any]] = {}
    q = sa.select(incidents.c.kind, incidents.c.subject, incidents.c.since, incidents.c.opened_at,
                  incidents.c.resolved_at, incidents.c.resolved_by).where(incidents.c.opened_at >= start,
                                                                           incidents.c.opened_at < end)
    if p.store:
        q = q.where(incidents.c.subject == p.store)
    for kind, _subject, since, opened, resolved, by in await conn.execute(q):
        opened, since, resolved = as_utc(opened), as_utc(since), as_utc(resolved)
        i = bisect_right(starts, opened) - 1
        if 0 <= i < len(spans) and opened < spans[i].end:
            per_period[spans[i].label][kind] += 1
        k = kinds.setdefault(kind, {"incidents": 0, "open": 0, "by_operator": 0, "detect": [], "resolve": []})
        k["incidents"] += 1
        k["detect"].append((opened - since).total_seconds())
        if resolved is None:
            k["open"] += 1
        else:
            k["resolve"].append((resolved - since).total_seconds())
            k["by_operator"] += str(by or "").startswith("operator")
    seen = sorted({k for c in per_period.values() for k in c}) or ["incidents"]
    main = ReportTable("rows", f"Incidents opened per {p.by}, by kind", ["period", "incidents", *seen],
                       [{"period": label, "incidents": sum(c.values()), **{k: c.get(k, 0) for k in seen}}
                        for label, c in per_period.items()])
    by_kind = [{"kind": kind, "incidents": k["incidents"], "open": k["open"], "closed_by_operator": k["by_operator"],
                "detect_median_s": _nearest(k["detect"], 0.5), "detect_p90_s": _nearest(k["detect"], 0.9),
                "resolve_median_s": _nearest(k["resolve"], 0.5), "resolve_p90_s": _nearest(k["resolve"], 0.9)}
               for kind, k in sorted(kinds.items())]
    cols = ["kind", "incidents", "open", "closed_by_operator", "detect_median_s", "detect_p90_s", "resolve_median_s",
            "resolve_p90_s"]
    tables = [main, ReportTable("by_kind", "By kind: time to detect and to resolve (seconds, nearest rank)", cols,
                                by_kind)]
    chart = ReportChart("bars", "rows", "period", tuple(seen), f"Incidents per {p.by}", "incidents")
    return Report("incidents", "Incidents", p, tables, chart)
