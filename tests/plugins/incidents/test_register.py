"""The risk register on a real database: each detector's condition opens one incident with its
impact and the playbooks' actions, a pass while it holds updates it, it resolves when the
condition clears (or an operator closes it), the hooks fire once each, alerts go by webhook and
email (and are tried again when the endpoint fails), and the counts show on /metrics."""

from datetime import timedelta

import pytest

from orderhub import hookimpl
from orderhub.db import shipments as ship_db
from orderhub.db import stores as stores_db
from orderhub.db.common import utcnow
from orderhub.db.orders import upsert_orders
from orderhub.db.schema import order_events, pushes, quarantine
from orderhub.sandbox.smtp import SmtpSink
from orderhub_plugins.incidents.register import resolve, sweep
from orderhub_plugins.incidents.settings import Settings
from orderhub_plugins.incidents.store import gauges, listing
from orderhub_plugins.incidents.tables import samples
from tests.helpers import RecordingReceiver, make_hub


class Heard:
    def __init__(self):
        self.opened, self.resolved = [], []

    @hookimpl
    def on_incident_opened(self, incident):
        self.opened.append((incident.kind, incident.subject))

    @hookimpl
    def on_incident_resolved(self, incident):
        self.resolved.append((incident.kind, incident.subject, incident.resolved_by))


@pytest.fixture
async def hub(db_url):
    heard = Heard()
    h = make_hub(db_url, [], plugin=heard)
    h.migrate()
    h.heard = heard
    yield h
    await h.aclose()


async def kinds(hub, status="open"):
    async with hub.engine.connect() as conn:
        return {(r["kind"], r["subject"]): r for r in await listing(conn, status=status, limit=1000)}


async def test_each_condition_opens_one_incident_and_clears_it(hub, make_ingested):
    s = Settings(clear_after=0)
    now = utcnow()
    async with hub.engine.begin() as conn:
        (oid,) = (await upsert_orders(conn, [make_ingested("I-1")])).inserted
        await stores_db.set_state(conn, "shop", paused=True, paused_reason="credentials rejected (HTTP 401)")
        await ship_db.set_carrier_paused(conn, "ups", True, reason="depot flooded", by="operator:ana")
        await conn.execute(quarantine.insert(), [
            {"store": "shop", "payload_hash": f"h{i}", "raw": {}, "error_code": "invalid_field", "error": "bad",
             "created_at": now, "updated_at": now} for i in range(12)])
        await conn.execute(samples.insert(), [{"store": "shop", "kind": "http_requests", "value": 50, "at": now},
                                              {"store": "shop", "kind": "http_429", "value": 20, "at": now},
                                              {"store": "shop", "kind": "webhook_refused", "value": 25, "at": now}])
        await conn.execute(pushes.insert(), [
            {"key": f"k{i}", "store": "shop", "order_id": oid, "kind": "fulfilment", "target": "channel", "payload": {},
             "status": "pending", "attempts": 2, "next_attempt_at": now, "created_at": now} for i in range(6)])
        await conn.execute(order_events.insert(), [
            {"order_id": oid, "at": now - timedelta(minutes=i), "kind": "carrier_fallback", "actor": "step:fulfil",
             "data": {"from": "fedex", "to": "dhl", "reason": "refused"}} for i in range(3)])
    got = await sweep(hub, s)
    opened = {(i["kind"], i["subject"]) for i in got["opened"]}
    assert opened == {("store_paused", "shop"), ("carrier_paused", "ups"), ("quarantine_rate", "shop"),
                      ("rate_limited", "shop"), ("webhooks_refused", "shop"), ("push_failures", "shop"),
                      ("carrier_failing", "fedex")}, got
    assert sorted(hub.heard.opened) == sorted(opened)
    now_open = await kinds(hub)
    paused = now_open[("store_paused", "shop")]
    assert paused["impact"] == {"stores": 1, "orders": 1, "pushes_waiting": 6}
    assert paused["actions"][0]["what"] == "store paused automatically"
    failing = now_open[("carrier_failing", "fedex")]
    assert failing["impact"]["shipments_moved"] == 3 and "fell back to dhl for 3" in failing["actions"][0]["what"]
    assert failing["opened_at"] - failing["since"] >= timedelta(minutes=2), "since: the first evidence, not the pass"

    # a second pass while everything holds opens nothing new; more quarantined payloads update the
    # incident's action in place (its words change, it is still one action)
    async with hub.engine.begin() as conn:
        await conn.execute(quarantine.insert(), [
            {"store": "shop", "payload_hash": f"more{i}", "raw": {}, "error_code": "invalid_field", "error": "bad",
             "created_at": now, "updated_at": now} for i in range(3)])
    again = await sweep(hub, s)
    assert again["opened"] == [] and again["still_open"] == 7
    (action,) = (await kinds(hub))[("quarantine_rate", "shop")]["actions"]
    assert action["what"].startswith("15 payloads held in quarantine")
    # the store resumes, the carrier too: their incidents resolve by themselves
    async with hub.engine.begin() as conn:
        await stores_db.set_state(conn, "shop", paused=False, paused_reason=None)
        await ship_db.set_carrier_paused(conn, "ups", False, reason=None, by="operator:ana")
    held = await sweep(hub, Settings(clear_after=600))
    assert held["resolved"] == [], "a condition gone a moment ago does not resolve yet (no flapping)"
    cleared = await sweep(hub, s)
    assert {(i["kind"], i["subject"]) for i in cleared["resolved"]} == {("store_paused", "shop"), ("carrier_paused", "ups")}
    assert ("store_paused", "shop", "auto") in hub.heard.resolved
    done = await kinds(hub, "resolved")
    assert done[("store_paused", "shop")]["resolved_at"] is not None
    # an operator closes one by hand
    qid = (await kinds(hub))[("quarantine_rate", "shop")]["id"]
    closed = await resolve(hub, qid, operator="ana", note="bad export fixed, replayed")
    assert closed["resolved_by"] == "operator:ana" and closed["actions"][-1]["what"].startswith("resolved: bad export")
    async with hub.engine.connect() as conn:
        g = {x["labels"]["kind"]: x["value"] for x in await gauges(conn)}
    assert g["store_paused"] == 0 and g["rate_limited"] == 1 and g["carrier_delays"] == 0


async def test_alerts_go_by_webhook_and_email_and_a_failed_one_is_sent_again(tmp_path):
    receiver = RecordingReceiver(fail_every=1)  # the alert endpoint is down at first
    sink = SmtpSink()
    sink.start()
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [])
    hub.migrate()
    s = Settings(clear_after=0, webhook_url=receiver.url, email_to=["oncall@example.com"],
                 smtp={"host": "127.0.0.1", "port": sink.port, "sender": "hub@example.com"})
    try:
        async with hub.engine.begin() as conn:
            await stores_db.set_state(conn, "shop", paused=True, paused_reason="maintenance")
        first = await sweep(hub, s)
        assert len(first["opened"]) == 1 and first["alerts_sent"] == 0
        receiver.fail_every = 0
        second = await sweep(hub, s)
        assert second["alerts_sent"] == 1 and len(receiver.requests) == 2  # the failed try, then the one that took
        assert "[orderhub] opened: store shop is paused: maintenance" in sink.messages[0]["subject"]
        async with hub.engine.begin() as conn:
            await stores_db.set_state(conn, "shop", paused=False, paused_reason=None)
        third = await sweep(hub, s)
        assert third["alerts_sent"] == 1 and "resolved" in sink.messages[-1]["subject"]
        assert (await sweep(hub, s))["alerts_sent"] == 0, "each alert once"
    finally:
        receiver.close()
        sink.stop()
        await hub.aclose()


async def test_a_carrier_whose_delays_rise_and_a_class_a_sku_out_of_stock(hub, make_ingested):
    from orderhub.db.schema import catalog, inventory, shipments, stock_movements

    now = utcnow()
    async with hub.engine.begin() as conn:
        (oid,) = (await upsert_orders(conn, [make_ingested("I-2")])).inserted
        rows = []
        for i in range(20):
            shipped = now - timedelta(days=2 if i < 10 else 4)
            rows.append({"id": f"s{i}", "order_id": oid, "store": "shop", "carrier": "dhl", "service": "std",
                         "state": "created", "status": "in_transit", "plan": {}, "choice": {}, "events": [],
                         "route": "US>US", "created_at": shipped, "shipped_at": shipped, "updated_at": now,
                         "tracking_number": f"T{i}", "delayed_at": now - timedelta(hours=3) if i < 8 else None})
        await conn.execute(shipments.insert(), rows)
        await conn.execute(catalog.insert(), [{"sku": "HOT", "title": "Hot", "unit_cost": "10.00", "updated_at": now},
                                              {"sku": "COLD", "title": "Cold", "unit_cost": "1.00", "updated_at": now}])
        await conn.execute(inventory.insert(), [{"sku": "HOT", "location": "main", "on_hand": 0, "reserved": 0,
                                                 "updated_at": now},
                                                {"sku": "COLD", "location": "main", "on_hand": 0, "reserved": 0,
                                                 "updated_at": now}])
        await conn.execute(stock_movements.insert(), [
            {"sku": "HOT", "location": "main", "kind": "consume", "on_hand_delta": -90, "actor": "t", "at": now},
            {"sku": "COLD", "location": "main", "kind": "consume", "on_hand_delta": -5, "actor": "t", "at": now}])
    from orderhub_plugins.incidents import detectors

    detectors._A_CLASS.update(at=0.0, skus={})
    got = await sweep(hub, Settings())
    opened = {(i["kind"], i["subject"]) for i in got["opened"]}
    assert ("carrier_delays", "dhl") in opened and ("a_sku_out_of_stock", "HOT") in opened
    assert ("a_sku_out_of_stock", "COLD") not in opened, "COLD is class C: out of stock, no incident"
