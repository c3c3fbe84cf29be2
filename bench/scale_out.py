"""Scale-out: orders/s of two workers against one, on PostgreSQL, on the same work (issue #7).

    python bench/scale_out.py [--stores 8] [--orders 1500] [--pg postgresql://postgres@127.0.0.1:5432/test]

The sandbox (its own process) serves S Shopify shops with ~50 ms of latency per request, so the
work is a realistic mix of waiting on marketplaces and CPU. `orderhub run` workers share one
PostgreSQL database (created fresh for each run); each works up to two stores at a time, and a
store is only ever worked by one of them. A run ends when every order is stored and through its
chain; orders/s is counted from the first orders through the chain (the workers' start-up, the
same for one as for two, is left out). Ratio = orders/s with 2 workers ÷ orders/s with 1
(target ≥ 1.6; 2.0 is perfect).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, result, run_dir, sandbox  # noqa: E402

TARGET = 1.6
DB = "orderhub_bench_scale"


def fresh_database(admin_url: str) -> str:
    engine = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"drop database if exists {DB} with (force)"))
        conn.execute(sa.text(f"create database {DB}"))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{DB}"


def done(url: str) -> int:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("select count(*) from orders where not chain_pending")).scalar_one()
    except sa.exc.ProgrammingError:  # the schema is not there yet
        return 0
    finally:
        engine.dispose()


def run(work: Path, name: str, workers: int, admin_url: str, total: int) -> float:
    url = fresh_database(admin_url)
    d = run_dir(work, name, url, replace={
        'executor_id = "sandbox-worker"': 'max_concurrent_stores = 2\nheartbeat_interval = "1s"',
        'api_version = "2025-01"': 'api_version = "2025-01"\npoll_interval = "1h"\npage_size = 50'})
    procs = []
    for n in range(1, workers + 1):
        env = {**os.environ, "ORDERHUB_WORKER_ID": f"{name}-w{n}"}
        procs.append(subprocess.Popen([PY, "-m", "orderhub.cli.app", "run", "--port", "0", "-c", str(d / "orderhub.toml")],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    try:
        t0 = None
        while (n_done := done(url)) < total:
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker stopped: {procs[0].stderr.read().decode()[-2000:]}")
            if t0 is None and n_done:
                t0, first = time.perf_counter(), n_done  # from the first orders through: workers have started
            time.sleep(0.1)
        wall = (time.perf_counter() - t0) * total / (total - first)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stores", type=int, default=8)
    ap.add_argument("--orders", type=int, default=2500)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = ap.parse_args()
    total = args.stores * args.orders
    with sandbox("--shops", str(args.stores), "--woo", "0", "--orders", str(args.orders), "--malformed", "0",
                 "--latency", "0.05", "--bucket", "1000000", "--leak", "1000000") as (work, _):
        rows = []
        for r in range(args.runs):
            one = run(work, f"one{r}", 1, args.pg, total)
            two = run(work, f"two{r}", 2, args.pg, total)
            rows.append((one, two))
            print(f"run {r + 1}: 1 worker {total / one:6.0f} orders/s ({one:5.1f} s) | "
                  f"2 workers {total / two:6.0f} orders/s ({two:5.1f} s) | ratio {one / two:.2f}", flush=True)
    best = sorted(rows, key=lambda x: x[0] / x[1])[len(rows) // 2]
    print(f"\n{'workers':>8}{'orders/s':>10}{'wall s':>8}")
    print(f"{1:>8}{total / best[0]:>10.0f}{best[0]:>8.1f}\n{2:>8}{total / best[1]:>10.0f}{best[1]:>8.1f}")
    print(f"{args.stores} stores x {args.orders} orders on PostgreSQL, 50 ms per sandbox request, 2 stores at a time "
          f"per worker; walls from the first orders through the chain to the last")
    result("scale_out", best[0] / best[1], TARGET)


if __name__ == "__main__":
    main()
