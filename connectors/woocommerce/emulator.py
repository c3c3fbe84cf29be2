"""WooCommerce REST API v3 emulator: the paths, Basic auth, page/per_page pagination with
``X-WP-Total``/``X-WP-TotalPages``, order updates, order notes, product stock and product reviews that
https://woocommerce.github.io/woocommerce-rest-api-docs/ documents. WooCommerce itself sends no
rate-limit headers; the sandbox's limit is a configurable requests-per-second with 429 + Retry-After."""

from __future__ import annotations

import base64
import random
import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from orderhub.sandbox.data import PHONES, PRODUCTS, base_order, cents, is_malformed
from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.shops import Shop

BASE = "/wp-json/wc/v3"
WP = "/wp-json/wp/v2"
MAX_PER_PAGE = 100


def woocommerce_order(seed: int, i: int, *, currency: str = "USD", malformed_share: float = 0.0,
                      id_base: int = 10_000) -> dict[str, Any]:
    """Order ``i`` as WooCommerce's REST API v3 returns it in ``GET /wp-json/wc/v3/orders``."""
    b = base_order(seed, i)
    r: random.Random = b["r"]
    oid = id_base + i
    city, prov, prov_code, zipc, country, cc, phone = b["place"]
    email = f"{b['first'].lower()}.{b['last'].lower()}{i}@example.com"
    addr = {"first_name": b["first"], "last_name": b["last"], "company": "", "address_1": f"{r.randint(1, 250)} Main St",
            "address_2": "", "city": city, "state": prov_code, "postcode": zipc, "country": cc}
    lines, cart_tax, subtotal = [], Decimal("0"), Decimal("0")
    share = b["discount"] / max(1, len(b["items"]))
    for n, it in enumerate(b["items"]):
        line_sub = it["price"] * it["quantity"]
        line_total = line_sub - cents(share)
        line_tax = cents(line_total * b["rate"])
        subtotal += line_sub
        cart_tax += line_tax
        lines.append({"id": oid * 10 + n, "name": it["title"] + (f" - {it['variant']}" if it["variant"] else ""),
                      "product_id": 100 + PRODUCTS.index(next(p for p in PRODUCTS if p[0] == it["sku"])),
                      "variation_id": 0, "quantity": it["quantity"], "tax_class": "", "subtotal": str(cents(line_sub)),
                      "subtotal_tax": str(cents(line_sub * b["rate"])), "total": str(cents(line_total)),
                      "total_tax": str(line_tax), "taxes": [{"id": 75, "total": str(line_tax), "subtotal": str(line_tax)}],
                      "meta_data": ([{"id": 2000 + n, "key": "pa_color", "value": it["variant"],
                                      "display_key": "Color", "display_value": it["variant"]}] if it["variant"] else []),
                      "sku": it["sku"], "price": float(it["price"]),
                      "image": {"id": "", "src": ""}, "parent_name": None})
    shipping_tax = cents(b["shipping"] * b["rate"])
    fee = Decimal("2.50") if r.random() < 0.1 else Decimal("0")
    total = subtotal - b["discount"] + b["shipping"] + fee + cart_tax + shipping_tax
    status = "cancelled" if b["cancelled"] else r.choice(("processing", "processing", "processing", "on-hold", "pending"))
    created_gmt = b["created"].replace(tzinfo=None)
    modified_gmt = created_gmt + (timedelta(hours=2) if b["cancelled"] else timedelta(minutes=1))
    local = timedelta(hours=-3)
    paid = status == "processing"
    order = {
        "id": oid, "parent_id": 0, "status": status, "currency": currency, "version": "9.4.2",
        "prices_include_tax": False, "date_created": (created_gmt + local).isoformat(timespec="seconds"),
        "date_modified": (modified_gmt + local).isoformat(timespec="seconds"), "discount_total": str(b["discount"]),
        "discount_tax": "0.00", "shipping_total": str(b["shipping"]), "shipping_tax": str(shipping_tax),
        "cart_tax": str(cart_tax), "total": str(cents(total)), "total_tax": str(cart_tax + shipping_tax),
        "customer_id": 0 if r.random() < 0.3 else 50 + i % 400, "order_key": f"wc_order_{seed}{i:06d}",
        "billing": {**addr, "email": email, "phone": r.choice(PHONES[cc])},
        "shipping": {**addr, "phone": ""}, "payment_method": "stripe" if paid else "bacs",
        "payment_method_title": "Credit card" if paid else "Direct bank transfer",
        "transaction_id": f"ch_{seed}{i:08d}" if paid else "", "customer_ip_address": "203.0.113.9",
        "customer_user_agent": "Mozilla/5.0", "created_via": "checkout",
        "customer_note": "Ring twice" if r.random() < 0.1 else "",
        "date_completed": None, "date_paid": (created_gmt + local).isoformat(timespec="seconds") if paid else None,
        "cart_hash": f"h{i:010d}", "number": str(oid),
        "meta_data": [{"id": 13_000 + i, "key": "_wc_order_attribution_source_type", "value": "typein"}],
        "line_items": lines,
        "tax_lines": [{"id": oid * 10 + 7, "rate_code": f"{cc}-TAX-1", "rate_id": 75, "label": "Tax",
                       "compound": False, "tax_total": str(cart_tax), "shipping_tax_total": str(shipping_tax),
                       "rate_percent": float(b["rate"] * 100), "meta_data": []}],
        "shipping_lines": [{"id": oid * 10 + 8, "method_title": "Flat rate", "method_id": "flat_rate",
                            "instance_id": "1", "total": str(b["shipping"]), "total_tax": str(shipping_tax),
                            "taxes": [{"id": 75, "total": str(shipping_tax), "subtotal": ""}], "meta_data": []}],
        "fee_lines": ([{"id": oid * 10 + 6, "name": "Gift wrapping", "tax_class": "", "tax_status": "none",
                        "amount": str(fee), "total": str(fee), "total_tax": "0.00", "taxes": [], "meta_data": []}]
                      if fee else []),
        "coupon_lines": ([{"id": oid * 10 + 5, "code": "welcome5", "discount": str(b["discount"]),
                           "discount_tax": "0.00", "meta_data": []}] if b["discount"] else []),
        "refunds": ([{"id": oid * 10 + 4, "reason": "Customer changed their mind", "total": f"-{cents(total)}"}]
                    if b["cancelled"] else []),
        "payment_url": f"https://sandbox.example/checkout/order-pay/{oid}/",
        "is_editable": status in ("pending", "on-hold"), "needs_payment": not paid, "needs_processing": True,
        "date_created_gmt": created_gmt.isoformat(timespec="seconds"),
        "date_modified_gmt": modified_gmt.isoformat(timespec="seconds"),
        "date_completed_gmt": None,
        "date_paid_gmt": created_gmt.isoformat(timespec="seconds") if paid else None,
        "currency_symbol": "$",
        "_links": {"self": [{"href": f"https://sandbox.example/wp-json/wc/v3/orders/{oid}"}],
                   "collection": [{"href": "https://sandbox.example/wp-json/wc/v3/orders"}]},
    }
    kind = is_malformed(seed, i, malformed_share)
    if kind == "bad_total":
        order["total"] = "N/A"
    elif kind == "no_currency":
        order["currency"] = ""
    elif kind == "bad_created_at":
        order["date_created_gmt"] = "yesterday"
    elif kind == "no_line_items":
        order["line_items"] = []
    return order

#: What the sandbox's customers write: (rating, text), English and Chinese, kind and glad.
REVIEW_TEXTS = (
    (5, "Lovely quality, exactly as pictured. Thank you!"), (4, "Good value, shipping was quick."),
    (1, "Arrived broken, the box was crushed."), (2, "Still waiting, the parcel is two weeks late."),
    (1, "Wrong colour sent, I ordered the blue one."), (5, "非常满意，质量很好！"), (1, "收到就坏了，包装破损。"),
    (2, "物流太慢了，等了十天。"), (3, "It's fine, a bit smaller than I expected."),
    (1, "I was charged twice and never got a refund."),
)


def woocommerce_review(seed: int, n: int, order: dict[str, Any]) -> dict[str, Any]:
    """Review ``n`` as ``GET /wp-json/wc/v3/products/reviews`` returns it (fields as
    https://developer.woocommerce.com/docs/apis/rest-api/v3/product-reviews/ lists them): by the
    customer of ``order``, of its first product, a day or more after it was placed."""
    r = random.Random(seed * 7919 + n)
    rating, text = r.choice(REVIEW_TEXTS)
    item = order["line_items"][0] if order["line_items"] else {"product_id": 100, "name": "Item"}
    created_gmt = (datetime.fromisoformat(order["date_created_gmt"]) + timedelta(days=1 + r.randint(0, 9),
                                                                                minutes=n % 60))
    return {"id": 700 + n, "date_created": (created_gmt - timedelta(hours=3)).isoformat(timespec="seconds"),
            "date_created_gmt": created_gmt.isoformat(timespec="seconds"), "product_id": item["product_id"],
            "product_name": item["name"], "product_permalink": f"https://sandbox.example/product/{item['product_id']}/",
            "status": "approved", "reviewer": f"{order['billing']['first_name']} {order['billing']['last_name'][:1]}.",
            "reviewer_email": order["billing"]["email"], "review": f"<p>{text}</p>\n", "rating": rating,
            "verified": True, "reviewer_avatar_urls": {"24": "", "48": "", "96": ""},
            "_links": {"self": [{"href": f"https://sandbox.example/wp-json/wc/v3/products/reviews/{700 + n}"}]}}


@dataclass
class WooShop(Shop):
    kind: ClassVar[str] = "woocommerce"
    prefix: ClassVar[str] = "woo"
    new_order_topic: ClassVar[str] = "order.created"
    seed_base: ClassVar[int] = 200
    consumer_key: str = "ck_sandbox"
    consumer_secret: str = "cs_sandbox"
    rate: float = 0.0  # requests per second; 0: unlimited
    currency: str = "USD"
    _window: list[float] = field(default_factory=list)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    wp_user: str = "shop-manager"
    wp_app_password: str = "abcd efgh ijkl mnop qrst uvwx"
    replies: list[dict[str, Any]] = field(default_factory=list)
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
        if WP in req.path:  # WordPress's own API takes a user's application password, not the WooCommerce keys
            expected = "Basic " + base64.b64encode(f"{self.wp_user}:{self.wp_app_password}".encode()).decode()
            if auth != expected:
                return Response.json({"code": "rest_not_logged_in", "message": "You are not currently logged in.",
                                      "data": {"status": 401}}, 401)
            return None
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
        if path.startswith(WP + "/comments"):
            return self.comments(req)
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
        if req.method == "GET" and rest == "/products/reviews":
            return self.list_reviews(req)
        if req.method == "GET" and (m := re.fullmatch(r"/products/reviews/(\d+)", rest)):
            found = next((rv for rv in self.reviews() if rv["id"] == int(m[1])), None)
            if found is None:
                return Response.json({"code": "woocommerce_rest_review_invalid_id", "message": "Invalid review ID.",
                                      "data": {"status": 404}}, 404)
            return Response.json(found)
        if req.method == "GET" and rest == "/products":
            sku = req.arg("sku")
            include = {int(x) for x in (req.arg("include") or "").split(",") if x.strip().isdigit()}
            return Response.json([{"id": 100 + n, "sku": s, "name": t, "manage_stock": True,
                                   "stock_quantity": self.stock.get(100 + n, 0)}
                                  for n, (s, t, _v, _p, _g) in enumerate(PRODUCTS)
                                  if sku in (None, s) and (not include or 100 + n in include)])
        if req.method == "PUT" and (m := re.fullmatch(r"/products/(\d+)", rest)):
            body = req.json() or {}
            if not isinstance(body.get("stock_quantity"), int):
                return Response.json({"code": "rest_invalid_param", "message": "Invalid parameter(s): stock_quantity",
                                      "data": {"status": 400}}, 400)
            self.stock[int(m[1])] = body["stock_quantity"]
            self.record_push("stock", product_id=int(m[1]), stock_quantity=body["stock_quantity"])
            return Response.json({"id": int(m[1]), "stock_quantity": body["stock_quantity"], "manage_stock": True})
        return Response.json({"code": "rest_no_route", "message": "No route was found", "data": {"status": 404}}, 404)

    def reviews(self) -> list[dict[str, Any]]:
        """One review for every fifth order, oldest first (WooCommerce's ``orderby=date_gmt``)."""
        out = [woocommerce_review(self.seed, n, self.order(i)) for n, i in enumerate(range(0, self.count, 5))]
        return sorted(out, key=lambda rv: (rv["date_created_gmt"], rv["id"]))

    def comments(self, req: Request) -> Response:
        """``/wp-json/wp/v2/comments``: replies under reviews (a comment with ``parent``), listed by
        ``parent`` and created with ``post``, ``parent`` and ``content``, as WordPress has them."""
        if req.method == "GET":
            parent = int(req.arg("parent", "0") or 0)
            return Response.json([c for c in self.replies if not parent or c["parent"] == parent])
        body = req.json() or {}
        reviews = {rv["id"]: rv for rv in self.reviews()}
        parent = body.get("parent")
        if parent not in reviews or body.get("post") != reviews[parent]["product_id"] or not str(body.get("content") or "").strip():
            return Response.json({"code": "rest_comment_invalid_post_id", "message": "Sorry, you are not allowed to "
                                  "create this comment without a post.", "data": {"status": 403}}, 403)
        reply = {"id": 800_000 + len(self.replies), "post": body["post"], "parent": parent, "author_name": self.wp_user,
                 "date_gmt": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "status": "approved",
                 "content": {"raw": str(body["content"]), "rendered": f"<p>{body['content']}</p>\n"}}
        self.replies.append(reply)
        self.record_push("reply", review_id=parent, text=reply["content"]["raw"])
        return Response.json(reply, 201)

    def list_reviews(self, req: Request) -> Response:
        per_page = min(int(req.arg("per_page", "10") or 10), MAX_PER_PAGE)
        page = max(1, int(req.arg("page", "1") or 1))
        after = (req.arg("after") or "").replace("Z", "").split("+")[0]
        selected = [rv for rv in self.reviews() if not after or rv["date_created_gmt"] > after]
        chunk = selected[(page - 1) * per_page : page * per_page]
        return Response.json(chunk, headers={"X-WP-Total": str(len(selected)),
                                             "X-WP-TotalPages": str(max(1, math.ceil(len(selected) / per_page)))})

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


    @classmethod
    def for_sandbox(cls, name: str, **kw: Any) -> WooShop:
        return super().for_sandbox(name, consumer_key=f"ck_sandbox_{name}",  # type: ignore[return-value]
                                   consumer_secret=f"cs_sandbox_{name}", **kw)

    def store_config(self, base_url: str, secret: Any) -> dict[str, Any]:
        return {"connector": "woocommerce", "base_url": base_url,
                "credentials": {"consumer_key": secret(f"{self.name}.consumer_key", self.consumer_key),
                                "consumer_secret": secret(f"{self.name}.consumer_secret", self.consumer_secret),
                                "wp_user": secret(f"{self.name}.wp_user", self.wp_user),
                                "wp_app_password": secret(f"{self.name}.wp_app_password", self.wp_app_password),
                                "webhook_secret": secret(f"{self.name}.webhook_secret", self.webhook_secret)},
                "rate_limit": self.rate or None}
