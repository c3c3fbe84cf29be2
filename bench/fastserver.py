"""A server that is not the bottleneck: Shopify REST pages built once, before timing, held as bytes
and served by uvicorn (httptools, uvloop) from a process of their own (issue #16).

    python bench/fastserver.py --orders 20000 --port 8799 --token TOKEN

``GET /s{K}/admin/api/2025-01/orders.json`` answers shop K's pages one after another (``Link:
rel="next"`` with a ``page_info``): the orders the sandbox's Shopify shop serves. Every shop K
serves the same bytes (ids are scoped by store, so a benchmark can pull them as many stores). ``GET /_cpu`` answers the
seconds of CPU the server has used, so a benchmark can print the server's share of a core during
each timed run, and the count and first (``?since=N``: the N-th) and last time of the order requests, so a benchmark can
time pages without the client's start-up. The leaky-bucket header says there is room, so the
client does not pace. ``--latency`` holds each answer that long (a sleep, not CPU): a marketplace's
round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
from typing import Any

import orjson


def pages(orders: int, page_size: int, seed: int) -> list[bytes]:
    from orderhub_connectors.shopify.emulator import shopify_order

    out = []
    for start in range(0, orders, page_size):
        out.append(orjson.dumps({"orders": [shopify_order(seed, i) for i in range(start, min(orders, start + page_size))]}))
    return out or [b'{"orders":[]}']


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def make_app(bodies: list[bytes], port: int, token: str, latency: float = 0.0) -> Any:
    limit = [(b"x-shopify-shop-api-call-limit", b"1/1000000"), (b"content-type", b"application/json")]
    served: list[float] = []  # the times of the order requests answered

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path = scope["path"]
        if path == "/_cpu":
            since = int(scope["query_string"].decode().partition("since=")[2] or 0)  # from the since-th request
            stats = {"cpu_seconds": cpu_seconds(), "pid": os.getpid(), "requests": len(served),
                     "first": served[since] if since < len(served) else None, "last": served[-1] if served else None}
            body, status, headers = orjson.dumps(stats), 200, limit
        elif path.endswith("/orders.json"):
            if latency:
                await asyncio.sleep(latency)
            got = dict(scope["headers"]).get(b"x-shopify-access-token", b"").decode()
            if got != token:
                body, status, headers = b'{"errors":"[API] Invalid API key or access token"}', 401, limit
            else:
                query = scope["query_string"].decode()
                n = 0
                for part in query.split("&"):
                    if part.startswith("page_info="):
                        n = int(part[len("page_info="):])
                body, status, headers = bodies[n], 200, list(limit)
                if n + 1 < len(bodies):
                    link = f'<http://127.0.0.1:{port}{path}?limit=250&page_info={n + 1}>; rel="next"'
                    headers.append((b"link", link.encode()))
                served.append(time.time())
        else:
            body, status, headers = b'{"errors":"Not Found"}', 404, limit
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--page-size", type=int, default=250)
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--latency", type=float, default=0.0, help="seconds each order request waits (not CPU)")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    args = ap.parse_args()
    bodies = pages(args.orders, args.page_size, args.seed)
    import uvicorn

    uvicorn.run(make_app(bodies, args.port, args.token, args.latency), host="127.0.0.1", port=args.port, http="httptools",
                loop="uvloop", log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
