"""Pure mapping from WooCommerce's documented order payload to the canonical Order.

Money is a decimal string everywhere except ``line_items[].price``, which the API documents as a
number: it is never used; the unit price is ``subtotal / quantity``, computed in Decimal.
Times: ``date_*_gmt`` are GMT without an offset, so they are read as UTC.
Reference: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
"""

from __future__ import annotations

import html
import re

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from orderhub.extend import Order, OrderStatus, PaymentStatus, RecordError, money

from .units import CHANNEL_TARGET, PAYMENT_BY_STATUS

CENT = Decimal("0.01")


def gmt(value: Any, field: str) -> datetime:
    try:
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{field}: {value!r} is not an ISO 8601 timestamp", code="invalid_field", field=field) from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def address(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if not raw or not any(raw.get(k) for k in ("address_1", "city", "postcode", "country")):
        return None
    name = " ".join(x for x in (raw.get("first_name"), raw.get("last_name")) if x) or None
    return {"name": name, "company": raw.get("company") or None,
            "lines": [x for x in (raw.get("address_1"), raw.get("address_2")) if x],
            "city": raw.get("city") or None, "region": raw.get("state") or None,
            "postal_code": raw.get("postcode") or None, "country": raw.get("country") or None,
            "phone": raw.get("phone") or None}


def line_item(li: dict[str, Any], n: int) -> dict[str, Any]:
    where = f"line_items[{n}]"
    quantity = li.get("quantity")
    subtotal = money(li.get("subtotal"), f"{where}.subtotal")
    total = money(li.get("total"), f"{where}.total")
    if not isinstance(quantity, int) or quantity <= 0:
        unit = subtotal
    else:
        unit = (subtotal / quantity).quantize(Decimal("0.000001"))
    attributes = {str(m.get("display_key") or m.get("key")): str(m.get("display_value") or m.get("value"))
                  for m in li.get("meta_data") or [] if m.get("key") and not str(m["key"]).startswith("_")}
    return {"external_id": str(li["id"]) if li.get("id") is not None else None, "sku": li.get("sku") or None,
            "title": li.get("name") or "", "attributes": attributes, "quantity": quantity, "unit_price": unit,
            "discount": subtotal - total, "tax": money(li.get("total_tax"), f"{where}.total_tax", default="0")}


def payment_status(raw: dict[str, Any]) -> PaymentStatus:
    status = raw.get("status")
    refunded = sum((-money(r.get("total"), "refunds.total") for r in raw.get("refunds") or []), Decimal("0"))
    if refunded and status != "refunded":
        return PaymentStatus.PARTIALLY_REFUNDED
    if raw.get("date_paid_gmt") and status not in ("refunded", "cancelled", "failed"):
        return PaymentStatus.PAID
    try:
        return PAYMENT_BY_STATUS[status]
    except KeyError:
        raise RecordError(f"status: unknown order status {status!r}", code="invalid_field", field="status") from None


def order_from_woocommerce(raw: dict[str, Any], *, store: str, channel: str = "woocommerce") -> Order:
    if not isinstance(raw, dict) or raw.get("id") is None:
        raise RecordError("order has no id", code="invalid_payload", field="id")
    items = raw.get("line_items")
    if not items:
        raise RecordError("line_items: an order needs at least one line item", code="invalid_field", field="line_items")
    billing = raw.get("billing") or {}
    total = money(raw.get("total"), "total")
    pay = payment_status(raw)
    refunded = sum((-money(r.get("total"), f"refunds[{n}].total") for n, r in enumerate(raw.get("refunds") or [])),
                   Decimal("0"))
    lines = [line_item(li, n) for n, li in enumerate(items)]
    fees = [{"title": f.get("name") or "Fee", "amount": money(f.get("total"), f"fee_lines[{n}].total"),
             "tax": money(f.get("total_tax"), f"fee_lines[{n}].total_tax", default="0")}
            for n, f in enumerate(raw.get("fee_lines") or [])]
    status = raw.get("status")
    target = CHANNEL_TARGET.get(status or "")
    if status == "refunded":
        target = OrderStatus.CANCELLED  # a full refund before shipping cancels (DESIGN); the table refuses later
    data = {
        "store": store, "channel": channel, "external_id": str(raw["id"]), "number": raw.get("number"),
        "channel_status": status, "channel_target": target,
        "created_at": gmt(raw.get("date_created_gmt"), "date_created_gmt"),
        "updated_at": gmt(raw.get("date_modified_gmt") or raw.get("date_created_gmt"), "date_modified_gmt"),
        "currency": raw.get("currency") or None,
        "customer": {"name": " ".join(x for x in (billing.get("first_name"), billing.get("last_name")) if x) or None,
                     "email": billing.get("email") or None, "phone": billing.get("phone") or None,
                     "external_id": str(raw["customer_id"]) if raw.get("customer_id") else None},
        "shipping_address": address(raw.get("shipping")) or address(billing),
        "billing_address": address(billing),
        "line_items": lines,
        "shipping_lines": [{"code": s.get("method_id"), "title": s.get("method_title") or "Shipping",
                            "price": money(s.get("total"), f"shipping_lines[{n}].total"),
                            "tax": money(s.get("total_tax"), f"shipping_lines[{n}].total_tax", default="0")}
                           for n, s in enumerate(raw.get("shipping_lines") or [])],
        "fee_lines": fees,
        "discounts": [{"code": c.get("code"), "amount": money(c.get("discount"), f"coupon_lines[{n}].discount")}
                      for n, c in enumerate(raw.get("coupon_lines") or [])],
        "tax_lines": [{"title": t.get("label") or t.get("rate_code") or "Tax",
                       "rate": (Decimal(str(t["rate_percent"])) / 100) if t.get("rate_percent") is not None else None,
                       "amount": money(t.get("tax_total"), f"tax_lines[{n}].tax_total", default="0")
                       + money(t.get("shipping_tax_total"), f"tax_lines[{n}].shipping_tax_total", default="0")}
                      for n, t in enumerate(raw.get("tax_lines") or [])],
        "totals": {"subtotal": sum((money(li.get("subtotal"), f"line_items[{n}].subtotal")
                                    for n, li in enumerate(items)), Decimal("0")),
                   "discounts": money(raw.get("discount_total"), "discount_total", default="0"),
                   "shipping": money(raw.get("shipping_total"), "shipping_total", default="0"),
                   "fees": sum((f["amount"] for f in fees), Decimal("0")),
                   "tax": money(raw.get("total_tax"), "total_tax", default="0"), "total": total,
                   "paid": total if pay in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED,
                                            PaymentStatus.REFUNDED) else Decimal("0"),
                   "refunded": refunded, "tax_included": bool(raw.get("prices_include_tax"))},
        "payment": {"status": pay, "method": raw.get("payment_method_title") or raw.get("payment_method") or None,
                    "amount": total, "gateway_reference": raw.get("transaction_id") or None},
        "requirements": {"notes": raw.get("customer_note") or None,
                         "gift": any(f["title"].lower().startswith("gift") for f in fees)},
    }
    return Order.model_validate(data)


def tracking_note(payload: dict[str, Any], ref: str) -> str:
    """The customer-visible note that carries tracking (core WooCommerce has no shipment object)."""
    parts = [f"Your order has shipped with {payload.get('carrier') or 'our carrier'}"]
    if payload.get("tracking_number"):
        parts.append(f"tracking number {payload['tracking_number']}")
    text = ", ".join(parts) + "."
    if payload.get("tracking_url"):
        text += f" Track it at {payload['tracking_url']}"
    return f"{text} (ref {ref})"


#: Customer-note wording of our tracking statuses (core WooCommerce has no shipment status field).
STATUS_NOTE = {"in_transit": "is in transit", "out_for_delivery": "is out for delivery",
               "attempt_fail": "could not be delivered (the carrier will try again)",
               "available_for_pickup": "is ready for pickup", "delivered": "was delivered",
               "exception": "has a delivery problem; we are looking into it"}


def status_note(payload: dict[str, Any], ref: str) -> str | None:
    words = STATUS_NOTE.get(payload.get("status", ""))
    if words is None:
        return None
    return f"Your parcel {payload.get('tracking_number') or ''} {words}. (ref {ref})".replace("  ", " ")


_TAG = re.compile(r"<[^>]+>")


def feedback_from_review(review: dict[str, Any], *, sku: str | None, channel: str) -> dict[str, Any]:
    """A product review (``GET /wp-json/wc/v3/products/reviews``:
    https://developer.woocommerce.com/docs/apis/rest-api/v3/product-reviews/) as a feedback row:
    the review's HTML as text, a rating of 0 (none given) as none, the reviewer's e-mail as the
    author (the plugin links the review to that customer's order of the product)."""
    rid = review.get("id")
    if not isinstance(rid, int):
        raise RecordError("a review without a numeric id", code="invalid_field")
    created = review.get("date_created_gmt")
    if not isinstance(created, str) or not created[:4].isdigit():
        raise RecordError(f"review {rid}: date_created_gmt {created!r} is not a date", code="invalid_field")
    text = html.unescape(_TAG.sub(" ", str(review.get("review") or ""))).strip()
    rating = review.get("rating")
    return {"id": f"review-{rid}", "kind": "review", "channel": channel, "created_at": created + "Z",
            "rating": rating if isinstance(rating, int) and 1 <= rating <= 5 else None,
            "text": " ".join(text.split()) or None, "author": review.get("reviewer_email") or review.get("reviewer"),
            "sku": [sku] if sku else []}


def review_id(external_id: str) -> int:
    """The review's id in a feedback item's id (``review-22`` → 22)."""
    head, _, number = str(external_id).partition("-")
    if head != "review" or not number.isdigit():
        raise RecordError(f"{external_id!r} is not a WooCommerce review", code="invalid_field")
    return int(number)
