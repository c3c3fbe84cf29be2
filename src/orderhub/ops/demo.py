"""Deterministic order files for the demo and the tests: canonical JSON orders and CSV exports.

Seeded, so the same arguments write the same bytes; ``malformed`` orders are broken in ways a
real export breaks (a missing field, money that is not a number, an unknown currency, truncated
JSON), each in a way the quarantine must name.
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

CATALOG = [("TEE-BLK-M", "T-shirt black M", "19.90"), ("TEE-WHT-L", "T-shirt white L", "19.90"),
           ("MUG-001", "Ceramic mug", "12.50"), ("VASE-GLS", "Glass vase", "49.00"),
           ("POSTER-A2", "Poster A2", "24.00"), ("CAP-RED", "Cap red", "15.00")]
CITIES = [("Berlin", "10115", "DE", "+49 30 901820"), ("Paris", "75001", "FR", "+33 1 42 68 53 00"),
          ("Madrid", "28001", "ES", "+34 915 23 45 67"), ("Amsterdam", "1011", "NL", "+31 20 624 1111"),
          ("Wien", "1010", "AT", "+43 1 4000")]
NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Ken Thompson"]
BASE_TIME = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
MALFORMED_KINDS = ("missing_currency", "bad_money", "bad_currency", "truncated")


def _order(rng: random.Random, i: int, prefix: str) -> dict[str, Any]:
    name = rng.choice(NAMES)
    city, postal, country, phone = rng.choice(CITIES)
    lines = []
    for sku, title, price in rng.sample(CATALOG, rng.randint(1, 3)):
        lines.append({"sku": sku, "title": title, "quantity": rng.randint(1, 3), "unit_price": price,
                      "tax": "0.00", "discount": "0.00"})
    subtotal = sum(Decimal(li["unit_price"]) * li["quantity"] for li in lines)
    shipping = Decimal("4.90")
    created = BASE_TIME + timedelta(minutes=7 * i)
    total = subtotal + shipping
    return {
        "external_id": f"{prefix}{1000 + i}",
        "number": f"#{1000 + i}",
        "channel_status": "paid",
        "created_at": created.isoformat(),
        "updated_at": created.isoformat(),
        "currency": "EUR",
        "customer": {"name": name, "email": name.lower().replace(" ", ".") + "@example.com", "phone": phone},
        "shipping_address": {"name": name, "lines": [f"{rng.randint(1, 200)} Main Street"], "city": city,
                             "postal_code": postal, "country": country},
        "line_items": lines,
        "shipping_lines": [{"title": "Standard", "price": str(shipping)}],
        "totals": {"subtotal": str(subtotal), "shipping": str(shipping), "total": str(total), "paid": str(total)},
        "payment": {"status": "paid", "method": "card", "amount": str(total)},
        "requirements": {"fragile": any(li["sku"] == "VASE-GLS" for li in lines)},
        "tags": ["vip"] if i % 50 == 7 else [],
    }


def _break(order: dict[str, Any], kind: str) -> dict[str, Any] | bytes:
    if kind == "missing_currency":
        order.pop("currency")
    elif kind == "bad_money":
        order["line_items"][0]["unit_price"] = "twelve"
    elif kind == "bad_currency":
        order["currency"] = "EURO"
    else:
        return orjson.dumps(order)[:-40]
    return order


def write_json_orders(folder: Path, count: int, *, malformed: int = 0, seed: int = 7, prefix: str = "J") -> list[str]:
    """One JSON file per order; ``malformed`` of them broken. Returns the broken orders' external ids."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bad_at = set(rng.sample(range(count), malformed)) if malformed else set()
    broken = []
    for i in range(count):
        order: Any = _order(rng, i, prefix)
        if i in bad_at:
            broken.append(order["external_id"])
            order = _break(order, MALFORMED_KINDS[len(broken) % len(MALFORMED_KINDS)])
        data = order if isinstance(order, bytes) else orjson.dumps(order, option=orjson.OPT_INDENT_2)
        (folder / f"order-{prefix}{1000 + i}.json").write_bytes(data)
    return broken


CSV_COLUMNS = ["order_id", "order_number", "created_at", "currency", "status", "payment_status", "customer_name",
               "customer_email", "customer_phone", "ship_name", "ship_address1", "ship_city", "ship_postal_code",
               "ship_country", "sku", "title", "quantity", "unit_price", "shipping_price", "total", "fragile", "tags"]


def write_csv_export(path: Path, count: int, *, malformed: int = 0, seed: int = 11, prefix: str = "P") -> list[str]:
    """One CSV export with one row per line item (POS style); ``malformed`` orders get a bad quantity."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bad_at = set(rng.sample(range(count), malformed)) if malformed else set()
    broken = []
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for i in range(count):
            o = _order(rng, i, prefix)
            if i in bad_at:
                broken.append(o["external_id"])
            addr = o["shipping_address"]
            for n, li in enumerate(o["line_items"]):
                w.writerow({"order_id": o["external_id"], "order_number": o["number"], "created_at": o["created_at"],
                            "currency": o["currency"], "status": "paid", "payment_status": "paid",
                            "customer_name": o["customer"]["name"], "customer_email": o["customer"]["email"],
                            "customer_phone": o["customer"]["phone"], "ship_name": addr["name"],
                            "ship_address1": addr["lines"][0], "ship_city": addr["city"],
                            "ship_postal_code": addr["postal_code"], "ship_country": addr["country"],
                            "sku": li["sku"], "title": li["title"],
                            "quantity": "two" if (i in bad_at and n == 0) else li["quantity"],
                            "unit_price": li["unit_price"], "shipping_price": o["totals"]["shipping"],
                            "total": o["totals"]["total"], "fragile": "yes" if o["requirements"]["fragile"] else "no",
                            "tags": ";".join(o["tags"])})
    return broken
