"""Rate-limit efficiency: how close orderhub's pull gets to what Shopify's limits allow (issues #7, #15, #16).

    python bench/rate_limit.py [--stores 4 12 48] [--orders 600] [--page-size 10] [--api rest graphql]

S sandbox Shopify shops, each with Shopify's REST bucket (40 requests, leaking 2 a second) and M
orders read 10 a page, so most requests of a store must wait for the bucket. For each store the
theoretical minimum is computed from its request count: request k cannot start before
max(request k-1 + one round trip, (k + 1 - bucket) / leak) after the first (the round trip is
measured by a bare client on an unthrottled shop in the same run). A store's span runs from its
first request to its last answer. Ratio = span ÷ minimum of the worst store (target ≤ 1.05, with
zero 429s); the median store is printed too.
The same pull by a naive client — requests back to back, sleeping the Retry-After of each 429 —
is measured alongside for comparison.

GraphQL (``--api graphql``): the shops price each query by its calculated cost, with a bucket of
2,000 points restoring 1,000 a second (the Plus rate; a small bucket, so pacing decides the span).
A store's theoretical minimum replays its own queries — each one's requested and charged cost, as
the shop logged them — against that bucket: a query cannot start before the previous answer (one
round trip, measured on an unlimited shop) nor before the bucket holds its requested cost, and is
refunded down to what it was charged. Target: ≤ 1.05 with zero ``THROTTLED`` answers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from common import PY, result  # noqa: E402

from orderhub.cli.sandbox_cmd import sandbox_config_toml  # noqa: E402
from orderhub.sandbox import Sandbox  # noqa: E402

TARGET = 1.05
BUCKET, LEAK = 40.0, 2.0


def minimum(n: int, rtt: float) -> float:
    t = 0.0
    for k in range(1, n):
        t = max(t + rtt, (k + 1 - BUCKET) / LEAK)
    return t + rtt


def median_round_trip(sb: Sandbox, shop: str, send) -> float:
    """The median of 30 round trips of ``send(client)`` to an unthrottled shop."""
    times = []
    with httpx.Client(headers={"X-Shopify-Access-Token": sb.shops[shop].access_token}) as client:
        for _ in range(30):
            t0 = time.perf_counter()
            send(client).raise_for_status()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def round_trip(sb: Sandbox, shop: str, page_size: int) -> float:
    url = f"{sb.base_url(shop)}/admin/api/2025-01/orders.json"
    params = {"status": "any", "limit": page_size, "updated_at_min": "2000-01-01T00:00:00Z"}
    return median_round_trip(sb, shop, lambda client: client.get(url, params=params))


async def naive(sb: Sandbox, stores: list[str], page_size: int) -> None:
    async def pull(name: str) -> None:
        url: str | None = f"{sb.base_url(name)}/admin/api/2025-01/orders.json"
        params: dict | None = {"status": "any", "limit": page_size, "updated_at_min": "2000-01-01T00:00:00Z",
                               "order": "updated_at asc"}
        async with httpx.AsyncClient(headers={"X-Shopify-Access-Token": sb.shops[name].access_token}) as client:
            while url:
                resp = await client.get(url, params=params)
                if resp.status_code == 429:
                    await asyncio.sleep(float(resp.headers.get("Retry-After", "1")))
                    continue
                link = resp.headers.get("link", "")
                url, params = (link.split(";")[0].strip("<>"), None) if 'rel="next"' in link else (None, None)

    await asyncio.gather(*(pull(n) for n in stores))


def measure(sb: Sandbox, stores: list[str], rtt: float) -> dict:
    ratios, throttled, violations = [], 0, 0
    for n in stores:
        log = [e for e in sb.shops[n].log if e.method == "GET"]
        span = log[-1].at - log[0].at + rtt  # this store's first request to its last answer
        ratios.append((span / minimum(sum(1 for e in log if e.status == 200), rtt), span))
        throttled += sum(1 for e in log if e.status == 429)
        violations += sb.shops[n].violations
    worst, span = max(ratios)
    return {"span": span, "minimum": span / worst, "median_ratio": statistics.median(r for r, _ in ratios),
            "429s": throttled, "violations": violations, "requests": sum(len(sb.shops[n].log) for n in stores)}


def run(n_stores: int, orders: int, page_size: int, client: str) -> dict:
    with Sandbox(shopify=n_stores + 1, woocommerce=0, orders=orders, malformed=0.0, carriers=False,
                 shopify_bucket=BUCKET, shopify_leak=LEAK) as sb:
        probe = f"shop{n_stores + 1}"
        sb.shops[probe].bucket_size = 1e9
        for shop in sb.shops.values():
            shop.index()  # build the sandbox's order index before timing
        rtt = round_trip(sb, probe, page_size)
        stores = [f"shop{i}" for i in range(1, n_stores + 1)]
        if client == "naive":
            asyncio.run(naive(sb, stores, page_size))
        else:
            work = Path(tempfile.mkdtemp(prefix="orderhub-bench-rl-"))
            configs = {n: c for n, c in sb.store_configs(work / "secrets").items() if n in stores}
            for c in configs.values():
                c.update(page_size=page_size, api="rest")
            (work / "orderhub.toml").write_text(
                sandbox_config_toml(configs, db=f"sqlite:///{work}/hub.db").replace(
                    'executor_id = "sandbox-worker"', f'executor_id = "bench"\nmax_concurrent_stores = {n_stores}'))
            subprocess.run([PY, "-m", "orderhub.cli.app", "sync", "--once", "-c", str(work / "orderhub.toml")],
                           check=True, stdout=subprocess.DEVNULL)
        out = measure(sb, stores, rtt)
        out.update(rtt=rtt, client=client, stores=n_stores)
        return out


GQL_BUCKET, GQL_RESTORE = 2000.0, 1000.0


def gql_minimum(charges: list[tuple[float, int, int]], rtt: float) -> float:
    avail, at, start = GQL_BUCKET, 0.0, -rtt
    for _, requested, charged in charges:
        start = start + rtt
        avail = min(GQL_BUCKET, avail + (start - at) * GQL_RESTORE)
        if avail < requested:
            start += (requested - avail) / GQL_RESTORE
            avail = requested
        avail, at = avail - charged, start
    return start + rtt


def gql_round_trip(sb: Sandbox, shop: str) -> float:
    from orderhub_connectors.shopify import queries

    url = f"{sb.base_url(shop)}/admin/api/2025-01/graphql.json"
    body = {"query": queries.ORDERS, "variables": {"first": 4, "query": "updated_at:>='2000-01-01T00:00:00Z'",
                                                  "lines": 10}}
    return median_round_trip(sb, shop, lambda client: client.post(url, json=body))


def run_graphql(n_stores: int, orders: int) -> dict:
    with Sandbox(shopify=n_stores + 1, woocommerce=0, orders=orders, malformed=0.0, carriers=False) as sb:
        probe = f"shop{n_stores + 1}"
        sb.shops[probe].graphql.bucket.maximum = sb.shops[probe].graphql.bucket.restore_rate = 1e12
        stores = [f"shop{i}" for i in range(1, n_stores + 1)]
        for name in stores:
            b = sb.shops[name].graphql.bucket
            b.maximum, b.restore_rate = GQL_BUCKET, GQL_RESTORE
        for shop in sb.shops.values():
            shop.index()
        rtt = gql_round_trip(sb, probe)
        work = Path(tempfile.mkdtemp(prefix="orderhub-bench-rl-gql-"))
        configs = {n: c for n, c in sb.store_configs(work / "secrets").items() if n in stores}
        for c in configs.values():
            c.update(plan="plus", bulk_threshold=0)
        (work / "orderhub.toml").write_text(
            sandbox_config_toml(configs, db=f"sqlite:///{work}/hub.db").replace(
                'executor_id = "sandbox-worker"', f'executor_id = "bench"\nmax_concurrent_stores = {n_stores}'))
        subprocess.run([PY, "-m", "orderhub.cli.app", "sync", "--once", "-c", str(work / "orderhub.toml")],
                       check=True, stdout=subprocess.DEVNULL)
        ratios = []
        for n in stores:
            charges = sb.shops[n].graphql.charges
            span = charges[-1][0] - charges[0][0] + rtt
            ratios.append((span / gql_minimum(charges, rtt), span))
        worst, span = max(ratios)
        return {"span": span, "minimum": span / worst, "median_ratio": statistics.median(r for r, _ in ratios),
                "429s": sum(sb.shops[n].graphql.bucket.throttled for n in stores), "violations": 0,
                "requests": sum(len(sb.shops[n].graphql.charges) for n in stores), "rtt": rtt,
                "client": "orderhub", "stores": n_stores, "api": "graphql"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stores", type=int, nargs="+", default=[4, 12, 48])
    ap.add_argument("--orders", type=int, default=1000)
    ap.add_argument("--page-size", type=int, default=10)
    ap.add_argument("--api", nargs="+", choices=("rest", "graphql"), default=["rest", "graphql"])
    args = ap.parse_args()
    rows = []
    for s in args.stores:
        runs = [("rest", c) for c in ("orderhub", "naive") if "rest" in args.api]
        runs += [("graphql", "orderhub")] if "graphql" in args.api else []
        for api, client in runs:
            r = run(s, args.orders, args.page_size, client) if api == "rest" else run_graphql(s, args.orders)
            r.setdefault("api", "rest")
            rows.append(r)
            print(f"{s:>2} stores {api:7} {client:9} worst store: span {r['span']:6.2f} s, minimum {r['minimum']:6.2f} s, "
                  f"ratio {r['span'] / r['minimum']:.3f} (median store {r['median_ratio']:.3f}), {r['429s']} x 429, {r['violations']} Retry-After "
                  f"violations ({r['requests']} requests, round trip {r['rtt'] * 1000:.1f} ms)", flush=True)
    print(f"\n{'stores':>6} {'api':7} {'client':9}{'span s':>9}{'min s':>9}{'worst':>8}{'median':>8}{'429s':>6}"
          f"{'viol.':>6}")
    for r in rows:
        print(f"{r['stores']:>6} {r['api']:7} {r['client']:9}{r['span']:>9.2f}{r['minimum']:>9.2f}"
              f"{r['span'] / r['minimum']:>8.3f}{r['median_ratio']:>8.3f}{r['429s']:>6}{r['violations']:>6}")
    ours = [r for r in rows if r["client"] == "orderhub"]
    worst = max(ours, key=lambda r: r["span"] / r["minimum"])
    print(f"orderhub: {sum(r['429s'] for r in ours)} x 429 or THROTTLED and {sum(r['violations'] for r in ours)} "
          f"Retry-After violations in all; the ratio below is its worst store count")
    result("rate_limit", worst["span"] / worst["minimum"], TARGET)


if __name__ == "__main__":
    main()
