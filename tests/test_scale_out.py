"""Several `orderhub run` workers on PostgreSQL: one worker per store at a time, and the survivors
take over the work of a worker killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import time

import pytest

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.db.engine import migrate
from orderhub.sandbox import Sandbox
from tests.helpers import sql_rows

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def count(url, sql):
    return sql_rows(url, sql)[0][0]


def test_three_workers_one_store_at_a_time_and_a_killed_worker_is_taken_over(tmp_path, pg_url):
    shops, orders = 30, 200
    with Sandbox(shopify=20, woocommerce=10, orders=orders, malformed=0.0, latency=0.02, woo_rate=0) as sb:
        stores = sb.store_configs(tmp_path / "secrets")
        for sc in stores.values():
            sc.update(poll_interval="1h", page_size=25)
        cfg = tmp_path / "orderhub.toml"
        text = sandbox_config_toml(stores, db=pg_url).replace(
            'executor_id = "sandbox-worker"',  # each worker takes its id from ORDERHUB_WORKER_ID
            'heartbeat_interval = "1s"\nworker_dead_after = "4s"\nmax_concurrent_stores = 6')
        cfg.write_text(text)
        migrate(pg_url)
        procs = {}
        for n in (1, 2, 3):
            env = {**os.environ, "ORDERHUB_WORKER_ID": f"w{n}"}
            procs[n] = subprocess.Popen([sys.executable, "-m", "orderhub.cli.app", "run", "--port", "0", "-c", str(cfg)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while count(pg_url, "select count(*) from orders") < 1000 and time.monotonic() < deadline:
                time.sleep(0.2)
            busy = count(pg_url, "select count(*) from orders")
            assert 0 < busy < shops * orders, "the kill should land mid-sync"
            os.kill(procs[1].pid, signal.SIGKILL)
            killed_at = time.monotonic()
            while count(pg_url, "select count(*) from orders") < shops * orders and time.monotonic() - killed_at < 60:
                time.sleep(0.5)
            took = time.monotonic() - killed_at
            assert count(pg_url, "select count(*) from orders") == shops * orders, "orders lost after the kill"
            assert count(pg_url, "select count(*) from order_versions") == shops * orders  # each stored once
            overlapping = {n: s.max_inflight for n, s in sb.shops.items()}
            recovered = count(pg_url, "select count(*) from workers where executor_id = 'w1' and recovered_by is not null")
            print(f"\n3 workers, {shops} stores x {orders} orders, worker w1 killed at {busy} orders; all stored "
                  f"{took:.1f}s after the kill (w1 recovered by a survivor: {bool(recovered)}); most requests in flight "
                  f"per store: {max(overlapping.values())}")
            assert all(v == 1 for v in overlapping.values()), {k: v for k, v in overlapping.items() if v != 1}
        finally:
            for p in procs.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs.values():
                p.wait(timeout=60)
