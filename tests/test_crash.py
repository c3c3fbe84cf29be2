"""Crash suite: a sync with reservations and pushes, killed with SIGKILL at 20 random points of its work and
restarted each time, ends exactly as an uninterrupted one would.

The sync pulls two sandbox shops (Shopify and WooCommerce) over HTTP, reserves stock for every
order and forwards each order to a loopback receiver (a durable push with an Idempotency-Key).
After the last restart completes: every order is stored once with one version; every push was
applied once by the receiver (a kill between sending and recording may repeat a delivery with
the same key, never a different one); every cursor is at the end (a further sync finds nothing
new and sends nothing); and every reservation is there once: per order and SKU it matches the
order's lines, and each SKU's reserved count equals its held reservations and its movements.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.db.engine import make_sync_engine
from orderhub.sandbox import Sandbox

from .helpers import RecordingReceiver, stock_sandbox_catalog

pytestmark = pytest.mark.slow

#: Orders per shop: PostgreSQL's chain and pushes cost a round trip per statement, so fewer there
#: keep both runs about as long and let the kills land in every phase.
ORDERS = {"sqlite": 700, "postgresql": 300}
KILLS = 20


def start(cfg):
    return subprocess.Popen([sys.executable, "-m", "orderhub.cli.app", "sync", "--once", "--json", "-c", str(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Progress:
    """Orders stored, orders through the chain, pushes received: where the sync has got to."""

    def __init__(self, url, receiver):
        self.engine, self.receiver = make_sync_engine(url), receiver

    def now(self) -> tuple[int, int, int]:
        try:
            with self.engine.connect() as conn:
                stored, chained = conn.execute(sa.text(
                    "select count(*), count(*) - count(case when chain_pending then 1 end) from orders")).one()
        except sa.exc.OperationalError:  # a table the first run has not made yet, or a busy file
            stored = chained = 0
        return stored, chained, len(self.receiver.requests)


def kill_at(cfg, progress: Progress, at: int, rng) -> tuple[bool, tuple[int, int, int]]:
    """Start a sync and SIGKILL it once it has done work of its own and the whole run's work
    (orders stored + orders through the chain + pushes received) has reached ``at``. Kill points
    spread over the work, not over the clock, land in every phase on a fast machine or a slow one.
    Whether it was killed (it may finish first)."""
    before = progress.now()
    proc = start(cfg)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        now = progress.now()
        if now != before and sum(now) >= at:
            break
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, 0.05))
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return killed, progress.now()


def check(url):
    engine = make_sync_engine(url)
    with engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
        orders = q("select id, store, external_id, status, data from orders")
        versions = q("select order_id, count(*) from order_versions group by order_id")
        push_rows = q("select key, status from pushes")
        held = q("select order_id, sku, sum(quantity) from reservations where status = 'held' group by order_id, sku")
        levels = dict(q("select sku, reserved from inventory"))
        moved = dict(q("select sku, sum(reserved_delta) from stock_movements group by sku"))
        cursors = q("select store, value from cursors where stream = 'orders'")
        pending = q("select count(*) from orders where chain_pending")[0][0]
    engine.dispose()
    return orders, versions, push_rows, held, levels, moved, cursors, pending


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_twenty_kills_lose_nothing_double_nothing_and_end_at_the_cursor(tmp_path, backend, request, figures):
    url = f"sqlite:///{tmp_path / 'hub.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    receiver = RecordingReceiver()
    with Sandbox(shopify=1, woocommerce=1, orders=ORDERS[backend], malformed=0.0, woo_rate=0, carriers=False,
                 shopify_bucket=1000, shopify_leak=1000) as sb:
        try:
            stores = sb.store_configs(tmp_path / "secrets")
            for sc in stores.values():
                sc.update(page_size=50, payment_rule="always")
            cfg = tmp_path / "orderhub.toml"
            cfg.write_text(sandbox_config_toml(stores, db=url, chain=f'["validate", "reserve", {{ step = "forward", url = '
                                                                    f'"{receiver.url}" }}]')
                           .replace('executor_id = "sandbox-worker"', 'executor_id = "crash-worker"\nbatch_size = 50'))
            stock_sandbox_catalog(url, location="default", on_hand=1_000_000)  # plenty: every reservation succeeds
            rng = random.Random(20261124)
            tracker = Progress(url, receiver)
            kills, progress = 0, []
            # the run's work is about 3 × the orders (stored, chained, pushed): kill points over 90% of it
            for point in sorted(rng.sample(range(1, int(0.9 * 3 * 2 * ORDERS[backend])), KILLS)):
                killed, at = kill_at(cfg, tracker, point, rng)
                if not killed:
                    break  # the sync finished first: the work was too small for the kills asked
                kills += 1
                progress.append(at)
            tracker.engine.dispose()
            final = start(cfg)
            out, err = final.communicate(timeout=300)
            assert final.returncode == 0, err[-3000:]
            assert {r["result"] for r in json.loads(out)} == {"complete"}
            orders, versions, push_rows, held, levels, moved, cursors, pending = check(url)
            sent_before_rerun = len(receiver.requests)

            # a further sync: the cursors are at the end, so nothing is new and nothing is sent
            again = start(cfg)
            out2, err2 = again.communicate(timeout=120)
            assert again.returncode == 0, err2[-3000:]
            rerun = json.loads(out2)
            doctor = subprocess.run([sys.executable, "-m", "orderhub.cli.app", "doctor", "--json", "-c", str(cfg)],
                                    capture_output=True, text=True, timeout=120)
            assert doctor.returncode == 0, f"invariants broken after the kills: {doctor.stdout[-3000:]}{doctor.stderr[-2000:]}"
        finally:
            receiver.close()

        total = 2 * ORDERS[backend]
        forwarded = sum(1 for o in orders if o.status != "cancelled")  # cancelled on the channel: no chain
        assert forwarded >= 0.9 * total
        keys = Counter(receiver.requests)
        repeated = sum(n - 1 for n in keys.values())
        lines = Counter()
        for o in orders:
            if o.status != "cancelled":
                data = o.data if isinstance(o.data, dict) else json.loads(o.data)
                for li in data["line_items"]:
                    lines[(o.id, li["sku"])] += li["quantity"]
        held_by_order = {(oid, sku): n for oid, sku, n in held}
        held_by_sku = Counter()
        for (_, sku), n in held_by_order.items():
            held_by_sku[sku] += n
        figures(f"[{backend}] {kills} kills, {total} orders, {len(orders)} stored, "
              f"{sum(1 for _, n in versions if n > 1)} stored twice, {len(set(keys))} pushes applied "
              f"({repeated} deliveries repeated with the same key), {len(held_by_order)} reservations, "
              f"{sum(1 for k in lines if held_by_order.get(k) != lines[k])} lost or doubled; "
              f"(orders stored, through the chain, pushes received) at each kill: {progress}")

        assert kills == KILLS, "every kill should land while the sync runs"
        assert any(c < total for _, c, _ in progress), "some kills should land before the chain is through"
        assert any(0 < p < forwarded for _, _, p in progress), "some kills should land while pushes are sent"
        assert len(orders) == len({(o.store, o.external_id) for o in orders}) == total
        assert all(n == 1 for _, n in versions) and len(versions) == total
        assert pending == 0
        assert Counter(s for _, s in push_rows) == {"delivered": forwarded}
        assert set(keys) == {k for k, _ in push_rows}  # every push applied, none that was not queued
        assert repeated <= kills  # only a delivery in flight at a kill is repeated, with its key
        assert set(sb.shops) == {s for s, _ in cursors} and all("page_info" not in v for _, v in cursors)
        assert all(r["result"] == "complete" and r.get("inserted", 0) == 0 and r.get("updated", 0) == 0
                   for r in rerun), rerun
        assert len(receiver.requests) == sent_before_rerun
        assert held_by_order == dict(lines)  # per order and SKU: reserved once, none lost
        assert {s: n for s, n in levels.items() if n} == dict(held_by_sku)
        assert {s: n for s, n in moved.items() if n} == dict(held_by_sku)
