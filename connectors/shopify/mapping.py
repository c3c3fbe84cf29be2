"""Pure mappings from Shopify's documented order payloads to the canonical Order: the REST Admin
API's (https://shopify.dev/docs/api/admin-rest/2025-01/resources/order) and the GraphQL Admin API's
``Order`` object (https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Order). Both give the
same canonical order: the same external id (GraphQL's ``gid://shopify/Order/<id>`` ends in REST's
id), the same totals, the same refunds (successful refund transactions).

No I/O, no clock, no logging. Money arrives as decimal strings (``"24.00"``) and stays Decimal; a
number where the docs promise a string is refused, as is any amount that is not a number.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.extend import Order, OrderStatus, PaymentStatus, RecordError, card_fingerprint, money

from .units import FINANCIAL_STATUS, FULFILLMENT_STATUS, RISK_RANK, weight_grams


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


#: The address fields' names in each API: (first name, last name, region code, region, country code).
_REST_ADDRESS = ("first_name", "last_name", "province_code", "province", "country_code")
_GRAPHQL_ADDRESS = ("firstName", "lastName", "provinceCode", "province", "countryCodeV2")


def _address(raw: dict[str, Any] | None, names: tuple[str, ...]) -> dict[str, Any] | None:
    if not raw:
        return None
    first, last, region_code, region, country = names
    name = raw.get("name") or " ".join(x for x in (raw.get(first), raw.get(last)) if x) or None
    return {"name": name, "company": raw.get("company") or None,
            "lines": [x for x in (raw.get("address1"), raw.get("address2")) if x],
            "city": raw.get("city") or None, "region": raw.get(region_code) or raw.get(region) or None,
            "postal_code": raw.get("zip") or None, "country": raw.get(country) or None,
            "phone": raw.get("phone") or None}


def address(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """A REST ``MailingAddress``."""
    return _address(raw, _REST_ADDRESS)


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


def refunded(refunds: Any, where: str = "refunds") -> Decimal:
    """What the refunds paid back: their successful ``refund`` transactions (a pending or failed
    one returned nothing yet)."""
    total = Decimal("0")
    for n, r in enumerate(refunds or []):
        for m, t in enumerate(r.get("transactions") or []):
            if t.get("kind") == "refund" and t.get("status") == "success":
                total += money(t.get("amount"), f"{where}[{n}].transactions[{m}].amount")
    return total


def channel_target(cancelled: bool, financial: str | None, fulfillment: str | None) -> OrderStatus | None:
    """What the channel asks of the hub's lifecycle: cancelled on Shopify, or fully refunded before
    shipping (DESIGN: a full refund before shipping cancels the order)."""
    if cancelled:
        return OrderStatus.CANCELLED
    if financial == "refunded" and not fulfillment:
        return OrderStatus.CANCELLED
    return None


def channel_status(cancelled: bool, financial: str | None, fulfillment: str | None) -> str:
    if cancelled:
        return "cancelled"
    return f"{financial or 'unknown'}/{fulfillment or 'unfulfilled'}"


def _payment_status(financial: str | None, field: str) -> PaymentStatus:
    status = FINANCIAL_STATUS.get(financial or "pending")
    if status is None:
        raise RecordError(f"{field}: unknown value {financial!r}", code="invalid_field", field=field)
    return status


def _paid(status: PaymentStatus, total: Decimal, outstanding: Decimal) -> Decimal:
    return {PaymentStatus.PAID: total, PaymentStatus.PARTIALLY_PAID: total - outstanding,
            PaymentStatus.PARTIALLY_REFUNDED: total, PaymentStatus.REFUNDED: total}.get(status, Decimal("0"))


def _requirements(notes: dict[str, Any], lines: list[dict[str, Any]], note: Any) -> dict[str, Any]:
    return {"gift": "gift_message" in notes or any("gift" in k.lower() for li in lines for k in li["attributes"]),
            "gift_message": notes.get("gift_message"), "notes": note or None}


def _customer(first: Any, last: Any, email: Any, phone: Any, external_id: Any,
              shipping: dict[str, Any] | None) -> dict[str, Any]:
    first_last = " ".join(x for x in (first, last) if x) or None
    return {"name": first_last or (shipping or {}).get("name"), "email": email or None,
            "phone": phone or (shipping or {}).get("phone"),
            "external_id": str(external_id) if external_id is not None else None}


def order_from_shopify(raw: dict[str, Any], *, store: str, channel: str = "shopify") -> Order:
    """A REST Admin API order (``GET /orders.json``)."""
    if not isinstance(raw, dict) or raw.get("id") is None:
        raise RecordError("order has no id", code="invalid_payload", field="id")
    items = raw.get("line_items")
    if not items:
        raise RecordError("line_items: an order needs at least one line item", code="invalid_field", field="line_items")
    customer = raw.get("customer") or {}
    shipping = address(raw.get("shipping_address"))
    total = money(raw.get("total_price"), "total_price")
    financial, fulfillment = raw.get("financial_status"), raw.get("fulfillment_status")
    status = _payment_status(financial, "financial_status")
    outstanding = money(raw.get("total_outstanding"), "total_outstanding", default="0")
    notes = {a.get("name"): a.get("value") for a in raw.get("note_attributes") or [] if a.get("name")}
    lines = [line_item(li, n) for n, li in enumerate(items)]
    cancelled = bool(raw.get("cancelled_at"))
    data = {
        "store": store, "channel": channel, "external_id": str(raw["id"]), "number": raw.get("name"),
        "channel_status": channel_status(cancelled, financial, fulfillment),
        "channel_target": channel_target(cancelled, financial, fulfillment),
        "created_at": timestamp(raw.get("created_at"), "created_at"),
        "updated_at": timestamp(raw.get("updated_at") or raw.get("created_at"), "updated_at"),
        "currency": raw.get("currency"),
        "customer": _customer(customer.get("first_name"), customer.get("last_name"),
                              raw.get("email") or raw.get("contact_email") or customer.get("email"),
                              raw.get("phone") or customer.get("phone"), customer.get("id"), shipping),
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
                   "tax": money(raw.get("total_tax"), "total_tax", default="0"), "total": total,
                   "paid": _paid(status, total, outstanding),
                   "refunded": refunded(raw.get("refunds")) or (total if status is PaymentStatus.REFUNDED
                                                                else Decimal("0")),
                   "tax_included": bool(raw.get("taxes_included"))},
        "payment": {"status": status, "method": (raw.get("payment_gateway_names") or [None])[0],
                    "amount": total, "gateway_reference": raw.get("confirmation_number"),
                    **_card_checks(raw.get("payment_details"), "avs_result_code", "cvv_result_code",
                                   ("credit_card_bin", "credit_card_number", "credit_card_company"))},
        "requirements": _requirements(notes, lines, raw.get("note")),
        "tags": [t.strip() for t in (raw.get("tags") or "").split(",") if t.strip()],
        "refunds": [{"external_id": str(r.get("id")), "note": r.get("note") or None, "created_at": r.get("created_at")}
                    for r in raw.get("refunds") or [] if isinstance(r, dict) and r.get("id") is not None],
    }
    return Order.model_validate(data)


# -- GraphQL Admin API -----------------------------------------------------------------------


def legacy_id(gid: Any, field: str) -> str:
    """``gid://shopify/Order/450789469`` → ``450789469``: the id REST uses, so switching ``api``
    on a store keeps every order's identity."""
    text = str(gid or "")
    tail = text.rsplit("/", 1)[-1].split("?", 1)[0]
    if not text.startswith("gid://shopify/") or not tail.isdigit():
        raise RecordError(f"{field}: {gid!r} is not a Shopify global id", code="invalid_field", field=field)
    return tail


def _bag(value: Any, field: str, default: str | None = None) -> Decimal:
    """A ``MoneyBag``'s shop-currency amount (``{"shopMoney": {"amount": "24.00"}}``)."""
    amount = (value or {}).get("shopMoney", {}).get("amount") if isinstance(value, dict) else None
    return money(amount, field, default=default)


def _nodes(connection: Any) -> list[dict[str, Any]]:
    if isinstance(connection, list):
        return connection
    return (connection or {}).get("nodes") or []


def g_address(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GraphQL ``MailingAddress``."""
    return _address(raw, _GRAPHQL_ADDRESS)


def g_line_item(li: dict[str, Any], n: int) -> dict[str, Any]:
    where = f"lineItems[{n}]"
    attributes = {a["key"]: str(a.get("value")) for a in li.get("customAttributes") or [] if a.get("key")}
    if li.get("variantTitle"):
        attributes["variant"] = li["variantTitle"]
    discount = sum((_bag(d.get("allocatedAmountSet"), f"{where}.discountAllocations")
                    for d in li.get("discountAllocations") or []), Decimal("0"))
    tax = sum((_bag(t.get("priceSet"), f"{where}.taxLines.priceSet") for t in li.get("taxLines") or []), Decimal("0"))
    quantity, unfulfilled = li.get("quantity"), li.get("unfulfilledQuantity")
    weight = ((((li.get("variant") or {}).get("inventoryItem") or {}).get("measurement") or {}).get("weight")) or {}
    grams = weight_grams(weight.get("unit"), weight.get("value"))
    return {"external_id": legacy_id(li["id"], f"{where}.id") if li.get("id") else None, "sku": li.get("sku") or None,
            "title": li.get("title") or li.get("name") or "", "attributes": attributes, "quantity": quantity,
            "unit_price": _bag(li.get("originalUnitPriceSet"), f"{where}.originalUnitPriceSet"),
            "discount": discount, "tax": tax, "requires_shipping": bool(li.get("requiresShipping", True)),
            "weight_g": grams,
            "fulfilled_quantity": max(0, quantity - unfulfilled) if isinstance(quantity, int) and isinstance(
                unfulfilled, int) else 0}


def _risk(risk: Any) -> dict[str, Any] | None:
    """``Order.risk`` (OrderRiskSummary): the dearest assessment's level, Shopify's recommendation
    and every fact; None while nothing assessed it."""
    assessments = (risk or {}).get("assessments") or []
    if not assessments:
        return None
    ranked = max(assessments, key=lambda a: RISK_RANK.get(a.get("riskLevel") or "", 0))
    return {"level": (ranked.get("riskLevel") or "NONE").lower(),
            "recommendation": ((risk or {}).get("recommendation") or "").lower() or None,
            "facts": [{"description": f.get("description") or "", "sentiment": (f.get("sentiment") or "").lower()
                       or None} for a in assessments for f in a.get("facts") or []],
            "provider": ((ranked.get("provider") or {}).get("title")) or None}


def _returns(returns: Any) -> list[dict[str, Any]]:
    out = []
    for n, r in enumerate(_nodes(returns)):
        lines = [{"sku": (((li.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("sku")) or None,
                  "quantity": li.get("quantity") or 0,
                  "reason": (li.get("returnReason") or "").lower() or None,
                  "note": li.get("returnReasonNote") or li.get("customerNote") or None}
                 for li in _nodes(r.get("returnLineItems"))]
        out.append({"external_id": legacy_id(r.get("id"), f"returns[{n}].id"), "name": r.get("name"),
                    "status": (r.get("status") or "").lower(), "lines": lines})
    return out


def g_refunded(transactions: Any) -> Decimal:
    """Successful ``REFUND`` transactions (the same ones REST lists under ``refunds[].transactions``)."""
    return sum((_bag(t.get("amountSet"), f"transactions[{n}].amountSet")
                for n, t in enumerate(transactions or [])
                if t.get("kind") == "REFUND" and t.get("status") == "SUCCESS"), Decimal("0"))


def _discounts(node: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each discount code with what it took: the allocations on lines and shipping lines that
    point at its application (REST's ``discount_codes[].amount``)."""
    taken: dict[int, Decimal] = {}
    allocations = [a for li in items for a in li.get("discountAllocations") or []]
    allocations += [a for s in _nodes(node.get("shippingLines")) for a in s.get("discountAllocations") or []]
    for a in allocations:
        index = (a.get("discountApplication") or {}).get("index")
        if isinstance(index, int):
            taken[index] = taken.get(index, Decimal("0")) + _bag(a.get("allocatedAmountSet"), "discountAllocations")
    return [{"code": app["code"], "amount": taken.get(app.get("index"), Decimal("0"))}
            for app in _nodes(node.get("discountApplications")) if app.get("code")]


def _sale_details(transactions: Any) -> dict[str, Any] | None:
    """The card details of the order's first successful sale or authorization (``OrderTransaction.
    paymentDetails``, a ``CardPaymentDetails`` for a card)."""
    for t in transactions or []:
        if (isinstance(t, dict) and t.get("kind") in ("SALE", "AUTHORIZATION") and t.get("status") == "SUCCESS"
                and isinstance(t.get("paymentDetails"), dict)):
            return t["paymentDetails"]
    return None


def _card_checks(details: Any, avs: str, cvv: str, card: tuple[str, ...]) -> dict[str, Any]:
    """The AVS and CVV letters and a fingerprint of the card as the channel shows it (REST's
    ``payment_details``, GraphQL's ``CardPaymentDetails``); nothing when there are no details."""
    if not isinstance(details, dict):
        return {}
    return {"avs_result": (details.get(avs) or "").strip().upper() or None,
            "cvv_result": (details.get(cvv) or "").strip().upper() or None,
            "card_fingerprint": card_fingerprint(*(details.get(k) for k in card))}


def order_from_graphql(node: dict[str, Any], *, store: str, channel: str = "shopify") -> Order:
    """A GraphQL Admin API ``Order`` node as ``queries.ORDER_FIELDS`` selects it: the same canonical
    order ``order_from_shopify`` makes of the REST payload."""
    if not isinstance(node, dict) or not node.get("id"):
        raise RecordError("order has no id", code="invalid_payload", field="id")
    external_id = str(node.get("legacyResourceId") or legacy_id(node["id"], "id"))
    items = _nodes(node.get("lineItems"))
    if not items:
        raise RecordError("lineItems: an order needs at least one line item", code="invalid_field", field="lineItems")
    customer = node.get("customer") or {}
    shipping = g_address(node.get("shippingAddress"))
    total = _bag(node.get("totalPriceSet"), "totalPriceSet")
    financial = (node.get("displayFinancialStatus") or "").lower() or None
    fulfillment = FULFILLMENT_STATUS.get(node.get("displayFulfillmentStatus") or "")
    status = _payment_status(financial, "displayFinancialStatus")
    outstanding = _bag(node.get("totalOutstandingSet"), "totalOutstandingSet", default="0")
    notes = {a.get("key"): a.get("value") for a in node.get("customAttributes") or [] if a.get("key")}
    lines = [g_line_item(li, n) for n, li in enumerate(items)]
    cancelled = bool(node.get("cancelledAt"))
    data = {
        "store": store, "channel": channel, "external_id": external_id, "number": node.get("name"),
        "channel_status": channel_status(cancelled, financial, fulfillment),
        "channel_target": channel_target(cancelled, financial, fulfillment),
        "created_at": timestamp(node.get("createdAt"), "createdAt"),
        "updated_at": timestamp(node.get("updatedAt") or node.get("createdAt"), "updatedAt"),
        "currency": node.get("currencyCode"),
        "customer": _customer(customer.get("firstName"), customer.get("lastName"),
                              node.get("email") or customer.get("email"), node.get("phone") or customer.get("phone"),
                              customer.get("legacyResourceId") or (legacy_id(customer["id"], "customer.id")
                                                                   if customer.get("id") else None), shipping),
        "shipping_address": shipping, "billing_address": g_address(node.get("billingAddress")),
        "line_items": lines,
        "shipping_lines": [{"code": s.get("code"), "title": s.get("title") or "Shipping",
                            "price": _bag(s.get("originalPriceSet"), f"shippingLines[{n}].originalPriceSet"),
                            "tax": sum((_bag(t.get("priceSet"), f"shippingLines[{n}].taxLines.priceSet")
                                        for t in s.get("taxLines") or []), Decimal("0"))}
                           for n, s in enumerate(_nodes(node.get("shippingLines")))],
        "discounts": _discounts(node, items),
        "tax_lines": [{"title": t.get("title") or "Tax", "rate": Decimal(str(t["rate"])) if t.get("rate") is not None
                       else None, "amount": _bag(t.get("priceSet"), f"taxLines[{n}].priceSet")}
                      for n, t in enumerate(node.get("taxLines") or [])],
        "totals": {"subtotal": sum((li["unit_price"] * li["quantity"] for li in lines), Decimal("0")),
                   "discounts": _bag(node.get("totalDiscountsSet"), "totalDiscountsSet", default="0"),
                   "shipping": _bag(node.get("totalShippingPriceSet"), "totalShippingPriceSet", default="0"),
                   "tax": _bag(node.get("totalTaxSet"), "totalTaxSet", default="0"), "total": total,
                   "paid": _paid(status, total, outstanding),
                   "refunded": g_refunded(node.get("transactions")) or (total if status is PaymentStatus.REFUNDED
                                                                        else Decimal("0")),
                   "tax_included": bool(node.get("taxesIncluded"))},
        "payment": {"status": status, "method": (node.get("paymentGatewayNames") or [None])[0],
                    "amount": total, "gateway_reference": node.get("confirmationNumber"),
                    **_card_checks(_sale_details(node.get("transactions")), "avsResultCode", "cvvResultCode",
                                   ("bin", "number", "company"))},
        "requirements": _requirements(notes, lines, node.get("note")),
        "tags": [t.strip() for t in node.get("tags") or [] if isinstance(t, str) and t.strip()],
        "returns": _returns(node.get("returns")),
        "refunds": [{"external_id": legacy_id(r.get("id"), f"refunds[{n}].id"), "note": r.get("note") or None,
                     "created_at": r.get("createdAt")}
                    for n, r in enumerate(node.get("refunds") or []) if isinstance(r, dict)],
        "channel_risk": _risk(node.get("risk")),
    }
    return Order.model_validate(data)


def fulfillment_body(fulfillment_order_ids: list[int], payload: dict[str, Any], *, notify: bool) -> dict[str, Any]:
    """Body of ``POST /fulfillments.json`` (fulfillment orders API)."""
    tracking = {k: v for k, v in (("number", payload.get("tracking_number")), ("company", payload.get("carrier")),
                                  ("url", payload.get("tracking_url"))) if v}
    return {"fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": i}
                                                                for i in fulfillment_order_ids],
                            "tracking_info": tracking, "notify_customer": notify}}


def fulfillment_input(fulfillment_order_ids: list[str], payload: dict[str, Any], *, notify: bool) -> dict[str, Any]:
    """``FulfillmentInput`` of ``fulfillmentCreate``: the open fulfillment orders, with tracking."""
    tracking = {k: v for k, v in (("number", payload.get("tracking_number")), ("company", payload.get("carrier")),
                                  ("url", payload.get("tracking_url"))) if v}
    return {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": i} for i in fulfillment_order_ids],
            "trackingInfo": tracking, "notifyCustomer": notify}


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


def fulfillment_event_input(fulfillment_id: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """``FulfillmentEventInput`` of ``fulfillmentEventCreate`` (statuses in capitals); None if
    Shopify has no event status for ours."""
    body = fulfillment_event_body(payload)
    if body is None:
        return None
    event = body["event"]
    out: dict[str, Any] = {"fulfillmentId": fulfillment_id, "status": event["status"].upper()}
    if event.get("happened_at"):
        out["happenedAt"] = event["happened_at"]
    if event.get("message"):
        out["message"] = event["message"]
    return out
