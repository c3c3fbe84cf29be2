"""The risk signals: pure functions of an order, the store's options and what the database knows
about the people on it (earlier orders, how many orders each email, phone, address and card
placed lately). Each fired signal carries its evidence in words an operator can check.

No I/O here: ``step`` gathers the facts, ``velocity`` counts, this module decides.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from disposable_email_domains import blocklist as DISPOSABLE

from orderhub.extend import Order

from .settings import RiskOptions

#: AVS letters that say the billing address did not match (``N``: neither street nor postcode;
#: ``C``: international, neither verified), and CVV letters that say the code was wrong.
AVS_MISMATCH = frozenset({"N", "C"})
CVV_MISMATCH = frozenset({"N"})
#: The identities velocity is counted for.
KINDS = ("email", "phone", "address", "card")


@dataclass(frozen=True)
class Signal:
    name: str
    evidence: str


@dataclass
class Facts:
    """What the database says about the order's people."""

    #: Earlier orders of this customer (by email) that make a history: shipped, or placed long
    #: enough before and not cancelled.
    known_before: int = 0
    #: Orders per identity and window, this one included: ``{"email_1h": 3, …}``.
    velocity: dict[str, int] = field(default_factory=dict)
    #: Different emails that paid with this order's card within a day, this one's included.
    card_emails: int = 0


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def normal_email(email: str | None) -> str | None:
    """One spelling per mailbox: lower case, ``+tags`` dropped, Gmail's dots ignored."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local and domain else None


def normal_phone(phone: str | None, country: str | None) -> str | None:
    """E.164, read in the destination's numbering plan when the number has no country code."""
    if not phone:
        return None
    try:
        parsed = phonenumbers.parse(phone, None if phone.strip().startswith(("+", "00")) else country)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_abroad(phone: str | None, country: str | None) -> str | None:
    """The country of a number written with a country code other than ``country``'s (compared by
    calling code: a +1 number is at home in the US and in Canada); None when it is at home or has
    no country code."""
    if not phone or not country or not phone.strip().startswith(("+", "00")):
        return None
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code == phonenumbers.country_code_for_region(country):
        return None
    return phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(parsed.country_code)


def normal_address(order: Order) -> str | None:
    a = order.shipping_address
    if not a or not a.lines or not a.country:
        return None
    words = re.sub(r"[^\w]+", " ", " ".join([a.lines[0], a.postal_code or "", a.country]).lower()).split()
    return " ".join(words) or None


def identities(order: Order) -> dict[str, str]:
    """The order's people as hashed keys by kind (no address or card is stored in clear)."""
    country = order.shipping_address.country if order.shipping_address else None
    found = {"email": normal_email(order.customer.email),
             "phone": normal_phone(order.customer.phone or (order.shipping_address.phone if order.shipping_address
                                                           else None), country),
             "address": normal_address(order),
             "card": order.payment.card_fingerprint}
    return {kind: _digest(f"{kind}:{v}") for kind, v in found.items() if v}


def _domain_disposable(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    parts = domain.split(".")
    for i in range(len(parts) - 1):  # a subdomain of a listed domain is listed too
        if ".".join(parts[i:]) in DISPOSABLE:
            return domain
    return None


def _matches(patterns: list[re.Pattern[str]], texts: list[str]) -> str | None:
    for text in texts:
        for p in patterns:
            m = p.search(text)
            if m:
                return f"{m.group(0)!r} in {text!r}"
    return None


def detect(order: Order, opts: RiskOptions, patterns: dict[str, Any], facts: Facts) -> list[Signal]:
    """Every signal that fires for the order, with its evidence."""
    out: list[Signal] = []
    ship = order.shipping_address
    bill = order.billing_address
    ship_country = ship.country if ship else None
    total = order.totals.total
    money = f"{total} {order.currency}"
    high_value = total >= opts.high_value
    first = facts.known_before == 0

    domain = _domain_disposable(order.customer.email)
    if domain:
        out.append(Signal("disposable_email", f"{domain} is a disposable email domain"))
    if ship_country and bill and bill.country and bill.country != ship_country:
        out.append(Signal("billing_country_mismatch", f"billed to {bill.country}, shipped to {ship_country}"))
    phone = order.customer.phone or (ship.phone if ship else None)
    pc = phone_abroad(phone, ship_country)
    if pc:
        out.append(Signal("phone_country_mismatch", f"phone {phone} is a {pc} number, shipped to {ship_country}"))
    if first and high_value:
        out.append(Signal("first_order_high_value", f"no history with this customer; total {money} "
                                                    f"≥ {opts.high_value}"))
    for kind in KINDS:
        for window, limit in (("1h", opts.velocity_1h), ("24h", opts.velocity_24h)):
            n = facts.velocity.get(f"{kind}_{window}", 0)
            if n >= limit:
                out.append(Signal(f"velocity_{kind}_{window}", f"{n} orders with this {kind} within {window} "
                                                               f"(limit {limit})"))
    if facts.card_emails >= 2:
        out.append(Signal("card_many_customers", f"the card paid for {facts.card_emails} customers' orders "
                                                 "(different emails) within 24h"))
    bulk = [li for li in order.line_items if li.quantity >= opts.many_units]
    if bulk:
        li = max(bulk, key=lambda x: x.quantity)
        out.append(Signal("many_units", f"{li.quantity} × {li.sku or li.title} (≥ {opts.many_units})"))
    if first and high_value:
        fast = _matches(patterns["express"], [t for s in order.shipping_lines for t in (s.code or "", s.title) if t])
        if fast:
            out.append(Signal("express_first_high_value", f"express shipping ({fast}) on a first order of {money}"))
    if ship:
        texts = [t for t in (*ship.lines, ship.company or "", ship.name or "") if t]
        where = _matches(patterns["forwarder"], texts)
        if not where and ship_country == "US" and (ship.postal_code or "")[:5] in opts.forwarder_postcodes:
            where = f"postcode {ship.postal_code} is a freight forwarder's warehouse"
        if where:
            out.append(Signal("freight_forwarder", where))
        box = _matches(patterns["po_box"], list(ship.lines))
        if box:
            out.append(Signal("po_box", box))
    if ship_country and ship_country in opts.high_risk_countries:
        out.append(Signal("high_risk_country", f"ships to {ship_country}, a high-risk country in this store's list"))
    risk = order.channel_risk
    if risk and risk.level in ("high", "medium"):
        facts_text = "; ".join(f.description for f in risk.facts if f.sentiment in (None, "negative", "NEGATIVE"))
        said = f"{order.channel} says {risk.level}" + (f", recommends {risk.recommendation}"
                                                        if risk.recommendation else "")
        out.append(Signal(f"channel_risk_{risk.level}", said + (f" ({facts_text})" if facts_text else "")))
    avs, cvv = order.payment.avs_result, order.payment.cvv_result
    if avs and avs in AVS_MISMATCH:
        out.append(Signal("avs_mismatch", f"the card's address check answered {avs}"))
    if cvv and cvv in CVV_MISMATCH:
        out.append(Signal("cvv_mismatch", f"the card's security code check answered {cvv}"))
    return out


def score(signals: list[Signal], weights: dict[str, int]) -> tuple[int, list[dict[str, Any]]]:
    """The score (the points' sum, at most 100) and each signal's contribution, largest first."""
    parts = [{"name": s.name, "points": int(weights.get(s.name, 0)), "evidence": s.evidence} for s in signals]
    parts.sort(key=lambda p: (-p["points"], p["name"]))
    return min(100, sum(p["points"] for p in parts)), parts


def level(points: int, opts: RiskOptions) -> str:
    if points >= opts.high_above:
        return "high"
    if points >= opts.review_above:
        return "review"
    return "ok"

