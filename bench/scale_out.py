"""Scale-out: orders/s of two workers against one, on PostgreSQL, on the same work (issue #7).

    python bench/scale_out.py [--stores 8] [--orders 1500] [--pg postgresql://postgres@127.0.0.1:5432/test]

``bench/fastserver.py`` (its own process) serves S Shopify shops, pages of 50 orders pre-rendered
as bytes, each answer held 50 ms (a sleep, not CPU), so the work is a realistic mix of waiting on
marketplaces and CPU while the server stays far from a bottleneck (its share of a core is printed). `orderhub run` workers share one
PostgreSQL database (created fresh for each run); each works up to two stores at a time, and a
store is only ever worked by one of them. A run ends when every order is stored and through its
chain; orders/s is counted from the first orders through the chain (the workers' start-up, the
same for one as for two, is left out). Ratio = orders/s with 2 workers ÷ orders/s with 1
(target ≥ 1.6; 2.0 is perfect). Beside it, the scaling efficiency: orders per CPU-second of the
workers and PostgreSQL (read from /proc) with two workers ÷ the same with one (target ≥ 0.9).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, FastServer, fast_shops, result, run_dir  # noqa: E402

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


def cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) these processes have used so far; a gone one counts 0."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes (postmaster, backends, background workers) on this machine."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().strip() in ("postgres", "postmaster"):
                    out.append(int(d.name))
            except OSError:
                continue
    return out


def run(work: Path, server: FastServer, name: str, workers: int, admin_url: str,
        total: int) -> tuple[float, float, float, float]:
    """Wall seconds, the CPU seconds the workers and PostgreSQL used over it, and the server's share of a core."""
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
                pg0 = {pid: cpu_of([pid]) for pid in postgres_pids()}
                w0, s0 = cpu_of([p.pid for p in procs]), server.cpu()
            time.sleep(0.1)
        scale = total / (total - first)
        share = (server.cpu() - s0) / (time.perf_counter() - t0)
        wall = (time.perf_counter() - t0) * scale
        # A backend that exited meanwhile is not counted (the workers' pools keep theirs open).
        pg = sum(cpu_of([pid]) - pg0.get(pid, 0.0) for pid in postgres_pids()) * scale
        worker_cpu = (cpu_of([p.pid for p in procs]) - w0) * scale
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
    return wall, worker_cpu, pg, share


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stores", type=int, default=8)
    ap.add_argument("--orders", type=int, default=2500)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = ap.parse_args()
    total = args.stores * args.orders
    with fast_shops(args.orders, args.stores, page_size=50, latency=0.05) as (work, server):
        rows = []
        for r in range(args.runs):
            one = run(work, server, f"one{r}", 1, args.pg, total)
            two = run(work, server, f"two{r}", 2, args.pg, total)
            # orders per CPU-second of workers and PostgreSQL: two workers ÷ one (1.0: no coordination cost)
            efficiency = (total / (two[1] + two[2])) / (total / (one[1] + one[2]))
            rows.append((one, two, efficiency))
            print(f"run {r + 1}: 1 worker {total / one[0]:6.0f} orders/s ({one[0]:5.1f} s, CPU-s/1k orders: workers "
                  f"{one[1] / total * 1000:.2f} + PostgreSQL {one[2] / total * 1000:.2f}) | 2 workers "
                  f"{total / two[0]:6.0f} orders/s ({two[0]:5.1f} s, workers {two[1] / total * 1000:.2f} + PostgreSQL "
                  f"{two[2] / total * 1000:.2f}) | ratio {one[0] / two[0]:.2f}, scaling efficiency {efficiency:.2f} | server "
                  f"{one[3]:.0%} and {two[3]:.0%} of a core",
                  flush=True)
    best = sorted(rows, key=lambda x: x[0][0] / x[1][0])[len(rows) // 2]
    print(f"\n{'workers':>8}{'orders/s':>10}{'wall s':>8}{'CPU-s/1k workers':>18}{'CPU-s/1k PostgreSQL':>21}")
    for n, (wall, wcpu, pg, _) in ((1, best[0]), (2, best[1])):
        print(f"{n:>8}{total / wall:>10.0f}{wall:>8.1f}{wcpu / total * 1000:>18.2f}{pg / total * 1000:>21.2f}")
    print(f"{args.stores} stores x {args.orders} orders on PostgreSQL, 50 ms per request to the fast server, 2 stores at a time "
          f"per worker; walls and CPU from the first orders through the chain to the last. On two cores two workers "
          f"saturate the machine, so the raw ratio cannot show coordination costs; the scaling efficiency (orders "
          f"per CPU-second of workers and PostgreSQL, 2 workers ÷ 1; target >= 0.9) can: median "
          f"{statistics.median(r[2] for r in rows):.2f} (runs {', '.join(f'{r[2]:.2f}' for r in rows)})")
    result("scale_out", best[0][0] / best[1][0], TARGET)


if __name__ == "__main__":
    main()
