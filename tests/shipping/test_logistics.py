"""What a tracking answer does to a stored shipment and its order: statuses only move forward, a
delivery problem is raised and cleared as a flag (the order goes to ``exception`` and back), and a
shipment with no progress or past its promise raises ``delayed`` once."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from orderhub import hookimpl
from orderhub.db import orders as order_store
from orderhub.db import shipments as ship_db
from orderhub.db.schema import order_events, pushes
from orderhub.lifecycle import OrderStatus
from orderhub.models import TrackingEvent, TrackingStatus as S
from orderhub.shipping.carrier_types import TrackingResult
from orderhub.shipping.logistics import apply_tracking, check_delays
from tests.helpers import make_hub

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


class Milestones:
    def __init__(self):
        self.seen: list[str] = []

    @hookimpl
    def on_shipment_milestone(self, order, shipment, milestone, outbox):
        self.seen.append(milestone)


@pytest.fixture
async def shipped(sqlite_url, make_ingested):
    """A hub, and an order shipped with a label bought on 'ups' at T0."""
    plugin = Milestones()
    hub = make_hub(sqlite_url, [], plugin=plugin)
    hub.migrate()
    async with hub.engine.begin() as conn:
        (oid,) = (await order_store.upsert_orders(conn, [make_ingested("T-1")])).inserted
        for to in (OrderStatus.VALIDATED, OrderStatus.READY_TO_SHIP, OrderStatus.SHIPPED):
            await order_store.transition(conn, oid, to, actor="test")
        sid = await ship_db.save_plan(conn, order_id=oid, store="shop", carrier="ups", service="ground", plan={},
                                      choice={}, route="US-US", promised_at=T0 + timedelta(days=3))
        assert await ship_db.record_label(conn, sid, tracking_number="1Z1", tracking_url=None, label_ref=None)
    yield hub, oid, sid, plugin.seen
    await hub.aclose()


def scan(status, hours, code="C"):
    return TrackingEvent(status=status, raw_code=code, description=status.value, occurred_at=T0 + timedelta(hours=hours))


async def answer(hub, sid, *events, hours=0):
    async with hub.engine.begin() as conn:
        row = await ship_db.get(conn, sid)
        return await apply_tracking(conn, hub, row, TrackingResult(number="1Z1", status=S.PENDING, events=list(events)),
                                    [], now=T0 + timedelta(hours=hours))


async def state(hub, sid, oid):
    async with hub.engine.connect() as conn:
        row = await ship_db.get(conn, sid)
        order = await order_store.get_order(conn, oid)
        sent = [r.payload["status"] for r in await conn.execute(
            sa.select(pushes.c.payload).where(pushes.c.order_id == oid, pushes.c.kind == "tracking")
            .order_by(pushes.c.id))]
    return row["status"], row["exception_at"], order.status, sent


async def test_late_and_out_of_order_scans_never_move_a_shipment_back(shipped):
    hub, oid, sid, milestones = shipped
    assert await answer(hub, sid, scan(S.IN_TRANSIT, 5), scan(S.OUT_FOR_DELIVERY, 30), hours=31)
    # the depot's scan of hour 12 arrives a day late, and an older one again
    assert not await answer(hub, sid, scan(S.IN_TRANSIT, 12, "LATE"), scan(S.INFO_RECEIVED, 1), hours=40)
    status, problem, order_status, sent = await state(hub, sid, oid)
    assert (status, problem, order_status) == ("out_for_delivery", None, OrderStatus.SHIPPED)
    assert sent == ["out_for_delivery"] and milestones == ["out_for_delivery"]
    async with hub.engine.connect() as conn:
        row = await ship_db.get(conn, sid)
    assert len(row["events"]) == 4, "the late scans are kept in the history all the same"


async def test_a_problem_is_raised_beside_the_status_and_cleared_by_the_next_scan(shipped):
    hub, oid, sid, milestones = shipped
    assert await answer(hub, sid, scan(S.IN_TRANSIT, 5), scan(S.EXCEPTION, 20, "X"), hours=21)
    status, problem, order_status, sent = await state(hub, sid, oid)
    assert status == "in_transit" and problem == T0 + timedelta(hours=20) and order_status is OrderStatus.EXCEPTION
    assert sent == ["in_transit", "exception"] and milestones == ["in_transit", "exception"]
    # the same answer again changes nothing; a scan after the problem clears it, the order is shipped again
    assert not await answer(hub, sid, scan(S.IN_TRANSIT, 5), scan(S.EXCEPTION, 20, "X"), hours=22)
    assert await answer(hub, sid, scan(S.IN_TRANSIT, 30, "RESUMED"), hours=31)
    status, problem, order_status, _ = await state(hub, sid, oid)
    assert (status, problem, order_status) == ("in_transit", None, OrderStatus.SHIPPED)
    # a second problem later is told again (its own push), then the parcel is delivered
    assert await answer(hub, sid, scan(S.EXCEPTION, 40, "X2"), hours=41)
    assert await answer(hub, sid, scan(S.DELIVERED, 50), hours=51)
    status, problem, order_status, sent = await state(hub, sid, oid)
    assert (status, problem, order_status) == ("delivered", None, OrderStatus.DELIVERED)
    assert sent == ["in_transit", "exception", "exception", "delivered"]
    async with hub.engine.connect() as conn:
        moves = [r.to_status for r in await conn.execute(sa.select(order_events.c.to_status).where(
            order_events.c.order_id == oid, order_events.c.kind == "transition").order_by(order_events.c.id))]
    assert moves[-5:] == ["shipped", "exception", "shipped", "exception", "delivered"]


async def test_no_progress_or_a_broken_promise_raises_delayed_once(shipped):
    hub, oid, sid, milestones = shipped
    delay = hub.store_config("shop").shipping.delay_alert_after
    async with hub.engine.begin() as conn:
        await ship_db.update(conn, sid, last_progress_at=T0, promised_at=None)
    # just before the limit: nothing; past it: one alert, one event, announced once
    assert await check_delays(hub, "shop", now=T0 + timedelta(seconds=delay - 60)) == 0
    assert await check_delays(hub, "shop", now=T0 + timedelta(seconds=delay + 60)) == 1
    assert await check_delays(hub, "shop", now=T0 + timedelta(seconds=delay + 3600)) == 0
    assert milestones == ["delayed"]
    async with hub.engine.connect() as conn:
        kinds = [k for (k,) in await conn.execute(sa.select(order_events.c.kind).where(order_events.c.order_id == oid))]
    assert kinds.count("delayed") == 1


async def test_a_shipment_past_its_promised_date_is_delayed_though_it_moves(shipped):
    hub, oid, sid, milestones = shipped
    promised = T0 + timedelta(days=2)
    async with hub.engine.begin() as conn:
        await ship_db.update(conn, sid, promised_at=promised, last_progress_at=promised - timedelta(hours=1))
    assert await check_delays(hub, "shop", now=promised - timedelta(minutes=1)) == 0
    assert await check_delays(hub, "shop", now=promised + timedelta(minutes=1)) == 1
    assert milestones == ["delayed"]
