"""What every emulated shop shares: deterministic orders, faults, a request log, recorded pushes.

The log is the judge in tests: every request with its time and status, every 429 with the moment
its ``Retry-After`` expires, any request that came before that moment (a violation), and the most
requests of one shop ever in flight at once (one worker per store means one at a time).
"""

from __future__ import annotations

import asyncio
import random
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
import orjson

from orderhub.intake.mapping import base64_hmac
from orderhub.sandbox.server import Request, Response


@dataclass
class Faults:
    """Misbehaviour switches, each a share of requests (0..1) unless it says seconds."""

    error_rate: float = 0.0          # answer 5xx before applying anything
    storm: float = 0.0               # answer 429 whatever the bucket says
    storm_retry_after: float = 1.0   # seconds named in a storm's Retry-After
    drop_rate: float = 0.0           # apply a write, then drop the connection without answering
    truncate_rate: float = 0.0       # cut a read's JSON body short (half of them declare the cut length)
    reset_rate: float = 0.0          # drop the connection before answering, without applying anything
    slow: float = 0.0                # seconds added before every answer
    seed: int = 1
    next_429: float | None = None    # one-shot: the next request gets 429 with this Retry-After
    drop_next_write: bool = False    # one-shot: apply the next write, then drop the connection

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def hit(self, share: float) -> bool:
        return share > 0 and self.rng.random() < share


class ServiceDown(Exception):
    """Raised by an emulator's handler for a part of its service that is down: answered 503."""


@dataclass
class LogEntry:
    at: float
    method: str
    path: str
    status: int
    retry_until: float | None = None
    dropped: bool = False


@dataclass
class Shop:
    """Base of the emulators. ``count`` orders of ``seed``, ``malformed`` of them broken.

    An emulator registers through the ``register_emulators`` hook, beside its connector, and tells
    the :class:`~orderhub.sandbox.Sandbox` how to make one and how to point a store at it."""

    #: The connector it emulates (the config's ``connector =``), and whether it is a marketplace
    #: ``shop`` or a ``carrier``. Shops are named ``<prefix><n>``, and served under ``/<kind>/<name>``.
    kind: ClassVar[str] = ""
    role: ClassVar[str] = "shop"
    prefix: ClassVar[str] = "shop"
    #: The topic a new order is announced with, when the shop has a webhook URL.
    new_order_topic: ClassVar[str] = "orders/create"
    #: Where its seeds start, so each kind's orders differ and every run serves the same bytes.
    seed_base: ClassVar[int] = 400

    name: str
    count: int
    seed: int
    malformed: float = 0.0
    latency: float = 0.0
    faults: Faults = field(default_factory=Faults)
    webhook_url: str | None = None
    webhook_secret: str = "sandbox-webhook-secret"
    log: list[LogEntry] = field(default_factory=list)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    violations: int = 0
    dropped_writes: int = 0  # writes applied whose answer was then dropped (the client cannot know)
    truncated: int = 0       # read answers cut short
    inflight: int = 0
    max_inflight: int = 0
    blocked_until: float = 0.0

    def __post_init__(self) -> None:
        self._index: list[tuple[str, int]] = []
        self._dirty = True
        self.overrides: dict[int, dict[str, Any]] = {}  # order index -> fields changed since generation

    # -- orders ---------------------------------------------------------------------------

    def order(self, i: int) -> dict[str, Any]:
        raise NotImplementedError

    def updated_key(self, order: dict[str, Any]) -> str:
        raise NotImplementedError

    def index(self) -> list[tuple[str, int]]:
        """(updated time as sortable text, i) for every order, oldest change first."""
        if self._dirty:
            self._index = sorted((self.updated_key(self.order(i)), i) for i in range(self.count))
            self._dirty = False
        return self._index

    def since(self, key: str) -> int:
        return bisect_left(self.index(), (key, -1))

    def touch(self, i: int, **fields: Any) -> None:
        self.overrides.setdefault(i, {}).update(fields)
        self._dirty = True

    def external_id(self, i: int) -> str:
        raise NotImplementedError

    def add_orders(self, n: int) -> list[int]:
        """New orders, changed after every change so far (as new orders on a live shop are)."""
        from datetime import datetime, timedelta

        latest = self.index()[-1][0] if self.count else "2026-10-01T00:00:00+00:00"
        base = datetime.fromisoformat(latest.replace("Z", "+00:00"))
        start = self.count
        self.count += n
        for k, i in enumerate(range(start, self.count)):
            self.touch(i, **self.updated_fields(base + timedelta(seconds=k + 1)))
        return list(range(start, self.count))

    def updated_fields(self, when: Any) -> dict[str, Any]:
        """The fields that say 'this order changed at ``when``' in the platform's format."""
        raise NotImplementedError

    # -- the request path -----------------------------------------------------------------

    async def handle(self, req: Request, path: str) -> Response:
        now = time.monotonic()
        if now < self.blocked_until:
            self.violations += 1
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            resp = self.authenticate(req)
            if resp is None and self.faults.next_429 is not None:
                resp, self.faults.next_429 = self.too_many(self.faults.next_429), None
            if resp is None and self.faults.hit(self.faults.storm):
                resp = self.too_many(self.faults.storm_retry_after)
            if resp is None:
                resp = self.rate_limit(now)
            if resp is None and self.faults.hit(self.faults.error_rate):
                resp = Response.json({"errors": "Internal Server Error (sandbox fault)"}, 503)
            if resp is None and self.faults.hit(self.faults.reset_rate):
                resp = Response.json({}, 200)
                resp.drop = True
            if resp is None:
                try:
                    resp = await self.route(req, path)
                except ServiceDown as exc:
                    resp = Response.json({"errors": f"Service Unavailable (sandbox: {exc})"}, 503)
                if self.is_write(req) and resp.status < 300 and resp.applied and (
                        self.faults.drop_next_write or self.faults.hit(self.faults.drop_rate)):
                    resp.drop, self.faults.drop_next_write = True, False
                    self.dropped_writes += 1
                elif not self.is_write(req) and resp.status == 200 and self.faults.hit(self.faults.truncate_rate):
                    self.truncated += 1
                    if self.faults.rng.random() < 0.5:
                        resp.truncate = True  # the connection closes before the declared length
                    else:
                        resp.body = resp.body[: len(resp.body) // 2]  # a proxy that cut it and said so
            resp.delay = max(resp.delay, self.faults.slow)
            retry_until = None
            if resp.status == 429:
                retry_until = time.monotonic() + float(resp.headers.get("Retry-After", "0"))
                self.blocked_until = max(self.blocked_until, retry_until)
            self.log.append(LogEntry(now, req.method, path, resp.status, retry_until, resp.drop))
            return resp
        finally:
            self.inflight -= 1

    def is_write(self, req: Request) -> bool:
        """Whether ``req`` changes the shop: a dropped answer applies to writes, a cut body to reads."""
        return req.method in ("POST", "PUT")

    def too_many(self, retry_after: float) -> Response:
        return Response.json({"errors": "Exceeded 2 calls per second for api client. Reduce request rates to "
                                        "resume uninterrupted service."}, 429, {"Retry-After": f"{retry_after:.1f}"})

    def authenticate(self, req: Request) -> Response | None:
        raise NotImplementedError

    def rate_limit(self, now: float) -> Response | None:
        return None

    async def route(self, req: Request, path: str) -> Response:
        raise NotImplementedError

    def record_push(self, kind: str, **data: Any) -> None:
        self.pushes.append({"kind": kind, "at": time.time(), **data})

    # -- webhooks -------------------------------------------------------------------------

    def sign(self, body: bytes) -> str:
        return base64_hmac(self.webhook_secret, body)

    def webhook_headers(self, topic: str, body: bytes, delivery_id: str) -> dict[str, str]:
        raise NotImplementedError

    async def send_webhook(self, topic: str, i: int, *, delivery_id: str | None = None,
                           client: httpx.AsyncClient | None = None) -> int:
        """POST order ``i`` to the hub's webhook URL, signed as the platform signs it."""
        if not self.webhook_url:
            raise RuntimeError(f"shop {self.name} has no webhook_url")
        body = orjson.dumps(self.order(i))
        headers = self.webhook_headers(topic, body, delivery_id or f"{self.name}-{topic}-{i}-{len(self.log)}")
        own = client is None
        client = client or self._client()
        try:
            resp = await client.post(self.webhook_url, content=body, headers=headers)
            return resp.status_code
        finally:
            if own:
                await client.aclose()

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=10)

    def summary(self) -> dict[str, Any]:
        statuses: dict[int, int] = {}
        for e in self.log:
            statuses[e.status] = statuses.get(e.status, 0) + 1
        return {"shop": self.name, "requests": len(self.log), "statuses": statuses, "violations": self.violations,
                "max_inflight": self.max_inflight, "pushes": len(self.pushes)}


    @classmethod
    def for_sandbox(cls, name: str, *, count: int, seed: int, malformed: float, latency: float,
                    faults: Faults, **options: Any) -> Shop:
        """One shop of a sandbox; ``options`` are the kind's own (``bucket_size`` for Shopify …)."""
        return cls(name=name, count=count, seed=seed, malformed=malformed, latency=latency, faults=faults,
                   webhook_secret=f"whsec_{name}", **options)

    def store_config(self, base_url: str, secret: Any) -> dict[str, Any]:
        """The ``[stores.<name>]`` table pointing a store at this shop; ``secret(file, value)`` writes
        a credential and returns its ``file:`` reference."""
        raise NotImplementedError
