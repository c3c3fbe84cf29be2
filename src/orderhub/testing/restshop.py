"""RestShop: a generic loopback marketplace to write a new connector against before its platform's
own fake exists, and the harness that runs the conformance kit on it.

It has what the kit checks and nothing platform-specific: API-key auth, a paginated incremental
order list, a fulfilment write that honours ``Idempotency-Key``, signed webhooks, and the fault
switches of every emulator (a 429 with ``Retry-After``, a write applied whose answer is dropped).

    GET  /v1/orders?updated_since=ISO&cursor=N&limit=N   Authorization: Bearer <api_key>
         → {"orders": [order, …], "next_cursor": "N" | null}        (oldest change first)
    POST /v1/orders/{id}/fulfillments {"tracking_number", "carrier", "tracking_url"}
         Idempotency-Key: k  → 201 {"id": …}; the same key again → the same answer, applied once
    webhook POST to the hub: X-RestShop-Topic: order.created, X-RestShop-Delivery: <id>,
         X-RestShop-Signature: base64(HMAC-SHA256(webhook_secret, body)); body: one order

An order: ``{"id", "number", "created_at", "updated_at", "currency", "customer": {"name", "email"},
"lines": [{"sku", "title", "quantity", "price"}], "shipping", "total", "paid"}`` (money as strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import orjson

from orderhub.sandbox.data import base_order, cents, is_malformed
from orderhub.sandbox.server import Request, Response, ServerThread
from orderhub.sandbox.shops import Shop
from orderhub.testing.kit import Harness

_FULFIL = re.compile(r"^/v1/orders/([^/]+)/fulfillments$")


@dataclass
class RestShop(Shop):
    kind: ClassVar[str] = "restshop"
    prefix: ClassVar[str] = "rest"
    new_order_topic: ClassVar[str] = "order.created"
    api_key: str = "rest-sandbox-key"
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def order(self, i: int) -> dict[str, Any]:
        b = base_order(self.seed, i)
        lines = [{"sku": it["sku"], "title": it["title"], "quantity": it["quantity"], "price": str(it["price"])}
                 for it in b["items"]]
        total = cents(sum((Decimal(li["price"]) * li["quantity"] for li in lines), Decimal("0")) + b["shipping"])
        o: dict[str, Any] = {
            "id": self.external_id(i), "number": f"#{1000 + i}", "created_at": b["created"].isoformat(),
            "updated_at": b["created"].isoformat(), "currency": "EUR",
            "customer": {"name": f"{b['first']} {b['last']}", "email": f"{b['first'].lower()}@example.com"},
            "lines": lines, "shipping": str(b["shipping"]), "total": str(total), "paid": str(total)}
        o.update(self.overrides.get(i, {}))
        broken = is_malformed(self.seed, i, self.malformed)
        if broken in ("no_currency", "bad_created_at"):
            o["currency"] = None
        elif broken:
            o["total"] = "N/A"
        return o

    def updated_key(self, order: dict[str, Any]) -> str:
        return order["updated_at"]

    def external_id(self, i: int) -> str:
        return str(1000 + i)

    def updated_fields(self, when: Any) -> dict[str, Any]:
        return {"updated_at": when.isoformat()}

    def authenticate(self, req: Request) -> Response | None:
        if req.headers.get("authorization") != f"Bearer {self.api_key}":
            return Response.json({"error": "invalid api key"}, 401)
        return None

    async def route(self, req: Request, path: str) -> Response:
        if req.method == "GET" and path == "/v1/orders":
            start = self.since(req.arg("updated_since", "") + "\uffff") if req.arg("updated_since") else 0
            cursor, limit = int(req.arg("cursor", "0") or 0), min(int(req.arg("limit", "50") or 50), 250)
            page = self.index()[start + cursor:start + cursor + limit]
            more = start + cursor + limit < len(self.index())
            return Response.json({"orders": [self.order(i) for _, i in page],
                                  "next_cursor": str(cursor + limit) if more else None})
        m = _FULFIL.match(path)
        if req.method == "POST" and m:
            key = req.headers.get("idempotency-key")
            if key and key in self.answers:
                return Response.json(self.answers[key], 201)
            body = req.json() or {}
            answer = {"id": f"ful_{len(self.pushes) + 1}", "order_id": m.group(1),
                      "tracking_number": body.get("tracking_number")}
            self.record_push("fulfillment", order_id=m.group(1), key=key, **body)
            if key:
                self.answers[key] = answer
            return Response.json(answer, 201)
        return Response.json({"error": "not found"}, 404)

    def webhook_headers(self, topic: str, body: bytes, delivery_id: str) -> dict[str, str]:
        return {"Content-Type": "application/json", "X-RestShop-Topic": topic, "X-RestShop-Delivery": delivery_id,
                "X-RestShop-Signature": self.sign(body)}

    def store_config(self, base_url: str, secret: Any) -> dict[str, Any]:
        return {"base_url": base_url,
                "credentials": {"api_key": secret(f"{self.name}.api_key", self.api_key),
                                "webhook_secret": secret(f"{self.name}.webhook_secret", self.webhook_secret)}}


class RestShopHarness(Harness):
    """The conformance kit on a :class:`RestShop`: give it the connector's name, and the store
    table's extra keys (``page_size`` is set from the kit's)."""

    def __init__(self, connector: str, tmp_path: Any, **store_options: Any) -> None:
        self.connector = connector
        self.options = store_options
        self.tmp_path = tmp_path
        self.shop = RestShop(name="rest1", count=0, seed=11, webhook_secret="whsec_rest1")
        self.thread = ServerThread(lambda: self._handle)
        self.url = self.thread.start()

    async def _handle(self, req: Request) -> Response:
        return await self.shop.handle(req, req.path)

    def store_config(self) -> dict[str, Any]:
        from orderhub.sandbox.app import secret_writer

        table = self.shop.store_config(self.url, secret_writer(self.tmp_path / "secrets"))
        return {"connector": self.connector, **table, "page_size": self.page_size, **self.options}

    def seed(self, count: int, *, malformed: float = 0.0) -> None:
        self.shop.count, self.shop.malformed = count, malformed
        self.shop._dirty = True

    def malformed_ids(self) -> set[str]:
        return {self.shop.external_id(i) for i in range(self.shop.count)
                if is_malformed(self.shop.seed, i, self.shop.malformed)}

    def all_ids(self) -> set[str]:
        return {self.shop.external_id(i) for i in range(self.shop.count)}

    def add_orders(self, count: int) -> set[str]:
        return {self.shop.external_id(i) for i in self.shop.add_orders(count)}

    def throttle_next(self, retry_after: float) -> None:
        self.shop.faults.next_429 = retry_after

    def early_requests(self) -> int:
        return self.shop.violations

    def signed_webhook(self, external_id: str, delivery_id: str) -> tuple[dict[str, str], bytes]:
        i = next(i for i in range(self.shop.count) if self.shop.external_id(i) == external_id)
        body = orjson.dumps(self.shop.order(i))
        return self.shop.webhook_headers("order.created", body, delivery_id), body

    def drop_next_write(self) -> None:
        self.shop.faults.drop_next_write = True

    def fulfilments_applied(self, external_id: str) -> int:
        return sum(1 for p in self.shop.pushes if p["kind"] == "fulfillment" and p.get("order_id") == external_id)

    def close(self) -> None:
        self.thread.stop()
