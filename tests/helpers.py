"""Test plugins and a hub factory for in-process tests (no DBOS needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from orderhub import hookimpl
from orderhub.config import parse_config
from orderhub.errors import ConfigError, RecordError, TransientError
from orderhub.hub import Hub
from orderhub.lifecycle import OrderStatus
from orderhub.plugin_manager import PluginManager
from orderhub.chain.steps import Reason, Step, StepResult


class Validate(Step):
    """Stand-in validation: moves the order to validated, holds orders tagged 'bad'."""

    name: ClassVar[str] = "t_validate"

    async def run(self, order, ctx):
        if "bad" in order.tags:
            return StepResult.hold(Reason("tagged_bad", "order is tagged bad"))
        return StepResult.proceed(to=OrderStatus.VALIDATED, note="looks fine")


class Notify(Step):
    name: ClassVar[str] = "t_notify"
    delivered: ClassVar[list[str]] = []

    async def run(self, order, ctx):
        ctx.push("note", {"n": order.number}, key=f"note:{order.id}")
        return StepResult.proceed()

    async def deliver(self, kind, order, payload, *, key):
        if "flaky" in order.tags and key not in Notify.failed_once:
            Notify.failed_once.add(key)
            raise TransientError("receiver busy", retry_after=0)
        Notify.delivered.append(key)
        return {"ok": key}

    failed_once: ClassVar[set[str]] = set()


class Explode(Step):
    name: ClassVar[str] = "t_explode"
    mode: ClassVar[str] = "system"

    async def run(self, order, ctx):
        if self.mode == "system":
            raise ZeroDivisionError("division by zero")
        if self.mode == "record":
            raise RecordError("address unusable", code="bad_address")
        if self.mode == "transient":
            raise TransientError("carrier API down")
        raise ConfigError("carrier credentials rejected")


class TestPlugin:
    notices: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def register_steps(self, register):
        for cls in (Validate, Notify, Explode):
            register(cls)

    @hookimpl
    def on_order_state_changed(self, order, from_status, to_status, actor, reason):
        self.notices.append(("on_order_state_changed", {"order": order.id, "to": to_status}))

    @hookimpl
    def on_order_held(self, order, step, reasons):
        self.notices.append(("on_order_held", {"order": order.id, "codes": [r["code"] for r in reasons]}))


def builtin_plugins() -> tuple[Any, ...]:
    """The built-in connectors and plugins as orderhub's own pyproject names them: tests build hubs
    from this fixed set, not from whatever else happens to be installed."""
    import importlib
    import tomllib

    eps = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["entry-points"]["orderhub"]
    return tuple(importlib.import_module(module) for module in eps.values())


def make_hub(db_url: str, chain: list[Any], *, engine=None, plugin=None, stores: dict | None = None) -> Hub:
    cfg = parse_config({"database": {"url": db_url},
                        "stores": stores or {"shop": {"connector": "files", "path": "/nonexistent", "chain": chain}}})
    plugins = PluginManager(load_entry_points=False, extra=(*builtin_plugins(), plugin or TestPlugin()))
    return Hub(cfg, plugins, engine=engine)


class RecordingReceiver:
    """A loopback HTTP endpoint that records every POST with its Idempotency-Key, like a real
    receiver that applies each key once."""

    def __init__(self, fail_every: int = 0) -> None:
        import http.server
        import threading

        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.fail_every = fail_every
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(self.headers.get("Idempotency-Key", ""))
                    n = len(receiver.requests)
                if receiver.fail_every and n % receiver.fail_every == 0:
                    self.send_response(503)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/orders"

    @property
    def applied(self) -> set[str]:
        with self.lock:
            return set(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def blast(host: str, port: int, requests: list[bytes], *, rate: float, connections: int = 32):
    """Send pre-built HTTP/1.1 requests at ``rate`` per second over keep-alive connections.

    A load generator that costs next to nothing per request (httpx costs a millisecond or two of
    CPU each, which on two cores made the sender, not the server, the bottleneck). Returns
    (status, body, seconds) per request, in order, and the wall time.
    """
    import asyncio
    import time

    results: list[tuple[int, bytes, float] | None] = [None] * len(requests)
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def worker():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                k = await queue.get()
                if k < 0:
                    return
                t = time.monotonic()
                writer.write(requests[k])
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                results[k] = (status, body, time.monotonic() - t)
        finally:
            writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    t0 = time.monotonic()
    for k in range(len(requests)):
        delay = t0 + k / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(k)
    for _ in workers:
        queue.put_nowait(-1)
    await asyncio.gather(*workers)
    return results, time.monotonic() - t0


def http_request(method: str, host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("host", "content-length")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def assert_no_secrets(texts: list[str], secrets_dir) -> int:
    """No secret value written under ``secrets_dir`` appears in any of ``texts``; returns how many
    secrets were looked for."""
    from pathlib import Path

    secrets = [p.read_text().strip() for p in Path(secrets_dir).iterdir() if p.is_file()]
    secrets = [s for s in secrets if len(s) >= 8]
    assert secrets, "no secrets to look for"
    for text in texts:
        for s in secrets:
            assert s not in text, f"a secret appears in the output: ...{text[max(0, text.find(s) - 80):text.find(s)]}"
    return len(secrets)


def stock_sandbox_catalog(url: str, *, location: str, on_hand: int) -> None:
    """Every sandbox SKU in the catalog with ``on_hand`` units at ``location`` (a migrated database),
    so chains with validate and reserve run on sandbox orders and their counts can be checked."""
    import sqlalchemy as sa

    from orderhub.db.engine import make_sync_engine, migrate
    from orderhub.sandbox.data import PRODUCTS

    migrate(url)
    engine = make_sync_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("insert into catalog (sku, title, weight_g, fragile, hazmat, updated_at) "
                             "values (:sku, :title, :grams, false, false, current_timestamp)"),
                     [{"sku": p[0], "title": p[1], "grams": p[4]} for p in PRODUCTS])
        conn.execute(sa.text("insert into inventory (sku, location, on_hand, reserved, low, updated_at) "
                             "values (:sku, :location, :on_hand, 0, false, current_timestamp)"),
                     [{"sku": p[0], "location": location, "on_hand": on_hand} for p in PRODUCTS])
    engine.dispose()


def sql_rows(url: str, query: str) -> list[Any]:
    """The rows of one SQL query against the database at ``url`` (a test's look at what was stored)."""
    import sqlalchemy as sa

    from orderhub.db.engine import make_sync_engine

    engine = make_sync_engine(url)
    with engine.connect() as conn:
        out = conn.execute(sa.text(query)).all()
    engine.dispose()
    return out
