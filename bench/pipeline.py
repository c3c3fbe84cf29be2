"""Pipeline benchmark: pull to ``ready_to_ship`` through the default full chain, against the
ingest floor, measured in the same run (issue #16).

    python bench/pipeline.py [--orders 20000] [--runs 3]

The same pre-rendered Shopify REST pages as ``bench/ingest.py`` (``bench/fastserver.py``, its own
process, its CPU share printed). *orderhub* is `orderhub sync --once` on a fresh SQLite database
whose store runs ``validate → reserve → hold_rules → select_carrier``: customer and address checks
with the duplicate look-up, a stock reservation per line (every SKU in the catalog and stocked
beforehand with ``orderhub catalog import`` and ``inventory import``, untimed), and a carrier
chosen from a CSV rate table (the ``table`` carrier: no remote calls), so an order that passes
ends ``ready_to_ship``. The floor is ``bench/ingest.py``'s: keep-alive httpx, orjson, raw rows into
SQLite. Ratio = median of paired orderhub wall ÷ floor wall (target ≤ 3.0); CPU-seconds per 1,000
orders for both.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, fast_shop, result, run_dir, run_timed, sync_cmd  # noqa: E402

TARGET = 3.0
CHAIN = '["validate", "reserve", "hold_rules", "select_carrier"]'
RATES = """service,zone,max_weight_g,price,currency,transit_days
ground,1,2000,5.40,USD,4
ground,1,10000,9.80,USD,4
ground,1,30000,18.00,USD,5
express,1,10000,19.00,USD,1
express,1,30000,34.00,USD,2
"""


def prepare(work: Path, name: str) -> Path:
    """A run directory whose store has the full chain, a table carrier and every SKU in stock."""
    from orderhub.sandbox.data import PRODUCTS

    d = run_dir(work, name, replace={'chain = ["hold_rules"]': f"chain = {CHAIN}"})
    (d / "rates.csv").write_text(RATES)
    (d / "stock.csv").write_text("sku,location,on_hand\n" + "".join(f"{p[0]},default,10000000\n" for p in PRODUCTS))
    (d / "catalog.csv").write_text(
        "sku,title,weight_g,length_mm,width_mm,height_mm,fragile,hazmat,reorder_point\n" + "".join(
            f"{sku},\"{title}\",{grams},300,200,100,{'true' if sku.startswith('VASE') else 'false'},false,10\n"
            for sku, title, _, _, grams in PRODUCTS))
    with (d / "orderhub.toml").open("a") as f:
        f.write(f'\n[carriers.local]\nconnector = "table"\nrates = "{d / "rates.csv"}"\n'
                f'express_services = ["express"]\n')
    for what, file in (("catalog", "catalog.csv"), ("inventory", "stock.csv")):
        run_timed([PY, "-m", "orderhub.cli.app", what, "import", str(d / file), "-c", str(d / "orderhub.toml")])
    return d


def db_reasons(path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as db:
        return db.execute("select reasons, count(*) from reviews group by reasons order by 2 desc limit 5").fetchall()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with fast_shop(args.orders) as (work, base_url, server_cpu):
        token = (work / "secrets" / "access_token").read_text()
        floor_cmd = [PY, str(Path(__file__).with_name("ingest.py")), "--floor-only", base_url, token]
        run_timed(floor_cmd + [str(work / "warm.db")])
        rows = []
        for run in range(args.runs):
            d = prepare(work, f"run{run}")
            c0 = server_cpu()
            f = run_timed(floor_cmd + [str(work / f"floor{run}.db")])
            c1 = server_cpu()
            o = run_timed(sync_cmd(d / "orderhub.toml"))
            c2 = server_cpu()
            with sqlite3.connect(d / "hub.db") as db:
                states = dict(db.execute("select status, count(*) from orders group by status").fetchall())
                quarantined = db.execute("select count(*) from quarantine").fetchone()[0]
                pending = db.execute("select count(*) from orders where chain_pending").fetchone()[0]
            assert sum(states.values()) + quarantined == args.orders, (states, quarantined)
            assert pending == 0, f"{pending} orders left pending"
            if states.get("ready_to_ship", 0) < args.orders // 2:
                reasons = db_reasons(d / "hub.db")
                raise SystemExit(f"too few orders reached ready_to_ship: {states}; holds: {reasons}")
            rows.append((f, o, (c1 - c0) / f.wall, (c2 - c1) / o.wall))
            print(f"run {run + 1}: floor {args.orders / f.wall:6.0f} orders/s "
                  f"{f.cpu / args.orders * 1000:5.2f} CPU-s/1k "
                  f"(server {rows[-1][2]:4.0%} of a core) | orderhub {args.orders / o.wall:6.0f} orders/s "
                  f"{o.cpu / args.orders * 1000:5.2f} CPU-s/1k {o.rss:4.0f} MiB (server {rows[-1][3]:4.0%}) | "
                  f"ratio {o.wall / f.wall:.2f} | {', '.join(f'{k} {v}' for k, v in sorted(states.items()))}, "
                  f"quarantined {quarantined}", flush=True)
    med = statistics.median
    print(f"\n{'':10}{'orders/s':>10}{'peak RSS MiB':>14}{'CPU-s/1k orders':>17}{'server CPU share':>18}")
    for name, i, j in (("floor", 0, 2), ("orderhub", 1, 3)):
        print(f"{name:10}{args.orders / med(r[i].wall for r in rows):>10.0f}{med(r[i].rss for r in rows):>14.0f}"
              f"{med(r[i].cpu for r in rows) / args.orders * 1000:>17.2f}{med(r[j] for r in rows):>18.0%}")
    result("pipeline", med(o.wall / f.wall for f, o, _, _ in rows), TARGET)


if __name__ == "__main__":
    main()
