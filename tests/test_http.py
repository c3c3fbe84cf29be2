"""The HTTP adapter: pacing, Retry-After honoured exactly, budgets, POST safety, typed errors."""

import gc
import weakref
from datetime import UTC, datetime

import httpx
import orjson
import pytest

from orderhub.errors import ConfigError, RecordError, TransientError
from orderhub.http import CircuitBreaker, CostBucket, LeakyBucket, StoreHttp, parse_retry_after


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def adapter(responses, clock=None, **kw):
    """A StoreHttp over a MockTransport that answers from ``responses`` in turn."""
    seen = []
    queue = list(responses)

    def handler(request):
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    clock = clock or Clock()
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://shop.test")
    return StoreHttp(client, store="s", sleep=clock.sleep, **kw), seen, clock


def test_parse_retry_after():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert parse_retry_after("2.0") == 2.0 and parse_retry_after("30") == 30.0
    assert parse_retry_after("Tue, 24 Nov 2026 12:00:45 GMT", now=now) == 45.0
    assert parse_retry_after("Tue, 24 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


async def test_retry_after_is_waited_exactly_without_jitter():
    http, seen, clock = adapter([httpx.Response(429, headers={"Retry-After": "2.0"}),
                                 httpx.Response(503, headers={"Retry-After": "3"}), httpx.Response(200, json={})])
    resp = await http.get("/orders.json")
    assert resp.status_code == 200 and len(seen) == 3
    assert clock.sleeps == [2.0, 3.0]
    assert (http.stats.throttled, http.stats.server_errors, http.stats.retries) == (1, 1, 2)
    assert http.stats.rate_limit_wait_seconds == 5.0


async def test_own_backoff_is_jittered_and_bounded():
    http, _, clock = adapter([httpx.Response(502)] * 3 + [httpx.Response(200)], backoff=1.0)
    await http.get("/x")
    assert [0.5 <= clock.sleeps[0] <= 1.0, 1.0 <= clock.sleeps[1] <= 2.0, 2.0 <= clock.sleeps[2] <= 4.0] == [True] * 3


async def test_budget_exhausted_is_transient():
    http, seen, _ = adapter([httpx.Response(500)] * 3, max_attempts=3)
    with pytest.raises(TransientError) as exc:
        await http.get("/x")
    assert exc.value.code == "server_error" and len(seen) == 3
    http2, seen2, _ = adapter([httpx.Response(429, headers={"Retry-After": "600"})], budget=60)
    with pytest.raises(TransientError) as exc2:
        await http2.get("/x")
    assert exc2.value.retry_after == 600 and len(seen2) == 1  # not waited past the budget


@pytest.mark.parametrize("status,error,code", [(401, ConfigError, "unauthorized"), (403, ConfigError, "unauthorized"),
                                               (404, RecordError, "not_found"), (422, RecordError, "http_422")])
async def test_client_errors_are_typed_and_not_retried(status, error, code):
    http, seen, _ = adapter([httpx.Response(status, json={"errors": "nope"})])
    with pytest.raises(error) as exc:
        await http.get("/orders/1.json")
    assert exc.value.code == code and exc.value.context["status"] == status and len(seen) == 1


async def test_post_is_retried_only_when_safe():
    # a timeout after sending: outcome unknown, so a plain POST is not retried
    http, seen, _ = adapter([httpx.ReadTimeout("slow"), httpx.Response(201)])
    with pytest.raises(TransientError, match="ReadTimeout"):
        await http.post("/fulfillments.json", json={})
    assert len(seen) == 1
    # with an idempotency key (sent as a header) it is
    http, seen, _ = adapter([httpx.ReadTimeout("slow"), httpx.Response(201)])
    await http.post("/notes", json={}, idempotency_key="k1")
    assert len(seen) == 2 and seen[1].headers["Idempotency-Key"] == "k1"
    # a POST that never connected, or got a 429, was not processed: retried
    http, seen, _ = adapter([httpx.ConnectError("refused"), httpx.Response(429), httpx.Response(201)])
    await http.post("/fulfillments.json", json={})
    assert len(seen) == 3
    # a 5xx on a plain POST is not retried (it may have been applied)
    http, seen, _ = adapter([httpx.Response(500), httpx.Response(201)])
    with pytest.raises(TransientError):
        await http.post("/fulfillments.json", json={})
    assert len(seen) == 1


async def test_leaky_bucket_paces_from_the_header():
    clock = Clock()
    bucket = LeakyBucket(capacity=40, leak_rate=2, clock=clock, sleep=clock.sleep)
    for _ in range(39):
        assert await bucket.acquire() == 0.0
    waited = await bucket.acquire()  # one marble of headroom kept: wait for one to leak
    assert waited == pytest.approx(0.5)
    bucket.observe(httpx.Response(200, headers={"X-Shopify-Shop-Api-Call-Limit": "10/80"}))
    assert (bucket.level, bucket.capacity) == (10, 80)
    bucket.observe(httpx.Response(429))
    assert bucket.level == 80


async def test_cost_bucket_waits_for_a_querys_points_and_follows_what_the_platform_reports():
    """A GraphQL query's requested cost must be in the bucket before it is sent (Shopify:
    https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits)."""
    clock = Clock()
    bucket = CostBucket(restore_rate=100, capacity=1000, clock=clock, sleep=clock.sleep)
    assert await bucket.acquire(600) == 0.0
    assert await bucket.acquire(600) == pytest.approx(2.0)  # 400 left: 200 more at 100 points a second
    bucket.report(available=900, capacity=2000, restore_rate=200)  # the shop refunded the unused cost
    assert (bucket.available, bucket.capacity, bucket.restore_rate) == (900, 2000, 200)
    assert await bucket.acquire(1000) == pytest.approx(0.5)
    assert await bucket.acquire(5000) == pytest.approx(10.0)  # dearer than the bucket: wait for a full one


async def test_cost_bucket_holds_every_request_back_for_a_429s_retry_after():
    """A 429 (from a proxy in front of a GraphQL API, say) names a wait for the whole account: a
    request already queued behind the refused one must not go out before it ends."""
    clock = Clock()
    bucket = CostBucket(restore_rate=100, capacity=1000, clock=clock, sleep=clock.sleep)
    bucket.observe(httpx.Response(429, headers={"Retry-After": "2"}))
    assert await bucket.acquire(10) == pytest.approx(2.0)
    assert await bucket.acquire(10) == 0.0


async def test_a_throttle_inside_a_2xx_is_waited_like_a_429():
    def parse(content):
        body = orjson.loads(content)
        if body.get("errors"):
            raise TransientError("throttled", code="rate_limited", retry_after=1.5)
        return body["data"]

    throttled = httpx.Response(200, json={"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]})
    http, seen, clock = adapter([throttled, httpx.Response(200, json={"data": {"ok": True}})])
    resp = await http.request("POST", "/graphql.json", json={}, idempotent=True, parse=parse, cost=10)
    assert resp.extensions["orderhub.body"] == {"ok": True} and len(seen) == 2
    assert clock.sleeps == [1.5] and http.stats.throttled == 1 and http.stats.rate_limit_wait_seconds == 1.5


async def test_circuit_opens_after_consecutive_failures_and_half_opens():
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, reset_after=30, clock=clock)
    http, seen, _ = adapter([httpx.Response(500)] * 3, clock=clock, breaker=breaker, max_attempts=3)
    with pytest.raises(TransientError):
        await http.get("/x")
    assert breaker.state == "open" and http.stats.circuit_opened == 1
    with pytest.raises(TransientError) as exc:
        await http.get("/x")
    assert exc.value.code == "circuit_open" and len(seen) == 3  # nothing sent while open
    clock.now += 31
    assert breaker.state == "half_open"


async def test_a_json_body_cut_short_is_retried_not_taken_for_bad_data():
    whole = b'{"orders": [{"id": 1}, {"id": 2}]}'
    http, seen, _ = adapter([httpx.Response(200, content=whole[:17]), httpx.Response(200, content=whole)])
    resp, body = await http.get_json("/orders.json")
    assert body == {"orders": [{"id": 1}, {"id": 2}]} and len(seen) == 2 and resp.status_code == 200


async def test_a_cut_body_of_an_unsafe_write_is_not_sent_again():
    http, seen, _ = adapter([httpx.Response(200, content=b'{"fulfil')])
    with pytest.raises(TransientError) as info:
        await http.request("POST", "/fulfillments.json", json={}, parse=orjson.loads)
    assert info.value.code == "malformed_response" and "cut short" in info.value.message and len(seen) == 1


async def test_a_response_is_freed_as_soon_as_it_is_dropped():
    """httpx ties each response to its body stream in a reference cycle (encode/httpx#3733): a
    response and the page parsed from it would wait for a full garbage collection. The adapter
    unties it, so a page goes when its last user lets go of it."""
    http, _, _ = adapter([httpx.Response(200, json={"orders": [{"id": 1}]})])
    gc.disable()
    try:
        resp, body = await http.get_json("/orders.json")
        alive = weakref.ref(resp)
        assert body == {"orders": [{"id": 1}]} and resp.content == b'{"orders":[{"id":1}]}'
        del resp
        assert alive() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("connector, body, said", [
    ("shopify", b'{"errors": {"line_items": ["is invalid", "is empty"]}}', "line_items: is invalid, is empty"),
    ("shopify", b'{"errors": "[API] Invalid API key or access token"}', "[API] Invalid API key or access token"),
    ("woocommerce", b'{"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}',
     "woocommerce_rest_shop_order_invalid_id: Invalid ID."),
    ("ups", b'{"response": {"errors": [{"code": "120500", "message": "Invalid weight"}]}}', "120500: Invalid weight"),
])
async def test_a_refusal_is_told_in_the_platforms_own_words(connector, body, said):
    """Each connector's errors.py reads its platform's error body (Shopify's response-codes page,
    WooCommerce's REST API "Errors", UPS's API documentation) into the typed error's message."""
    from orderhub.plugin_manager import PluginManager

    cls = PluginManager().registry.connectors.get(connector) or PluginManager().registry.carriers[connector]
    status = 401 if b"Invalid API key" in body else 422
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    http = StoreHttp(httpx.AsyncClient(transport=transport, base_url="https://shop"), store="s",
                     explain=cls.explain_error, max_attempts=1)
    with pytest.raises((RecordError, ConfigError)) as exc:
        await http.get("/x")
    assert said in exc.value.message, exc.value.message
