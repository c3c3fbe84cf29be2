"""Shopify Admin REST emulator: the paths, auth header, cursor pagination, leaky bucket and pushes
that https://shopify.dev/docs/api/admin-rest documents (orders, fulfillment orders, fulfillments,
cancel, inventory levels, products)."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from .data import PRODUCTS, shopify_order
from .server import Request, Response
from .shops import Shop

EVENT_STATUSES = frozenset({"label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup", "confirmed",
                            "in_transit", "out_for_delivery", "delivered", "failure", "carrier_picked_up"})
API = re.compile(r"^/admin/api/(?P<version>\d{4}-\d{2})(?P<rest>/.*)$")
MAX_LIMIT = 250


def _page_info(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(state)).decode().rstrip("=")


def _state(token: str) -> dict[str, Any]:
    return orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


@dataclass
class ShopifyShop(Shop):
    access_token: str = "shpat_sandbox"
    bucket_size: float = 40.0
    leak_rate: float = 2.0
    currency: str = "EUR"
    level: float = 0.0
    _leaked_at: float = 0.0
    fulfillments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    events: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    inventory: dict[tuple[int, int], int] = field(default_factory=dict)

    def order(self, i: int) -> dict[str, Any]:
        o = shopify_order(self.seed, i, currency=self.currency, malformed_share=self.malformed)
        extra = self.overrides.get(i)
        if extra:
            o.update(extra)
        if i in self.fulfillments:
            o["fulfillments"] = self.fulfillments[i]
            o["fulfillment_status"] = "fulfilled"
        return o

    def updated_key(self, order: dict[str, Any]) -> str:
        return order["updated_at"]

    def external_id(self, i: int) -> str:
        return str(5_100_000_000_000 + i)

    def updated_fields(self, when: Any) -> dict[str, Any]:
        return {"updated_at": when.isoformat()}

    def order_index(self, order_id: int) -> int | None:
        i = order_id - 5_100_000_000_000
        return i if 0 <= i < self.count else None

    # -- protocol -------------------------------------------------------------------------

    def authenticate(self, req: Request) -> Response | None:
        if req.headers.get("x-shopify-access-token") != self.access_token:
            return Response.json({"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                            "password)"}, 401)
        return None

    def rate_limit(self, now: float) -> Response | None:
        if self._leaked_at:
            self.level = max(0.0, self.level - (now - self._leaked_at) * self.leak_rate)
        self._leaked_at = now
        if self.level + 1 > self.bucket_size:
            return self.too_many(max(0.1, (self.level + 1 - self.bucket_size) / self.leak_rate))
        self.level += 1
        return None

    def _limit_header(self) -> dict[str, str]:
        return {"X-Shopify-Shop-Api-Call-Limit": f"{int(round(self.level))}/{int(self.bucket_size)}"}

    async def route(self, req: Request, path: str) -> Response:
        m = API.match(path)
        if not m:
            return Response.json({"errors": "Not Found"}, 404)
        rest, resp = m["rest"], None
        if req.method == "GET" and rest == "/orders.json":
            resp = self.list_orders(req, m["version"])
        elif req.method == "GET" and (om := re.fullmatch(r"/orders/(\d+)\.json", rest)):
            resp = self.get_order(int(om[1]))
        elif req.method == "GET" and (om := re.fullmatch(r"/orders/(\d+)/fulfillment_orders\.json", rest)):
            resp = self.fulfillment_orders(int(om[1]))
        elif req.method == "GET" and (om := re.fullmatch(r"/orders/(\d+)/fulfillments\.json", rest)):
            i = self.order_index(int(om[1]))
            resp = (Response.json({"fulfillments": self.fulfillments.get(i, [])}) if i is not None
                    else Response.json({"errors": "Not Found"}, 404))
        elif (om := re.fullmatch(r"/orders/(\d+)/fulfillments/(\d+)/events\.json", rest)):
            resp = self.fulfillment_events(req, int(om[1]), int(om[2]))
        elif req.method == "POST" and rest == "/fulfillments.json":
            resp = self.create_fulfillment(req.json() or {})
        elif req.method == "POST" and (om := re.fullmatch(r"/orders/(\d+)/cancel\.json", rest)):
            resp = self.cancel(int(om[1]), req.json() or {})
        elif req.method == "POST" and rest == "/inventory_levels/set.json":
            resp = self.set_inventory(req.json() or {})
        elif req.method == "GET" and rest == "/products.json":
            resp = self.products()
        if resp is None:
            resp = Response.json({"errors": "Not Found"}, 404)
        resp.headers.update(self._limit_header())
        return resp

    def list_orders(self, req: Request, version: str) -> Response:
        limit = min(int(req.arg("limit", "50") or 50), MAX_LIMIT)
        token = req.arg("page_info")
        if token:
            if set(req.query) - {"page_info", "limit", "fields"}:
                return Response.json({"errors": {"page_info": ["page_info cannot be combined with other filters"]}},
                                     400)
            state = _state(token)
        else:
            state = {"min": req.arg("updated_at_min") or "", "pos": None}
        index = self.index()
        pos = state["pos"] if state.get("pos") is not None else self.since(state["min"])
        chunk = index[pos : pos + limit]
        orders = [self.order(i) for _, i in chunk]
        headers = {}
        if pos + limit < len(index):
            nxt = _page_info({"min": state["min"], "pos": pos + limit})
            host = req.headers.get("host", "127.0.0.1")
            prefix = req.headers.get("x-sandbox-prefix", "")
            url = f"http://{host}{prefix}/admin/api/{version}/orders.json?limit={limit}&page_info={nxt}"
            headers["Link"] = f'<{url}>; rel="next"'
        return Response.json({"orders": orders}, headers=headers)

    def get_order(self, order_id: int) -> Response:
        i = self.order_index(order_id)
        if i is None:
            return Response.json({"errors": "Not Found"}, 404)
        return Response.json({"order": self.order(i)})

    def fulfillment_orders(self, order_id: int) -> Response:
        i = self.order_index(order_id)
        if i is None:
            return Response.json({"errors": "Not Found"}, 404)
        o = self.order(i)
        closed = i in self.fulfillments or o.get("cancelled_at")
        return Response.json({"fulfillment_orders": [{
            "id": order_id * 10 + 1, "shop_id": 1, "order_id": order_id, "assigned_location_id": 24826418,
            "request_status": "unsubmitted", "status": "closed" if closed else "open",
            "supported_actions": [] if closed else ["create_fulfillment"],
            "line_items": [{"id": li["id"] * 10, "shop_id": 1, "fulfillment_order_id": order_id * 10 + 1,
                            "quantity": li["quantity"], "line_item_id": li["id"], "inventory_item_id": 80_000_000,
                            "fulfillable_quantity": 0 if closed else li["quantity"], "variant_id": li["variant_id"]}
                           for li in o["line_items"]]}]})

    def create_fulfillment(self, body: dict[str, Any]) -> Response:
        f = body.get("fulfillment") or {}
        groups = f.get("line_items_by_fulfillment_order") or []
        if not groups:
            return Response.json({"errors": {"line_items_by_fulfillment_order": ["can't be blank"]}}, 422)
        fo_id = int(groups[0]["fulfillment_order_id"])
        order_id = fo_id // 10
        i = self.order_index(order_id)
        if i is None:
            return Response.json({"errors": "Not Found"}, 404)
        if i in self.fulfillments or self.order(i).get("cancelled_at"):
            return Response.json({"errors": [f"Fulfillment order {fo_id} has an unfulfillable status= closed."]}, 422)
        tracking = f.get("tracking_info") or {}
        fulfillment = {"id": order_id * 100 + 1, "order_id": order_id, "status": "success",
                       "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                       "tracking_company": tracking.get("company"), "tracking_number": tracking.get("number"),
                       "tracking_numbers": [tracking.get("number")] if tracking.get("number") else [],
                       "tracking_url": tracking.get("url"), "name": f"#{1001 + i}.1"}
        self.fulfillments[i] = [fulfillment]
        self.touch(i, updated_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
        self.record_push("fulfillment", order_id=order_id, tracking=tracking)
        return Response.json({"fulfillment": fulfillment}, 201)

    def fulfillment_events(self, req: Request, order_id: int, fulfillment_id: int) -> Response:
        """FulfillmentEvent resource: list (GET) and create (POST) a fulfillment's events."""
        i = self.order_index(order_id)
        f = next((f for f in self.fulfillments.get(i, []) if f["id"] == fulfillment_id), None) if i is not None else None
        if f is None:
            return Response.json({"errors": "Not Found"}, 404)
        events = self.events.setdefault(fulfillment_id, [])
        if req.method == "GET":
            return Response.json({"fulfillment_events": events})
        event = (req.json() or {}).get("event") or {}
        if event.get("status") not in EVENT_STATUSES:
            return Response.json({"errors": {"status": ["is not included in the list"]}}, 422)
        created = {"id": fulfillment_id * 100 + len(events) + 1, "fulfillment_id": fulfillment_id,
                   "order_id": order_id, "status": event["status"], "message": event.get("message"),
                   "happened_at": event.get("happened_at"),
                   "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
        events.append(created)
        f["shipment_status"] = event["status"]
        self.record_push("fulfillment_event", order_id=order_id, status=event["status"])
        return Response.json({"fulfillment_event": created}, 201)

    def cancel(self, order_id: int, body: dict[str, Any]) -> Response:
        i = self.order_index(order_id)
        if i is None:
            return Response.json({"errors": "Not Found"}, 404)
        o = self.order(i)
        if o.get("cancelled_at"):
            return Response.json({"error": "Cannot cancel an order that has already been cancelled"}, 422)
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        self.touch(i, cancelled_at=now, cancel_reason=body.get("reason", "other"), updated_at=now)
        self.record_push("cancel", order_id=order_id, reason=body.get("reason"))
        return Response.json({"order": self.order(i)})

    def set_inventory(self, body: dict[str, Any]) -> Response:
        try:
            key = (int(body["location_id"]), int(body["inventory_item_id"]))
            available = int(body["available"])
        except (KeyError, TypeError, ValueError):
            return Response.json({"errors": "location_id, inventory_item_id and available are required"}, 422)
        self.inventory[key] = available
        self.record_push("stock", location_id=key[0], inventory_item_id=key[1], available=available)
        return Response.json({"inventory_level": {"inventory_item_id": key[1], "location_id": key[0],
                                                  "available": available}})

    def products(self) -> Response:
        return Response.json({"products": [
            {"id": 7_000_000 + n, "title": title, "variants": [{"id": 40_000_000 + n, "sku": sku, "price": price,
                                                                 "inventory_item_id": 80_000_000 + n}]}
            for n, (sku, title, _variant, price, _g) in enumerate(PRODUCTS)]})

    def webhook_headers(self, topic: str, body: bytes, delivery_id: str) -> dict[str, str]:
        return {"Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": self.sign(body),
                "X-Shopify-Shop-Domain": f"{self.name}.myshopify.com", "X-Shopify-API-Version": "2025-01",
                "X-Shopify-Webhook-Id": delivery_id, "X-Shopify-Event-Id": delivery_id,
                "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
