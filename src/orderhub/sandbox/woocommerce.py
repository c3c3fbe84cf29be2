"""WooCommerce REST API v3 emulator: the paths, Basic auth, page/per_page pagination with
``X-WP-Total``/``X-WP-TotalPages``, order updates, order notes and product stock that
https://woocommerce.github.io/woocommerce-rest-api-docs/ documents. WooCommerce itself sends no
rate-limit headers; the sandbox's limit is a configurable requests-per-second with 429 + Retry-After."""

from __future__ import annotations

import base64
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from .data import PRODUCTS, woocommerce_order
from .server import Request, Response
from .shops import Shop

BASE = "/wp-json/wc/v3"
MAX_PER_PAGE = 100


@dataclass
class WooShop(Shop):
    consumer_key: str = "ck_sandbox"
    consumer_secret: str = "cs_sandbox"
    rate: float = 0.0  # requests per second; 0: unlimited
    currency: str = "USD"
    _window: list[float] = field(default_factory=list)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    stock: dict[int, int] = field(default_factory=dict)

    def order(self, i: int) -> dict[str, Any]:
        o = woocommerce_order(self.seed, i, currency=self.currency, malformed_share=self.malformed)
        extra = self.overrides.get(i)
        if extra:
            o.update(extra)
        return o

    def updated_key(self, order: dict[str, Any]) -> str:
        return str(order["date_modified_gmt"])

    def external_id(self, i: int) -> str:
        return str(10_000 + i)

    def updated_fields(self, when: Any) -> dict[str, Any]:
        gmt = when.replace(tzinfo=None).isoformat(timespec="seconds")
        return {"date_modified_gmt": gmt, "date_modified": gmt}

    def order_index(self, order_id: int) -> int | None:
        i = order_id - 10_000
        return i if 0 <= i < self.count else None

    def authenticate(self, req: Request) -> Response | None:
        auth = req.headers.get("authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.consumer_key}:{self.consumer_secret}".encode()).decode()
        if auth != expected:
            return Response.json({"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.",
                                  "data": {"status": 401}}, 401)
        return None

    def rate_limit(self, now: float) -> Response | None:
        if not self.rate:
            return None
        self._window = [t for t in self._window if now - t < 1.0]
        if len(self._window) >= self.rate:
            return self.too_many(max(0.1, 1.0 - (now - self._window[0])))
        self._window.append(now)
        return None

    async def route(self, req: Request, path: str) -> Response:
        if not path.startswith(BASE):
            return Response.json({"code": "rest_no_route", "message": "No route was found", "data": {"status": 404}}, 404)
        rest = path[len(BASE):]
        if req.method == "GET" and rest == "/orders":
            return self.list_orders(req)
        if m := re.fullmatch(r"/orders/(\d+)", rest):
            i = self.order_index(int(m[1]))
            if i is None:
                return self._invalid_id()
            if req.method == "GET":
                return Response.json(self.order(i))
            if req.method == "PUT":
                return self.update_order(i, req.json() or {})
        if m := re.fullmatch(r"/orders/(\d+)/notes", rest):
            i = self.order_index(int(m[1]))
            if i is None:
                return self._invalid_id()
            if req.method == "GET":
                return Response.json(self.notes.get(i, []))
            if req.method == "POST":
                return self.add_note(i, req.json() or {})
        if req.method == "GET" and rest == "/products":
            sku = req.arg("sku")
            return Response.json([{"id": 100 + n, "sku": s, "name": t, "manage_stock": True,
                                   "stock_quantity": self.stock.get(100 + n, 0)}
                                  for n, (s, t, _v, _p, _g) in enumerate(PRODUCTS) if sku in (None, s)])
        if req.method == "PUT" and (m := re.fullmatch(r"/products/(\d+)", rest)):
            body = req.json() or {}
            if not isinstance(body.get("stock_quantity"), int):
                return Response.json({"code": "rest_invalid_param", "message": "Invalid parameter(s): stock_quantity",
                                      "data": {"status": 400}}, 400)
            self.stock[int(m[1])] = body["stock_quantity"]
            self.record_push("stock", product_id=int(m[1]), stock_quantity=body["stock_quantity"])
            return Response.json({"id": int(m[1]), "stock_quantity": body["stock_quantity"], "manage_stock": True})
        return Response.json({"code": "rest_no_route", "message": "No route was found", "data": {"status": 404}}, 404)

    def _invalid_id(self) -> Response:
        return Response.json({"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.",
                              "data": {"status": 404}}, 404)

    def list_orders(self, req: Request) -> Response:
        per_page = min(int(req.arg("per_page", "10") or 10), MAX_PER_PAGE)
        page = max(1, int(req.arg("page", "1") or 1))
        after = (req.arg("modified_after") or "").replace("Z", "").split("+")[0]
        index = self.index()
        start = 0
        if after:  # WooCommerce compares strictly after the given time
            start = self.since(after)
            while start < len(index) and index[start][0] <= after:
                start += 1
        selected = index[start:]
        chunk = selected[(page - 1) * per_page : page * per_page]
        total = len(selected)
        return Response.json([self.order(i) for _, i in chunk],
                             headers={"X-WP-Total": str(total), "X-WP-TotalPages": str(math.ceil(total / per_page))})

    def update_order(self, i: int, body: dict[str, Any]) -> Response:
        status = body.get("status")
        if status not in (None, "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"):
            return Response.json({"code": "rest_invalid_param", "message": "Invalid parameter(s): status",
                                  "data": {"status": 400}}, 400)
        now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        if status and status != self.order(i)["status"]:
            self.touch(i, status=status, date_modified_gmt=now)
            self.record_push("status", order_id=10_000 + i, status=status)
        return Response.json(self.order(i))

    def add_note(self, i: int, body: dict[str, Any]) -> Response:
        note = {"id": 900_000 + len(self.pushes), "author": "WooCommerce", "date_created_gmt":
                time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "note": body.get("note", ""),
                "customer_note": bool(body.get("customer_note"))}
        self.notes.setdefault(i, []).append(note)
        self.record_push("note", order_id=10_000 + i, note=note["note"])
        return Response.json(note, 201)

    def webhook_headers(self, topic: str, body: bytes, delivery_id: str) -> dict[str, str]:
        resource, event = topic.split(".", 1)
        return {"Content-Type": "application/json", "X-WC-Webhook-Source": "https://sandbox.example/",
                "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
                "X-WC-Webhook-Signature": self.sign(body), "X-WC-Webhook-ID": "7",
                "X-WC-Webhook-Delivery-ID": delivery_id}
