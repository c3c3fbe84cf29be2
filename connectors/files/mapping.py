"""Pure mapping from file records to the canonical Order: no I/O, no clock, no logging."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from orderhub.extend import Order, OrderStatus, RecordError

#: Channel statuses (as written in exports) that mean the shop cancelled the order.
CANCELLED_STATUSES = frozenset({"cancelled", "canceled", "voided", "void"})
#: Payment words as exports spell them -> canonical payment status.
PAYMENT_STATUSES = {
    "paid": "paid", "captured": "paid", "completed": "paid", "settled": "paid",
    "authorized": "authorized", "authorised": "authorized",
    "pending": "pending", "unpaid": "pending", "": "pending",
    "partially_paid": "partially_paid", "refunded": "refunded", "partially_refunded": "partially_refunded",
    "voided": "voided", "failed": "failed",
}
REQUIRED_CSV_COLUMNS = ("order_id", "created_at", "currency", "sku", "title", "quantity", "unit_price", "total")


def channel_target(channel_status: str | None) -> OrderStatus | None:
    if channel_status and channel_status.strip().lower() in CANCELLED_STATUSES:
        return OrderStatus.CANCELLED
    return None


def order_from_json(raw: dict[str, Any], *, store: str, channel: str) -> Order:
    """A JSON order in the canonical shape; the hub's own fields (id, store, channel, status) are set here."""
    if not isinstance(raw, dict):
        raise RecordError("an order must be a JSON object", code="invalid_payload")
    data = {k: v for k, v in raw.items() if k not in ("id", "store", "channel", "status", "channel_target")}
    if "status" in raw and "channel_status" not in raw:
        data["channel_status"] = raw["status"]
    data.update(store=store, channel=channel)
    data["channel_target"] = channel_target(data.get("channel_status"))
    return Order.model_validate(data)


class _Row:
    """Reads typed values from one CSV row; every error names the row and the column."""

    def __init__(self, row: dict[str, str], where: str, tz: tzinfo) -> None:
        self.row, self.where, self.tz = row, where, tz

    def fail(self, column: str, message: str) -> RecordError:
        return RecordError(f"{self.where}: {column}: {message}", code="invalid_field", field=column, location=self.where)

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = (self.row.get(column) or "").strip()
        if not value:
            if required:
                raise self.fail(column, "is required")
            return None
        return value

    def money(self, column: str, *, required: bool = False, default: str | None = "0") -> Decimal | None:
        value = self.text(column, required=required)
        if value is None:
            return Decimal(default) if default is not None else None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise self.fail(column, f"{value!r} is not a decimal amount") from None
        if not amount.is_finite():
            raise self.fail(column, f"{value!r} is not a finite amount")
        return amount

    def integer(self, column: str, *, required: bool = False, default: int = 0) -> int:
        value = self.text(column, required=required)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a whole number") from None

    def flag(self, column: str) -> bool:
        value = (self.text(column) or "").lower()
        if value in ("", "0", "false", "no", "n"):
            return False
        if value in ("1", "true", "yes", "y"):
            return True
        raise self.fail(column, f"{value!r} is not true/false")

    def time(self, column: str, *, required: bool = False) -> datetime | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(column, f"{value!r} is not an ISO 8601 timestamp") from None
        return ts if ts.tzinfo else ts.replace(tzinfo=self.tz)


def _address(r: _Row, prefix: str) -> dict[str, Any] | None:
    parts = {k: r.text(f"{prefix}_{k}") for k in ("name", "company", "address1", "address2", "city", "region",
                                                 "postal_code", "country", "phone")}
    if not any(parts.values()):
        return None
    lines = [x for x in (parts.pop("address1"), parts.pop("address2")) if x]
    return {**parts, "lines": lines}


def order_from_csv_rows(rows: list[tuple[int, dict[str, str]]], *, store: str, channel: str, tz: tzinfo,
                        file: str) -> Order:
    """One order from its CSV rows (one per line item); order-level columns come from the first row."""
    first_no, first = rows[0]
    head = _Row(first, f"{file} row {first_no}", tz)
    items, discounts_total = [], Decimal("0")
    for no, row in rows:
        r = _Row(row, f"{file} row {no}", tz)
        quantity = r.integer("quantity", required=True)
        items.append({
            "external_id": r.text("line_id"),
            "sku": r.text("sku", required=True),
            "title": r.text("title", required=True),
            "quantity": quantity,
            "unit_price": r.money("unit_price", required=True),
            "discount": r.money("line_discount"),
            "tax": r.money("line_tax"),
            "attributes": dict(kv.split("=", 1) for kv in (r.text("attributes") or "").split(";") if "=" in kv),
        })
        discounts_total += items[-1]["discount"]
    subtotal = sum((i["unit_price"] * i["quantity"] for i in items), Decimal("0"))
    line_tax = sum((i["tax"] for i in items), Decimal("0"))
    shipping = head.money("shipping_price")
    shipping_tax = head.money("shipping_tax")
    order_discount = head.money("order_discount")
    total = head.money("total", required=True)
    payment_word = (head.text("payment_status") or "").lower()
    if payment_word not in PAYMENT_STATUSES:
        raise head.fail("payment_status", f"{payment_word!r} is not one of {', '.join(sorted(k for k in PAYMENT_STATUSES if k))}")
    payment_status = PAYMENT_STATUSES[payment_word]
    created = head.time("created_at", required=True)
    window_latest = head.time("deliver_by")
    channel_status = head.text("status")
    data: dict[str, Any] = {
        "store": store, "channel": channel,
        "external_id": head.text("order_id", required=True),
        "number": head.text("order_number"),
        "channel_status": channel_status,
        "channel_target": channel_target(channel_status),
        "created_at": created,
        "updated_at": head.time("updated_at") or created,
        "currency": head.text("currency", required=True),
        "customer": {"name": head.text("customer_name"), "email": head.text("customer_email"),
                     "phone": head.text("customer_phone")},
        "shipping_address": _address(head, "ship"),
        "billing_address": _address(head, "bill"),
        "line_items": items,
        "shipping_lines": ([{"title": head.text("shipping_title") or "Shipping", "price": shipping, "tax": shipping_tax}]
                           if shipping or head.text("shipping_title") else []),
        "discounts": [{"code": head.text("discount_code"), "amount": order_discount}] if order_discount else [],
        "totals": {"subtotal": subtotal, "discounts": discounts_total + order_discount, "shipping": shipping,
                   "tax": line_tax + shipping_tax, "total": total,
                   "paid": total if payment_status == "paid" else Decimal("0")},
        "payment": {"status": payment_status, "method": head.text("payment_method"),
                    "amount": total if payment_status in ("paid", "authorized") else None,
                    "gateway_reference": head.text("payment_reference")},
        "requirements": {"packaging": head.text("packaging"), "gift": head.flag("gift"),
                         "gift_message": head.text("gift_message"), "fragile": head.flag("fragile"),
                         "delivery_window": {"latest": window_latest} if window_latest else None,
                         "notes": head.text("notes")},
        "tags": [t.strip() for t in (head.text("tags") or "").split(";") if t.strip()],
    }
    return Order.model_validate(data)
