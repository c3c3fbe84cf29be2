"""Pure mapping from Shopify's documented order payload to the canonical Order.

No I/O, no clock, no logging. Money arrives as decimal strings (``"24.00"``) and stays Decimal; a
number where the docs promise a string is refused, as is any amount that is not a number.
Reference: https://shopify.dev/docs/api/admin-rest/2025-01/resources/order
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.extend import Order, OrderStatus, PaymentStatus, RecordError, money

from .units import FINANCIAL_STATUS


def timestamp(value: Any, field: str) -> datetime:
    try:
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{field}: {value!r} is not an ISO 8601 timestamp", code="invalid_field", field=field) from None
    if ts.tzinfo is None:
        raise RecordError(f"{field}: {value!r} has no UTC offset", code="invalid_field", field=field)
    return ts


def _set_amount(money_set: Any) -> str | None:
    try:
        return money_set["shop_money"]["amount"]
    except (KeyError, TypeError):
        return None


def address(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    name = raw.get("name") or " ".join(x for x in (raw.get("first_name"), raw.get("last_name")) if x) or None
    return {"name": name, "company": raw.get("company") or None,
            "lines": [x for x in (raw.get("address1"), raw.get("address2")) if x],
            "city": raw.get("city") or None, "region": raw.get("province_code") or raw.get("province") or None,
            "postal_code": raw.get("zip") or None, "country": raw.get("country_code") or None,
            "phone": raw.get("phone") or None}


def line_item(li: dict[str, Any], n: int) -> dict[str, Any]:
    where = f"line_items[{n}]"
    attributes = {p["name"]: str(p.get("value")) for p in li.get("properties") or [] if p.get("name")}
    if li.get("variant_title"):
        attributes["variant"] = li["variant_title"]
    discount = sum((money(d.get("amount"), f"{where}.discount_allocations.amount")
                    for d in li.get("discount_allocations") or []), Decimal("0"))
    tax = sum((money(t.get("price"), f"{where}.tax_lines.price") for t in li.get("tax_lines") or []), Decimal("0"))
    quantity = li.get("quantity")
    fulfillable = li.get("fulfillable_quantity")
    return {"external_id": str(li["id"]) if li.get("id") is not None else None, "sku": li.get("sku") or None,
            "title": li.get("title") or li.get("name") or "", "attributes": attributes, "quantity": quantity,
            "unit_price": money(li.get("price"), f"{where}.price"), "discount": discount, "tax": tax,
            "requires_shipping": bool(li.get("requires_shipping", True)),
            "weight_g": li["grams"] if isinstance(li.get("grams"), int) and li["grams"] > 0 else None,
            "fulfilled_quantity": max(0, quantity - fulfillable) if isinstance(quantity, int) and isinstance(
                fulfillable, int) else 0}


def channel_target(raw: dict[str, Any]) -> OrderStatus | None:
    """What the channel asks of the hub's lifecycle: cancelled on Shopify, or fully refunded before
    shipping (DESIGN: a full refund before shipping cancels the order)."""
    if raw.get("cancelled_at"):
        return OrderStatus.CANCELLED
    if raw.get("financial_status") == "refunded" and not raw.get("fulfillment_status"):
        return OrderStatus.CANCELLED
    return None


def channel_status(raw: dict[str, Any]) -> str:
    if raw.get("cancelled_at"):
        return "cancelled"
    return f"{raw.get('financial_status') or 'unknown'}/{raw.get('fulfillment_status') or 'unfulfilled'}"


def order_from_shopify(raw: dict[str, Any], *, store: str, channel: str = "shopify") -> Order:
    if not isinstance(raw, dict) or raw.get("id") is None:
        raise RecordError("order has no id", code="invalid_payload", field="id")
    items = raw.get("line_items")
    if not items:
        raise RecordError("line_items: an order needs at least one line item", code="invalid_field", field="line_items")
    customer = raw.get("customer") or {}
    shipping = address(raw.get("shipping_address"))
    first_last = " ".join(x for x in (customer.get("first_name"), customer.get("last_name")) if x) or None
    total = money(raw.get("total_price"), "total_price")
    financial = raw.get("financial_status")
    status = FINANCIAL_STATUS.get(financial or "pending")
    if status is None:
        raise RecordError(f"financial_status: unknown value {financial!r}", code="invalid_field", field="financial_status")
    outstanding = money(raw.get("total_outstanding"), "total_outstanding", default="0")
    paid = {PaymentStatus.PAID: total, PaymentStatus.PARTIALLY_PAID: total - outstanding,
            PaymentStatus.PARTIALLY_REFUNDED: total, PaymentStatus.REFUNDED: total}.get(status, Decimal("0"))
    notes = {a.get("name"): a.get("value") for a in raw.get("note_attributes") or [] if a.get("name")}
    lines = [line_item(li, n) for n, li in enumerate(items)]
    data = {
        "store": store, "channel": channel, "external_id": str(raw["id"]), "number": raw.get("name"),
        "channel_status": channel_status(raw), "channel_target": channel_target(raw),
        "created_at": timestamp(raw.get("created_at"), "created_at"),
        "updated_at": timestamp(raw.get("updated_at") or raw.get("created_at"), "updated_at"),
        "currency": raw.get("currency"),
        "customer": {"name": first_last or (shipping or {}).get("name"),
                     "email": raw.get("email") or raw.get("contact_email") or customer.get("email") or None,
                     "phone": raw.get("phone") or customer.get("phone") or (shipping or {}).get("phone"),
                     "external_id": str(customer["id"]) if customer.get("id") is not None else None},
        "shipping_address": shipping, "billing_address": address(raw.get("billing_address")),
        "line_items": lines,
        "shipping_lines": [{"code": s.get("code"), "title": s.get("title") or "Shipping",
                            "price": money(s.get("price"), f"shipping_lines[{n}].price"),
                            "tax": sum((money(t.get("price"), f"shipping_lines[{n}].tax_lines.price")
                                        for t in s.get("tax_lines") or []), Decimal("0"))}
                           for n, s in enumerate(raw.get("shipping_lines") or [])],
        "discounts": [{"code": d.get("code"), "amount": money(d.get("amount"), f"discount_codes[{n}].amount")}
                      for n, d in enumerate(raw.get("discount_codes") or [])],
        "tax_lines": [{"title": t.get("title") or "Tax", "rate": Decimal(str(t["rate"])) if t.get("rate") is not None
                       else None, "amount": money(t.get("price"), f"tax_lines[{n}].price")}
                      for n, t in enumerate(raw.get("tax_lines") or [])],
        "totals": {"subtotal": money(raw.get("total_line_items_price") or raw.get("subtotal_price"),
                                     "total_line_items_price"),
                   "discounts": money(raw.get("total_discounts"), "total_discounts", default="0"),
                   "shipping": money(_set_amount(raw.get("total_shipping_price_set")), "total_shipping_price_set",
                                     default="0"),
                   "tax": money(raw.get("total_tax"), "total_tax", default="0"), "total": total, "paid": paid,
                   "refunded": total if status is PaymentStatus.REFUNDED else Decimal("0"),
                   "tax_included": bool(raw.get("taxes_included"))},
        "payment": {"status": status, "method": (raw.get("payment_gateway_names") or [None])[0],
                    "amount": total, "gateway_reference": raw.get("checkout_token")},
        "requirements": {"gift": "gift_message" in notes or any("gift" in k.lower() for li in lines
                                                                for k in li["attributes"]),
                         "gift_message": notes.get("gift_message"), "notes": raw.get("note") or None},
        "tags": [t.strip() for t in (raw.get("tags") or "").split(",") if t.strip()],
    }
    return Order.model_validate(data)


def fulfillment_body(fulfillment_order_ids: list[int], payload: dict[str, Any], *, notify: bool) -> dict[str, Any]:
    """Body of ``POST /fulfillments.json`` (fulfillment orders API)."""
    tracking = {k: v for k, v in (("number", payload.get("tracking_number")), ("company", payload.get("carrier")),
                                  ("url", payload.get("tracking_url"))) if v}
    return {"fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": i}
                                                                for i in fulfillment_order_ids],
                            "tracking_info": tracking, "notify_customer": notify}}


#: Our tracking statuses → Shopify fulfillment event statuses (FulfillmentEvent resource:
#: attempted_delivery, ready_for_pickup, in_transit, out_for_delivery, delivered, failure, …).
FULFILLMENT_EVENT_STATUS = {"in_transit": "in_transit", "out_for_delivery": "out_for_delivery",
                            "attempt_fail": "attempted_delivery", "available_for_pickup": "ready_for_pickup",
                            "delivered": "delivered", "exception": "failure"}


def fulfillment_event_body(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Body of ``POST /orders/{id}/fulfillments/{fulfillment_id}/events.json``; None if Shopify has no
    event status for ours."""
    status = FULFILLMENT_EVENT_STATUS.get(payload.get("status", ""))
    if status is None:
        return None
    event: dict[str, Any] = {"status": status}
    if payload.get("happened_at"):
        event["happened_at"] = payload["happened_at"]
    if payload.get("message"):
        event["message"] = str(payload["message"])[:255]
    return {"event": event}
