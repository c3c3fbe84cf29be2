"""Ingest benchmark: orderhub against the floor, measured in the same run (issue #7).

    python bench/ingest.py [--orders 20000] [--runs 5]

The sandbox serves one Shopify shop (realistic ~8.8 KB orders, 250 a page, money as strings, tax
lines, addresses, customer) from its own process, with its rate limit lifted (pacing is measured
by bench/rate_limit.py, not here). The *floor* is the bare minimum: one keep-alive httpx client
pulling the same pages, orjson parsing, raw rows inserted into SQLite in one transaction per page.
*orderhub* is `orderhub sync --once` on a fresh SQLite database: normalization, the chain
(hold_rules), versions, events, the durable engine. Both run as child processes (peak RSS from
wait4); runs are paired and the ratio is the median of orderhub wall ÷ floor wall.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, result, run_dir, sandbox, sync_cmd, timed  # noqa: E402

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--floor-only", nargs=3, metavar=("URL", "TOKEN", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor_only:
        floor(*args.floor_only)
        return

    with sandbox("--shops", "1", "--woo", "0", "--orders", str(args.orders), "--malformed", "0",
                 "--bucket", "1000000", "--leak", "1000000") as (work, url):
        base_url = f"{url}/shopify/shop1"
        token = (work / "secrets" / "shop1.access_token").read_text()
        floor_cmd = [PY, __file__, "--floor-only", base_url, token]
        timed(floor_cmd + [str(work / "warm.db")])  # warm the sandbox's index so neither side pays for it
        rows = []
        for run in range(args.runs):
            f_wall, f_rss = timed(floor_cmd + [str(work / f"floor{run}.db")])
            d = run_dir(work, f"run{run}")
            o_wall, o_rss = timed(sync_cmd(d / "orderhub.toml"))
            stored = sqlite3.connect(d / "hub.db").execute("select count(*) from orders").fetchone()[0]
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
    print(f"peak RSS ratio {rss:.2f} (target <= 2.0). orderhub's wall includes its process start, migrations, "
          f"the durable engine's launch and first queue pick-up (about 1.5 s of fixed cost on a fresh database).")
    result("ingest", ratio, TARGET)


if __name__ == "__main__":
    main()
