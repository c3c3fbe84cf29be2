"""The forward step: a durable push with an Idempotency-Key; HTTP outcomes map to typed errors."""

import httpx
import pytest
import respx

from orderhub.errors import ConfigError, RecordError, TransientError
from orderhub.models import Order
from orderhub.chain.steps import StepContext
from orderhub_plugins.forward.step import Forward

from ...conftest import FIXTURE
from ...helpers import make_hub


def order():
    import orjson

    return Order.model_validate({**orjson.loads(FIXTURE.read_bytes()), "store": "s", "channel": "files"})


def step(**opts):
    s = Forward.build("s", {"url": "https://erp.example/orders", **opts}, key="stores.s.chain[0]")
    s.hub = make_hub("sqlite:///unused.db", [])  # sends go through the hub's adapter; no database is opened
    return s


async def test_run_queues_one_push_keyed_by_order_and_change():
    o = order()
    ctx = StepContext(store="s", store_config=None, conn=None, step_name="forward")
    result = await step().run(o, ctx)
    assert result.outcome == "continue"
    assert [(p.kind, p.target, p.key) for p in ctx.pushes] == [
        ("order", "step:forward", f"forward:{o.id}:{o.updated_at.isoformat()}")]


@respx.mock
async def test_deliver_sends_the_key_and_the_canonical_order(monkeypatch):
    monkeypatch.setenv("ERP_TOKEN", "t0k3n")
    route = respx.post("https://erp.example/orders").mock(return_value=httpx.Response(201))
    s = step(bearer_token="env:ERP_TOKEN")
    assert await s.deliver("order", order(), {}, key="k-1") == {"status": 201}
    req = route.calls.last.request
    assert req.headers["Idempotency-Key"] == "k-1" and req.headers["Authorization"] == "Bearer t0k3n"
    body = __import__("json").loads(req.content)
    assert body["order"]["totals"]["total"] == "78.90" and body["store"] == "s"
    assert "plugin:forward:s" in {h.store for h in s.hub.http_adapters()}  # its figures reach /metrics
    await s.hub.aclose()


@respx.mock
@pytest.mark.parametrize("response,error,retry_after", [
    (httpx.Response(429, headers={"Retry-After": "7"}), TransientError, 7.0),
    (httpx.Response(503), TransientError, None),
    (httpx.Response(422, text="bad order"), RecordError, None),
    (httpx.Response(401, text="who are you"), ConfigError, None),
])
async def test_deliver_failures_are_typed(response, error, retry_after):
    respx.post("https://erp.example/orders").mock(return_value=response)
    with pytest.raises(error) as exc:
        await step().deliver("order", order(), {}, key="k")
    if retry_after is not None:
        assert exc.value.retry_after == retry_after


@respx.mock
async def test_connection_errors_are_transient():
    respx.post("https://erp.example/orders").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TransientError, match="cannot connect"):
        await step().deliver("order", order(), {}, key="k")
