"""orderhub against dlt on the same pull (issue #7).

    pip install 'dlt[sqlalchemy]'        # or: pip install -e '.[bench]'
    python bench/vs_dlt.py [--orders 20000] [--runs 3]

dlt is what many teams would reach for to land marketplace orders in a database. Both pull the
same sandbox Shopify shop over HTTP into a fresh SQLite file: dlt with its ``rest_api`` source
(header-link paginator, ``max_table_nesting=0`` so each order lands as one row with JSON columns,
the ``sqlalchemy`` destination on SQLite — its fastest configuration for this); orderhub with
``orderhub sync --once`` (normalization, validation by model, the chain, versions, events and a
durable engine). dlt does more schema work per run (inferring and evolving a table schema,
normalizing into load packages); orderhub does more order work. Runs are paired; ratio = median
of dlt wall ÷ orderhub wall (higher is better for orderhub); target ≥ 3.5.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, result, run_dir, sandbox, sync_cmd, timed  # noqa: E402

TARGET = 3.5


def dlt_pull(base_url: str, token: str, db: str, work: str) -> None:
    import dlt
    from dlt.sources.rest_api import rest_api_source

    source = rest_api_source({
        "client": {"base_url": base_url, "headers": {"X-Shopify-Access-Token": token},
                   "paginator": {"type": "header_link"}},
        "resources": [{
            "name": "orders",
            "endpoint": {"path": "admin/api/2025-01/orders.json", "data_selector": "orders",
                         "params": {"status": "any", "limit": 250, "updated_at_min": "2000-01-01T00:00:00Z",
                                    "order": "updated_at asc"}},
            "primary_key": "id", "write_disposition": "append",
        }],
    }, max_table_nesting=0)
    pipeline = dlt.pipeline(pipeline_name="bench_orders", pipelines_dir=work,
                            destination=dlt.destinations.sqlalchemy(credentials=f"sqlite:///{db}"),
                            dataset_name="shop", progress=None)
    pipeline.run(source)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dlt-only", nargs=4, metavar=("URL", "TOKEN", "DB", "WORK"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dlt_only:
        dlt_pull(*args.dlt_only)
        return
    try:
        import dlt  # noqa: F401
    except ImportError:
        raise SystemExit("dlt is not installed: pip install 'dlt[sqlalchemy]' (or pip install -e '.[bench]')")

    with sandbox("--shops", "1", "--woo", "0", "--orders", str(args.orders), "--malformed", "0",
                 "--bucket", "1000000", "--leak", "1000000") as (work, url):
        base_url = f"{url}/shopify/shop1"
        token = (work / "secrets" / "shop1.access_token").read_text()
        timed(sync_cmd(run_dir(work, "warm") / "orderhub.toml"))  # warm the sandbox's index
        rows = []
        for run in range(args.runs):
            d = run_dir(work, f"run{run}")
            d_wall, d_rss = timed([PY, __file__, "--dlt-only", base_url, token, str(d / "dlt.db"), str(d / "dlt")])
            landed = _count_dlt(d / "dlt.db")
            assert landed == args.orders, f"dlt landed {landed} of {args.orders}"
            o_wall, o_rss = timed(sync_cmd(d / "orderhub.toml"))
            stored = sqlite3.connect(d / "hub.db").execute("select count(*) from orders").fetchone()[0]
            assert stored == args.orders, f"orderhub stored {stored} of {args.orders}"
            rows.append((d_wall, o_wall, d_rss, o_rss))
            print(f"run {run + 1}: dlt {args.orders / d_wall:7.0f} orders/s {d_rss:6.0f} MiB | "
                  f"orderhub {args.orders / o_wall:7.0f} orders/s {o_rss:6.0f} MiB | ratio {d_wall / o_wall:.2f}",
                  flush=True)
    print(f"\n{'':10}{'orders/s (median)':>20}{'peak RSS MiB':>14}")
    print(f"{'dlt':10}{args.orders / statistics.median(r[0] for r in rows):>20.0f}"
          f"{statistics.median(r[2] for r in rows):>14.0f}")
    print(f"{'orderhub':10}{args.orders / statistics.median(r[1] for r in rows):>20.0f}"
          f"{statistics.median(r[3] for r in rows):>14.0f}")
    print("dlt infers and evolves a table schema and writes load packages; orderhub normalizes each order into "
          "its model, runs the chain and keeps versions and events. Neither figure includes the other's work.")
    result("vs_dlt", statistics.median(d / o for d, o, _, _ in rows), TARGET)


def _count_dlt(db: Path) -> int:
    """dlt's sqlalchemy destination on SQLite puts the dataset in an attached database file."""
    import glob

    for path in [db, *map(Path, glob.glob(f"{db.parent}/*.db"))]:
        conn = sqlite3.connect(path)
        for (name,) in conn.execute("select name from sqlite_master where type = 'table' and name like '%orders%'"):
            if not name.startswith("_dlt"):
                return conn.execute(f'select count(*) from "{name}"').fetchone()[0]
    return -1


if __name__ == "__main__":
    main()
