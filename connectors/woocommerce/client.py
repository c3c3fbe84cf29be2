"""The WooCommerce connector's only HTTP: pulling orders, verifying webhooks, pushing back."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any, ClassVar

import orjson

from orderhub.extend import (
    CapabilityNotSupported,
    Connector,
    Limiter,
    NoLimit,
    Order,
    Page,
    RawRecord,
    RecordError,
    TokenBucket,
    WebhookDelivery,
)

from . import errors, mapping
from .settings import WooCommerceSettings
from .units import ORDER_TOPICS

API = "/wp-json/wc/v3"
WP = "/wp-json/wp/v2"  # WordPress's own API: comments, which replies to reviews are


def _gmt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "").split("+")[0])


class WooCommerceConnector(Connector):
    name: ClassVar[str] = "woocommerce"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = WooCommerceSettings
    credentials: ClassVar[tuple[str, ...]] = ("consumer_key", "consumer_secret")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._products: dict[str, int] = {}
        self._skus: dict[int, str | None] = {}  # product id → SKU, for reviews

    @classmethod
    def make_limiter(cls, settings: WooCommerceSettings) -> Limiter:  # type: ignore[override]
        return TokenBucket(settings.rate_limit) if settings.rate_limit else NoLimit()

    @property
    def s(self) -> WooCommerceSettings:
        return self.settings  # type: ignore[return-value]

    def _headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.secret('consumer_key')}:{self.secret('consumer_secret')}".encode()).decode()
        return {"Authorization": f"Basic {token}", "Accept": "application/json"}

    # -- intake ---------------------------------------------------------------------------

    async def fetch_orders(self, cursor: str | None) -> Page:
        """One page of orders modified after the cursor, oldest change first.

        Page numbers shift when an order changes mid-pass, so each page restarts from the newest
        ``date_modified_gmt`` it saw (minus a second; repeats are no-ops), and only a page made
        entirely of one second's changes advances by page number.
        """
        state = orjson.loads(cursor) if cursor else {"after": self.s.initial_after}
        after, page = state["after"], int(state.get("page", 1))
        params = {"modified_after": after, "dates_are_gmt": "true", "orderby": "modified", "order": "asc",
                  "per_page": self.s.page_size, "page": page, "status": "any"}
        resp, orders = await self.api().get_json(f"{API}/orders", params=params, headers=self._headers())
        if not isinstance(orders, list):
            raise RecordError("orders response is not a list", code="invalid_payload", store=self.store)
        records = [RawRecord(o, external_id=str(o.get("id")), location=f"orders page {page} order {o.get('id')}")
                   for o in orders if isinstance(o, dict)]
        seen = [o["date_modified_gmt"] for o in orders if isinstance(o, dict) and isinstance(o.get("date_modified_gmt"), str)
                and o["date_modified_gmt"][:4].isdigit()]
        max_seen = max([state.get("max_seen") or after, *seen], key=_gmt)
        total_pages = int(resp.headers.get("X-WP-TotalPages", "1") or 1)
        if page < total_pages and len(orders) >= self.s.page_size:
            restart = (_gmt(max(seen, key=_gmt)) - timedelta(seconds=1)).isoformat(timespec="seconds") if seen else after
            nxt = ({"after": restart, "page": 1} if _gmt(restart) > _gmt(after) else {"after": after, "page": page + 1})
            return Page(records, orjson.dumps({**nxt, "max_seen": max_seen}).decode(), has_more=True)
        since = max(_gmt(max_seen) - timedelta(seconds=self.s.overlap), _gmt(state["after"]))
        return Page(records, orjson.dumps({"after": since.isoformat(timespec="seconds")}).decode(), has_more=False)

    def normalize(self, record: RawRecord) -> Order:
        return mapping.order_from_woocommerce(record.raw, store=self.store, channel=self.channel_name)

    async def fetch_feedback(self, cursor: str | None) -> Page:
        """Product reviews created after the cursor, oldest first, a page at a time. ``after``
        is read in the site's time zone, which the API does not say: the cursor stays a day
        behind the newest review seen (re-read reviews are the same items)."""
        state = orjson.loads(cursor) if cursor else {"after": self.s.initial_after}
        after, page = state["after"], int(state.get("page", 1))
        params = {"after": after, "orderby": "date_gmt", "order": "asc", "per_page": self.s.page_size, "page": page}
        resp, reviews = await self.api().get_json(f"{API}/products/reviews", params=params, headers=self._headers())
        if not isinstance(reviews, list):
            raise RecordError("reviews response is not a list", code="invalid_payload", store=self.store)
        reviews = [rv for rv in reviews if isinstance(rv, dict)]
        await self._learn_skus({rv.get("product_id") for rv in reviews})
        records = [RawRecord(rv, external_id=f"review-{rv.get('id')}", location=f"reviews page {page} review "
                             f"{rv.get('id')}") for rv in reviews]
        seen = [rv["date_created_gmt"] for rv in reviews if str(rv.get("date_created_gmt") or "")[:4].isdigit()]
        max_seen = max([state.get("max_seen") or after, *seen], key=_gmt)
        if page < int(resp.headers.get("X-WP-TotalPages", "1") or 1):
            return Page(records, orjson.dumps({"after": after, "page": page + 1, "max_seen": max_seen}).decode(),
                        has_more=True)
        since = max(_gmt(max_seen) - timedelta(days=1), _gmt(state["after"]))
        return Page(records, orjson.dumps({"after": since.isoformat(timespec="seconds")}).decode(), has_more=False)

    async def _learn_skus(self, product_ids: set[Any]) -> None:
        """The SKUs of products not seen yet (``GET /products?include=…``), for the reviews' rows."""
        unknown = sorted(p for p in product_ids if isinstance(p, int) and p not in self._skus)
        for start in range(0, len(unknown), 100):
            ids = unknown[start:start + 100]
            _, found = await self.api().get_json(f"{API}/products", headers=self._headers(), params={
                "include": ",".join(map(str, ids)), "per_page": 100})
            for product in found if isinstance(found, list) else []:
                if isinstance(product, dict) and isinstance(product.get("id"), int):
                    self._skus[product["id"]] = product.get("sku") or None
            for pid in ids:
                self._skus.setdefault(pid, None)

    def replies_to_feedback(self) -> bool:
        """Replies are WordPress comments: they need a WordPress user's application password
        (``credentials.wp_user`` and ``wp_app_password``), which the WooCommerce keys are not."""
        return "wp_user" in self.secrets and "wp_app_password" in self.secrets

    async def push_feedback_reply(self, payload: dict[str, Any], *, key: str) -> Any:
        """A reply under a product review: a comment whose ``parent`` is the review, on its
        product (``POST /wp-json/wp/v2/comments``). The review's replies are read first, and one
        with the same text is the reply already posted (a repeat after a lost response)."""
        if not self.replies_to_feedback():
            raise CapabilityNotSupported(f"stores.{self.store}.credentials: wp_user and wp_app_password are needed "
                                         "to reply to reviews", store=self.store)
        review_id = mapping.review_id(payload["external_id"])
        api = self.api()
        _, review = await api.get_json(f"{API}/products/reviews/{review_id}", headers=self._headers())
        wp = base64.b64encode(f"{self.secret('wp_user')}:{self.secret('wp_app_password')}".encode()).decode()
        headers = {"Authorization": f"Basic {wp}", "Accept": "application/json"}
        _, replies = await api.get_json(f"{WP}/comments", params={"parent": review_id, "per_page": 100,
                                                                  "context": "edit"}, headers=headers)
        text = str(payload["text"]).strip()
        for reply in replies if isinstance(replies, list) else []:
            content = reply.get("content") or {}
            if text == str(content.get("raw") or "").strip():
                return {"comment_id": reply.get("id"), "already": True}
        created = await api.post(f"{WP}/comments", headers=headers, json={
            "post": review.get("product_id"), "parent": review_id, "content": text})
        return {"comment_id": orjson.loads(created.content).get("id")}

    def feedback_row(self, record: RawRecord) -> dict[str, Any]:
        return mapping.feedback_from_review(record.raw, sku=self._skus.get(record.raw.get("product_id")),
                                            channel=self.channel_name)

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> WebhookDelivery:
        h = {k.lower(): v for k, v in headers.items()}
        if "x-wc-webhook-topic" not in h and body.startswith(b"webhook_id="):
            return WebhookDelivery(delivery_id=f"ping:{body.decode(errors='replace')}", topic="ping", records=[])
        raw_id = h.get("x-wc-webhook-delivery-id")
        return self.signed_order_webhook(
            body, signature=h.get("x-wc-webhook-signature"),
            delivery_id=f"{h.get('x-wc-webhook-id', '')}:{raw_id}" if raw_id else None,
            id_header="X-WC-Webhook-Delivery-ID", topic=h.get("x-wc-webhook-topic", ""), order_topics=ORDER_TOPICS)

    # -- pushes ---------------------------------------------------------------------------

    async def _note_once(self, oid: str, key: str, text_for: Any) -> Any:
        """Add a customer note unless one with this key's ref exists (read back: a retry adds none)."""
        api = self.api()
        ref = hashlib.sha256(key.encode()).hexdigest()[:10]
        notes = orjson.loads((await api.get(f"{API}/orders/{oid}/notes", headers=self._headers())).content)
        note_id = next((n.get("id") for n in notes if f"(ref {ref})" in str(n.get("note", ""))), None)
        if note_id is None:
            created = await api.post(f"{API}/orders/{oid}/notes", headers=self._headers(),
                                     json={"note": text_for(ref), "customer_note": True})
            note_id = orjson.loads(created.content).get("id")
        return note_id

    async def push_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """A customer note with the tracking, then the order set to ``completed`` (a PUT of a
        state: idempotent)."""
        api, oid = self.api(), order.external_id
        note_id = await self._note_once(oid, key, lambda ref: mapping.tracking_note(payload, ref))
        if self.s.complete_on_fulfilment:
            await api.put(f"{API}/orders/{oid}", json={"status": "completed"}, headers=self._headers())
        return {"note_id": note_id, "completed": self.s.complete_on_fulfilment}

    async def push_tracking(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """A customer note for the new status."""
        if mapping.status_note(payload, "x") is None:
            return {"skipped": payload.get("status")}
        note_id = await self._note_once(order.external_id, key, lambda ref: mapping.status_note(payload, ref))
        return {"note_id": note_id}

    async def push_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        await self.api().put(f"{API}/orders/{order.external_id}", json={"status": "cancelled"}, headers=self._headers())
        return {"status": "cancelled"}

    async def push_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        sku = payload["sku"]
        if sku not in self._products:
            _, found = await self.api().get_json(f"{API}/products", params={"sku": sku}, headers=self._headers())
            if not found:
                raise RecordError(f"no WooCommerce product has SKU {sku!r}", code="unknown_sku", store=self.store)
            self._products[sku] = int(found[0]["id"])
        pid = self._products[sku]
        await self.api().put(f"{API}/products/{pid}", json={"stock_quantity": int(payload["available"]),
                                                             "manage_stock": True}, headers=self._headers())
        return {"product_id": pid, "stock_quantity": int(payload["available"])}
