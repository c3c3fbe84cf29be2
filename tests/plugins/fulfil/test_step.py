"""The fulfil step's playbook for a carrier outage: the chosen carrier refuses past its retry
budget, its circuit is open, or an operator paused it → the next eligible carrier of the same
selection buys the label, the switch recorded with its reason; a repeat of the push buys
nothing more; and after a request that may have made a label, no other carrier is asked."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from orderhub.config import parse_config
from orderhub.db import shipments as ship_db
from orderhub.db.common import payload_hash
from orderhub.db.orders import Ingested, upsert_orders
from orderhub.db.schema import order_events
from orderhub.errors import TransientError
from orderhub.hub import Hub
from orderhub.models import Address, Customer, LineItem, Order, Payment, PaymentStatus, Totals
from orderhub.sandbox import Sandbox
from orderhub.shipping.choice import choose

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture
async def setup(tmp_path):
    sb = Sandbox(shopify=0, woocommerce=0, orders=0)
    sb.start()
    carriers = sb.carrier_configs(tmp_path / "secrets")
    for c in carriers.values():  # an outage is seen after two tries, not a minute of them
        c.update(http_attempts=2, http_budget="2s")
    cfg = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'o.db'}"}, "carriers": carriers,
                        "stores": {"shop": {"connector": "files", "path": str(tmp_path), "payment_rule": "always",
                                            "chain": ["select_carrier", "fulfil"], "shipping": {
                                                "ship_from": {"city": "Austin", "region": "TX", "postal_code": "78701",
                                                              "country": "US", "lines": ["1 Dock Rd"]}}}}})
    hub = Hub(cfg)
    hub.migrate()
    yield hub, sb
    await hub.aclose()
    sb.stop()


async def planned(hub, n=1):
    """An order stored and its carrier chosen by select_carrier's own choice."""
    o = Order(store="shop", channel="files", external_id=f"F-{n}", number=f"#{n}", created_at=NOW, updated_at=NOW,
              currency="USD", customer=Customer(name="Ada Lovelace", email="ada@example.com"),
              shipping_address=Address(name="Ada Lovelace", lines=["1 Main St"], city="New York", region="NY",
                                       postal_code="10001", country="US"),
              line_items=[LineItem(sku="S", title="Thing", quantity=1, unit_price=Decimal("40"), weight_g=900)],
              totals=Totals(subtotal=Decimal("40"), total=Decimal("40")), payment=Payment(status=PaymentStatus.PAID))
    raw = o.model_dump(mode="json")
    async with hub.engine.begin() as conn:
        await upsert_orders(conn, [Ingested(order=o, raw=raw, payload_hash=payload_hash(raw))])
        choice = await choose(hub, conn, o, now=NOW)
        chosen = choice["chosen"]
        sid = await ship_db.save_plan(conn, order_id=o.id, store="shop", carrier=chosen["carrier"],
                                      service=chosen["service"], plan=choice["plan"], choice=choice,
                                      route=choice["route"], promised_at=None)
    return o, sid, chosen["carrier"]


def fulfil(hub):
    return next(link.step for link in hub.chain("shop") if link.entry.step == "fulfil")


async def deliver(hub, o, sid):
    step = fulfil(hub)
    return await step.deliver("shipment", o, {"shipment_id": sid}, key=f"{sid}:create")


async def fallbacks(hub, o, sid):
    async with hub.engine.connect() as conn:
        row = await ship_db.get(conn, sid)
        logged = [r.reason for r in await conn.execute(sa.select(order_events.c.reason).where(
            order_events.c.order_id == o.id, order_events.c.kind == "carrier_fallback"))]
    return row, logged


async def test_an_outage_of_the_chosen_carrier_ships_with_the_runner_up(setup):
    hub, sb = setup
    o, sid, first = await planned(hub)
    down = sb.carriers[first]
    down.faults.error_rate = 1.0  # the carrier answers 503 to everything
    receipt = await deliver(hub, o, sid)
    row, logged = await fallbacks(hub, o, sid)
    second = row["carrier"]
    assert second != first and receipt["carrier"] == second and receipt["tracking_number"]
    assert down.labels_created == 0 and sb.carriers[second].labels_created == 1
    (record,) = row["choice"]["fallbacks"]
    assert record["from"] == first and record["to"] == second and "server_error" in record["reason"]
    assert len(logged) == 1 and first in logged[0]
    # the push is delivered again (a crash before its receipt was kept): the same label, no second one
    again = await deliver(hub, o, sid)
    assert again["tracking_number"] == receipt["tracking_number"] and sb.carriers[second].labels_created == 1


async def test_a_paused_carrier_is_not_asked_and_its_circuit_open_neither(setup):
    hub, sb = setup
    o, sid, first = await planned(hub, 2)
    async with hub.engine.begin() as conn:
        await ship_db.set_carrier_paused(conn, first, True, reason="outage declared", by="operator:ana")
    before = len(sb.carriers[first].log)
    receipt = await deliver(hub, o, sid)
    row, logged = await fallbacks(hub, o, sid)
    assert receipt["carrier"] != first and len(sb.carriers[first].log) == before, "the paused carrier was not called"
    assert "paused: outage declared" in logged[0]
    # select_carrier skips a paused carrier and says why
    async with hub.engine.connect() as conn:
        choice = await choose(hub, conn, o, now=NOW)
    assert choice["chosen"]["carrier"] != first
    assert any(c["carrier"] == first and "paused" in (c["rejected"] or "") for c in choice["candidates"])


async def test_after_a_request_that_may_have_made_a_label_no_other_carrier_is_asked(setup):
    hub, sb = setup
    o, sid, first = await planned(hub, 3)
    sb.carriers[first].faults.reset_rate = 1.0  # the connection drops: did the carrier make the label?
    with pytest.raises(TransientError):
        await deliver(hub, o, sid)
    row, logged = await fallbacks(hub, o, sid)
    assert row["carrier"] == first and not logged and first in row["choice"]["uncertain"]
    sb.carriers[first].faults.reset_rate = 0.0
    sb.carriers[first].faults.error_rate = 1.0  # now it refuses: still not given to another carrier
    with pytest.raises(TransientError, match="a label may exist with"):
        await deliver(hub, o, sid)
    sb.carriers[first].faults.error_rate = 0.0  # back: the same carrier, the same key, one label
    receipt = await deliver(hub, o, sid)
    assert receipt["carrier"] == first and sum(d.labels_created for d in sb.carriers.values()) == 1


async def test_when_every_carrier_is_down_the_push_waits(setup):
    hub, sb = setup
    o, sid, _ = await planned(hub, 4)
    for desk in sb.carriers.values():
        desk.faults.error_rate = 1.0
    with pytest.raises(TransientError, match="no other carrier of this order's selection"):
        await deliver(hub, o, sid)
    assert sum(d.labels_created for d in sb.carriers.values()) == 0
