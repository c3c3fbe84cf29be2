"""Helpers the connectors' pure mapping functions share: money and signatures, checked one way."""

from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal, InvalidOperation
from typing import Any

from orderhub.errors import RecordError


def money(value: Any, field: str, *, default: str | None = None) -> Decimal:
    """A platform's money string as Decimal. A float (or any non-string) is refused, as is text that
    is not a finite amount; the error names the field. ``default`` stands in for a missing value."""
    if (value is None or value == "") and default is not None:
        return Decimal(default)
    if not isinstance(value, str):
        raise RecordError(f"{field}: expected a decimal string, got {type(value).__name__} {value!r}",
                          code="invalid_field", field=field)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RecordError(f"{field}: {value!r} is not a decimal amount", code="invalid_field", field=field) from None
    if not amount.is_finite():
        raise RecordError(f"{field}: {value!r} is not a finite amount", code="invalid_field", field=field)
    return amount


def base64_hmac(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, raw body)): how Shopify and WooCommerce sign webhooks."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_base64_hmac(secret: str, body: bytes, signature: str | None) -> bool:
    """Check such a signature in constant time."""
    if not signature:
        return False
    return hmac.compare_digest(base64_hmac(secret, body), signature.strip())


def decimal_json(content: bytes) -> Any:
    """Parse JSON keeping every number exact: carriers (FedEx, DHL, USPS) send money as JSON numbers,
    and a float must never stand for money."""
    import json

    try:
        return json.loads(content, parse_float=Decimal)
    except ValueError as exc:
        raise RecordError(f"response is not JSON: {exc}", code="invalid_response") from None


def amount(value: Any, field: str) -> Decimal:
    """Money that a platform sends as a string *or* a JSON number parsed by :func:`decimal_json`."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    return money(value, field)
