"""The sums the reports read (:mod:`.tables`), kept in step with the facts, and the windows read
from them.

Sums of the facts (sales, places, SKUs, times between states, first-pass counts) are kept by
difference: a refresh takes the changed orders' old facts off and adds their new ones
(:func:`add_facts`), so its work follows what changed, not when. Sums of the event log and the
step runs (moves, step times), which only grow and at the time they are written, are counted again
for the quarter hours (``reports_dirty_slots``) and days that grew (:func:`recount_logs`). All in
SQL: nothing passes through Python, the first build included.

Reading: a report's window is local days, so its bounds fall on quarter hours. Per-slot sums
cover it exactly; per-day sums cover its whole UTC days, and the quarter hours at either end of a
window in another time zone are added up from the facts themselves (:class:`Span`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from orderhub.extend import core_tables, dialect_insert

from .periods import SLOT, slot_sql
from .stats import bucket_sql, seconds_between
from .tables import (FLOW_FIGURES, dirty_orders, dirty_slots, flow_days, line_facts, move_slots, order_facts,
                     order_flow, place_days, sales_slots, sku_days, stage_days, step_days)

DAY = 86400 // SLOT  # slots in a day
STAGES = ("received", "validated", "reserved", "ready_to_ship", "shipped", "delivered")
#: The times between states the process report gives: each state to the next, and two spans.
PAIRS = (*zip(STAGES, STAGES[1:]), ("received", "ready_to_ship"), ("received", "delivered"))
MOVES = ("ready_to_ship", "shipped")
RERUN = ("retry", "error_held", "error_skipped")

ev, sr, orders = core_tables.order_events, core_tables.step_runs, core_tables.orders


def instant_sql(dialect: str, seconds: Any) -> Any:
    """The UTC instant ``seconds`` after the epoch, comparable with a stored time column (SQLite
    keeps times as ``YYYY-MM-DD HH:MM:SS.ffffff`` text, which sorts after its own second)."""
    if dialect == "sqlite":
        return sa.func.datetime(seconds, sa.literal_column("'unixepoch'"))
    return sa.func.to_timestamp(seconds)


def slot_of(dialect: str, column: Any) -> Any:
    """The quarter hour of UTC a time column falls in, in SQL."""
    return slot_sql(column, dialect, SLOT)


def _in_slots(dialect: str, column: Any, slot: Any, length: int = 1) -> Any:
    """``column`` within the ``length`` quarter hours from ``slot`` (an index range, not a function
    of every row)."""
    return sa.and_(column >= instant_sql(dialect, slot * SLOT), column < instant_sql(dialect, (slot + length) * SLOT))


def dirty_days() -> Any:
    return sa.select((dirty_slots.c.slot // DAY).label("day")).distinct().subquery("dirty_days")


def _money(column: Any, *where: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(column).filter(*where), 0) if where else sa.func.coalesce(sa.func.sum(column), 0)


# --- sums of the facts: kept by difference -------------------------------------------------------
#
# Each fact row adds to exactly one row of each of these sums, so a refresh takes the dirty orders'
# old facts off (``sign`` −1) before it rewrites them, and adds the new ones (+1): the work is in
# proportion to what changed, wherever in time it lies.


def _sales(f: Any = order_facts) -> Any:
    kept, cancelled = f.c.cancelled == sa.false(), f.c.cancelled == sa.true()
    return sa.select(
        f.c.slot, f.c.store, f.c.channel, f.c.currency,
        sa.func.count(), sa.func.count().filter(cancelled), sa.func.count().filter(kept), _money(f.c.units, kept),
        *(_money(getattr(f.c, m), kept) for m in ("gross", "discounts", "shipping", "tax", "refunds")),
        sa.func.count().filter(f.c.created_at <= f.c.customer_first_at),
        sa.func.count().filter(f.c.created_at > f.c.customer_first_at),
        sa.func.count().filter(f.c.customer.is_(None)),
        sa.func.count().filter(kept, f.c.refunds > 0),
    ).group_by(f.c.slot, f.c.store, f.c.channel, f.c.currency)


def _places(f: Any = order_facts) -> Any:
    kept = f.c.cancelled == sa.false()
    day = (f.c.slot // DAY).label("day")
    country, region = sa.func.coalesce(f.c.country, ""), sa.func.coalesce(f.c.region, "")
    return sa.select(
        day, f.c.store, f.c.channel, country, region, f.c.currency, sa.func.count(), sa.func.count().filter(kept),
        _money(f.c.units, kept), _money(f.c.gross, kept), _money(f.c.refunds, kept),
    ).group_by(day, f.c.store, f.c.channel, country, region, f.c.currency)


def _skus(ln: Any = line_facts) -> Any:
    day = (ln.c.slot // DAY).label("day")
    sku = sa.func.coalesce(ln.c.sku, "")
    return sa.select(
        day, ln.c.store, ln.c.channel, sku, ln.c.currency, sa.func.max(ln.c.title), _money(ln.c.quantity),
        _money(ln.c.revenue),
    ).where(ln.c.cancelled == sa.false()).group_by(day, ln.c.store, ln.c.channel, sku, ln.c.currency)


def stage_spans(dialect: str, *where: Any) -> Any:
    """Per ``order_flow`` row ``where`` picks and pair of states it reached both of: the day it was
    created, its store and channel, the pair and the seconds between, rounded."""
    fl = order_flow
    parts = []
    for i, (a, b) in enumerate(PAIRS):
        start, end = fl.c[f"{a}_at"], fl.c[f"{b}_at"]
        secs = bucket_sql(seconds_between(dialect, start, end), integer=True)
        parts.append(sa.select((fl.c.slot // DAY).label("day"), fl.c.store, fl.c.channel,
                               sa.literal_column(str(i)).label("pair"), secs.label("seconds"))
                     .where(start.is_not(None), end.is_not(None), *where))
    return sa.union_all(*parts).subquery("spans")


def _stages(dialect: str, *where: Any) -> Any:
    spans = stage_spans(dialect, *where)
    return sa.select(spans.c.day, spans.c.store, spans.c.channel, spans.c.pair, spans.c.seconds, sa.func.count()) \
        .group_by(spans.c.day, spans.c.store, spans.c.channel, spans.c.pair, spans.c.seconds)


def _flow(fl: Any = order_flow) -> Any:
    day = (fl.c.slot // DAY).label("day")
    return sa.select(day, fl.c.store, fl.c.channel, *flow_counts()).group_by(day, fl.c.store, fl.c.channel)


async def add_facts(conn: Any, sign: int) -> None:
    """Add (``sign`` 1) or take off (−1) the facts of the dirty orders, in every sum kept by
    difference; with −1, rows left at zero are deleted."""
    dialect = conn.dialect.name
    dirty = sa.select(dirty_orders.c.order_id)
    sums = ((sales_slots, _sales().where(order_facts.c.order_id.in_(dirty)), "orders"),
            (place_days, _places().where(order_facts.c.order_id.in_(dirty)), "orders"),
            (sku_days, _skus().where(line_facts.c.order_id.in_(dirty)), "units"),
            (stage_days, _stages(dialect, order_flow.c.order_id.in_(dirty)), "orders"),
            (flow_days, _flow().where(order_flow.c.order_id.in_(dirty)), "orders"))
    for table, select, count in sums:
        names = [c.name for c in table.c]
        keys = [c.name for c in table.primary_key.columns]
        delta = select.subquery("delta")
        signed = sa.select(*(col if name in keys or name == "title" else col * sign
                             for col, name in zip(delta.c, names))).where(sa.true())  # SQLite: a WHERE before ON
        stmt = dialect_insert(conn, table).from_select(names, signed)
        updates = {name: table.c[name] + stmt.excluded[name] for name in names if name not in keys and name != "title"}
        if "title" in names:
            updates["title"] = sa.func.coalesce(stmt.excluded.title, table.c.title)
        await conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates))
        if sign < 0:
            await conn.execute(table.delete().where(table.c[count] == 0))


# --- sums of the logs: counted again where they grew -----------------------------------------------


async def recount_logs(conn: Any) -> None:
    """Count the moves of every dirty quarter hour, and the step runs of every dirty day, again:
    the event log and the step runs only grow, at the time they are written."""
    dialect = conn.dialect.name
    slots = sa.select(dirty_slots.c.slot)
    await conn.execute(move_slots.delete().where(move_slots.c.slot.in_(slots)))
    days = dirty_days()
    await conn.execute(step_days.delete().where(step_days.c.day.in_(sa.select(days.c.day))))
    moved = sa.select(dirty_slots.c.slot).subquery("moved")
    await conn.execute(move_slots.insert().from_select(["slot", "store", "channel", "to_status", "moves"], sa.select(
        moved.c.slot, orders.c.store, orders.c.channel, ev.c.to_status, sa.func.count(),
    ).select_from(moved.join(ev, _in_slots(dialect, ev.c.at, moved.c.slot)).join(orders, orders.c.id == ev.c.order_id))
        .where(ev.c.to_status.in_(MOVES)).group_by(moved.c.slot, orders.c.store, orders.c.channel, ev.c.to_status)))
    day = days.c.day
    ms = bucket_sql(sr.c.duration_ms)
    await conn.execute(step_days.insert().from_select([c.name for c in step_days.c], sa.select(
        day, sr.c.store, orders.c.channel, sr.c.step, sr.c.outcome, ms, sa.func.count(),
    ).select_from(days.join(sr, _in_slots(dialect, sr.c.started_at, day * DAY, DAY))
                  .join(orders, orders.c.id == sr.c.order_id))
        .group_by(day, sr.c.store, orders.c.channel, sr.c.step, sr.c.outcome, ms)))


def flow_counts() -> list[Any]:
    """First-pass yield's counts over ``order_flow`` rows, in :data:`.tables.FLOW_FIGURES` order."""
    fl = order_flow
    processed = fl.c.status != "received"
    clean = sa.and_(processed, fl.c.held == sa.false(), fl.c.quarantined == sa.false(), fl.c.rerun == sa.false())
    counts = [sa.func.count(), sa.func.count().filter(processed), sa.func.count().filter(processed, fl.c.held),
              sa.func.count().filter(processed, fl.c.quarantined), sa.func.count().filter(processed, fl.c.rerun),
              sa.func.count().filter(clean)]
    assert len(counts) == len(FLOW_FIGURES)
    return counts


def flow_rows(dialect: str, where: Any) -> Any:
    """``order_flow``'s row of each order ``where`` picks, read from the order, its events, step
    runs and quarantine (a SELECT in the table's column order)."""
    q = core_tables.quarantine
    firsts = (sa.select(ev.c.order_id, *(sa.func.min(ev.c.at).filter(ev.c.to_status == s).label(s) for s in STAGES),
                        (sa.func.count().filter(ev.c.to_status == "on_hold") > 0).label("held"))
              .where(ev.c.order_id.in_(sa.select(orders.c.id).where(where))).group_by(ev.c.order_id).subquery("firsts"))
    rerun = sa.exists().where(sr.c.order_id == orders.c.id, sr.c.outcome.in_(RERUN))
    quarantined = sa.exists().where(q.c.store == orders.c.store, q.c.external_id == orders.c.external_id)
    return sa.select(
        orders.c.id, orders.c.store, orders.c.channel, orders.c.created_at, slot_of(dialect, orders.c.created_at),
        orders.c.status, *(firsts.c[s] for s in STAGES), sa.func.coalesce(firsts.c.held, sa.false()), quarantined,
        rerun,
    ).select_from(orders.outerjoin(firsts, firsts.c.order_id == orders.c.id)).where(where)


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A window ``[start, end)`` on quarter hours: whole UTC days ``[first_day, end_day)`` and the
    quarter hours outside them, as slot ranges ``[a, b)``."""

    start: int
    end: int
    first_day: int
    end_day: int
    edges: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, start: datetime, end: datetime) -> Span:
        a, b = int(start.timestamp()) // SLOT, -(-int(end.timestamp()) // SLOT)
        first, last = -(-a // DAY), b // DAY
        if first >= last:  # no whole day inside
            return cls(a, b, first, first, ((a, b),) if a < b else ())
        edges = tuple((x, y) for x, y in ((a, first * DAY), (last * DAY, b)) if x < y)
        return cls(a, b, first, last, edges)

    def days(self, column: Any) -> Any:
        return sa.and_(column >= self.first_day, column < self.end_day)

    def edge_slots(self, column: Any) -> Any:
        """The edges, on a slot column (false when there are none)."""
        return sa.or_(sa.false(), *(sa.and_(column >= x, column < y) for x, y in self.edges))

    def edge_times(self, dialect: str, column: Any) -> Any:
        """The edges, on a time column."""
        return sa.or_(sa.false(), *(_in_slots(dialect, column, x, y - x) for x, y in self.edges))
