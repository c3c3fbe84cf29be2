"""``process``: how orders move through orderhub, from its event log and step runs.

- ``steps``: per chain step, runs, p50/p95/p99 of its time per order and its outcomes
  (continue, hold, retry, error_held, error_skipped), for runs started in the period;
- ``stages``: time from an order first reaching one state to first reaching the next (received →
  validated → reserved → ready_to_ship → shipped → delivered), median and p90, for orders
  created in the period that reached both;
- ``throughput`` (the main table): per period, orders created, and moves to ready to ship and to
  shipped made in it (an order held and released counts each time it moves), and moves to ready
  to ship per hour;
- ``sla``: per store with ``ship_within`` (``[plugins.reports] ship_within = "24h"``, or per
  store under ``[plugins.reports.stores.NAME]``): orders created in the period, not cancelled,
  that are due (shipped, or older than the limit) and those shipped late or not yet shipped past it;
- ``first_pass``: of the orders created in the period that left ``received``, those never held,
  never quarantined (same store and external id) and never re-run (no step run that retried or
  failed): the first-pass yield;
- ``hold_reasons`` and ``quarantine_errors``: Pareto of review reasons and quarantine error codes
  of the period, with cumulative shares;
- ``backlog``: orders not finished (as of the refresh that preceded the report) (received to ready_to_ship, on hold, exception), by state
  and age since created.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables

from .model import Chart, Params, Report, Table
from .periods import SLOT, Fold, periods, window, zone
from .rollups import MOVES, PAIRS, Span, flow_counts, stage_spans
from .settings import Settings
from .stats import bucket_sql, duration_text, percentiles, seconds_between, share
from .tables import FLOW_FIGURES, flow_days, move_slots, order_flow, sales_slots, stage_days, step_days

o, ev, sr, fl = core_tables.orders, core_tables.order_events, core_tables.step_runs, order_flow
OUTCOMES = ("continue", "hold", "retry", "error_held", "error_skipped")
OPEN = ("received", "validated", "reserved", "ready_to_ship", "on_hold", "exception")
AGES = (("<1h", timedelta(hours=1)), ("1-4h", timedelta(hours=4)), ("4-24h", timedelta(hours=24)),
        ("1-3d", timedelta(days=3)), (">3d", None))


class _Scope:
    def __init__(self, p: Params) -> None:
        self.p = p
        self.start, self.end = window(p.first, p.last, zone(p.tz))
        self.span = Span.of(self.start, self.end)

    def where(self, table: Any = o) -> list[Any]:
        """The store and channel asked for, on any table with both columns."""
        out = []
        if self.p.store:
            out.append(table.c.store == self.p.store)
        if self.p.channel:
            out.append(table.c.channel == self.p.channel)
        return out


async def process(conn: Any, params: Params, settings: Settings | None = None) -> Report:
    scope, dialect = _Scope(params), conn.dialect.name
    tables = [await _throughput(conn, scope), await _steps(conn, scope), await _stages(conn, scope, dialect),
              await _sla(conn, scope, dialect, settings or Settings()), await _first_pass(conn, scope),
              await _pareto_holds(conn, scope), await _pareto_quarantine(conn, scope), await _backlog(conn, scope)]
    chart = Chart("lines", "throughput", "period", ("created", "ready_to_ship", "shipped"),
                  f"Orders created, ready to ship and shipped per {params.by}", "orders")
    return Report("process", "Order process", params, tables, chart,
                  notes=["Percentiles are nearest-rank over times rounded to three significant digits "
                         "(1.23 ms, 14.6 s, 2,590 s): within 0.5 % of the exact value."])


async def _throughput(conn: Any, scope: _Scope) -> Table:
    spans = periods(scope.p.first, scope.p.last, scope.p.by, zone(scope.p.tz))
    fold, span = Fold(spans), scope.span
    counts: dict[str, list[int]] = {p.label: [0, 0, 0] for p in spans}
    per = sa.literal_column(str(fold.size // SLOT))
    t = sales_slots
    for at, n in await conn.execute(sa.select(t.c.slot // per, sa.func.sum(t.c.orders))
                                    .where(t.c.slot >= span.start, t.c.slot < span.end, *scope.where(t))
                                    .group_by(t.c.slot // per)):
        if (period := fold(at)) is not None:
            counts[period][0] += int(n)
    m = move_slots
    for at, status, n in await conn.execute(sa.select(m.c.slot // per, m.c.to_status, sa.func.sum(m.c.moves))
                                            .where(m.c.slot >= span.start, m.c.slot < span.end, *scope.where(m))
                                            .group_by(m.c.slot // per, m.c.to_status)):
        if (period := fold(at)) is not None:
            counts[period][1 + MOVES.index(status)] += int(n)
    rows = []
    for p in spans:
        created, ready, shipped = counts[p.label]
        hours = (p.end - p.start).total_seconds() / 3600
        rows.append({"period": p.label, "created": created, "ready_to_ship": ready, "shipped": shipped,
                     "ready_per_hour": str(Decimal(ready / hours).quantize(Decimal("0.01")))})
    return Table("throughput", "Throughput per period (orders created; moves to ready to ship and to shipped)",
                 ["period", "created", "ready_to_ship", "shipped", "ready_per_hour"], rows)


async def _steps(conn: Any, scope: _Scope) -> Table:
    """Whole days from the day sums, the quarter hours at either end from the step runs."""
    d, dialect = step_days, conn.dialect.name
    edge: Any = sr.join(o, o.c.id == sr.c.order_id) if scope.p.channel else sr
    ms = bucket_sql(sr.c.duration_ms)
    parts = sa.union_all(
        sa.select(d.c.step, d.c.outcome, d.c.ms, d.c.runs).where(scope.span.days(d.c.day), *scope.where(d)),
        sa.select(sr.c.step, sr.c.outcome, ms, sa.func.count()).select_from(edge)
        .where(scope.span.edge_times(dialect, sr.c.started_at),
               *([sr.c.store == scope.p.store] if scope.p.store else []),
               *([o.c.channel == scope.p.channel] if scope.p.channel else []))
        .group_by(sr.c.step, sr.c.outcome, ms)).subquery("runs")
    spread: dict[str, list[tuple[float, int]]] = {}
    outcomes: dict[str, dict[str, int]] = {}
    for step, outcome, v, n in await conn.execute(
            sa.select(parts.c.step, parts.c.outcome, parts.c.ms, sa.func.sum(parts.c.runs))
            .group_by(parts.c.step, parts.c.outcome, parts.c.ms)):
        spread.setdefault(step, []).append((float(v), int(n)))
        by = outcomes.setdefault(step, {})
        by[outcome] = by.get(outcome, 0) + int(n)
    rows = []
    for step in sorted(spread):
        p50, p95, p99 = percentiles(spread[step], (0.5, 0.95, 0.99))
        rows.append({"step": step, "runs": sum(n for _, n in spread[step]), "p50_ms": p50, "p95_ms": p95,
                     "p99_ms": p99, **{k: outcomes.get(step, {}).get(k, 0) for k in OUTCOMES}})
    return Table("steps", "Chain steps: time per order and outcomes (runs started in the period)",
                 ["step", "runs", "p50_ms", "p95_ms", "p99_ms", *OUTCOMES], rows)


async def _stages(conn: Any, scope: _Scope, dialect: str) -> Table:
    d = stage_days
    edges = stage_spans(dialect, scope.span.edge_slots(fl.c.slot), *scope.where(fl))  # the ends, from the orders
    u = sa.union_all(sa.select(d.c.pair, d.c.seconds, d.c.orders).where(scope.span.days(d.c.day), *scope.where(d)),
                     sa.select(edges.c.pair, edges.c.seconds, sa.literal(1))).subquery("spans")
    spread: dict[int, list[tuple[float, int]]] = {}
    for pair, v, n in await conn.execute(sa.select(u.c.pair, u.c.seconds, sa.func.sum(u.c.orders))
                                         .group_by(u.c.pair, u.c.seconds)):
        spread.setdefault(int(pair), []).append((float(v), int(n)))
    rows = []
    for i, (a, b) in enumerate(PAIRS):
        pairs = spread.get(i, [])
        p50, p90 = percentiles(pairs, (0.5, 0.9))
        rows.append({"from": a, "to": b, "orders": sum(n for _, n in pairs), "median_s": p50, "p90_s": p90,
                     "median": duration_text(p50), "p90": duration_text(p90)})
    return Table("stages", "Time between states, first reached (orders created in the period)",
                 ["from", "to", "orders", "median", "p90", "median_s", "p90_s"], rows)


async def _sla(conn: Any, scope: _Scope, dialect: str, settings: Settings) -> Table:
    now = datetime.now(UTC)
    created = [fl.c.slot >= scope.span.start, fl.c.slot < scope.span.end, *scope.where(fl)]
    stores = [r[0] for r in await conn.execute(sa.select(sales_slots.c.store).distinct()
                                                .where(sales_slots.c.slot >= scope.span.start,
                                                       sales_slots.c.slot < scope.span.end, *scope.where(sales_slots))
                                                .order_by(sales_slots.c.store))]
    rows = []
    for store in stores:
        limit = settings.ship_within_for(store)
        if limit is None:
            continue
        shipped = fl.c.shipped_at
        late = seconds_between(dialect, fl.c.created_at, shipped) > limit
        overdue = fl.c.created_at <= now - timedelta(seconds=limit)
        due = sa.or_(shipped.is_not(None), overdue)
        breached = sa.or_(sa.and_(shipped.is_not(None), late), sa.and_(shipped.is_(None), overdue))
        n_due, n_breached = (await conn.execute(
            sa.select(sa.func.count().filter(due), sa.func.count().filter(breached))
            .where(*created, fl.c.store == store, fl.c.status != "cancelled"))).one()
        rows.append({"store": store, "ship_within_s": limit, "due": n_due, "breached": n_breached,
                     "breach_rate": share(n_breached, n_due)})
    return Table("sla", "Shipping SLA (orders due: shipped, or older than the limit)",
                 ["store", "ship_within_s", "due", "breached", "breach_rate"], rows)


async def _first_pass(conn: Any, scope: _Scope) -> Table:
    d = flow_days
    parts = sa.union_all(
        sa.select(*(d.c[k] for k in FLOW_FIGURES)).where(scope.span.days(d.c.day), *scope.where(d)),
        sa.select(*(c.label(k) for c, k in zip(flow_counts(), FLOW_FIGURES)))
        .where(scope.span.edge_slots(fl.c.slot), *scope.where(fl))).subquery("flow")
    n, done, h, qu, re, clean = (int(v or 0) for v in (await conn.execute(
        sa.select(*(sa.func.sum(parts.c[k]) for k in FLOW_FIGURES)))).one())
    return Table("first_pass", "First-pass yield (of the orders that left received)",
                 ["orders", "processed", "held", "quarantined", "rerun", "first_pass", "yield"],
                 [{"orders": n, "processed": done, "held": h, "quarantined": qu, "rerun": re, "first_pass": clean,
                   "yield": share(clean, done)}])


def _pareto(name: str, title: str, key: str, counts: dict[str, int]) -> Table:
    total, running, rows = sum(counts.values()), 0, []
    for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += n
        rows.append({key: k, "count": n, "share": share(n, total), "cumulative": share(running, total)})
    return Table(name, title, [key, "count", "share", "cumulative"], rows)


async def _pareto_holds(conn: Any, scope: _Scope) -> Table:
    rv = core_tables.reviews
    where = [rv.c.created_at >= scope.start, rv.c.created_at < scope.end]
    if scope.p.store:
        where.append(rv.c.store == scope.p.store)
    source: Any = rv
    if scope.p.channel:
        source = rv.join(o, o.c.id == rv.c.order_id)
        where.append(o.c.channel == scope.p.channel)
    counts: dict[str, int] = {}
    for codes, n in await conn.execute(sa.select(rv.c.reason_codes, sa.func.count()).select_from(source)
                                       .where(*where).group_by(rv.c.reason_codes)):
        for code in (codes or "").split() or ["(none)"]:  # a review counts once under each of its reasons
            counts[code] = counts.get(code, 0) + n
    return _pareto("hold_reasons", "Hold reasons, Pareto (reviews opened in the period)", "reason", counts)


async def _pareto_quarantine(conn: Any, scope: _Scope) -> Table:
    q = core_tables.quarantine
    where = [q.c.created_at >= scope.start, q.c.created_at < scope.end]
    if scope.p.store:
        where.append(q.c.store == scope.p.store)
    counts = dict((await conn.execute(sa.select(q.c.error_code, sa.func.count()).where(*where)
                                      .group_by(q.c.error_code))).all())
    return _pareto("quarantine_errors", "Quarantine errors, Pareto (payloads refused in the period)", "error", counts)


async def _backlog(conn: Any, scope: _Scope) -> Table:
    now = datetime.now(UTC)
    whens, older = [], None
    for label, age in AGES:
        if age is not None:
            whens.append((fl.c.created_at > now - age, label))
        else:
            older = label
    bucket = sa.case(*whens, else_=older)
    counts: dict[str, dict[str, int]] = {}
    for status, age, n in await conn.execute(sa.select(fl.c.status, bucket, sa.func.count())
                                             .where(fl.c.status.in_(OPEN), *scope.where(fl))
                                             .group_by(fl.c.status, bucket)):
        counts.setdefault(status, {})[age] = n
    labels = [label for label, _ in AGES]
    rows = [{"status": s, **{a: counts[s].get(a, 0) for a in labels}, "total": sum(counts[s].values())}
            for s in OPEN if s in counts]
    return Table("backlog", "Backlog now, by state and age", ["status", *labels, "total"], rows)
