"""The Shopify connector's only HTTP: pulling orders, verifying webhooks, pushing back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import orjson

from orderhub.extend import (
    CapabilityNotSupported,
    Connector,
    LeakyBucket,
    Order,
    Page,
    RawRecord,
    RecordError,
    TransientError,
    WebhookDelivery,
)

from . import errors, mapping
from .settings import ShopifySettings
from .units import ORDER_TOPICS

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class ShopifyConnector(Connector):
    name: ClassVar[str] = "shopify"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = ShopifySettings
    credentials: ClassVar[tuple[str, ...]] = ("access_token",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inventory_items: dict[str, int] | None = None

    @classmethod
    def make_limiter(cls, settings: ShopifySettings) -> LeakyBucket:  # type: ignore[override]
        return LeakyBucket(capacity=settings.bucket_size, leak_rate=settings.leak_rate)

    @property
    def s(self) -> ShopifySettings:
        return self.settings  # type: ignore[return-value]

    def _path(self, rest: str) -> str:
        return f"/admin/api/{self.s.api_version}{rest}"

    def _headers(self) -> dict[str, str]:
        return {"X-Shopify-Access-Token": self.secret("access_token"), "Accept": "application/json"}

    # -- intake ---------------------------------------------------------------------------

    async def fetch_orders(self, cursor: str | None) -> Page:
        """One page of orders by ``updated_at_min`` with ``Link`` cursor pagination.

        The cursor is ``{"since", "page_info", "max_seen"}`` between pages of one pass and
        ``{"since"}`` (newest ``updated_at`` seen minus ``overlap``) between passes.
        """
        state = orjson.loads(cursor) if cursor else {"since": self.s.initial_since}
        since, page_info = state["since"], state.get("page_info")
        if page_info:
            params: dict[str, Any] = {"limit": self.s.page_size, "page_info": page_info}
        else:
            params = {"status": "any", "limit": self.s.page_size, "updated_at_min": since, "order": "updated_at asc"}
        try:
            resp, body = await self.api().get_json(self._path("/orders.json"), params=params, headers=self._headers())
        except RecordError as exc:
            if page_info and exc.context.get("status") == 400:  # an expired page_info: restart the pass
                return await self.fetch_orders(orjson.dumps({"since": since}).decode())
            raise
        orders = body.get("orders") or []
        records = [RawRecord(o, external_id=str(o.get("id")), location=f"orders.json order {o.get('id')}")
                   for o in orders]
        max_seen = max([state.get("max_seen") or since] + [o["updated_at"] for o in orders
                                                           if isinstance(o.get("updated_at"), str)],
                       key=self._sort_key)
        nxt = _NEXT.search(resp.headers.get("Link", ""))
        if nxt:
            token = parse_qs(urlsplit(nxt.group(1)).query).get("page_info", [None])[0]
            new = {"since": since, "page_info": token, "max_seen": max_seen}
            return Page(records, orjson.dumps(new).decode(), has_more=True)
        end = self._sort_key(max_seen) - timedelta(seconds=self.s.overlap)
        new_since = max(end, self._sort_key(since)).isoformat()
        return Page(records, orjson.dumps({"since": new_since}).decode(), has_more=False)

    @staticmethod
    def _sort_key(value: str) -> datetime:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return datetime.fromisoformat("2000-01-01T00:00:00+00:00")

    def normalize(self, record: RawRecord) -> Order:
        return mapping.order_from_shopify(record.raw, store=self.store, channel=self.channel_name)

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> WebhookDelivery:
        h = {k.lower(): v for k, v in headers.items()}
        return self.signed_order_webhook(
            body, signature=h.get("x-shopify-hmac-sha256"),
            delivery_id=h.get("x-shopify-webhook-id") or h.get("x-shopify-event-id"),
            id_header="X-Shopify-Webhook-Id", topic=h.get("x-shopify-topic", ""), order_topics=ORDER_TOPICS)

    # -- pushes ---------------------------------------------------------------------------

    async def push_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """Fulfil every open fulfillment order with the tracking info. Read back first: a fulfilment
        that already went through (a retry after a lost response) is not created twice."""
        api = self.api()
        _, listed = await api.get_json(self._path(f"/orders/{order.external_id}/fulfillment_orders.json"),
                                       headers=self._headers())
        fos = listed.get("fulfillment_orders") or []
        open_ids = [fo["id"] for fo in fos if fo.get("status") in ("open", "in_progress")]
        if not open_ids:
            return {"already_fulfilled": True, "fulfillment_orders": [fo["id"] for fo in fos]}
        body = mapping.fulfillment_body(open_ids, payload, notify=self.s.notify_customer)
        created = await api.post(self._path("/fulfillments.json"), json=body, headers=self._headers())
        f = orjson.loads(created.content).get("fulfillment") or {}
        return {"fulfillment_id": f.get("id"), "status": f.get("status")}

    async def push_tracking(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """A fulfillment event on the fulfillment that carries this tracking number; read back
        first, so a retry does not add the same status twice."""
        body = mapping.fulfillment_event_body(payload)
        if body is None:
            return {"skipped": payload.get("status")}
        api, oid = self.api(), order.external_id
        fulfillments = orjson.loads((await api.get(self._path(f"/orders/{oid}/fulfillments.json"),
                                                   headers=self._headers())).content).get("fulfillments") or []
        number = payload.get("tracking_number")
        f = next((f for f in fulfillments if number in (f.get("tracking_numbers") or [f.get("tracking_number")])),
                 None)
        if f is None:
            raise TransientError(f"order {oid} has no fulfillment with tracking {number} yet", store=self.store)
        path = self._path(f"/orders/{oid}/fulfillments/{f['id']}/events.json")
        events = orjson.loads((await api.get(path, headers=self._headers())).content).get("fulfillment_events") or []
        done = next((e for e in events if e.get("status") == body["event"]["status"]), None)
        if done:
            return {"event_id": done.get("id"), "repeat": True}
        created = orjson.loads((await api.post(path, json=body, headers=self._headers())).content)
        return {"event_id": (created.get("fulfillment_event") or {}).get("id"), "status": body["event"]["status"]}

    async def push_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        api = self.api()
        current = orjson.loads((await api.get(self._path(f"/orders/{order.external_id}.json"),
                                              headers=self._headers())).content).get("order") or {}
        if current.get("cancelled_at"):
            return {"already_cancelled": True}
        await api.post(self._path(f"/orders/{order.external_id}/cancel.json"),
                       json={"reason": payload.get("shopify_reason", "other"), "email": False}, headers=self._headers())
        return {"cancelled": True}

    async def _inventory_item(self, sku: str) -> int:
        if self._inventory_items is None:
            items: dict[str, int] = {}
            url: str | None = self._path("/products.json")
            params: dict[str, Any] | None = {"limit": 250, "fields": "id,variants"}
            while url:
                resp, listed = await self.api().get_json(url, params=params, headers=self._headers())
                for p in listed.get("products") or []:
                    for v in p.get("variants") or []:
                        if v.get("sku"):
                            items[v["sku"]] = int(v["inventory_item_id"])
                nxt = _NEXT.search(resp.headers.get("Link", ""))
                url, params = (nxt.group(1), None) if nxt else (None, None)
            self._inventory_items = items
        if sku not in self._inventory_items:
            raise RecordError(f"no Shopify variant has SKU {sku!r}", code="unknown_sku", store=self.store)
        return self._inventory_items[sku]

    async def push_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        """``inventory_levels/set``: an absolute level, so a repeat is harmless (declared idempotent)."""
        if self.s.location_id is None:
            raise CapabilityNotSupported(f"stores.{self.store}.location_id is not set: cannot push stock",
                                         store=self.store)
        item = await self._inventory_item(payload["sku"])
        body = {"location_id": self.s.location_id, "inventory_item_id": item, "available": int(payload["available"])}
        await self.api().post(self._path("/inventory_levels/set.json"), json=body, headers=self._headers(),
                              idempotent=True)
        return {"inventory_item_id": item, "available": body["available"]}
