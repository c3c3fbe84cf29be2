"""Ingest benchmark: orderhub against the floor, measured in the same run (issue #7).

    python bench/ingest.py [--orders 20000] [--runs 5]

The sandbox serves one Shopify shop (realistic ~8.8 KB orders, 250 a page) from its own process, with
its rate limit lifted (pacing is measured by bench/rate_limit.py, not here).
The *floor* is the bare minimum: one keep-alive httpx client pulling the same pages, orjson parsing,
raw rows inserted into SQLite in one transaction per page. *orderhub* is `orderhub sync --once` on a
fresh SQLite database: normalization, the chain (hold_rules), versions, events, the durable engine.
Both run as child processes (peak RSS from wait4); runs are paired and the ratio is the median of
orderhub wall ÷ floor wall. Not a test: machines are noisy, so only the ratio is meant to compare.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0


def floor(base_url: str, token: str, db: str) -> None:
    import httpx
    import orjson

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("create table raw_orders (id text primary key, body text)")
    params = {"status": "any", "limit": 250, "updated_at_min": "2000-01-01T00:00:00Z", "order": "updated_at asc"}
    url = f"{base_url}/admin/api/2025-01/orders.json"
    with httpx.Client(headers={"X-Shopify-Access-Token": token}, timeout=60) as client:
        while url:
            resp = client.get(url, params=params)
            orders = orjson.loads(resp.content)["orders"]
            with conn:
                conn.executemany("insert or replace into raw_orders values (?, ?)",
                                 [(str(o["id"]), orjson.dumps(o).decode()) for o in orders])
            link = resp.headers.get("link", "")
            url, params = (link.split(";")[0].strip("<>"), None) if 'rel="next"' in link else (None, None)
    conn.close()


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else status}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--floor-only", nargs=3, metavar=("URL", "TOKEN", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor_only:
        floor(*args.floor_only)
        return

    work = Path(tempfile.mkdtemp(prefix="orderhub-bench-"))
    port = 18765
    sandbox = subprocess.Popen([sys.executable, "-m", "orderhub.cli.app", "sandbox", "--shops", "1", "--woo", "0",
                                "--orders", str(args.orders), "--malformed", "0", "--port", str(port),
                                "--bucket", "1000000", "--leak", "1000000",  # pacing has its own benchmark
                                "--write-config", str(work / "orderhub.toml")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if (work / "orderhub.toml").exists():
                break
            time.sleep(0.1)
        time.sleep(0.5)
        base_url = f"http://127.0.0.1:{port}/shopify/shop1"
        token = (work / "secrets" / "shop1.access_token").read_text()
        # warm the sandbox's index so neither side pays for it
        timed([sys.executable, __file__, "--floor-only", base_url, token, str(work / "warm.db")])
        config = (work / "orderhub.toml").read_text()
        rows = []
        for run in range(args.runs):
            fdb = work / f"floor{run}.db"
            f_wall, f_rss = timed([sys.executable, __file__, "--floor-only", base_url, token, str(fdb)])
            run_dir = work / f"run{run}"
            run_dir.mkdir()
            (run_dir / "orderhub.toml").write_text(config.replace('url = "sqlite:///orderhub.db"',
                                                                  f'url = "sqlite:///{run_dir}/hub.db"'))
            shutil.copytree(work / "secrets", run_dir / "secrets", dirs_exist_ok=True)
            o_wall, o_rss = timed([sys.executable, "-m", "orderhub.cli.app", "sync", "--once", "-c",
                                   str(run_dir / "orderhub.toml")])
            stored = sqlite3.connect(run_dir / "hub.db").execute("select count(*) from orders").fetchone()[0]
            assert stored == args.orders, f"orderhub stored {stored} of {args.orders}"
            rows.append((f_wall, o_wall, f_rss, o_rss))
            print(f"run {run + 1}: floor {args.orders / f_wall:7.0f} orders/s {f_rss:6.0f} MiB | "
                  f"orderhub {args.orders / o_wall:7.0f} orders/s {o_rss:6.0f} MiB | ratio {o_wall / f_wall:.2f}")
        ratio = statistics.median(o / f for f, o, _, _ in rows)
        rss = statistics.median(o / f for _, _, f, o in rows)
        print(f"\n{'':10}{'orders/s (median)':>20}{'peak RSS MiB':>14}")
        print(f"{'floor':10}{args.orders / statistics.median(r[0] for r in rows):>20.0f}"
              f"{statistics.median(r[2] for r in rows):>14.0f}")
        print(f"{'orderhub':10}{args.orders / statistics.median(r[1] for r in rows):>20.0f}"
              f"{statistics.median(r[3] for r in rows):>14.0f}")
        print(f"peak RSS ratio {rss:.2f} (target <= 2.0); orderhub wall includes process start and DBOS launch")
        print(f"result: ingest ratio={ratio:.2f} target={TARGET}")
    finally:
        sandbox.terminate()
        sandbox.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
