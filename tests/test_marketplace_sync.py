"""Issue #3's 'done when', end to end: `orderhub sync --once` against the sandbox over real HTTP."""

import asyncio
import json
import time

import pytest
import sqlalchemy as sa

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.config import load_config
from orderhub.db.engine import make_sync_engine
from orderhub.db.common import utcnow
from orderhub.db.pushes import queue_push
from orderhub.db.schema import pushes
from orderhub.outbox.delivery import deliver_due
from orderhub.hub import Hub
from orderhub.sandbox import Sandbox
from orderhub.sandbox.data import is_malformed

pytestmark = pytest.mark.slow


def write_config(tmp_path, sb, url, **options):
    cfg = tmp_path / "orderhub.toml"
    stores = sb.store_configs(tmp_path / "secrets")
    for sc in stores.values():
        sc.update(options)
    cfg.write_text(sandbox_config_toml(stores, db=url))
    return cfg


def expected(sb):
    good, bad = {}, {}
    for name, shop in sb.shops.items():
        ids = {shop.external_id(i) for i in range(shop.count)}
        broken = {shop.external_id(i) for i in range(shop.count) if is_malformed(shop.seed, i, shop.malformed)}
        good[name], bad[name] = ids - broken, broken
    return good, bad


def stored(url):
    engine = make_sync_engine(url)
    with engine.connect() as conn:
        orders = conn.execute(sa.text("select store, external_id, version from orders")).all()
        quarantined = conn.execute(sa.text("select store, external_id, error from quarantine")).all()
    engine.dispose()
    return orders, quarantined


def sync(cli, cfg):
    res = cli("sync", "--once", "--json", "-c", str(cfg), timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return {r["store"]: r for r in json.loads(res.stdout)}


def test_three_shops_of_5000_orders_stored_once_malformed_quarantined_rerun_no_op(tmp_path, cli, db_url):
    with Sandbox(shopify=2, woocommerce=1, orders=5000, malformed=0.01, woo_rate=0) as sb:
        cfg = write_config(tmp_path, sb, db_url)
        t0 = time.monotonic()
        first = sync(cli, cfg)
        took = time.monotonic() - t0
        good, bad = expected(sb)
        orders, quarantined = stored(db_url)
        for name in sb.shops:
            got = [o.external_id for o in orders if o.store == name]
            assert len(got) == len(set(got)) == len(good[name]) and set(got) == good[name]
            assert {q.external_id for q in quarantined if q.store == name} == bad[name]
            assert first[name]["result"] == "complete"
        assert all(o.version == 1 for o in orders)
        assert all(":" in q.error for q in quarantined)
        print(f"\n15,000 orders, {len(quarantined)} quarantined, first sync {took:.1f}s "
              f"({15000 / took:.0f} orders/s incl. process start)")
        second = sync(cli, cfg)
        assert all((r["inserted"], r["updated"], r["quarantined"]) == (0, 0, 0) for r in second.values())
        assert sorted(stored(db_url)[0]) == sorted(orders)
        assert all(s.violations == 0 for s in sb.shops.values())


def test_429_storm_and_5xx_lose_nothing_and_never_jump_retry_after(tmp_path, cli, sqlite_url):
    with Sandbox(shopify=2, woocommerce=1, orders=1500, malformed=0.01, woo_rate=0) as sb:
        for shop in sb.shops.values():
            shop.faults.storm, shop.faults.storm_retry_after, shop.faults.error_rate = 0.2, 0.5, 0.05
        cfg = write_config(tmp_path, sb, sqlite_url, page_size=50)
        results = sync(cli, cfg)
        good, bad = expected(sb)
        orders, quarantined = stored(sqlite_url)
        for name, shop in sb.shops.items():
            assert {o.external_id for o in orders if o.store == name} == good[name]
            assert {q.external_id for q in quarantined if q.store == name} == bad[name]
            summary = shop.summary()
            assert summary["statuses"].get(429, 0) > 0 and summary["statuses"].get(503, 0) > 0
            assert shop.violations == 0, f"{name}: a request came before Retry-After expired"
            assert results[name]["result"] == "complete"
        print("\n" + "; ".join(f"{n}: {s.summary()['statuses']}" for n, s in sb.shops.items()))


def test_fulfilments_with_dropped_responses_are_recorded_once(tmp_path, sqlite_url):
    """1,000 fulfilment pushes while the sandbox drops 10% of responses after applying them."""
    with Sandbox(shopify=1, woocommerce=0, orders=1000, malformed=0.0, shopify_bucket=1000, shopify_leak=1000) as sb:
        cfg = load_config(write_config(tmp_path, sb, sqlite_url))
        shop = sb.shops["shop1"]
        shop.faults.drop_rate = 0.10

        async def run():
            hub = Hub(cfg)
            hub.migrate()
            connector = hub.connector("shop1")
            async with hub.engine.begin() as conn:
                from orderhub.db.orders import Ingested, upsert_orders
                from orderhub.db.common import payload_hash

                items = []
                for i in range(shop.count):
                    raw = shop.order(i)
                    if raw["cancelled_at"]:
                        continue  # the hub never fulfils a cancelled order
                    from orderhub.intake.connector import RawRecord

                    o = connector.normalize(RawRecord(raw))
                    items.append(Ingested(o, raw, payload_hash(raw)))
                await upsert_orders(conn, items)
                for it in items:
                    await queue_push(conn, key=f"{it.order.id}:fulfilment", store="shop1", kind="fulfilment",
                                     target="channel", order_id=it.order.id,
                                     payload={"tracking_number": f"1Z{it.order.external_id}", "carrier": "UPS"})
            rounds = 0
            while True:
                rounds += 1
                await deliver_due(hub, "shop1")
                async with hub.engine.begin() as conn:  # time passes: retries become due
                    await conn.execute(pushes.update().where(pushes.c.status == "pending")
                                       .values(next_attempt_at=utcnow()))
                    left = (await conn.execute(sa.select(sa.func.count()).select_from(pushes)
                                               .where(pushes.c.status != "delivered"))).scalar_one()
                if not left or rounds > 20:
                    break
            await hub.aclose()
            return rounds

        rounds = asyncio.run(run())
        per_order = {}
        for p in shop.pushes:
            if p["kind"] == "fulfillment":
                per_order[p["order_id"]] = per_order.get(p["order_id"], 0) + 1
        dropped = sum(1 for e in shop.log if e.dropped)
        print(f"\n{len(per_order)} fulfilments, {dropped} responses dropped, {rounds} delivery rounds, "
              f"{sum(per_order.values())} recorded")
        assert dropped > 50
        open_orders = sum(1 for i in range(shop.count) if not shop.order(i)["cancelled_at"])
        assert len(per_order) == open_orders > 950 and set(per_order.values()) == {1}


def test_outage_ends_partial_and_resumes_from_the_checkpoint(tmp_path, cli, sqlite_url):
    """Pages of 100 on REST (a bulk download's resume is ``test_graphql_sync``'s SIGKILL test)."""
    with Sandbox(shopify=1, woocommerce=0, orders=1000, malformed=0.0) as sb:
        shop = sb.shops["shop1"]
        cfg = write_config(tmp_path, sb, sqlite_url, page_size=100, http_attempts=2, api="rest")
        original = shop.route

        async def failing_after_three_pages(req, path):  # the shop goes down mid-pass
            if sum(1 for e in shop.log if e.status == 200) >= 3:
                shop.faults.error_rate = 1.0
            return await original(req, path)

        shop.route = failing_after_three_pages
        res = cli("sync", "--once", "--json", "-c", str(cfg), timeout=300)
        first = json.loads(res.stdout)[0]
        assert res.returncode == 1 and first["result"] == "partial" and "server_error" in first["error"]
        assert first["inserted"] >= 300
        shop.route, shop.faults.error_rate = original, 0.0
        requests_before = len(shop.log)
        second = sync(cli, cfg)["shop1"]
        assert second["result"] == "complete" and first["inserted"] + second["inserted"] == 1000
        resumed_pages = len(shop.log) - requests_before
        assert resumed_pages <= 10 - first["pages"] + 2  # resumed from the checkpoint, not from the start


def test_rejected_credentials_pause_the_store_and_say_why(tmp_path, cli, sqlite_url):
    with Sandbox(shopify=1, woocommerce=1, orders=50, malformed=0.0, woo_rate=0) as sb:
        cfg = write_config(tmp_path, sb, sqlite_url)
        sb.shops["shop1"].access_token = "rotated-by-the-merchant"
        res = cli("sync", "--once", "--json", "-c", str(cfg))
        results = {r["store"]: r for r in json.loads(res.stdout)}
        assert res.returncode == 1
        assert results["shop1"]["result"] == "paused" and "credentials rejected" in results["shop1"]["error"]
        assert results["woo1"]["result"] == "complete" and results["woo1"]["inserted"] == 50
        listed = {s["store"]: s for s in json.loads(cli("stores", "list", "--json", "-c", str(cfg)).stdout)}
        assert listed["shop1"]["paused"] and "HTTP 401" in listed["shop1"]["paused_reason"]
        assert not listed["woo1"].get("paused")


def test_sandbox_webhooks_are_signed_as_the_platforms_sign_them(tmp_path, sqlite_url):
    """The sandbox's webhooks verify with the connectors and are stored once (replays ignored)."""
    from orderhub.intake.webhooks import receive

    from .helpers import RecordingReceiver

    receiver = RecordingReceiver()
    captured = []
    original = receiver.server.RequestHandlerClass.do_POST

    def capture(handler):
        length = int(handler.headers.get("Content-Length", 0))
        captured.append((dict(handler.headers), handler.rfile.read(length)))
        handler.send_response(200)
        handler.end_headers()

    receiver.server.RequestHandlerClass.do_POST = capture
    try:
        with Sandbox(shopify=1, woocommerce=1, orders=5, malformed=0.0) as sb:
            for name, topic in (("shop1", "orders/create"), ("woo1", "order.created")):
                sb.shops[name].webhook_url = receiver.url
                for i in (0, 1, 1):
                    assert asyncio.run(sb.shops[name].send_webhook(topic, i, delivery_id=f"d-{i}")) == 200
            cfg = load_config(write_config(tmp_path, sb, sqlite_url))

            async def replay():
                hub = Hub(cfg)
                hub.migrate()
                out = []
                for headers, body in captured:
                    store = "shop1" if "X-Shopify-Topic" in headers else "woo1"
                    out.append((await receive(hub, store, headers, body)).status)
                await hub.aclose()
                return out

            statuses = asyncio.run(replay())
        assert statuses == ["stored", "stored", "duplicate"] * 2
        orders, _ = stored(sqlite_url)
        assert len(orders) == 4
    finally:
        receiver.server.RequestHandlerClass.do_POST = original
        receiver.close()


def test_new_sandbox_orders_are_announced_by_webhook():
    import httpx

    from .helpers import RecordingReceiver

    receiver = RecordingReceiver()
    try:
        with Sandbox(shopify=1, woocommerce=0, orders=3, malformed=0.0) as sb:
            r = httpx.post(f"{sb.url}/_sandbox/shop1/webhook_url", json={"url": receiver.url})
            assert r.status_code == 200
            created = httpx.post(f"{sb.url}/_sandbox/shop1/orders", json={"count": 2}).json()["created"]
        assert created == ["5100000000003", "5100000000004"]
        assert len(receiver.requests) == 2
    finally:
        receiver.close()
