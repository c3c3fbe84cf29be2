"""Signed, expiring links to an order's tracking page, and the form's anti-forgery tokens.

A link is ``/t/<token>``, the token ``<order id>.<expiry, epoch seconds>.<signature>``: the
signature an HMAC-SHA256 of the order id and expiry with ``[plugins.feedback] tracking_key``,
base64url, truncated to 128 bits. Anyone holding the link sees that one order's progress until it
expires; a changed character or a past expiry is a 404 that shows nothing.

The form carries a nonce, the time it was drawn and an HMAC of both with the order: a post without
a page drawn for that order within the last two hours is refused. The nonce is also the item's id
(``tracking_page`` source), so a form sent twice is one item.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

FORM_LIFETIME = 2 * 3600
_SIGNATURE_BYTES = 16


def _sign(key: bytes, *parts: str) -> str:
    mac = hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token(key: bytes, order_id: str, expires: int) -> str:
    return f"{order_id}.{expires}.{_sign(key, 'track', order_id, str(expires))}"


def order_of(key: bytes, value: str, now: float | None = None) -> str | None:
    """The order id a token was signed for, or None: malformed, tampered with or expired."""
    try:
        order_id, expires, signature = value.rsplit(".", 2)
        until = int(expires)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _sign(key, "track", order_id, expires)):
        return None
    if (now if now is not None else time.time()) >= until:
        return None
    return order_id


def link(base: str, key: bytes, order_id: str, days: int, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + days * 86400)
    return f"{base.rstrip('/')}/t/{token(key, order_id, expires)}"


@dataclass(frozen=True)
class Form:
    nonce: str
    issued: int
    check: str


def form(key: bytes, order_id: str, now: float | None = None) -> Form:
    nonce, issued = secrets.token_urlsafe(12), int(now if now is not None else time.time())
    return Form(nonce, issued, _sign(key, "form", order_id, nonce, str(issued)))


def form_ok(key: bytes, order_id: str, fields: dict[str, Any], now: float | None = None) -> bool:
    try:
        nonce, issued, check = str(fields["nonce"]), int(fields["issued"]), str(fields["check"])
    except (KeyError, ValueError, TypeError):
        return False
    age = (now if now is not None else time.time()) - issued
    return 0 <= age <= FORM_LIFETIME and hmac.compare_digest(check, _sign(key, "form", order_id, nonce, str(issued)))
