"""Backfill memory: does a large backfill stream page by page? (issues #7, #15)

    python bench/backfill_memory.py [--small 20000] [--large 100000] [--api graphql rest]

`orderhub sync --once` pulls a fresh Shopify shop of --small orders, then one of --large orders,
each into a fresh SQLite database; the peak RSS of each run comes from wait4. Memory that grew
with the number of orders (a leak, or pages held until the end) shows as a ratio well above 1.
Ratio = peak at large ÷ peak at small; target ≤ 1.2. On REST the shop is ``bench/fastserver.py``
(pages of 250 pre-rendered as bytes, its own process; its share of a core is printed) and the
pull is ``Link``-paginated pages. On GraphQL (the default API) the first sync is a bulk operation,
its JSONL file read in ranged chunks, never whole; the fast server does not speak GraphQL, so
that shop is the sandbox's (a memory ratio does not depend on the server's speed, but its
orders/s do). The worse of the two APIs' ratios is the result.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import fast_shops, result, run_dir, run_timed, sandbox, sync_cmd, timed  # noqa: E402

TARGET = 1.2


def run(n: int, api: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS and what the server's share of a core was."""
    if api == "rest":
        with fast_shops(n) as (work, server):
            d = run_dir(work, "run", api=api)
            c0 = server.cpu()
            r = run_timed(sync_cmd(d / "orderhub.toml"))
            share = f"fast server {(server.cpu() - c0) / r.wall:.0%} of a core"
            wall, rss = r.wall, r.rss
            _check(d, n)
    else:
        with sandbox("--shops", "1", "--woo", "0", "--orders", str(n), "--malformed", "0",
                     "--bucket", "1000000", "--leak", "1000000") as (work, _):
            d = run_dir(work, "run", api=api)
            wall, rss = timed(sync_cmd(d / "orderhub.toml"))
            share = "sandbox"
            _check(d, n)
    return wall, rss, share


def _check(d: Path, n: int) -> None:
    stored = sqlite3.connect(d / "hub.db").execute("select count(*) from orders").fetchone()[0]
    assert stored == n, f"stored {stored} of {n}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", type=int, default=20_000)
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--api", nargs="+", choices=("graphql", "rest"), default=["graphql", "rest"])
    args = ap.parse_args()
    rows = []
    for api in args.api:
        for n in (args.small, args.large):
            wall, rss, share = run(n, api)
            rows.append((api, n, wall, rss))
            print(f"{api:8}{n:>8} orders: {wall:6.1f} s, {n / wall:6.0f} orders/s, peak RSS {rss:6.0f} MiB ({share})",
                  flush=True)
    print(f"\n{'api':8}{'orders':>8}{'wall s':>10}{'orders/s':>10}{'peak RSS MiB':>14}")
    for api, n, wall, rss in rows:
        print(f"{api:8}{n:>8}{wall:>10.1f}{n / wall:>10.0f}{rss:>14.0f}")
    ratios = {api: next(r[3] for r in rows if r[:2] == (api, args.large)) /
              next(r[3] for r in rows if r[:2] == (api, args.small)) for api in args.api}
    print("  ".join(f"{api}: {ratio:.3f}" for api, ratio in ratios.items()))
    result("backfill_memory", max(ratios.values()), TARGET)


if __name__ == "__main__":
    main()
