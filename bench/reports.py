"""Reports on a million orders: the reports plugin's queries against a hand-written floor (issue #17).

    python bench/reports.py [--orders 1000000] [--db sqlite postgresql] [--runs 3]

Orders are written straight into a fresh, migrated database (orders with their canonical JSON,
spread over 90 days, a twentieth cancelled, some refunded, in EUR and USD; each order's lifecycle
events and three step runs), bypassing intake: the benchmark is about reading. Then, timed
in-process (no interpreter start-up), median of ``--runs``:

* **build**: the first refresh of the plugin's facts (one typed row per order and per line,
  ``INSERT … SELECT`` with the database's JSON functions) — a one-off, then kept up to date;
* **refresh**: the next refresh after 1,000 orders changed;
* **sales**: ``report sales --by day`` over the 90 days (its main table and its six sections);
  floor: one hand-written ``GROUP BY`` day and currency over the same facts table (orders, units,
  gross and refunds of non-cancelled orders);
* **process**: ``report process --by day`` (throughput, step percentiles, times between states,
  SLA, first-pass yield, Pareto, backlog); floor: one hand-written ``GROUP BY`` day and state over
  ``order_events`` (how many orders reached each state per day).

Ratio = report ÷ floor; the result is the worst of sales and process on every database (target ≤ 2).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from common import result  # noqa: E402

from orderhub.db.engine import make_async_engine, migrate  # noqa: E402
from orderhub_plugins.reports import facts  # noqa: E402
from orderhub_plugins.reports.model import Params  # noqa: E402
from orderhub_plugins.reports.process import process  # noqa: E402
from orderhub_plugins.reports.sales import sales  # noqa: E402
from orderhub_plugins.reports.settings import Settings  # noqa: E402

TARGET = 2.0
DAYS = 90
START = datetime(2026, 8, 1, tzinfo=UTC)
SKUS = [f"SKU-{i:03d}" for i in range(200)]
STATES = ("received", "validated", "reserved", "ready_to_ship", "shipped", "delivered")


def _ts(dt: datetime, dialect: str) -> Any:
    """SQLAlchemy's SQLite storage format for a UTC time; PostgreSQL takes the datetime."""
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else dt


def rows(n: int, dialect: str, chunk: int = 20_000):
    """(orders, events, step_runs) row tuples, ``chunk`` orders at a time."""
    rng = random.Random(7)
    span = DAYS * 86400
    o, e, s = [], [], []
    for i in range(n):
        created = START + timedelta(seconds=rng.randrange(span))
        currency = "EUR" if rng.random() < 0.7 else "USD"
        lines, subtotal = [], 0
        for _ in range(rng.randint(1, 3)):
            cents, qty = rng.randint(100, 9000), rng.randint(1, 3)
            subtotal += cents * qty
            lines.append(f'{{"sku":"{rng.choice(SKUS)}","title":"Item","quantity":{qty},'
                         f'"unit_price":"{cents // 100}.{cents % 100:02d}","discount":"0.00"}}')
        ship, tax = rng.randint(0, 900), subtotal // 5
        total = subtotal + ship + tax
        refunded = total if rng.random() < 0.02 else (total // 3 if rng.random() < 0.03 else 0)
        cancelled = rng.random() < 0.05
        money = lambda c: f"{c // 100}.{c % 100:02d}"  # noqa: E731
        data = (f'{{"currency":"{currency}","customer":{{"email":"c{rng.randrange(300_000)}@example.com"}},'
                f'"shipping_address":{{"country":"{rng.choice(["DE", "FR", "US", "GB", "NL"])}","region":null}},'
                f'"line_items":[{",".join(lines)}],"totals":{{"subtotal":"{money(subtotal)}","discounts":"0.00",'
                f'"shipping":"{money(ship)}","tax":"{money(tax)}","total":"{money(total)}",'
                f'"refunded":"{money(refunded)}"}}}}')
        oid = f"ord_{i:020d}"
        reached = 1 if cancelled else rng.choice([2, 4, 4, 5, 5, 6, 6])
        status = "cancelled" if cancelled else STATES[reached - 1]
        at = created
        for k in range(reached):
            at = at + timedelta(seconds=rng.randint(1, 600) if k < 3 else rng.randint(3600, 200_000))
            e.append((oid, _ts(at, dialect), "received" if k == 0 else "transition", STATES[k], "bench"))
        if cancelled:
            e.append((oid, _ts(at + timedelta(seconds=60), dialect), "transition", "cancelled", "bench"))
        for step in ("validate", "reserve", "hold_rules"):
            s.append((oid, "shop", step, _ts(created + timedelta(seconds=2), dialect), rng.random() * 3, "continue"))
        stamp = _ts(created, dialect)
        # modified when last moved, as the hub stamps it: the refresh reads what changed since
        o.append((oid, "shop", "files", f"E{i}", status, 1, "h", data, stamp, stamp, stamp,
                  _ts(max(at, created + timedelta(seconds=2)), dialect), 0, False))
        if len(o) == chunk:
            yield o, e, s
            o, e, s = [], [], []
    if o:
        yield o, e, s


ORDER_COLS = ("id", "store", "channel", "external_id", "status", "version", "payload_hash", "data", "created_at",
              "updated_at", "ingested_at", "modified_at", "chain_step", "chain_pending")
EVENT_COLS = ("order_id", "at", "kind", "to_status", "actor")
RUN_COLS = ("order_id", "store", "step", "started_at", "duration_ms", "outcome")


def load_sqlite(path: str, n: int) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    for o, e, s in rows(n, "sqlite"):
        with conn:
            conn.executemany(f"insert into orders ({','.join(ORDER_COLS)}) values ({','.join('?' * len(ORDER_COLS))})", o)
            conn.executemany(f"insert into order_events ({','.join(EVENT_COLS)}) values (?,?,?,?,?)", e)
            conn.executemany(f"insert into step_runs ({','.join(RUN_COLS)}) values (?,?,?,?,?,?)", s)
    conn.execute("ANALYZE")
    conn.close()


def load_postgres(url: str, n: int) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for o, e, s in rows(n, "postgresql"):
            with conn.cursor() as cur:
                for table, cols, data in (("orders", ORDER_COLS, o), ("order_events", EVENT_COLS, e),
                                          ("step_runs", RUN_COLS, s)):
                    with cur.copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as copy:
                        for row in data:
                            copy.write_row(row)
            conn.commit()
        conn.execute("ANALYZE")


def floor_sales(dialect: str) -> Any:
    day = sa.text("substr(created_at, 1, 10)") if dialect == "sqlite" else \
        sa.text("(created_at AT TIME ZONE 'UTC')::date")
    return sa.text(f"""SELECT {day.text} AS day, currency, count(*), sum(units), sum(gross), sum(refunds)
                       FROM reports_order_facts WHERE NOT cancelled AND created_at >= :start AND created_at < :end
                       GROUP BY 1, 2""")


def floor_process(dialect: str) -> Any:
    day = "substr(at, 1, 10)" if dialect == "sqlite" else "(at AT TIME ZONE 'UTC')::date"
    return sa.text(f"""SELECT {day} AS day, to_status, count(*) FROM order_events
                       WHERE at >= :start AND at < :end GROUP BY 1, 2""")


async def timed(fn) -> float:
    t0 = time.perf_counter()
    await fn()
    return time.perf_counter() - t0


async def measure(url: str, runs: int) -> dict[str, float]:
    engine = make_async_engine(url)
    dialect = engine.dialect.name
    params = Params(START.date(), (START + timedelta(days=DAYS - 1)).date(), "day", "UTC")
    bind = {"start": START if dialect != "sqlite" else _ts(START, "sqlite"),
            "end": START + timedelta(days=DAYS) if dialect != "sqlite" else _ts(START + timedelta(days=DAYS), "sqlite")}
    out: dict[str, float] = {}

    async def build() -> None:
        async with engine.begin() as conn:
            await facts.refresh(conn)
    out["build"] = await timed(build)

    async def touch() -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text("UPDATE orders SET modified_at = :now WHERE id IN "
                                       "(SELECT id FROM orders ORDER BY id LIMIT 1000)"),
                               {"now": datetime.now(UTC) if dialect != "sqlite" else _ts(datetime.now(UTC), "sqlite")})
    await touch()
    out["refresh"] = await timed(build)

    async def read(fn) -> Any:
        async def go() -> None:
            async with engine.connect() as conn:
                await fn(conn)
        return go
    jobs = {"sales": read(lambda c: sales(c, params)),
            "floor_sales": read(lambda c: _all(c, floor_sales(dialect), bind)),
            "process": read(lambda c: process(c, params, Settings(ship_within="48h"))),
            "floor_process": read(lambda c: _all(c, floor_process(dialect), bind))}
    for name, job in jobs.items():
        fn = await job
        await fn()  # warm the caches
        out[name] = statistics.median([await timed(fn) for _ in range(runs)])
    await engine.dispose()
    return out


async def _all(conn: Any, stmt: Any, bind: dict[str, Any]) -> None:
    (await conn.execute(stmt, bind)).all()


def fresh_pg(admin: str) -> str:
    engine = sa.create_engine(admin.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("drop database if exists orderhub_bench_reports with (force)"))
        conn.execute(sa.text("create database orderhub_bench_reports"))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + "/orderhub_bench_reports"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = ap.parse_args()
    table = {}
    for db in args.db:
        work = Path(tempfile.mkdtemp(prefix="orderhub-bench-reports-"))
        url = f"sqlite:///{work}/hub.db" if db == "sqlite" else fresh_pg(args.pg)
        migrate(url)
        t0 = time.perf_counter()
        (load_sqlite(str(work / "hub.db"), args.orders) if db == "sqlite" else load_postgres(url, args.orders))
        loaded = time.perf_counter() - t0
        got = asyncio.run(measure(url, args.runs))
        table[db] = got
        print(f"{db}: loaded {args.orders:,} orders in {loaded:.0f} s; facts built in {got['build']:.1f} s, "
              f"refreshed after 1,000 changes in {got['refresh']:.2f} s; sales {got['sales']:.2f} s against "
              f"{got['floor_sales']:.2f} s ({got['sales'] / got['floor_sales']:.2f}); process {got['process']:.2f} s "
              f"against {got['floor_process']:.2f} s ({got['process'] / got['floor_process']:.2f})", flush=True)
    print(f"\n{'':12}{'build s':>9}{'refresh s':>11}{'sales s':>9}{'floor s':>9}{'ratio':>7}{'process s':>11}"
          f"{'floor s':>9}{'ratio':>7}")
    for db, g in table.items():
        print(f"{db:12}{g['build']:>9.1f}{g['refresh']:>11.2f}{g['sales']:>9.2f}{g['floor_sales']:>9.2f}"
              f"{g['sales'] / g['floor_sales']:>7.2f}{g['process']:>11.2f}{g['floor_process']:>9.2f}"
              f"{g['process'] / g['floor_process']:>7.2f}")
    worst = max(max(g["sales"] / g["floor_sales"], g["process"] / g["floor_process"]) for g in table.values())
    result("reports", worst, TARGET)


if __name__ == "__main__":
    main()
