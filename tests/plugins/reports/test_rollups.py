"""The sums the reports read, kept up to date a refresh at a time, equal the sums built from
scratch; and windows in a time zone whose midnight is not UTC's add the quarter hours at their ends
from the facts (issue #17: reports over a million orders within 2× of a plain GROUP BY)."""

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from orderhub.db.schema import order_events, orders, step_runs
from orderhub_plugins.reports import facts, tables
from orderhub_plugins.reports.model import Params
from orderhub_plugins.reports.process import process
from orderhub_plugins.reports.rollups import Span
from orderhub_plugins.reports.sales import sales
from orderhub_plugins.reports.settings import Settings

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SUMS = (tables.sales_slots, tables.move_slots, tables.place_days, tables.sku_days, tables.step_days,
        tables.stage_days, tables.flow_days)
STATES = ("received", "validated", "reserved", "ready_to_ship", "shipped", "delivered")


def _order(rng: random.Random, i: int, created: datetime, modified: datetime) -> dict:
    cents = rng.randint(100, 5000)
    status = rng.choice([*STATES, "cancelled", "on_hold"])
    return {"id": f"o{i:04d}", "store": rng.choice(["north", "south"]), "channel": "files", "external_id": f"E{i}",
            "status": status, "version": 1, "payload_hash": "h",
            "data": {"currency": rng.choice(["EUR", "USD"]),
                     "customer": {"email": f"c{rng.randrange(40)}@example.com"} if rng.random() < 0.9 else {},
                     "shipping_address": {"country": rng.choice(["DE", "IN", "US"]), "region": None},
                     "line_items": [{"sku": rng.choice(["A", "B", "C"]), "title": "t", "quantity": 2,
                                     "unit_price": f"{cents // 100}.{cents % 100:02d}", "discount": "0.00"}],
                     "totals": {"total": f"{2 * cents // 100}.{2 * cents % 100:02d}", "discounts": "0.00",
                                "shipping": "1.00", "tax": "0.50",
                                "refunded": "1.00" if rng.random() < 0.2 else "0.00"}},
            "created_at": created, "updated_at": created, "ingested_at": created, "modified_at": modified}


def _log(rng: random.Random, order: dict, at: datetime) -> tuple[list[dict], list[dict]]:
    events, t = [], at
    for state in STATES[:rng.randint(1, len(STATES))]:
        events.append({"order_id": order["id"], "at": t, "kind": "transition", "to_status": state, "actor": "t"})
        t += timedelta(seconds=rng.randint(1, 40_000))
    runs = [{"order_id": order["id"], "store": order["store"], "step": step, "started_at": at,
             "duration_ms": rng.random() * 20, "outcome": rng.choice(["continue", "hold", "retry"])}
            for step in ("validate", "reserve")]
    return events, runs


async def _insert(conn, rng: random.Random, ids: range, modified: datetime, log_at=None) -> None:
    made = [_order(rng, i, T0 + timedelta(minutes=rng.randrange(3 * 24 * 60)), modified) for i in ids]
    await conn.execute(orders.insert(), made)
    events, runs = [], []
    for o in made:
        e, r = _log(rng, o, log_at or o["created_at"])
        events += e
        runs += r
    await conn.execute(order_events.insert(), events)
    await conn.execute(step_runs.insert(), runs)


async def _sums(conn) -> dict[str, list[tuple]]:
    return {t.name: sorted(tuple(r) for r in await conn.execute(sa.select(t))) for t in SUMS}


async def test_sums_kept_up_to_date_equal_sums_built_from_scratch(engine):
    rng, now = random.Random(5), datetime.now(UTC)
    async with engine.begin() as conn:
        await _insert(conn, rng, range(300), now - timedelta(days=1))
        await facts.refresh(conn)
    async with engine.begin() as conn:
        # changes since: orders cancelled, refunded, moved; new orders, one of them a customer's
        # earliest (every slot of that customer's orders changes between new and returning);
        # moves and step runs of old orders logged now
        for oid in rng.sample(range(300), 40):
            data = (await conn.execute(sa.select(orders.c.data).where(orders.c.id == f"o{oid:04d}"))).scalar_one()
            data["totals"]["refunded"] = "2.00"
            await conn.execute(orders.update().where(orders.c.id == f"o{oid:04d}")
                               .values(status=rng.choice(["cancelled", "shipped"]), data=data, modified_at=now))
        await _insert(conn, rng, range(300, 330), now, log_at=now)  # logs are written as things happen
        await conn.execute(orders.update().where(orders.c.id == "o0300")
                           .values(created_at=T0 - timedelta(days=1), modified_at=now))
        e, r = _log(rng, {"id": "o0007", "store": "north"}, now)
        await conn.execute(order_events.insert(), e)
        await conn.execute(step_runs.insert(), r)
        assert await facts.refresh(conn) >= 70
    async with engine.begin() as conn:
        # a customer's first order, now dated after their others: the next one becomes the first
        f = tables.order_facts
        first = (await conn.execute(sa.select(f.c.order_id).where(f.c.created_at == f.c.customer_first_at)
                                    .order_by(f.c.order_id).limit(1))).scalar_one()
        await conn.execute(orders.update().where(orders.c.id == first)
                           .values(created_at=T0 + timedelta(days=4), modified_at=datetime.now(UTC)))
        await facts.refresh(conn)
    async with engine.connect() as conn:
        kept = await _sums(conn)
    async with engine.begin() as conn:
        for t in (*SUMS, tables.order_facts, tables.line_facts, tables.order_flow, tables.refresh_state):
            await conn.execute(t.delete())
        await facts.refresh(conn)
    async with engine.connect() as conn:
        assert await _sums(conn) == kept
    assert sum(len(rows) for rows in kept.values()) > 500
    # nothing left on the work lists
    async with engine.connect() as conn:
        for t in (tables.dirty_orders, tables.dirty_slots):
            assert (await conn.execute(sa.select(sa.func.count()).select_from(t))).scalar_one() == 0


async def test_a_window_in_another_time_zone_counts_each_order_in_its_local_day(engine):
    """India is UTC+5:30: its days start at 18:30 UTC, so a window of local days covers whole UTC
    days plus a quarter hours at both ends; each order counts in the day it was created in, there."""
    rng = random.Random(9)
    async with engine.begin() as conn:
        await _insert(conn, rng, range(400), datetime.now(UTC) - timedelta(days=1))
        await facts.refresh(conn)
    params = Params(date(2026, 11, 2), date(2026, 11, 3), "day", "Asia/Kolkata")
    start, end = datetime(2026, 11, 1, 18, 30, tzinfo=UTC), datetime(2026, 11, 3, 18, 30, tzinfo=UTC)
    span = Span.of(start, end)
    assert span.edges and span.end_day - span.first_day == 1
    async with engine.connect() as conn:
        made = [(r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC), r.status, r.store)
                for r in await conn.execute(sa.select(orders.c.created_at, orders.c.status, orders.c.store))]
        report = await sales(conn, params)
        flow = await process(conn, params, Settings())
    inside = [m for m in made if start <= m[0] < end]
    first_day = [m for m in inside if m[0] < start + timedelta(days=1)]
    rows = report.table("rows").rows
    assert sum(r["orders"] for r in rows) == len(inside)
    assert sum(r["orders"] for r in rows if r["period"] == "2026-11-02") == len(first_day)
    by_store = report.table("by_store").rows  # a row per store and currency
    assert sum(r["orders"] for r in by_store) == len(inside)
    assert sum(r["orders"] for r in by_store if r["store"] == "north") == sum(1 for m in inside if m[2] == "north")
    assert flow.table("first_pass").rows[0]["orders"] == len(inside)
    assert sum(r["created"] for r in flow.table("throughput").rows) == len(inside)
    assert sum(r["units"] for r in report.table("top_skus").rows) == 2 * sum(1 for m in inside if m[1] != "cancelled")
