"""``process``: how orders move through orderhub, from its event log and step runs.

- ``steps``: per chain step, runs, p50/p95/p99 of its time per order (exact to 0.1 ms) and its
  outcomes (continue, hold, retry, error_held, error_skipped), for runs started in the period;
- ``stages``: time from an order first reaching one state to first reaching the next (received →
  validated → reserved → ready_to_ship → shipped → delivered), median and p90, exact to the
  second, for orders created in the period that reached both;
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
- ``backlog``: orders not finished now (received to ready_to_ship, on hold, exception), by state
  and age since created.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables

from .model import Chart, Params, Report, Table
from .settings import Settings
from .periods import Fold, periods, window, zone
from .stats import duration_text, percentiles, rounded, seconds_between, share

o, ev, sr = core_tables.orders, core_tables.order_events, core_tables.step_runs
STAGES = ("received", "validated", "reserved", "ready_to_ship", "shipped", "delivered")
OUTCOMES = ("continue", "hold", "retry", "error_held", "error_skipped")
RERUN = ("retry", "error_held", "error_skipped")
OPEN = ("received", "validated", "reserved", "ready_to_ship", "on_hold", "exception")
AGES = (("<1h", timedelta(hours=1)), ("1-4h", timedelta(hours=4)), ("4-24h", timedelta(hours=24)),
        ("1-3d", timedelta(days=3)), (">3d", None))


class _Scope:
    def __init__(self, p: Params) -> None:
        self.p = p
        self.start, self.end = window(p.first, p.last, zone(p.tz))

    def orders(self) -> list[Any]:
        """Orders created in the period, in the store and channel asked for."""
        return [o.c.created_at >= self.start, o.c.created_at < self.end, *self.where()]

    def where(self) -> list[Any]:
        out = []
        if self.p.store:
            out.append(o.c.store == self.p.store)
        if self.p.channel:
            out.append(o.c.channel == self.p.channel)
        return out


async def process(conn: Any, params: Params, settings: Settings | None = None) -> Report:
    scope, dialect = _Scope(params), conn.dialect.name
    tables = [await _throughput(conn, scope), await _steps(conn, scope), await _stages(conn, scope, dialect),
              await _sla(conn, scope, dialect, settings or Settings()), await _first_pass(conn, scope),
              await _pareto_holds(conn, scope), await _pareto_quarantine(conn, scope), await _backlog(conn, scope)]
    chart = Chart("lines", "throughput", "period", ("created", "ready_to_ship", "shipped"),
                  f"Orders created, ready to ship and shipped per {params.by}", "orders")
    return Report("process", "Order process", params, tables, chart,
                  notes=["Percentiles are nearest-rank, exact to 0.1 ms (steps) and one second (stages)."])


async def _throughput(conn: Any, scope: _Scope) -> Table:
    spans = periods(scope.p.first, scope.p.last, scope.p.by, zone(scope.p.tz))
    fold, dialect = Fold(spans), conn.dialect.name
    counts: dict[str, list[int]] = {p.label: [0, 0, 0] for p in spans}
    slot = fold.sql(o.c.created_at, dialect)
    for at, n in await conn.execute(sa.select(slot, sa.func.count()).where(*scope.orders()).group_by(slot)):
        if (period := fold(at)) is not None:
            counts[period][0] += n
    moved = (ev.c.to_status == "ready_to_ship", ev.c.to_status == "shipped")
    slot = fold.sql(ev.c.at, dialect)
    source: Any = ev.join(o, o.c.id == ev.c.order_id) if scope.where() else ev
    for at, ready, shipped in await conn.execute(
            sa.select(slot, sa.func.count().filter(moved[0]), sa.func.count().filter(moved[1])).select_from(source)
            .where(ev.c.at >= scope.start, ev.c.at < scope.end, sa.or_(*moved), *scope.where()).group_by(slot)):
        if (period := fold(at)) is not None:
            counts[period][1] += ready
            counts[period][2] += shipped
    rows = []
    for p in spans:
        created, ready, shipped = counts[p.label]
        hours = (p.end - p.start).total_seconds() / 3600
        rows.append({"period": p.label, "created": created, "ready_to_ship": ready, "shipped": shipped,
                     "ready_per_hour": str(Decimal(ready / hours).quantize(Decimal("0.01")))})
    return Table("throughput", "Throughput per period (orders created; moves to ready to ship and to shipped)",
                 ["period", "created", "ready_to_ship", "shipped", "ready_per_hour"], rows)


async def _steps(conn: Any, scope: _Scope) -> Table:
    where = [sr.c.started_at >= scope.start, sr.c.started_at < scope.end]
    source: Any = sr
    if scope.p.channel:
        source = sr.join(o, o.c.id == sr.c.order_id)
        where.append(o.c.channel == scope.p.channel)
    if scope.p.store:
        where.append(sr.c.store == scope.p.store)
    value = rounded(sr.c.duration_ms, 1)
    spread: dict[str, list[tuple[float, int]]] = {}
    for step, v, n in await conn.execute(sa.select(sr.c.step, value, sa.func.count()).select_from(source)
                                         .where(*where).group_by(sr.c.step, value)):
        spread.setdefault(step, []).append((float(v), n))
    outcomes: dict[str, dict[str, int]] = {}
    for step, outcome, n in await conn.execute(sa.select(sr.c.step, sr.c.outcome, sa.func.count()).select_from(source)
                                               .where(*where).group_by(sr.c.step, sr.c.outcome)):
        outcomes.setdefault(step, {})[outcome] = n
    rows = []
    for step in sorted(spread):
        p50, p95, p99 = percentiles(spread[step], (0.5, 0.95, 0.99))
        rows.append({"step": step, "runs": sum(n for _, n in spread[step]), "p50_ms": p50, "p95_ms": p95,
                     "p99_ms": p99, **{k: outcomes.get(step, {}).get(k, 0) for k in OUTCOMES}})
    return Table("steps", "Chain steps: time per order and outcomes (runs started in the period)",
                 ["step", "runs", "p50_ms", "p95_ms", "p99_ms", *OUTCOMES], rows)


PAIRS = (*zip(STAGES, STAGES[1:]), ("received", "ready_to_ship"), ("received", "delivered"))


def _first_reached(scope: _Scope) -> Any:
    """Per order created in the period: when it first reached each state (read once, for every pair)."""
    return (sa.select(ev.c.order_id, *(sa.func.min(ev.c.at).filter(ev.c.to_status == s).label(s) for s in STAGES))
            .select_from(ev.join(o, o.c.id == ev.c.order_id)).where(*scope.orders(), ev.c.to_status.in_(STAGES))
            .group_by(ev.c.order_id).cte("reached").prefix_with("MATERIALIZED"))


async def _stages(conn: Any, scope: _Scope, dialect: str) -> Table:
    reached = _first_reached(scope)
    parts = []
    for i, (a, b) in enumerate(PAIRS):
        secs = rounded(seconds_between(dialect, reached.c[a], reached.c[b]))
        parts.append(sa.select(sa.literal_column(str(i)).label("pair"), secs.label("secs"), sa.func.count())
                     .where(reached.c[a].is_not(None), reached.c[b].is_not(None)).group_by(secs))
    spread: dict[int, list[tuple[float, int]]] = {}
    for pair, v, n in await conn.execute(sa.union_all(*parts)):
        spread.setdefault(int(pair), []).append((float(v), n))
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
    stores = [r[0] for r in await conn.execute(sa.select(o.c.store).where(*scope.orders()).distinct()
                                                .order_by(o.c.store))]
    shipped = (sa.select(ev.c.order_id, sa.func.min(ev.c.at).label("at")).where(ev.c.to_status == "shipped")
               .group_by(ev.c.order_id).subquery("shipped"))
    rows = []
    for store in stores:
        limit = settings.ship_within_for(store)
        if limit is None:
            continue
        late = seconds_between(dialect, o.c.created_at, shipped.c.at) > limit
        overdue = o.c.created_at <= now - timedelta(seconds=limit)
        due = sa.or_(shipped.c.at.is_not(None), overdue)
        breached = sa.or_(sa.and_(shipped.c.at.is_not(None), late), sa.and_(shipped.c.at.is_(None), overdue))
        n_due, n_breached = (await conn.execute(
            sa.select(sa.func.count().filter(due), sa.func.count().filter(breached))
            .select_from(o.outerjoin(shipped, shipped.c.order_id == o.c.id))
            .where(*scope.orders(), o.c.store == store, o.c.status != "cancelled"))).one()
        rows.append({"store": store, "ship_within_s": limit, "due": n_due, "breached": n_breached,
                     "breach_rate": share(n_breached, n_due)})
    return Table("sla", "Shipping SLA (orders due: shipped, or older than the limit)",
                 ["store", "ship_within_s", "due", "breached", "breach_rate"], rows)


async def _first_pass(conn: Any, scope: _Scope) -> Table:
    q = core_tables.quarantine
    processed = o.c.status != "received"
    held = sa.exists().where(ev.c.order_id == o.c.id, ev.c.to_status == "on_hold")
    quarantined = sa.exists().where(q.c.store == o.c.store, q.c.external_id == o.c.external_id)
    rerun = sa.exists().where(sr.c.order_id == o.c.id, sr.c.outcome.in_(RERUN))
    n, done, h, qu, re, clean = (await conn.execute(sa.select(
        sa.func.count(), sa.func.count().filter(processed), sa.func.count().filter(processed, held),
        sa.func.count().filter(processed, quarantined), sa.func.count().filter(processed, rerun),
        sa.func.count().filter(processed, ~held, ~quarantined, ~rerun)).where(*scope.orders()))).one()
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
            whens.append((o.c.created_at > now - age, label))
        else:
            older = label
    bucket = sa.case(*whens, else_=older)
    counts: dict[str, dict[str, int]] = {}
    for status, age, n in await conn.execute(sa.select(o.c.status, bucket, sa.func.count())
                                             .where(o.c.status.in_(OPEN), *scope.where())
                                             .group_by(o.c.status, bucket)):
        counts.setdefault(status, {})[age] = n
    labels = [label for label, _ in AGES]
    rows = [{"status": s, **{a: counts[s].get(a, 0) for a in labels}, "total": sum(counts[s].values())}
            for s in OPEN if s in counts]
    return Table("backlog", "Backlog now, by state and age", ["status", *labels, "total"], rows)
