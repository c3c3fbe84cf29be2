"""The HTTP adapter every connector's calls go through: one per store.

Pacing first, retrying second: a per-store limiter starts from the platform's published limit and
follows its headers, so the hub holds just under the limit instead of probing into 429s. When a 429
or 5xx does come, ``Retry-After`` (seconds or an HTTP date) is honoured exactly — no jitter is added
to a wait the server named — and only our own backoff is jittered. Every call has a total retry
budget; a circuit breaker stops hammering a store that keeps failing.

A POST is retried only when it is safe: it carries an idempotency key, the caller declares it
idempotent (a "set" such as Shopify's ``inventory_levels/set``), or the request never left (a
connect error). Otherwise an unknown outcome surfaces as a TransientError and the caller reads back
before trying again.

Failures are typed (see :mod:`orderhub.errors`): 401/403 → ConfigError, 404/409/422 and other 4xx →
RecordError, 429/5xx/timeouts past the budget → TransientError.
"""

from __future__ import annotations

import asyncio
import functools
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
import orjson
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, stop_after_delay

from orderhub.errors import ConfigError, RecordError, TransientError
from orderhub.logging import get_logger

log = get_logger()
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every HTTP client of the process. httpx builds one per client by
    reading the whole CA bundle: about 20 ms each, paid again for every store, carrier and plugin
    client at start-up."""
    return httpx.create_ssl_context()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: delta-seconds (Shopify sends ``2.0``) or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class HttpStats:
    """What the adapter did, per store: read by the metrics endpoint and the benchmarks."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    server_errors: int = 0
    rate_limit_wait_seconds: float = 0.0
    circuit_opened: int = 0


class Limiter(Protocol):
    """Paces one store's requests. ``acquire`` waits for room for a request (``cost`` points where
    the platform prices requests unequally, as GraphQL APIs do) and returns the seconds waited;
    ``observe`` re-syncs from each response."""

    async def acquire(self, cost: float = 1.0) -> float: ...

    def observe(self, response: httpx.Response) -> None: ...


class NoLimit:
    async def acquire(self, cost: float = 1.0) -> float:
        return 0.0

    def observe(self, response: httpx.Response) -> None:
        pass


@dataclass
class LeakyBucket:
    """A client-side mirror of a leaky bucket (Shopify REST: 40 requests, leaking 2 per second).

    Before each request it waits until one more marble fits. After each response it re-syncs from
    the platform's header (``X-Shopify-Shop-Api-Call-Limit: 32/40``), so other clients of the same
    shop and plan upgrades are followed rather than guessed.
    """

    capacity: float = 40.0
    leak_rate: float = 2.0
    header: str | None = "X-Shopify-Shop-Api-Call-Limit"
    #: Keep this many marbles free so an in-flight request of another client does not tip it over.
    headroom: float = 1.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    level: float = 0.0
    _at: float = field(default=-1.0)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _drain(self) -> None:
        now = self.clock()
        if self._at >= 0:
            self.level = max(0.0, self.level - (now - self._at) * self.leak_rate)
        self._at = now

    async def acquire(self, cost: float = 1.0) -> float:
        waited = 0.0
        async with self._lock:
            while True:
                self._drain()
                room = self.capacity - self.headroom - self.level
                if room >= 1.0:
                    self.level += 1.0
                    return waited
                pause = (1.0 - room) / self.leak_rate
                waited += pause
                await self.sleep(pause)

    def observe(self, response: httpx.Response) -> None:
        raw = response.headers.get(self.header) if self.header else None
        if raw and "/" in raw:
            try:
                used, cap = (float(x) for x in raw.split("/", 1))
            except ValueError:
                return
            self._drain()
            self.capacity = cap
            self.level = used
        elif response.status_code == 429:
            self._drain()
            self.level = self.capacity


@dataclass
class CostBucket:
    """A client-side mirror of a points bucket (Shopify's GraphQL Admin API: a query costs what
    its fields are worth; the bucket refills at the plan's restore rate).

    Before a request it waits until the bucket holds the request's ``cost`` (its requested cost),
    so the platform never has to refuse it; after each answer ``report`` re-syncs from what the
    platform says it holds (``throttleStatus``), which also returns what a query was charged
    above its actual cost. It starts from the plan's published figures until the first answer.
    """

    restore_rate: float = 100.0
    capacity: float = 1000.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    available: float | None = None
    reports: int = 0
    _at: float = field(default=-1.0)
    _blocked_until: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _refill(self) -> float:
        now = self.clock()
        if self.available is None:
            self.available = self.capacity
        elif self._at >= 0:
            self.available = min(self.capacity, self.available + (now - self._at) * self.restore_rate)
        self._at = now
        return self.available

    async def acquire(self, cost: float = 1.0) -> float:
        cost = min(cost, self.capacity)  # a query dearer than the bucket waits for a full one
        waited = 0.0
        async with self._lock:
            while True:
                blocked = self._blocked_until - self.clock()
                if blocked > 0:  # a 429 named a wait: no request of this account goes out before it ends
                    waited += blocked
                    await self.sleep(blocked)
                    continue
                room = self._refill()
                if room >= cost:
                    self.available = room - cost
                    return waited
                pause = (cost - room) / self.restore_rate
                waited += pause
                await self.sleep(pause)

    def observe(self, response: httpx.Response) -> None:
        """The points are in the body (the connector calls ``report``); a 429 from anything in
        front of the API holds every request back for its ``Retry-After``."""
        if response.status_code == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            self._blocked_until = max(self._blocked_until, self.clock() + (wait if wait is not None else 1.0))

    def report(self, *, available: float, capacity: float | None = None, restore_rate: float | None = None) -> None:
        """What the platform says the bucket holds now (after this answer's refund)."""
        if capacity:
            self.capacity = float(capacity)
        if restore_rate:
            self.restore_rate = float(restore_rate)
        self.available = min(self.capacity, max(0.0, float(available)))
        self._at = self.clock()
        self.reports += 1


class TokenBucket:
    """A plain requests-per-second limit for platforms that publish one but send no headers."""

    def __init__(self, rate: float, burst: int | None = None) -> None:
        from aiolimiter import AsyncLimiter

        self._limiter = AsyncLimiter(burst or max(1, int(rate)), (burst or max(1, int(rate))) / rate)

    async def acquire(self, cost: float = 1.0) -> float:
        t0 = time.monotonic()
        await self._limiter.acquire()
        return time.monotonic() - t0

    def observe(self, response: httpx.Response) -> None:
        pass


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; one trial call after ``reset_after`` seconds."""

    threshold: int = 8
    reset_after: float = 30.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.clock() - self.opened_at >= self.reset_after else "open"

    def check(self, store: str) -> None:
        if self.state == "open":
            left = self.reset_after - (self.clock() - self.opened_at)  # type: ignore[operator]
            raise TransientError(f"circuit open for store {store}: too many consecutive failures",
                                 code="circuit_open", store=store, retry_after=max(left, 0.0))

    def success(self) -> None:
        self.failures, self.opened_at = 0, None

    def failure(self) -> bool:
        """Record a failure; returns True when this one opened the circuit."""
        self.failures += 1
        if self.state == "half_open" or (self.opened_at is None and self.failures >= self.threshold):
            self.opened_at = self.clock()
            return True
        return False


class _Retry(Exception):
    def __init__(self, error: TransientError, wait: float | None, server_named: bool) -> None:
        super().__init__(error.message)
        self.error, self.wait, self.server_named = error, wait, server_named


def _snippet(resp: httpx.Response) -> str:
    try:
        return resp.text[:300]
    except Exception:  # noqa: BLE001 - undecodable body: say so rather than fail the error path
        return "<undecodable body>"


def _unbind(resp: httpx.Response) -> httpx.Response:
    """Break httpx's response ↔ stream reference cycle once the body has been read.

    httpx 0.28 wraps each body in a stream that points back at its response (encode/httpx#3733),
    so a response — its bytes and, here, the page parsed from them — is freed only by a full
    garbage collection, not when its last user lets go. A whole page of orders per request then
    waited for the collector. The body is in memory already; a plain byte stream serves any
    later read of it.
    """
    if resp.is_closed and hasattr(resp, "_content"):
        resp.stream = httpx.ByteStream(resp.content)
    return resp


class StoreHttp:
    """One store's HTTP: pacing, retries, circuit breaker and typed errors around an httpx client."""

    def __init__(self, client: httpx.AsyncClient, *, store: str, limiter: Limiter | None = None,
                 breaker: CircuitBreaker | None = None, max_attempts: int = 6, budget: float = 120.0,
                 backoff: float = 0.5, max_backoff: float = 15.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 explain: Callable[[httpx.Response], str | None] | None = None) -> None:
        self.client = client
        #: The platform's own words for a refusal (its ``errors.py``); the raw body when None.
        self.explain = explain
        self.store = store
        self.limiter = limiter or NoLimit()
        self.breaker = breaker or CircuitBreaker()
        self.max_attempts = max_attempts
        self.budget = budget
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.stats = HttpStats()

    def _classify(self, resp: httpx.Response, method: str, url: str) -> None:
        """Raise the typed error for a non-2xx response (``_Retry`` when retrying may help)."""
        status = resp.status_code
        ctx = {"store": self.store, "request": f"{method} {url}", "status": status}
        if status in (401, 403):
            raise ConfigError(f"{self.store}: HTTP {status} for {method} {url}: credentials rejected "
                              f"({self._said(resp)})", code="unauthorized", **ctx)
        if status == 429:
            self.stats.throttled += 1
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            raise _Retry(TransientError(f"{self.store}: rate limited (429)", code="rate_limited",
                                        retry_after=wait, **ctx), wait, wait is not None)
        if status >= 500:
            self.stats.server_errors += 1
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            raise _Retry(TransientError(f"{self.store}: HTTP {status} for {method} {url}", code="server_error",
                                        retry_after=wait, **ctx), wait, wait is not None)
        if status >= 400:
            raise RecordError(f"{self.store}: HTTP {status} for {method} {url}: {self._said(resp)}",
                              code="not_found" if status == 404 else f"http_{status}", **ctx)

    def _said(self, resp: httpx.Response) -> str:
        """What the platform said, in its own words when its connector can read them."""
        if self.explain is not None:
            try:
                text = self.explain(resp)
            except Exception:  # noqa: BLE001 - a body the explainer cannot read: show it raw
                text = None
            if text:
                return text
        return _snippet(resp)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retry) and exc.server_named and exc.wait is not None:
            return exc.wait  # the server named the wait: honour it exactly, no jitter
        base = min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))
        return base / 2 + random.uniform(0, base / 2)

    async def request(self, method: str, url: str, *, params: Any = None, json: Any = None,
                      content: bytes | None = None, headers: dict[str, str] | None = None,
                      idempotent: bool | None = None, idempotency_key: str | None = None,
                      parse: Callable[[bytes], Any] | None = None, cost: float | None = None) -> httpx.Response:
        """One request with pacing, retries and typed errors. With ``parse``, a 2xx body is parsed
        inside the attempt (the result is in ``response.extensions["orderhub.body"]``): a body cut
        short on the way is then retried like a dropped connection, not mistaken for bad data, and
        a ``TransientError`` the parser raises with code ``rate_limited`` (a GraphQL API saying
        "throttled" in a 200) is waited out like a 429. ``cost`` is what the request weighs for a
        points-based limiter."""
        method = method.upper()
        headers = dict(headers or {})
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        safe = idempotent if idempotent is not None else (method in IDEMPOTENT_METHODS or bool(idempotency_key))
        started = time.monotonic()

        async def attempt() -> httpx.Response:
            self.breaker.check(self.store)
            self.stats.rate_limit_wait_seconds += await (self.limiter.acquire(cost) if cost is not None
                                                         else self.limiter.acquire())
            self.stats.requests += 1
            try:
                resp = _unbind(await self.client.request(method, url, params=params, json=json, content=content,
                                                         headers=headers))
            except httpx.ConnectError as exc:  # never reached the server: safe to retry any method
                self._failed()
                raise _Retry(TransientError(f"{self.store}: cannot connect: {exc}", code="connect_error",
                                            store=self.store), None, False) from None
            except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError,
                    httpx.WriteError) as exc:
                self._failed()
                err = TransientError(f"{self.store}: {type(exc).__name__} on {method} {url}",
                                     code="timeout" if isinstance(exc, httpx.TimeoutException) else "connection_lost",
                                     store=self.store, request=f"{method} {url}")
                if not safe:
                    raise err from None  # outcome unknown: the caller reads back before retrying
                raise _Retry(err, None, False) from None
            self.limiter.observe(resp)
            if resp.status_code < 400:
                if parse is not None:
                    try:
                        resp.extensions["orderhub.body"] = parse(resp.content)
                    except TransientError as exc:
                        if exc.code != "rate_limited":
                            raise
                        self.stats.throttled += 1
                        remaining = self.budget - (time.monotonic() - started)
                        if exc.retry_after is not None and exc.retry_after > remaining:
                            raise
                        raise _Retry(exc, exc.retry_after, exc.retry_after is not None) from None
                    except ValueError as exc:
                        self._failed()
                        err = TransientError(f"{self.store}: the body of {method} {url} is not valid JSON "
                                             f"({len(resp.content)} bytes; cut short?): {exc}",
                                             code="malformed_response", store=self.store,
                                             request=f"{method} {url}")
                        if not safe:
                            raise err from None
                        raise _Retry(err, None, False) from None
                self.breaker.success()
                return resp
            try:
                self._classify(resp, method, url)
            except _Retry as r:
                if resp.status_code >= 500:
                    self._failed()
                if resp.status_code >= 500 and not safe:
                    raise r.error from None
                remaining = self.budget - (time.monotonic() - started)
                if r.wait is not None and r.wait > remaining:
                    raise r.error from None  # the server wants more time than this call may spend
                raise
            except (ConfigError, RecordError):
                self.breaker.success()  # the store answered; the request was the problem
                raise
            raise AssertionError("unreachable")

        retrying = AsyncRetrying(stop=stop_after_attempt(self.max_attempts) | stop_after_delay(self.budget),
                                 wait=self._wait,
                                 retry=retry_if_exception_type(_Retry), sleep=self.sleep, reraise=True,
                                 before_sleep=self._before_sleep)
        try:
            return await retrying(attempt)
        except _Retry as r:
            raise r.error from None

    def _failed(self) -> None:
        if self.breaker.failure():
            self.stats.circuit_opened += 1
            log.warning("circuit_opened", store=self.store)

    def _before_sleep(self, state: RetryCallState) -> None:
        self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retry) and exc.server_named and exc.wait is not None:
            self.stats.rate_limit_wait_seconds += exc.wait
        log.info("http_retry", store=self.store, attempt=state.attempt_number,
                 error=getattr(getattr(exc, "error", None), "code", None), wait=round(state.upcoming_sleep, 3))

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", url, **kw)

    async def get_json(self, url: str, *, parse: Callable[[bytes], Any] = orjson.loads,
                       **kw: Any) -> tuple[httpx.Response, Any]:
        """GET and parse the JSON body (retried when it arrives cut short); the response and the body."""
        resp = await self.request("GET", url, parse=parse, **kw)
        return resp, resp.extensions["orderhub.body"]

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("POST", url, **kw)

    async def put(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("PUT", url, **kw)
