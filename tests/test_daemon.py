"""`orderhub run` against the sandbox: polling, webhooks, the admin API, metrics, SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.sandbox import Sandbox

pytestmark = pytest.mark.slow
TOKEN = "admin-s3cret"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def test_daemon_syncs_takes_webhooks_guards_the_admin_api_and_stops_on_sigterm(tmp_path, sqlite_url):
    with Sandbox(shopify=1, woocommerce=1, orders=300, malformed=0.01, woo_rate=0) as sb:
        port = free_port()
        stores = sb.store_configs(tmp_path / "secrets")
        for sc in stores.values():
            sc["poll_interval"] = "1h"  # after the first poll, new orders arrive by webhook only
        cfg = tmp_path / "orderhub.toml"
        cfg.write_text(sandbox_config_toml(stores, db=sqlite_url)
                       + f'\n[server]\nport = {port}\nadmin_token = "env:OH_TOKEN"\n')
        env = {**os.environ, "OH_TOKEN": TOKEN}
        proc = subprocess.Popen([sys.executable, "-m", "orderhub.cli.app", "run", "--json", "-c", str(cfg)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        try:
            assert wait_until(lambda: httpx.get(f"{base}/readyz").status_code == 200)

            def stored():
                stats = httpx.get(f"{base}/api/v1/stats", headers=auth).json()
                return sum(r["n"] for r in stats["orders"]) + sum(r["n"] for r in stats["quarantine"])

            assert wait_until(lambda: stored() == 600)

            # new orders announced by signed webhooks reach the hub without a poll
            for name in ("shop1", "woo1"):
                sb.shops[name].webhook_url = f"{base}/webhooks/{name}"
            created = httpx.post(f"{sb.url}/_sandbox/shop1/orders", json={"count": 5}).json()["created"]
            httpx.post(f"{sb.url}/_sandbox/woo1/orders", json={"count": 3})
            assert wait_until(lambda: stored() == 608, timeout=30)
            order = httpx.get(f"{base}/api/v1/orders/shop1:{created[0]}", headers=auth).json()
            assert [e["kind"] for e in order["events"]][0] == "received"
            assert order["events"][0]["actor"] == "webhook:orders/create"
            # a replayed delivery is acknowledged and ignored; a forged one is refused
            shop = sb.shops["shop1"]
            body = json.dumps(shop.order(300)).encode()
            headers = shop.webhook_headers("orders/create", body, "replayed-1")
            assert httpx.post(f"{base}/webhooks/shop1", content=body, headers=headers).json()["status"] == "stored"
            assert httpx.post(f"{base}/webhooks/shop1", content=body, headers=headers).json()["status"] == "duplicate"
            forged = {**headers, "X-Shopify-Hmac-Sha256": "AAAA"}
            assert httpx.post(f"{base}/webhooks/shop1", content=body, headers=forged).status_code == 401
            assert httpx.post(f"{base}/webhooks/nope", content=body).status_code == 404

            # no admin endpoint answers without the token
            paths = [p for p in httpx.get(f"{base}/openapi.json").json()["paths"] if p.startswith("/api/v1")]
            assert len(paths) >= 10
            for path in paths:
                url = base + path.replace("{ref}", "x").replace("{qid}", "1").replace("{store}", "shop1")
                for method in ("get", "post"):
                    r = httpx.request(method, url, headers={"Authorization": "Bearer wrong"})
                    assert r.status_code in (401, 405), (method, path, r.status_code)
            # pause and resume through the API
            assert httpx.post(f"{base}/api/v1/stores/shop1/pause", json={"reason": "maintenance"},
                              headers=auth).json()["paused"] is True
            listed = {s["store"]: s for s in httpx.get(f"{base}/api/v1/stores", headers=auth).json()}
            assert listed["shop1"]["paused_reason"] == "maintenance"
            httpx.post(f"{base}/api/v1/stores/shop1/resume", headers=auth)

            metrics = httpx.get(f"{base}/metrics").text
            assert 'orderhub_orders_ingested_total{kind="inserted",store="shop1"}' in metrics
            assert 'orderhub_http_requests_total{store="woo1"}' in metrics
            assert 'orderhub_queue_depth{queue="chain",store="shop1"}' in metrics
            assert "orderhub_chain_step_seconds_bucket" in metrics
            assert 'orderhub_webhooks_total{status="duplicate",store="shop1"} 1.0' in metrics
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        summary = {r["store"]: r for r in json.loads(out)}
        assert summary["shop1"]["syncs"] >= 1 and summary["woo1"]["last_result"] == "complete"


async def test_polls_run_once_a_slot_on_a_fixed_rate_and_how_late_they_start_is_measured(tmp_path):
    """A store is polled at start, then once per ``poll_interval`` slot at an offset fixed by its
    name (so every worker names the same poll with the same workflow id). The next poll is due a
    slot after the last, not an interval after the sync ended, and how late each poll started is
    the ``orderhub_poll_lag_seconds`` histogram an operator watches with many stores."""
    import math
    import zlib

    from orderhub.runtime.daemon import Daemon
    from tests.helpers import make_hub

    stores = {}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        stores[name] = {"connector": "files", "path": str(tmp_path / name), "poll_interval": "1s", "chain": []}
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], stores=stores)
    hub.config.server.port = 0
    daemon = Daemon(hub, run_for=4.6)
    results = await daemon.run()
    for name in stores:
        starts = [r["started_at"] for r in results[name]]
        assert 4 <= len(starts) <= 6, starts
        # one poll per slot: after the first (at start) and the next (the slot the first ran into,
        # at once when its time had come), a slot's interval apart
        offset = zlib.crc32(name.encode()) % 1000 / 1000
        slots = [math.floor(t - offset) for t in starts[1:]]
        assert slots == sorted(set(slots)), (starts, slots)
        gaps = [b - a for a, b in zip(starts[2:], starts[3:])]
        assert all(0.5 < g < 1.5 for g in gaps), gaps
    lag = hub.metrics.registry.get_sample_value("orderhub_poll_lag_seconds_count")
    assert lag == sum(len(r) for r in results.values())
    assert hub.metrics.registry.get_sample_value("orderhub_poll_lag_seconds_bucket", {"le": "1.0"}) == lag
