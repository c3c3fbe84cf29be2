"""Durability: a sync killed with SIGKILL mid-run and restarted loses nothing and pushes nothing twice.

Each order is forwarded to a loopback receiver (a durable push with an Idempotency-Key). The
process is killed at random moments; after the last restart the sync completes.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from orderhub.db.engine import make_sync_engine
from orderhub.demo import write_json_orders

from .helpers import RecordingReceiver

pytestmark = pytest.mark.slow

ORDERS = 1500
KILLS = 5

CONFIG = """\
[database]
url = "{url}"
[runtime]
executor_id = "crash-worker"
batch_size = 100
[logging]
level = "error"
[stores.shop]
connector = "files"
path = "inbox"
files_per_page = 100
chain = [{{ step = "forward", url = "{receiver}" }}]
"""


def start(cfg):
    return subprocess.Popen([sys.executable, "-m", "orderhub.cli.app", "sync", "--once", "--json", "-c", str(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sigkill_mid_sync_loses_nothing_and_sends_nothing_twice(tmp_path, backend, request):
    url = f"sqlite:///{tmp_path / 'hub.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    receiver = RecordingReceiver()
    try:
        write_json_orders(tmp_path / "inbox", ORDERS)
        cfg = tmp_path / "orderhub.toml"
        cfg.write_text(CONFIG.format(url=url, receiver=receiver.url))
        rng = random.Random(20261124)
        kills = 0
        for _ in range(KILLS):
            proc = start(cfg)
            time.sleep(rng.uniform(1.2, 3.5))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        final = start(cfg)
        out, err = final.communicate(timeout=300)
        assert final.returncode == 0, err
        assert json.loads(out)[0]["result"] == "complete"

        engine = make_sync_engine(url)
        with engine.connect() as conn:
            n_orders = conn.execute(sa.text("select count(*), count(distinct external_id) from orders")).one()
            pushes = conn.execute(sa.text("select status, count(*) from pushes group by status")).all()
            pending_chain = conn.execute(sa.text("select count(*) from orders where chain_pending")).scalar_one()
        engine.dispose()
        deliveries = len(receiver.requests)
        duplicates = deliveries - len(receiver.applied)
        print(f"\n[{backend}] {kills} kills, {ORDERS} orders, {n_orders[0]} stored, "
              f"{len(receiver.applied)} pushes applied, {duplicates} repeated deliveries (same key, ignored)")
        assert tuple(n_orders) == (ORDERS, ORDERS)
        assert dict(pushes) == {"delivered": ORDERS}
        assert pending_chain == 0
        assert len(receiver.applied) == ORDERS
        # at-least-once delivery: a kill between sending and recording repeats at most the pushes in flight
        assert duplicates <= kills
        assert kills >= 3, "the kills should land mid-run"
    finally:
        receiver.close()
