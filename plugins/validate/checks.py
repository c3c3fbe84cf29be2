"""The checks, as pure functions of the order (and the facts looked up for it)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from orderhub.extend import Order, PaymentStatus, Reason

from .units import NO_POSTAL_CODE, REGION_REQUIRED, minor_unit

ACCEPTED = {"always": None, "paid": {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED},
            "authorized": {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.AUTHORIZED}}


def check_customer(order: Order, *, require_phone: bool) -> list[Reason]:
    out = []
    c = order.customer
    name = c.name or (order.shipping_address.name if order.shipping_address else None)
    if not name:
        out.append(Reason("missing_name", "the order has no customer name"))
    if not c.email and not c.phone:
        out.append(Reason("missing_contact", "the order has neither an email address nor a phone number"))
    if c.email:
        try:
            validate_email(c.email, check_deliverability=False)
        except EmailNotValidError as exc:
            out.append(Reason("invalid_email", f"{c.email!r} is not a valid email address: {exc}"))
    phone = c.phone or (order.shipping_address.phone if order.shipping_address else None)
    country = order.shipping_address.country if order.shipping_address else None
    if phone:
        try:
            number = phonenumbers.parse(phone, country)
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            out.append(Reason("invalid_phone", f"{phone!r} is not a valid phone number"
                                               + (f" in {country}" if country else "")))
    elif require_phone:
        out.append(Reason("invalid_phone", "the order has no phone number and this store requires one"))
    return out


def check_address(order: Order) -> list[Reason]:
    a = order.shipping_address
    if not any(li.requires_shipping for li in order.line_items):
        return []
    if a is None:
        return [Reason("incomplete_address", "the order ships but has no shipping address")]
    missing = []
    if not a.lines:
        missing.append("street")
    if not a.city:
        missing.append("city")
    if not a.country:
        missing.append("country")
    elif a.country not in NO_POSTAL_CODE and not a.postal_code:
        missing.append("postal code")
    if a.country in REGION_REQUIRED and not a.region:
        missing.append("region")
    out = []
    if missing:
        out.append(Reason("incomplete_address", f"shipping address lacks {', '.join(missing)}"
                                                + (f" (required in {a.country})" if a.country else "")))
    if a.country and a.region and a.country in REGION_REQUIRED:
        code = f"{a.country}-{a.region.upper()}"
        subdivisions = pycountry.subdivisions.get(country_code=a.country) or []
        if code not in {s.code for s in subdivisions} and a.region.lower() not in {s.name.lower() for s in subdivisions}:
            out.append(Reason("incomplete_address", f"{a.region!r} is not a region of {a.country}"))
    return out


def check_items(order: Order, known: set[str], *, require_catalog: bool) -> list[Reason]:
    out = []
    for n, li in enumerate(order.line_items, 1):
        if li.quantity <= 0:
            out.append(Reason("invalid_quantity", f"line {n} ({li.sku or li.title}) has quantity {li.quantity}"))
        if require_catalog and li.requires_shipping and (not li.sku or li.sku not in known):
            out.append(Reason("unknown_sku", f"line {n}: SKU {li.sku!r} is not in the catalog" if li.sku
                              else f"line {n} ({li.title}) has no SKU"))
    return out


def expected_total(order: Order) -> Decimal:
    t = order.totals
    lines = sum((li.unit_price * li.quantity for li in order.line_items), Decimal("0"))
    shipping = sum((s.price for s in order.shipping_lines), Decimal("0")) if order.shipping_lines else t.shipping
    fees = sum((f.amount for f in order.fee_lines), Decimal("0")) if order.fee_lines else t.fees
    tax = Decimal("0") if t.tax_included else t.tax
    return lines - t.discounts + shipping + fees + tax


def check_payment(order: Order, rule: str) -> list[Reason]:
    out = []
    unit = Decimal(1).scaleb(-minor_unit(order.currency))
    t = order.totals
    expected = expected_total(order)
    if abs(expected.quantize(unit) - t.total.quantize(unit)) >= unit:
        out.append(Reason("totals_mismatch", f"lines - discounts + shipping + fees + tax = {expected.quantize(unit)} "
                                             f"{order.currency}, but the order total is {t.total}"))
    accepted = ACCEPTED[rule]
    if accepted is not None:
        if order.payment.status not in accepted:
            out.append(Reason("payment_not_accepted", f"payment is {order.payment.status.value}; this store accepts "
                                                      f"{' or '.join(sorted(s.value for s in accepted))} orders"))
        elif order.payment.status is not PaymentStatus.AUTHORIZED and t.paid + unit / 2 < t.total:
            out.append(Reason("payment_not_accepted", f"paid {t.paid} of {t.total} {order.currency}"))
    return out


def fingerprint(order: Order) -> str | None:
    """Same customer, same items, same address: the shape of an accidental double order."""
    who = (order.customer.email or order.customer.phone or order.customer.name or "").strip().lower()
    a = order.shipping_address
    if not who or a is None:
        return None
    items = sorted((li.sku or li.title, li.quantity) for li in order.line_items)
    where = "|".join(str(x or "").strip().lower() for x in (a.country, a.postal_code, a.lines[0] if a.lines else ""))
    return hashlib.sha256(f"{who}#{items}#{where}".encode()).hexdigest()
