"""Shopify Admin emulator. REST: the paths, auth header, cursor pagination, leaky bucket and pushes
that https://shopify.dev/docs/api/admin-rest documents (orders, fulfillment orders, fulfillments,
cancel, inventory levels, products). GraphQL (``/graphql.json``, ``emulator_graphql``): the same
orders as ``Order`` nodes, the calculated query cost, the mutations. Both sides change the shop
through the same methods (``fulfil``, ``cancel_order``, ``set_level``)."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar


from orderhub.sandbox.data import BASE_TIME, PHONES, PRODUCTS, base_order, cents, is_malformed, money_set
from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.shops import Shop

from .emulator_graphql import EVENT_STATUSES, GraphQLAdmin, cursor, uncursor

API = re.compile(r"^/admin/api/(?P<version>\d{4}-\d{2})(?P<rest>/.*)$")
MAX_LIMIT = 250


REFUND_NOTES = ("Customer says the mug arrived chipped.", "Late delivery, shipping refunded as goodwill.",
                "顾客说少发了一件，退款处理。")


def _refunds(oid: int, i: int, b: dict[str, Any]) -> list[dict[str, Any]]:
    """A refund with a staff note for every thirteenth order, and no money moved (a goodwill or
    restock record: the order's totals stay as they are)."""
    if i % 13 != 5:
        return []
    at = (b["created"] + timedelta(days=2)).isoformat()
    return [{"id": oid * 10 + 3, "order_id": oid, "created_at": at, "processed_at": at,
             "note": REFUND_NOTES[i % len(REFUND_NOTES)], "restock": False, "user_id": 799407056,
             "refund_line_items": [], "transactions": [], "order_adjustments": [], "duties": []}]


def card_details(seed: int, i: int) -> dict[str, Any]:
    """The card checks of sandbox order ``i`` (REST's ``payment_details``): one order in 53 fails
    the address and security-code checks, as the channel's risk assessment of it says. Every
    order pays with its own card (no two share one within a shop or across shops)."""
    risky = i % 53 == 7
    return {"avs_result_code": "N" if risky else "Y", "cvv_result_code": "N" if risky else "M",
            "credit_card_bin": f"4242{seed % 100:02d}", "credit_card_number": f"•••• •••• •••• {(7 * i + seed) % 10_000:04d}",
            "credit_card_company": "Visa"}


def shopify_order(seed: int, i: int, *, currency: str = "EUR", malformed_share: float = 0.0,
                  id_base: int = 5_100_000_000_000) -> dict[str, Any]:
    """Order ``i`` as Shopify's REST Admin API (2025-01) returns it in ``GET /orders.json``."""
    b = base_order(seed, i)
    r: random.Random = b["r"]
    oid = id_base + i
    number = 1001 + i
    city, prov, prov_code, zipc, country, cc, phone = b["place"]
    phone_no = r.choice(PHONES[cc])
    email = f"{b['first'].lower()}.{b['last'].lower()}{i}@example.com"
    address = {"first_name": b["first"], "address1": f"{r.randint(1, 250)} Market Street", "phone": phone_no,
               "city": city, "zip": zipc, "province": prov, "country": country, "last_name": b["last"],
               "address2": r.choice(("", "Apt 4", "2nd floor")), "company": None, "latitude": 52.52,
               "longitude": 13.40, "name": f"{b['first']} {b['last']}", "country_code": cc, "province_code": prov_code}
    line_items, subtotal, tax_total = [], Decimal("0"), Decimal("0")
    share = b["discount"] / max(1, len(b["items"]))
    # each line's part of the discount in cents, the rounding left on the last: they add up to it
    parts = [cents(share)] * len(b["items"])
    if parts:
        parts[-1] = b["discount"] - sum(parts[:-1])
    for n, it in enumerate(b["items"]):
        line_total = it["price"] * it["quantity"]
        line_tax = cents((line_total - share) * b["rate"])
        subtotal += line_total
        tax_total += line_tax
        line_items.append({
            "id": oid * 10 + n, "admin_graphql_api_id": f"gid://shopify/LineItem/{oid * 10 + n}",
            "attributed_staffs": [], "current_quantity": it["quantity"], "fulfillable_quantity": it["quantity"],
            "fulfillment_service": "manual", "fulfillment_status": None, "gift_card": False, "grams": it["grams"],
            "name": f"{it['title']} - {it['variant']}" if it["variant"] else it["title"],
            "price": str(it["price"]), "price_set": money_set(str(it["price"]), currency), "product_exists": True,
            "product_id": 7_000_000 + PRODUCTS.index(next(p for p in PRODUCTS if p[0] == it["sku"])),
            "properties": [{"name": "Gift wrap", "value": "yes"}] if r.random() < 0.1 else [],
            "quantity": it["quantity"], "requires_shipping": True, "sku": it["sku"], "taxable": True,
            "title": it["title"], "total_discount": "0.00", "total_discount_set": money_set("0.00", currency),
            "variant_id": 40_000_000 + n, "variant_inventory_management": "shopify", "variant_title": it["variant"],
            "vendor": "Sandbox Goods",
            "tax_lines": [{"channel_liable": False, "price": str(line_tax), "price_set": money_set(str(line_tax), currency),
                           "rate": float(b["rate"]), "title": "VAT" if cc == "DE" else "Sales tax"}],
            "duties": [],
            "discount_allocations": ([{"amount": str(parts[n]), "amount_set": money_set(str(parts[n]), currency),
                                       "discount_application_index": 0}] if b["discount"] else []),
        })
    shipping_tax = cents(b["shipping"] * b["rate"])
    tax_total += shipping_tax
    total = subtotal - b["discount"] + b["shipping"] + tax_total
    cancelled_at = (b["created"] + timedelta(hours=2)).isoformat() if b["cancelled"] else None
    updated = b["created"] + (timedelta(hours=2) if b["cancelled"] else timedelta(minutes=1))
    financial = "refunded" if b["cancelled"] else r.choice(("paid", "paid", "paid", "paid", "authorized", "pending"))
    order = {
        "id": oid, "admin_graphql_api_id": f"gid://shopify/Order/{oid}", "app_id": 580111,
        "browser_ip": f"203.0.113.{i % 250}", "buyer_accepts_marketing": r.random() < 0.4,
        "cancel_reason": "customer" if b["cancelled"] else None, "cancelled_at": cancelled_at,
        "cart_token": f"cart-{seed}-{i}", "checkout_id": 30_000_000 + i, "checkout_token": f"chk-{seed}-{i}",
        "client_details": {"accept_language": "en-US", "browser_height": None, "browser_ip": "203.0.113.7",
                           "browser_width": None, "session_hash": None,
                           "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"},
        "closed_at": None, "confirmation_number": f"C{seed}X{i:07d}", "confirmed": True, "contact_email": email,
        "created_at": b["created"].isoformat(), "currency": currency,
        "current_subtotal_price": str(subtotal - b["discount"]),
        "current_subtotal_price_set": money_set(str(subtotal - b["discount"]), currency),
        "current_total_discounts": str(b["discount"]), "current_total_discounts_set": money_set(str(b["discount"]), currency),
        "current_total_duties_set": None, "current_total_price": str(total),
        "current_total_price_set": money_set(str(total), currency), "current_total_tax": str(tax_total),
        "current_total_tax_set": money_set(str(tax_total), currency), "customer_locale": "en",
        "device_id": None, "discount_codes": ([{"code": "WELCOME5", "amount": str(b["discount"]), "type": "fixed_amount"}]
                                              if b["discount"] else []),
        "email": email, "estimated_taxes": False, "financial_status": financial, "fulfillment_status": None,
        "landing_site": "/collections/all", "landing_site_ref": None, "location_id": None, "merchant_of_record_app_id": None,
        "name": f"#{number}", "note": "Please leave at the door" if r.random() < 0.15 else None,
        "note_attributes": [{"name": "gift_message", "value": "Happy birthday!"}] if r.random() < 0.08 else [],
        "number": number - 1000, "order_number": number,
        "order_status_url": f"https://sandbox.example/orders/{oid}/authenticate?key=k{seed}{i}",
        "original_total_additional_fees_set": None, "original_total_duties_set": None,
        "payment_gateway_names": ["shopify_payments"], "phone": phone_no, "po_number": None,
        "payment_details": (card_details(seed, i) if financial in ("authorized", "paid", "partially_refunded", "refunded")
                            else None),
        "presentment_currency": currency, "processed_at": b["created"].isoformat(), "reference": None,
        "referring_site": "https://www.google.com/", "source_identifier": None, "source_name": "web",
        "source_url": None, "subtotal_price": str(subtotal - b["discount"]),
        "subtotal_price_set": money_set(str(subtotal - b["discount"]), currency),
        "tags": ", ".join(t for t in ("vip" if i % 97 == 5 else "", "wholesale" if i % 211 == 3 else "") if t),
        "tax_exempt": False,
        "tax_lines": [{"price": str(tax_total), "rate": float(b["rate"]), "title": "VAT" if cc == "DE" else "Sales tax",
                       "price_set": money_set(str(tax_total), currency), "channel_liable": False}],
        "taxes_included": False, "test": False, "token": f"tok{seed}{i:08d}",
        "total_discounts": str(b["discount"]), "total_discounts_set": money_set(str(b["discount"]), currency),
        "total_line_items_price": str(subtotal), "total_line_items_price_set": money_set(str(subtotal), currency),
        "total_outstanding": "0.00" if financial == "paid" else str(total), "total_price": str(total),
        "total_price_set": money_set(str(total), currency),
        "total_shipping_price_set": money_set(str(b["shipping"]), currency), "total_tax": str(tax_total),
        "total_tax_set": money_set(str(tax_total), currency), "total_tip_received": "0.00",
        "total_weight": sum(it["grams"] * it["quantity"] for it in b["items"]), "updated_at": updated.isoformat(),
        "user_id": None, "billing_address": dict(address),
        "customer": {"id": 6_000_000 + i % 900, "email": email, "accepts_marketing": False,
                     "created_at": BASE_TIME.isoformat(), "updated_at": BASE_TIME.isoformat(),
                     "first_name": b["first"], "last_name": b["last"], "state": "enabled", "note": None,
                     "verified_email": True, "multipass_identifier": None, "tax_exempt": False, "phone": phone_no,
                     "currency": currency, "tags": "", "admin_graphql_api_id": f"gid://shopify/Customer/{6_000_000 + i % 900}",
                     "default_address": {**address, "id": 9_000_000 + i % 900, "customer_id": 6_000_000 + i % 900,
                                         "default": True}},
        "discount_applications": ([{"target_type": "line_item", "type": "discount_code", "value": str(b["discount"]),
                                    "value_type": "fixed_amount", "allocation_method": "across",
                                    "target_selection": "all", "code": "WELCOME5"}] if b["discount"] else []),
        "fulfillments": [], "line_items": line_items, "payment_terms": None, "refunds": _refunds(oid, i, b),
        "shipping_address": dict(address),
        "shipping_lines": [{"id": oid * 10 + 9, "carrier_identifier": None, "code": "Standard",
                            "discounted_price": str(b["shipping"]), "discounted_price_set": money_set(str(b["shipping"]), currency),
                            "is_removed": False, "phone": None, "price": str(b["shipping"]),
                            "price_set": money_set(str(b["shipping"]), currency), "requested_fulfillment_service_id": None,
                            "source": "shopify", "title": "Standard" if b["shipping"] < 5 else "Express",
                            "tax_lines": [{"channel_liable": False, "price": str(shipping_tax),
                                           "price_set": money_set(str(shipping_tax), currency), "rate": float(b["rate"]),
                                           "title": "VAT" if cc == "DE" else "Sales tax"}],
                            "discount_allocations": []}],
    }
    kind = is_malformed(seed, i, malformed_share)
    if kind == "bad_total":
        order["total_price"] = "N/A"
    elif kind == "no_currency":
        order["currency"] = None
    elif kind == "bad_created_at":
        order["created_at"] = "yesterday"
    elif kind == "no_line_items":
        order["line_items"] = []
    return order

@dataclass
class ShopifyShop(Shop):
    kind: ClassVar[str] = "shopify"
    seed_base: ClassVar[int] = 100
    #: The Admin API version the sandbox's store tables name.
    api_version: ClassVar[str] = "2025-01"
    access_token: str = "shpat_sandbox"
    #: The plan: the GraphQL restore rate (points a second) follows it. The sandbox's shops are on
    #: Shopify for enterprise (2,000 points a second), so demos and suites are not waiting on cost.
    plan: str = "enterprise"
    bucket_size: float = 40.0
    leak_rate: float = 2.0
    currency: str = "EUR"
    level: float = 0.0
    _leaked_at: float = 0.0
    fulfillments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    events: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    inventory: dict[tuple[int, int], int] = field(default_factory=dict)
    graphql: GraphQLAdmin = field(init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.graphql = GraphQLAdmin(self, plan=self.plan)

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

    def is_write(self, req: Request) -> bool:
        """GraphQL's queries are POSTs too; only its mutations change the shop."""
        if req.path.endswith("/graphql.json"):
            return str((req.json() or {}).get("query", "")).lstrip().startswith("mutation")
        return super().is_write(req)

    def authenticate(self, req: Request) -> Response | None:
        if req.method == "GET" and "/bulk/" in req.path:
            return None  # a bulk file's URL is signed storage: it takes no access token
        if req.headers.get("x-shopify-access-token") != self.access_token:
            return Response.json({"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                            "password)"}, 401)
        return None

    def rate_limit(self, now: float) -> Response | None:
        return None  # REST's bucket counts requests (``_rest_bucket``); GraphQL's counts points

    def _rest_bucket(self, now: float) -> Response | None:
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
        if path.startswith("/bulk/") and req.method == "GET":
            body, status, headers = self.graphql.file(path, req.headers.get("range"))
            return Response(status=status, body=body, headers={"Content-Type": "application/jsonl", **headers})
        m = API.match(path)
        if not m:
            return Response.json({"errors": "Not Found"}, 404)
        rest, resp = m["rest"], None
        if rest == "/graphql.json":
            if req.method != "POST":
                return Response.json({"errors": "Not Found"}, 404)
            host = req.headers.get("host", "127.0.0.1")
            base = f"http://{host}{req.headers.get('x-sandbox-prefix', '')}"
            body, status = self.graphql.answer(req.json() or {}, base)
            resp = Response.json(body, status)
            resp.applied = self.graphql.last_applied
            return resp
        resp = self._rest_bucket(time.monotonic())
        if resp is not None:
            return resp
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
            state = uncursor(token)
        else:
            state = {"min": req.arg("updated_at_min") or "", "pos": None}
        index = self.index()
        pos = state["pos"] if state.get("pos") is not None else self.since(state["min"])
        chunk = index[pos : pos + limit]
        orders = [self.order(i) for _, i in chunk]
        headers = {}
        if pos + limit < len(index):
            nxt = cursor({"min": state["min"], "pos": pos + limit})
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
        fulfillment = self.fulfil(i, number=tracking.get("number"), company=tracking.get("company"),
                                  url=tracking.get("url"), via="rest")
        return Response.json({"fulfillment": fulfillment}, 201)

    def fulfil(self, i: int, *, number: str | None, company: str | None, url: str | None, via: str) -> dict[str, Any]:
        """Order ``i`` fulfilled with this tracking (REST's ``POST /fulfillments.json`` or GraphQL's
        ``fulfillmentCreate``)."""
        order_id = int(self.external_id(i))
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        fulfillment = {"id": order_id * 100 + 1, "order_id": order_id, "status": "success", "created_at": now,
                       "tracking_company": company, "tracking_number": number,
                       "tracking_numbers": [number] if number else [], "tracking_url": url, "name": f"#{1001 + i}.1"}
        self.fulfillments[i] = [fulfillment]
        self.touch(i, updated_at=now)
        self.record_push("fulfillment", order_id=order_id, via=via,
                         tracking={k: v for k, v in (("number", number), ("company", company), ("url", url)) if v})
        return fulfillment

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
        created = self.add_event(f, event["status"], message=event.get("message"),
                                 happened_at=event.get("happened_at"), via="rest")
        return Response.json({"fulfillment_event": created}, 201)

    def add_event(self, f: dict[str, Any], status: str, *, message: str | None, happened_at: str | None,
                  via: str) -> dict[str, Any]:
        """A tracking event on fulfillment ``f`` (REST's events.json or ``fulfillmentEventCreate``)."""
        events = self.events.setdefault(f["id"], [])
        created = {"id": f["id"] * 100 + len(events) + 1, "fulfillment_id": f["id"], "order_id": f["order_id"],
                   "status": status, "message": message, "happened_at": happened_at,
                   "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
        events.append(created)
        f["shipment_status"] = status
        self.record_push("fulfillment_event", order_id=f["order_id"], status=status, via=via)
        return created

    def cancel(self, order_id: int, body: dict[str, Any]) -> Response:
        i = self.order_index(order_id)
        if i is None:
            return Response.json({"errors": "Not Found"}, 404)
        o = self.order(i)
        if o.get("cancelled_at"):
            return Response.json({"error": "Cannot cancel an order that has already been cancelled"}, 422)
        self.cancel_order(i, reason=body.get("reason", "other"), via="rest")
        return Response.json({"order": self.order(i)})

    def cancel_order(self, i: int, *, reason: str, via: str) -> None:
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        self.touch(i, cancelled_at=now, cancel_reason=reason, updated_at=now)
        self.record_push("cancel", order_id=int(self.external_id(i)), reason=reason, via=via)

    def set_inventory(self, body: dict[str, Any]) -> Response:
        try:
            key = (int(body["location_id"]), int(body["inventory_item_id"]))
            available = int(body["available"])
        except (KeyError, TypeError, ValueError):
            return Response.json({"errors": "location_id, inventory_item_id and available are required"}, 422)
        self.set_level(key, available, via="rest")
        return Response.json({"inventory_level": {"inventory_item_id": key[1], "location_id": key[0],
                                                  "available": available}})

    def set_level(self, key: tuple[int, int], available: int, *, via: str, **extra: Any) -> None:
        """``(location, inventory item)`` set to ``available`` (REST or ``inventorySetQuantities``)."""
        self.inventory[key] = available
        self.record_push("stock", location_id=key[0], inventory_item_id=key[1], available=available, via=via,
                         **{k: v for k, v in extra.items() if v is not None})

    @staticmethod
    def products_catalog() -> list[tuple[Any, ...]]:
        return list(PRODUCTS)

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


    @classmethod
    def for_sandbox(cls, name: str, **kw: Any) -> ShopifyShop:
        return super().for_sandbox(name, access_token=f"shpat_sandbox_{name}", **kw)  # type: ignore[return-value]

    def store_config(self, base_url: str, secret: Any) -> dict[str, Any]:
        return {"connector": "shopify", "base_url": base_url,
                "credentials": {"access_token": secret(f"{self.name}.access_token", self.access_token),
                                "webhook_secret": secret(f"{self.name}.webhook_secret", self.webhook_secret)},
                "api_version": self.api_version, "plan": self.plan}
