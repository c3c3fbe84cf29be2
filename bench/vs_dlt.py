"""orderhub against dlt on the same pull (issue #7).

    pip install 'dlt[sqlalchemy]'        # or: pip install -e '.[bench]'
    python bench/vs_dlt.py [--orders 20000] [--runs 3]

dlt is what many teams would reach for to land marketplace orders in a database. Both pull the
same Shopify shop's REST pages — pre-rendered by ``bench/fastserver.py`` in its own process, whose
CPU share is printed, so neither side waits on the server — over HTTP into a fresh SQLite file: dlt with its ``rest_api`` source
(header-link paginator, ``max_table_nesting=0`` so each order lands as one row with JSON columns,
the ``sqlalchemy`` destination on SQLite — its fastest configuration for this); orderhub with
``orderhub sync --once`` (normalization, validation by model, the chain, versions, events and a
durable engine). dlt does more schema work per run (inferring and evolving a table schema,
normalizing into load packages); orderhub does more order work. Runs are paired; ratio = median
of dlt wall ÷ orderhub wall (higher is better for orderhub); target ≥ 3.5. CPU-seconds per 1,000
orders are printed for both.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, fast_shop, result, run_dir, run_timed, sync_cmd  # noqa: E402

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

    with fast_shop(args.orders) as (work, base_url, server_cpu):
        token = (work / "secrets" / "access_token").read_text()
        run_timed(sync_cmd(run_dir(work, "warm") / "orderhub.toml"))  # warm the server's and the OS's caches
        rows = []
        for run in range(args.runs):
            d = run_dir(work, f"run{run}")
            c0 = server_cpu()
            dl = run_timed([PY, __file__, "--dlt-only", base_url, token, str(d / "dlt.db"), str(d / "dlt")])
            c1 = server_cpu()
            landed = _count_dlt(d / "dlt.db")
            assert landed == args.orders, f"dlt landed {landed} of {args.orders}"
            o = run_timed(sync_cmd(d / "orderhub.toml"))
            c2 = server_cpu()
            stored = sqlite3.connect(d / "hub.db").execute("select count(*) from orders").fetchone()[0]
            assert stored == args.orders, f"orderhub stored {stored} of {args.orders}"
            rows.append((dl, o))
            print(f"run {run + 1}: dlt {args.orders / dl.wall:7.0f} orders/s {dl.rss:6.0f} MiB "
                  f"{dl.cpu / args.orders * 1000:5.2f} CPU-s/1k (server {(c1 - c0) / dl.wall:4.0%} of a core) | "
                  f"orderhub {args.orders / o.wall:7.0f} orders/s {o.rss:6.0f} MiB {o.cpu / args.orders * 1000:5.2f} "
                  f"CPU-s/1k (server {(c2 - c1) / o.wall:4.0%}) | ratio {dl.wall / o.wall:.2f}", flush=True)
    med = statistics.median
    print(f"\n{'':10}{'orders/s':>10}{'peak RSS MiB':>14}{'CPU-s/1k orders':>17}")
    for name, i in (("dlt", 0), ("orderhub", 1)):
        print(f"{name:10}{args.orders / med(r[i].wall for r in rows):>10.0f}{med(r[i].rss for r in rows):>14.0f}"
              f"{med(r[i].cpu for r in rows) / args.orders * 1000:>17.2f}")
    print("dlt infers and evolves a table schema and writes load packages; orderhub normalizes each order into "
          "its model, runs the chain and keeps versions and events. Neither figure includes the other's work.")
    result("vs_dlt", med(d.wall / o.wall for d, o in rows), TARGET)


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
