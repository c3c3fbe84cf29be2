"""Deterministic order facts every emulator builds its platform's payloads from.

Order ``i`` of a shop is a pure function of (seed, i) (:func:`base_order`): the sandbox never holds a whole catalogue of
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


def _valid_phones(region: str, count: int = 400) -> list[str]:
    """Phone numbers that are valid in ``region`` (the validate step checks them for real):
    the region's example fixed-line number with its last digits varied. Enough of them that two
    customers rarely share one (the risk step counts orders per phone)."""
    import phonenumbers

    rng = random.Random(region)
    example = phonenumbers.example_number(region)
    national = str(example.national_number)
    out: dict[str, None] = {}
    for _ in range(count * 5):
        if len(out) == count:
            break
        candidate = national[:-4] + f"{rng.randint(0, 9999):04d}"
        number = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(number):
            out[phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)] = None
    return list(out) or [phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)]


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


def base_order(seed: int, i: int) -> dict[str, Any]:
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


def cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))
