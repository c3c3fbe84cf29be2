"""Shopify on the GraphQL Admin API, end to end against the emulator (issue #15): the same orders as
REST, a store switched from REST changing nothing stored, pacing by calculated cost with no
``THROTTLED`` answer, a ``THROTTLED`` answer waited out, bulk operations for backfills (failed ones
restarted, a download killed mid-way resumed), and the pushes as mutations.

Shopify references: https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (cost,
``extensions.cost.throttleStatus``, ``THROTTLED`` in an HTTP 200) and
https://shopify.dev/docs/api/usage/bulk-operations/queries (``bulkOperationRunQuery``, JSONL
with ``__parentId``).
"""

import json
import os
import signal
import subprocess
import sys
import time

import orjson
import pytest
import sqlalchemy as sa

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.config import parse_config
from orderhub.db.engine import make_sync_engine
from orderhub.intake.ingest import ingest_page
from orderhub.hub import Hub
from orderhub.sandbox import Sandbox
from orderhub.sandbox.data import is_malformed
from tests.helpers import sql_rows

pytestmark = pytest.mark.slow


def config(tmp_path, sb, db_url, **options):
    stores = sb.store_configs(tmp_path / "secrets")
    for sc in stores.values():
        sc.update({"bulk_poll_interval": 0.05, **options})
    path = tmp_path / "orderhub.toml"
    path.write_text(sandbox_config_toml(stores, db=db_url))
    return path


def sync(cli, cfg):
    res = cli("sync", "--once", "--json", "-c", str(cfg), timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return {r["store"]: r for r in json.loads(res.stdout)}


rows = sql_rows


def content(url):
    """Each stored order's canonical data, minus what only GraphQL carries."""
    out = {}
    for external_id, data in rows(url, "select external_id, data from orders"):
        doc = data if isinstance(data, dict) else orjson.loads(data)
        out[external_id] = {k: v for k, v in doc.items() if k not in ("returns", "channel_risk", "status")}
    return out


def test_graphql_and_rest_store_the_same_orders(tmp_path, cli):
    with Sandbox(shopify=1, woocommerce=0, orders=300, malformed=0.02) as sb:
        rest_db, gql_db = f"sqlite:///{tmp_path}/rest.db", f"sqlite:///{tmp_path}/gql.db"
        (tmp_path / "r").mkdir()
        (tmp_path / "g").mkdir()
        rest = sync(cli, config(tmp_path / "r", sb, rest_db, api="rest"))["shop1"]
        gql = sync(cli, config(tmp_path / "g", sb, gql_db, bulk_threshold=0))["shop1"]
        shop = sb.shops["shop1"]
        broken = sum(is_malformed(shop.seed, i, shop.malformed) is not None for i in range(shop.count))
        assert (rest["inserted"], rest["quarantined"]) == (gql["inserted"], gql["quarantined"]) == (300 - broken, broken)
        assert broken > 0
        assert content(rest_db) == content(gql_db)
        bulk_db = f"sqlite:///{tmp_path}/bulk.db"
        (tmp_path / "b").mkdir()
        bulk = sync(cli, config(tmp_path / "b", sb, bulk_db, bulk_threshold=1))["shop1"]
        assert len(sb.shops["shop1"].graphql.bulk) == 1 and bulk["inserted"] == rest["inserted"]
        assert content(bulk_db) == content(rest_db)  # the JSONL file's orders, joined again, are the same
        assert set(rows(rest_db, "select external_id from quarantine")) == set(rows(gql_db, "select external_id "
                                                                                               "from quarantine"))
        assert shop.graphql.bucket.throttled == 0


def test_switching_a_store_from_rest_to_graphql_changes_nothing_stored(tmp_path, cli, db_url):
    with Sandbox(shopify=1, woocommerce=0, orders=120, malformed=0.0) as sb:
        assert sync(cli, config(tmp_path, sb, db_url, api="rest"))["shop1"]["inserted"] == 120
        before = rows(db_url, "select count(*) from order_versions")[0][0], rows(db_url, "select count(*) from "
                                                                                        "order_events")[0][0]
        sb.shops["shop1"].touch(5, updated_at="2030-01-01T00:00:00+00:00")  # one real change on the channel
        again = sync(cli, config(tmp_path, sb, db_url, bulk_threshold=0, initial_since="2000-01-01T00:00:00Z"))
        assert again["shop1"]["updated"] == 1 and again["shop1"]["inserted"] == 0
        after = rows(db_url, "select count(*) from order_versions")[0][0], rows(db_url, "select count(*) from "
                                                                                       "order_events")[0][0]
        assert after[0] == before[0] + 1  # the changed order only
        engine = make_sync_engine(db_url)
        with engine.begin() as conn:  # read every order again through GraphQL
            conn.execute(sa.text("delete from cursors"))
        engine.dispose()
        full = sync(cli, config(tmp_path, sb, db_url, bulk_threshold=0))["shop1"]
        assert (full["inserted"], full["updated"], full["unchanged"]) == (0, 0, 120)
        assert rows(db_url, "select count(*) from order_versions")[0][0] == after[0]
        assert rows(db_url, "select count(*) from order_events")[0][0] == after[1]
        risk = [json.loads(d) if isinstance(d, str) else d for (d,) in rows(db_url, "select data from orders")]
        assert all(d["channel_risk"] for d in risk)  # what only GraphQL carries is added, silently


def _hub(tmp_path, sb, **options):
    store = {**sb.store_configs(tmp_path / "secrets")["shop1"], "bulk_poll_interval": 0.05, **options}
    cfg = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'hub.db'}"}, "stores": {"shop1": store}})
    hub = Hub(cfg)
    hub.migrate()
    return hub


async def _ingest(hub, cursor=None, *, stop_after=None):
    connector, pages = hub.connector("shop1"), 0
    while True:
        page = await connector.fetch_orders(cursor)
        async with hub.engine.begin() as conn:
            await ingest_page(conn, connector, page)
        pages += 1
        cursor = page.cursor or cursor
        if not page.has_more or (stop_after and pages >= stop_after):
            return cursor, pages


async def test_queries_are_paced_by_cost_and_never_throttled(tmp_path):
    with Sandbox(shopify=1, woocommerce=0, orders=120, malformed=0.0) as sb:
        bucket = sb.shops["shop1"].graphql.bucket
        bucket.maximum, bucket.restore_rate = 1200.0, 3000.0  # pages of ~1,000 requested points: it must wait
        hub = _hub(tmp_path, sb, bulk_threshold=0)
        try:
            _, pages = await _ingest(hub)
            stats = hub.connector("shop1").api().stats
            assert pages >= 25 and bucket.throttled == 0 and stats.throttled == 0
            assert stats.rate_limit_wait_seconds > 0  # it waited for room instead of being refused
            assert hub.connector("shop1").api().limiter.capacity == 1200.0  # it follows what the shop says
        finally:
            await hub.aclose()


async def test_a_throttled_answer_is_waited_out_not_failed(tmp_path):
    with Sandbox(shopify=1, woocommerce=0, orders=10, malformed=0.0) as sb:
        hub = _hub(tmp_path, sb, bulk_threshold=0)
        try:
            bucket = sb.shops["shop1"].graphql.bucket
            bucket.refill(time.monotonic())
            bucket.available = 0.0  # another client of the same app drained it: our mirror cannot know
            await _ingest(hub)
            stats = hub.connector("shop1").api().stats
            assert bucket.throttled >= 1 and stats.throttled >= 1 and stats.retries >= 1
            assert rows(f"sqlite:///{tmp_path / 'hub.db'}", "select count(*) from orders")[0][0] == 10
        finally:
            await hub.aclose()


async def test_a_large_first_sync_is_a_bulk_operation_and_a_failed_one_is_restarted(tmp_path):
    with Sandbox(shopify=1, woocommerce=0, orders=2500, malformed=0.0) as sb:
        gql = sb.shops["shop1"].graphql
        gql.fail_next_bulk = "INTERNAL_SERVER_ERROR"
        hub = _hub(tmp_path, sb)
        try:
            cursor, _ = await _ingest(hub)
            assert [op.status for op in gql.bulk] == ["FAILED", "COMPLETED"]
            url = f"sqlite:///{tmp_path / 'hub.db'}"
            assert rows(url, "select count(*), count(distinct external_id) from orders")[0] == (2500, 2500)
            assert rows(url, "select count(*) from order_versions")[0][0] == 2500
            assert "bulk" not in orjson.loads(cursor)  # back to incremental pages
            sb.shops["shop1"].add_orders(3)
            await _ingest(hub, cursor)
            assert len(gql.bulk) == 2  # a small backlog is read page by page
        finally:
            await hub.aclose()


async def test_a_bulk_file_whose_url_expired_mid_read_is_asked_for_again(tmp_path):
    with Sandbox(shopify=1, woocommerce=0, orders=1200, malformed=0.0) as sb:
        gql = sb.shops["shop1"].graphql
        hub = _hub(tmp_path, sb, bulk_threshold=1, page_size=100)
        try:
            cursor = None
            while not orjson.loads(cursor or "{}").get("bulk", {}).get("offset"):  # started, polled, a page read
                cursor, _ = await _ingest(hub, cursor, stop_after=1)
            gql.files.clear()  # the signed URL expired: storage answers 404
            await _ingest(hub, cursor)
            assert [op.status for op in gql.bulk] == ["COMPLETED", "COMPLETED"]
            url = f"sqlite:///{tmp_path / 'hub.db'}"
            assert rows(url, "select count(*), count(distinct external_id) from orders")[0] == (1200, 1200)
            assert rows(url, "select count(*) from order_versions")[0][0] == 1200
        finally:
            await hub.aclose()


def test_a_bulk_download_killed_mid_way_resumes_and_stores_every_order_once(tmp_path):
    """SIGKILL during the JSONL download of a 20,000-order first sync; the rerun resumes from the
    saved byte offset."""
    with Sandbox(shopify=1, woocommerce=0, orders=20_000, malformed=0.0) as sb:
        url = f"sqlite:///{tmp_path / 'kill.db'}"
        cfg = config(tmp_path, sb, url, page_size=100)
        args = [sys.executable, "-m", "orderhub.cli.app", "sync", "--once", "--json", "-c", str(cfg)]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 120
        count = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                count = rows(url, "select count(*) from orders")[0][0]
            except sa.exc.OperationalError:
                count = 0  # not migrated yet
            if count >= 2000:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the sync finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        cursor = rows(url, "select value from cursors where store = 'shop1'")
        assert cursor and "bulk" in cursor[0][0] and 0 < count < 20_000
        res = subprocess.run(args, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
        assert rows(url, "select count(*), count(distinct external_id) from orders")[0] == (20_000, 20_000)
        assert rows(url, "select count(*) from order_versions")[0][0] == 20_000  # none stored twice
        assert len(sb.shops["shop1"].graphql.bulk) == 1  # resumed, not run again


async def test_pushes_are_mutations_that_read_back_first(tmp_path):
    with Sandbox(shopify=1, woocommerce=0, orders=5, malformed=0.0) as sb:
        shop = sb.shops["shop1"]
        hub = _hub(tmp_path, sb, bulk_threshold=0, location_id=24826418)
        try:
            await _ingest(hub)
            c = hub.connector("shop1")
            from orderhub.db.orders import list_orders, get_order

            async with hub.engine.connect() as conn:
                oid = (await list_orders(conn, store="shop1"))[0]["id"]
                order = await get_order(conn, oid)
            payload = {"tracking_number": "1Z999", "carrier": "UPS", "tracking_url": "https://ups.example/1Z999"}
            first = await c.push_fulfilment(order, payload, key="k1")
            again = await c.push_fulfilment(order, payload, key="k1")
            assert first["status"] == "SUCCESS" and again["already_fulfilled"]
            event = await c.push_tracking(order, {"status": "in_transit", "tracking_number": "1Z999"}, key="k2")
            repeat = await c.push_tracking(order, {"status": "in_transit", "tracking_number": "1Z999"}, key="k2")
            assert event["status"] == "IN_TRANSIT" and repeat["repeat"]
            set1 = await c.push_stock({"sku": "TEE-BLK-M", "available": 7}, key="stock:1")
            set2 = await c.push_stock({"sku": "TEE-BLK-M", "available": 7}, key="stock:1")
            assert set1["was"] == 0 and set2["unchanged"]
            cancelled = await c.push_cancel(order, {"shopify_reason": "customer"}, key="k3")
            assert cancelled["cancelled"] and (await c.push_cancel(order, {}, key="k3"))["already_cancelled"]
            kinds = [(p["kind"], p.get("via")) for p in shop.pushes]
            assert kinds == [("fulfillment", "graphql"), ("fulfillment_event", "graphql"), ("stock", "graphql"),
                             ("cancel", "graphql")]
            stock = next(p for p in shop.pushes if p["kind"] == "stock")
            assert stock["reference"] == "gid://orderhub/StockPush/stock%3A1" and stock["reason"] == "correction"
        finally:
            await hub.aclose()

