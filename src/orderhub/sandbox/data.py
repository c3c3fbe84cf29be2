"""Deterministic orders in each platform's own format, as their APIs document them.

Order ``i`` of a shop is a pure function of (seed, i): the sandbox never holds a whole catalogue of
payloads in memory and two runs serve identical bytes. Money is a string, as both platforms send
it (WooCommerce's line ``price`` is the documented exception: a JSON number). A configurable share of
orders is malformed the way real payloads go wrong.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

BASE_TIME = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
PRODUCTS = [
    # sku, title, variant, price, grams
    ("TEE-BLK-M", "Organic cotton T-shirt", "Black / M", "24.00", 180),
    ("TEE-WHT-L", "Organic cotton T-shirt", "White / L", "24.00", 190),
    ("MUG-CER-01", "Ceramic mug", "Blue", "14.50", 420),
    ("VASE-GLS-30", "Glass vase 30 cm", None, "59.00", 1650),
    ("POSTER-A2-OCEAN", "Poster A2 Ocean", None, "29.90", 240),
    ("CAP-RED", "Baseball cap", "Red", "19.00", 110),
    ("SOCK-3PK", "Wool socks, 3 pack", "39-42", "17.50", 150),
    ("BOTTLE-750", "Steel bottle 750 ml", "Matte black", "32.00", 380),
]
PEOPLE = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Edsger", "Dijkstra"),
          ("Barbara", "Liskov"), ("Ken", "Thompson"), ("Margaret", "Hamilton"), ("Donald", "Knuth")]
PLACES = [  # city, province, province_code, zip, country, country_code, phone prefix
    ("Berlin", "Berlin", "BE", "10117", "Germany", "DE", "+49 30 "),
    ("Lyon", "Auvergne-Rhône-Alpes", "ARA", "69002", "France", "FR", "+33 4 "),
    ("Austin", "Texas", "TX", "78701", "United States", "US", "+1 512 "),
    ("Toronto", "Ontario", "ON", "M5H 2N2", "Canada", "CA", "+1 416 "),
    ("Manchester", "England", "ENG", "M1 1AE", "United Kingdom", "GB", "+44 161 "),
]
MALFORMED = ("bad_total", "no_currency", "bad_created_at", "no_line_items")


def _valid_phones(region: str, count: int = 40) -> list[str]:
    """Phone numbers that are valid in ``region`` (the validate step checks them for real):
    the region's example fixed-line number with its last digits varied."""
    import phonenumbers

    rng = random.Random(region)
    example = phonenumbers.example_number(region)
    national = str(example.national_number)
    out: list[str] = []
    for _ in range(count * 50):
        if len(out) == count:
            break
        candidate = national[:-3] + f"{rng.randint(0, 999):03d}"
        number = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(number):
            out.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    return out or [phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)]


PHONES = {p[5]: _valid_phones(p[5]) for p in PLACES}


def _rng(seed: int, i: int) -> random.Random:
    return random.Random(seed * 1_000_003 + i)


def is_malformed(seed: int, i: int, share: float) -> str | None:
    """Which way order ``i`` is broken, or None. Deterministic for (seed, i)."""
    r = random.Random(seed * 7_919 + i * 31 + 1)
    if share > 0 and r.random() < share:
        return MALFORMED[i % len(MALFORMED)]
    return None


def money_set(amount: str, currency: str) -> dict[str, Any]:
    return {"shop_money": {"amount": amount, "currency_code": currency},
            "presentment_money": {"amount": amount, "currency_code": currency}}


def _base(seed: int, i: int) -> dict[str, Any]:
    """The facts of order i, platform-neutral."""
    r = _rng(seed, i)
    first, last = r.choice(PEOPLE)
    place = r.choice(PLACES)
    items = []
    for sku, title, variant, price, grams in r.sample(PRODUCTS, r.choice((1, 1, 2, 2, 3, 4, 5))):
        items.append({"sku": sku, "title": title, "variant": variant, "price": Decimal(price), "grams": grams,
                      "quantity": r.choice((1, 1, 1, 2, 3))})
    created = BASE_TIME + timedelta(seconds=37 * i + r.randint(0, 30))
    discount = Decimal("5.00") if r.random() < 0.2 else Decimal("0")
    return {"r": r, "first": first, "last": last, "place": place, "items": items, "created": created,
            "discount": discount, "cancelled": r.random() < 0.03, "rate": Decimal("0.19") if place[5] == "DE" else
            Decimal("0.08"), "shipping": Decimal("4.90") if r.random() < 0.8 else Decimal("9.90")}


def _q(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))


def shopify_order(seed: int, i: int, *, currency: str = "EUR", malformed_share: float = 0.0,
                  id_base: int = 5_100_000_000_000) -> dict[str, Any]:
    """Order ``i`` as Shopify's REST Admin API (2025-01) returns it in ``GET /orders.json``."""
    b = _base(seed, i)
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
    for n, it in enumerate(b["items"]):
        line_total = it["price"] * it["quantity"]
        line_tax = _q((line_total - share) * b["rate"])
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
            "discount_allocations": ([{"amount": str(_q(share)), "amount_set": money_set(str(_q(share)), currency),
                                       "discount_application_index": 0}] if b["discount"] else []),
        })
    shipping_tax = _q(b["shipping"] * b["rate"])
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
        "fulfillments": [], "line_items": line_items, "payment_terms": None, "refunds": [],
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


def woocommerce_order(seed: int, i: int, *, currency: str = "USD", malformed_share: float = 0.0,
                      id_base: int = 10_000) -> dict[str, Any]:
    """Order ``i`` as WooCommerce's REST API v3 returns it in ``GET /wp-json/wc/v3/orders``."""
    b = _base(seed, i)
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
        line_total = line_sub - _q(share)
        line_tax = _q(line_total * b["rate"])
        subtotal += line_sub
        cart_tax += line_tax
        lines.append({"id": oid * 10 + n, "name": it["title"] + (f" - {it['variant']}" if it["variant"] else ""),
                      "product_id": 100 + PRODUCTS.index(next(p for p in PRODUCTS if p[0] == it["sku"])),
                      "variation_id": 0, "quantity": it["quantity"], "tax_class": "", "subtotal": str(_q(line_sub)),
                      "subtotal_tax": str(_q(line_sub * b["rate"])), "total": str(_q(line_total)),
                      "total_tax": str(line_tax), "taxes": [{"id": 75, "total": str(line_tax), "subtotal": str(line_tax)}],
                      "meta_data": ([{"id": 2000 + n, "key": "pa_color", "value": it["variant"],
                                      "display_key": "Color", "display_value": it["variant"]}] if it["variant"] else []),
                      "sku": it["sku"], "price": float(it["price"]),
                      "image": {"id": "", "src": ""}, "parent_name": None})
    shipping_tax = _q(b["shipping"] * b["rate"])
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
        "cart_tax": str(cart_tax), "total": str(_q(total)), "total_tax": str(cart_tax + shipping_tax),
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
        "refunds": ([{"id": oid * 10 + 4, "reason": "Customer changed their mind", "total": f"-{_q(total)}"}]
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
