"""Many stores on one worker: how late polls start and what a store costs per hour (issue #16).

    python bench/many_stores.py [--stores 200] [--interval 30] [--window 120] [--rate 1.0]

The sandbox serves ``--stores`` Shopify shops (REST, Shopify's real bucket: 40 requests leaking 2 a
second; 50 ms a round trip), each with 25 orders to start with. One ``orderhub run`` worker
(SQLite, the default ``max_concurrent_stores`` of 8) polls each every ``--interval`` seconds. Once
every store has been pulled once, a window of ``--window`` seconds is measured while new orders
arrive at ``--rate`` a second on stores picked at random (most polls find nothing, as on a
quiet night; some find one or two orders):

* **poll lag**: how late each poll started after it was due, from the daemon's own
  ``orderhub_poll_lag_seconds`` histogram (p50 and p95 interpolated within its buckets, as
  Prometheus's ``histogram_quantile`` does);
* **CPU per store-hour**: the worker's CPU seconds (from /proc) over the window ÷ (stores × hours);
* every order that arrived is stored by the end, or the run fails.

The sandbox runs in this process; its share of a core is printed. Ratio = poll lag p95 ÷ the
interval (target ≤ 0.1: a poll starts within a tenth of its interval).
"""

from __future__ import annotations

import argparse
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, free_port, result  # noqa: E402
from scale_out import cpu_of  # noqa: E402

from orderhub.cli.sandbox_cmd import sandbox_config_toml  # noqa: E402
from orderhub.sandbox import Sandbox  # noqa: E402

TARGET = 0.1
START_ORDERS = 25


def lag_histogram(metrics_url: str) -> dict[float, float]:
    """Cumulative counts of ``orderhub_poll_lag_seconds`` by upper bound."""
    buckets = {}
    for line in httpx.get(metrics_url, timeout=30).text.splitlines():
        if line.startswith("orderhub_poll_lag_seconds_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float("inf") if le == "+Inf" else float(le)] = float(line.rsplit(" ", 1)[1])
    return buckets


def quantile(q: float, before: dict[float, float], after: dict[float, float]) -> tuple[float, int]:
    """The q-quantile of the observations between two scrapes, linear within a bucket; and their count."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    total = counts[-1]
    if not total:
        return 0.0, 0
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in zip(bounds, counts):
        if count >= rank:
            if bound == float("inf"):
                return lower, int(total)
            return lower + (bound - lower) * (rank - below) / max(count - below, 1e-9), int(total)
        lower, below = bound, count
    return lower, int(total)


def stored(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute("select count(*) from orders").fetchone()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stores", type=int, default=200)
    ap.add_argument("--interval", type=float, default=30.0)
    ap.add_argument("--window", type=float, default=120.0)
    ap.add_argument("--rate", type=float, default=1.0, help="new orders a second, over all stores")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="orderhub-bench-many-"))
    with Sandbox(shopify=args.stores, woocommerce=0, orders=START_ORDERS, malformed=0.0, carriers=False,
                 latency=0.05) as sb:
        configs = sb.store_configs(work / "secrets")
        for c in configs.values():
            c.update(api="rest", poll_interval=f"{args.interval}s")
        port = free_port()
        (work / "orderhub.toml").write_text(
            sandbox_config_toml(configs, db=f"sqlite:///{work}/hub.db").replace(
                'executor_id = "sandbox-worker"', 'executor_id = "many"'))
        metrics = f"http://127.0.0.1:{port}/metrics"
        worker = subprocess.Popen([PY, "-m", "orderhub.cli.app", "run", "--port", str(port), "-c",
                                   str(work / "orderhub.toml")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            t0 = time.perf_counter()
            want = args.stores * START_ORDERS
            while not (work / "hub.db").exists() or stored(work / "hub.db") < want:
                if worker.poll() is not None:
                    raise SystemExit(f"the worker stopped: {worker.stderr.read().decode()[-3000:]}")
                time.sleep(0.5)
            print(f"{args.stores} stores pulled once ({want} orders) in {time.perf_counter() - t0:.1f} s", flush=True)
            added, stop = [0], threading.Event()

            def arrive() -> None:
                rng = random.Random(7)
                with httpx.Client(timeout=30) as client:
                    while not stop.wait(rng.expovariate(args.rate)):
                        client.post(f"{sb.url}/_sandbox/shop{rng.randint(1, args.stores)}/orders", json={"count": 1})
                        added[0] += 1

            lag0, cpu0 = lag_histogram(metrics), cpu_of([worker.pid])
            own0, w0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            feeder = threading.Thread(target=arrive, daemon=True)
            feeder.start()
            time.sleep(args.window)
            lag1, cpu1 = lag_histogram(metrics), cpu_of([worker.pid])
            own1, window = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - w0
            stop.set()
            feeder.join()
            want += added[0]
            deadline = time.perf_counter() + 3 * args.interval
            while stored(work / "hub.db") < want and time.perf_counter() < deadline:
                time.sleep(0.5)
            got = stored(work / "hub.db")
            assert got == want, f"stored {got} of {want} orders"
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
    p50, polls = quantile(0.5, lag0, lag1)
    p95, _ = quantile(0.95, lag0, lag1)
    cpu = cpu1 - cpu0
    sandbox_share = (own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime) / window
    store_hours = args.stores * window / 3600
    print(f"window {window:.0f} s: {polls} polls ({polls / window:.1f}/s, {args.stores / args.interval:.1f}/s due), "
          f"{added[0]} new orders, all stored")
    print(f"poll lag p50 {p50:.2f} s, p95 {p95:.2f} s (interval {args.interval:.0f} s)")
    print(f"worker CPU {cpu:.1f} s = {cpu / window:.0%} of a core: {cpu / store_hours:.1f} CPU-s per store-hour, "
          f"{cpu / max(polls, 1) * 1000:.1f} ms per poll; sandbox {sandbox_share:.0%} of a core")
    result("many_stores", p95 / args.interval, TARGET)


if __name__ == "__main__":
    main()
