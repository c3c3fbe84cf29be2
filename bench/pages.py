"""Pages per second: what one worker's cost per page, not per order, allows (issue #16).

    python bench/pages.py [--stores 8] [--pages 100] [--idle 400] [--runs 3]

A daemon serving many stores mostly reads small pages: at Shopify's REST rate (2 requests a
second) 48 stores ask for up to 96 pages a second, most of a few orders or none. Two workloads,
served pre-rendered by ``bench/fastserver.py`` (its CPU share printed):

* **10-order pages**: ``--stores`` shops of ``--pages`` pages of 10 orders each, pulled by one
  ``orderhub sync --once`` (chain ``hold_rules``, up to 8 stores at a time);
* **empty pages**: ``--idle`` shops with no new orders, each polled once — what an idle store
  costs per poll: the sync's steps, its checkpoints, the empty page, the cursor, the store's state.

Pages per second are timed by the server, from the first order request to the last, so process
start-up is left out. The *floor* is a bare client on the same pages: one httpx client, orjson,
and per page one SQLite transaction holding the page's rows and the store's cursor. CPU-seconds
per 1,000 pages are printed for both (the whole process, start-up included). Runs are paired;
ratio = floor pages/s ÷ orderhub pages/s on 10-order pages, median of the runs (target ≤ 3.0, the
pipeline benchmark's); the empty-page ratio is printed beside it.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, FastServer, fast_shops, result, run_dir, run_timed, sync_cmd  # noqa: E402

TARGET = 3.0


def floor(config: str, db: str) -> None:
    """Every store of the config's fast server, page after page, each page one transaction."""
    import tomllib

    import httpx
    import orjson

    stores = tomllib.loads(Path(config).read_text())["stores"]
    token = Path(next(iter(stores.values()))["credentials"]["access_token"][len("file:"):]).read_text()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("create table raw_orders (store text, id text, body text, primary key (store, id))")
    conn.execute("create table cursors (store text primary key, cursor text)")
    with httpx.Client(headers={"X-Shopify-Access-Token": token}, timeout=60) as client:
        for name, store in stores.items():
            url: str | None = f"{store['base_url']}/admin/api/2025-01/orders.json"
            params: dict | None = {"status": "any", "limit": 10, "updated_at_min": "2000-01-01T00:00:00Z",
                                   "order": "updated_at asc"}
            while url:
                resp = client.get(url, params=params)
                orders = orjson.loads(resp.content)["orders"]
                link = resp.headers.get("link", "")
                url, params = (link.split(";")[0].strip("<>"), None) if 'rel="next"' in link else (None, None)
                with conn:
                    conn.executemany("insert or replace into raw_orders values (?, ?, ?)",
                                     [(name, str(o["id"]), orjson.dumps(o).decode()) for o in orders])
                    conn.execute("insert or replace into cursors values (?, ?)", (name, url or "done"))
    conn.close()


def timed_pages(server: FastServer, cmd: list[str]) -> tuple[float, float, int, float]:
    """(pages/s between the run's first and last order request, process CPU seconds, pages,
    the server's share of a core over those requests)."""
    before = server.stats()
    run = run_timed(cmd)
    after = server.stats(since=before["requests"])
    pages, span = after["requests"] - before["requests"], after["last"] - after["first"]
    return (pages - 1) / span, run.cpu, pages, (after["cpu_seconds"] - before["cpu_seconds"]) / run.wall


def workload(name: str, stores: int, orders: int, runs: int) -> list[tuple[float, float, float, float, int, float]]:
    """Paired runs: (floor pages/s, floor CPU s, orderhub pages/s, orderhub CPU s, pages, server CPU share)."""
    rows = []
    with fast_shops(orders, stores, page_size=10) as (work, server):
        for r in range(runs):
            d = run_dir(work, f"run{r}", replace={'api = "rest"': 'api = "rest"\npage_size = 10'})
            f_rate, f_cpu, pages, _ = timed_pages(server, [PY, __file__, "--floor-only", str(d / "orderhub.toml"),
                                                          str(d / "floor.db")])
            o_rate, o_cpu, o_pages, share = timed_pages(server, sync_cmd(d / "orderhub.toml"))
            assert o_pages == pages, f"orderhub read {o_pages} pages, the floor {pages}"
            stored = sqlite3.connect(d / "hub.db").execute("select count(*) from orders").fetchone()[0]
            assert stored == stores * orders, f"orderhub stored {stored} of {stores * orders}"
            rows.append((f_rate, f_cpu, o_rate, o_cpu, pages, share))
            print(f"{name} run {r + 1}: {pages} pages; floor {f_rate:6.0f} pages/s {f_cpu / pages * 1000:5.2f} "
                  f"CPU-s/1k pages | orderhub {o_rate:6.0f} pages/s {o_cpu / pages * 1000:5.2f} CPU-s/1k pages "
                  f"(server {share:4.0%} of a core) | ratio {f_rate / o_rate:.2f}", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stores", type=int, default=8)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--idle", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--floor-only", nargs=2, metavar=("CONFIG", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor_only:
        floor(*args.floor_only)
        return
    med = statistics.median
    table = {"10-order pages": workload("10-order pages", args.stores, args.pages * 10, args.runs),
             "empty pages": workload("empty pages", args.idle, 0, args.runs)}
    print(f"\n{'':16}{'floor pages/s':>14}{'orderhub pages/s':>18}{'CPU-s/1k pages':>16}{'server share':>14}{'ratio':>7}")
    for name, rows in table.items():
        print(f"{name:16}{med(r[0] for r in rows):>14.0f}{med(r[2] for r in rows):>18.0f}"
              f"{med(r[3] / r[4] for r in rows) * 1000:>16.2f}{med(r[5] for r in rows):>14.0%}"
              f"{med(r[0] / r[2] for r in rows):>7.2f}")
    ten = med(r[2] for r in table["10-order pages"])
    print(f"one worker sustains {ten:.0f} pages/s of 10 orders: at Shopify's REST rate of 2 requests a second, "
          f"the steady pull of about {ten / 2:.0f} busy stores")
    result("pages", med(r[0] / r[2] for r in table["10-order pages"]), TARGET)


if __name__ == "__main__":
    main()
