"""200 webhook deliveries a second for 30 s against one worker (issue #6): every one acknowledged,
every order stored once, the duplicates in the stream ignored. ORDERHUB_LOAD_SECONDS shortens it."""

import asyncio
import json
import os
import signal
import subprocess
import sys

import httpx
import pytest
import sqlalchemy as sa

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.db.engine import make_sync_engine
from orderhub.sandbox import Sandbox

from .helpers import blast, http_request
from .test_daemon import free_port, wait_until

pytestmark = pytest.mark.slow
RATE = 200
SECONDS = float(os.environ.get("ORDERHUB_LOAD_SECONDS", "30"))


def test_200_webhooks_per_second_are_acknowledged_and_stored_once(tmp_path, sqlite_url):
    total = int(RATE * SECONDS)
    duplicates = total // 10
    unique = total - duplicates
    with Sandbox(shopify=1, woocommerce=0, orders=0, malformed=0.0) as sb:
        shop = sb.shops["shop1"]
        shop.count = unique
        port = free_port()
        stores = sb.store_configs(tmp_path / "secrets")
        stores["shop1"]["poll_interval"] = "24h"
        cfg = tmp_path / "orderhub.toml"
        cfg.write_text(sandbox_config_toml(stores, db=sqlite_url) + f"\n[server]\nport = {port}\n")
        proc = subprocess.Popen([sys.executable, "-m", "orderhub.cli.app", "run", "--json", "-c", str(cfg)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            assert wait_until(lambda: httpx.get(f"{base}/readyz").status_code == 200)
            # the stream: every order once, and every tenth delivery sent a second time
            stream = []
            for i in range(unique):
                body = json.dumps(shop.order(i)).encode()
                stream.append((shop.webhook_headers("orders/create", body, f"d-{i}"), body))
                if i % 9 == 0 and len(stream) < total:
                    stream.append(stream[-1])
            stream = stream[:total]

            wire = [http_request("POST", "127.0.0.1", port, "/webhooks/shop1", headers, body)
                    for headers, body in stream]
            results, took = asyncio.run(blast("127.0.0.1", port, wire, rate=RATE))
            statuses = [(code, json.loads(body).get("status")) for code, body, _ in results]
            latencies = [t for _, _, t in results]
            engine = make_sync_engine(sqlite_url)

            def stored():
                with engine.connect() as conn:
                    return conn.execute(sa.text("select count(*), count(distinct external_id) from orders")).one()

            assert wait_until(lambda: stored()[0] == unique, timeout=60)
            n, distinct = stored()
            engine.dispose()
            latencies.sort()
            p99 = latencies[int(len(latencies) * 0.99)]
            print(f"\n{total} webhooks in {took:.1f}s ({total / took:.0f}/s), {duplicates} duplicates; "
                  f"acks p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; "
                  f"{n} orders stored")
            assert all(code == 200 for code, _ in statuses)
            assert sum(1 for _, s in statuses if s == "stored") == unique
            assert sum(1 for _, s in statuses if s == "duplicate") == total - unique
            assert n == distinct == unique
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=60)
