"""A labelled order set to measure the risk step on: ordinary orders, tricky clean ones, planted
fraud. Deterministic (a seed), canonical JSON for the ``files`` connector, with ``labels.csv``.

Clean kinds: ``ordinary`` (repeat customers among them), ``gift_abroad`` (billed in one country,
shipped to a relative in another), ``big_gift_abroad`` (the same with a phone worth 900: a new
customer's high-value order billed abroad is worth a look, and is held for review), ``returning_big_spender`` (a high-value order, express, from a
customer with orders weeks before), ``traveller`` (a foreign mobile number), ``po_box``,
``bulk_regular`` (a café's regular order of 20 mugs), ``household`` (two orders to one address in
a day). Fraud kinds: ``card_testing`` (one card, several emails, within an hour), ``reshipper``
(a freight forwarder's warehouse, express, first order), ``stolen_card`` (billing abroad, a
foreign phone, the address check failed), ``resale_bulk`` (a throwaway mailbox buying many of one
item), ``channel_flagged`` (the channel's high risk and a failed security code), ``high_risk_dest``
(a listed destination, billed elsewhere), ``quiet`` (a stolen card with nothing visible: the
fraud no rule should be expected to catch).
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

#: city, region, postcode, country, a phone number there, street
PLACES = [
    ("Austin", "TX", "78701", "US", "+1 512 555 01{:02d}", "Congress Ave"),
    ("New York", "NY", "10001", "US", "+1 212 555 01{:02d}", "W 34th St"),
    ("Berlin", None, "10117", "DE", "+49 30 9018{:02d}0", "Unter den Linden"),
    ("London", None, "SW1A 1AA", "GB", "+44 20 7946 0{:02d}1", "Whitehall"),
    ("Paris", None, "75001", "FR", "+33 1 42 60 3{:02d}0", "Rue de Rivoli"),
    ("Toronto", "ON", "M5H 2N2", "CA", "+1 416 555 01{:02d}", "King St W"),
    ("Shanghai", None, "200000", "CN", "+86 21 6321 2{:02d}0", "Nanjing Rd"),
]
FIRST = ["Ada", "Grace", "Alan", "Linus", "Mei", "Jun", "Sofia", "Omar", "Lena", "Raj", "Ines", "Tom", "Yuki", "Pia"]
LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Chen", "Wang", "Rossi", "Haddad", "Berg", "Patel", "Costa"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "web.de", "qq.com", "proton.me"]
ITEMS = [("MUG-001", "Ceramic mug", "12.50"), ("VASE-GLS", "Glass vase", "49.00"), ("LAMP-01", "Desk lamp", "89.00"),
         ("CHAIR-OAK", "Oak chair", "249.00"), ("HEADPH-X", "Headphones", "199.00"), ("PHONE-9", "Smartphone", "899.00"),
         ("GIFT-50", "Gift card 50", "50.00"), ("TEA-01", "Green tea", "8.90")]
START = datetime(2026, 10, 1, 8, tzinfo=UTC)
CLEAN_KINDS = {"ordinary": 520, "gift_abroad": 60, "big_gift_abroad": 15, "returning_big_spender": 50, "traveller": 40, "po_box": 30,
               "bulk_regular": 20, "household": 30}
FRAUD_KINDS = {"card_testing": 25, "reshipper": 15, "stolen_card": 20, "resale_bulk": 12, "channel_flagged": 12,
               "high_risk_dest": 10, "quiet": 6}
HIGH_RISK = ["NG"]


class _Maker:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.n = 0
        self.orders: list[dict[str, Any]] = []
        self.labels: list[dict[str, str]] = []

    def person(self) -> tuple[str, str]:
        first, last = self.r.choice(FIRST), self.r.choice(LAST)
        return f"{first} {last}", f"{first.lower()}.{last.lower()}{self.r.randint(1, 9999)}@{self.r.choice(DOMAINS)}"

    def address(self, place: tuple[Any, ...], name: str, *, line: str | None = None) -> dict[str, Any]:
        city, region, postcode, country, _phone, street = place
        return {"name": name, "lines": [line or f"{self.r.randint(1, 300)} {street}"], "city": city, "region": region,
                "postal_code": postcode, "country": country}

    def phone(self, place: tuple[Any, ...]) -> str:
        return place[4].format(self.r.randint(0, 99))

    def order(self, kind: str, label: str, *, at: datetime, name: str, email: str, phone: str | None,
              ship: dict[str, Any], bill: dict[str, Any] | None = None, items: list[tuple[str, int]] | None = None,
              express: bool = False, card: str | None = None, avs: str = "Y", cvv: str = "M",
              channel_risk: dict[str, Any] | None = None, gift: bool = False) -> dict[str, Any]:
        self.n += 1
        ext = f"R-{self.n:05d}"
        lines = []
        for sku, qty in items or [(self.r.choice(ITEMS[:5] + ITEMS[6:])[0], self.r.randint(1, 2))]:
            _, title, price = next(i for i in ITEMS if i[0] == sku)
            lines.append({"sku": sku, "title": title, "quantity": qty, "unit_price": price})
        subtotal = sum((Decimal(li["unit_price"]) * li["quantity"] for li in lines), Decimal("0"))
        shipping = Decimal("24.90") if express else Decimal("4.90")
        total = subtotal + shipping
        doc = {"external_id": ext, "number": f"#{ext}", "channel_status": "paid", "created_at": at.isoformat(),
               "updated_at": at.isoformat(), "currency": "USD",
               "customer": {"name": name, "email": email, "phone": phone},
               "shipping_address": ship, "billing_address": bill or ship, "line_items": lines,
               "shipping_lines": [{"title": "Express overnight" if express else "Standard", "price": str(shipping)}],
               "totals": {"subtotal": str(subtotal), "shipping": str(shipping), "total": str(total), "paid": str(total)},
               "payment": {"status": "paid", "method": "card", "amount": str(total), "avs_result": avs,
                           "cvv_result": cvv, "card_fingerprint": card or f"card-{self.r.getrandbits(48):012x}"},
               "requirements": {"gift": gift}, "tags": []}
        if channel_risk:
            doc["channel_risk"] = channel_risk
        self.orders.append(doc)
        self.labels.append({"external_id": ext, "label": label, "kind": kind})
        return doc

    def when(self) -> datetime:
        return START + timedelta(minutes=self.r.randint(0, 30 * 24 * 60))


def make(seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The orders (canonical JSON) and their labels."""
    m = _Maker(seed)
    r = m.r
    regulars = []
    for _ in range(CLEAN_KINDS["ordinary"]):
        if regulars and r.random() < 0.3:  # a repeat customer, weeks later
            name, email, place, phone = r.choice(regulars)
        else:
            (name, email), place = m.person(), r.choice(PLACES)
            phone = m.phone(place) if r.random() < 0.8 else None
            regulars.append((name, email, place, phone))
        m.order("ordinary", "clean", at=m.when(), name=name, email=email, phone=phone, ship=m.address(place, name))
    for _ in range(CLEAN_KINDS["gift_abroad"]):
        (name, email), home, away = m.person(), *r.sample(PLACES, 2)
        m.order("gift_abroad", "clean", at=m.when(), name=name, email=email, phone=m.phone(home),
                ship=m.address(away, r.choice(FIRST) + " " + name.split()[1]), bill=m.address(home, name), gift=True,
                items=[(r.choice(["VASE-GLS", "LAMP-01", "GIFT-50"]), 1)])
    for _ in range(CLEAN_KINDS["big_gift_abroad"]):  # a new customer's phone for family abroad: worth a look
        (name, email), home, away = m.person(), *r.sample(PLACES, 2)
        m.order("big_gift_abroad", "clean", at=m.when(), name=name, email=email, phone=m.phone(home),
                ship=m.address(away, r.choice(FIRST) + " " + name.split()[1]), bill=m.address(home, name), gift=True,
                items=[("PHONE-9", 1)])
    for _ in range(CLEAN_KINDS["returning_big_spender"]):
        (name, email), place = m.person(), r.choice(PLACES)
        at = START + timedelta(days=r.randint(12, 29), minutes=r.randint(0, 1400))
        m.order("ordinary", "clean", at=at - timedelta(days=r.randint(8, 11)), name=name, email=email,
                phone=m.phone(place), ship=m.address(place, name))
        m.order("returning_big_spender", "clean", at=at, name=name, email=email, phone=m.phone(place),
                ship=m.address(place, name), express=True, items=[("PHONE-9", 1), ("HEADPH-X", 1)])
    for _ in range(CLEAN_KINDS["traveller"]):
        (name, email), home, away = m.person(), *r.sample(PLACES, 2)
        m.order("traveller", "clean", at=m.when(), name=name, email=email, phone=m.phone(home),
                ship=m.address(away, name))
    for _ in range(CLEAN_KINDS["po_box"]):
        (name, email), place = m.person(), r.choice(PLACES[:2])
        m.order("po_box", "clean", at=m.when(), name=name, email=email, phone=m.phone(place),
                ship=m.address(place, name, line=f"PO Box {r.randint(100, 9999)}"))
    for _ in range(CLEAN_KINDS["bulk_regular"]):
        (name, email), place = m.person(), r.choice(PLACES)
        at = m.when() + timedelta(days=10)
        m.order("ordinary", "clean", at=at - timedelta(days=9), name=name, email=email, phone=m.phone(place),
                ship=m.address(place, name), items=[("MUG-001", 12)])
        m.order("bulk_regular", "clean", at=at, name=name, email=email, phone=m.phone(place),
                ship=m.address(place, name), items=[("MUG-001", 20)])
    for _ in range(CLEAN_KINDS["household"] // 2):
        place = r.choice(PLACES)
        ship_line = f"{r.randint(1, 300)} {place[5]}"
        at = m.when()
        for k in range(2):
            name, email = m.person()
            m.order("household", "clean", at=at + timedelta(hours=3 * k), name=name, email=email, phone=m.phone(place),
                    ship=m.address(place, name, line=ship_line))

    for _ in range(FRAUD_KINDS["card_testing"] // 5):
        card, place, at = f"stolen-{r.getrandbits(40):010x}", r.choice(PLACES), m.when()
        for k in range(5):
            name, _ = m.person()
            email = f"{name.split()[0].lower()}{r.randint(10, 99)}@mailinator.com" if k % 2 else m.person()[1]
            m.order("card_testing", "fraud", at=at + timedelta(minutes=7 * k), name=name, email=email, phone=None,
                    ship=m.address(place, name), card=card, items=[("GIFT-50", r.randint(2, 4))])
    for i in range(FRAUD_KINDS["reshipper"]):
        (name, email), place = m.person(), r.choice(PLACES)
        line = r.choice(["1 Parcel Forwarding Way Ste 4417", "Stackry 7 Cobblestone Ct", "200 Bellevue Rd Suite 88"])
        ship = {"name": name, "lines": [line], "city": "New Castle", "region": "DE", "postal_code": "19720",
                "country": "US"}
        m.order("reshipper", "fraud", at=m.when(), name=name, email=email, phone=m.phone(place), ship=ship,
                bill=m.address(place, name), express=True, items=[("PHONE-9", 1 + i % 2)])
    for _ in range(FRAUD_KINDS["stolen_card"]):
        (name, email), home, away = m.person(), *r.sample(PLACES, 2)
        m.order("stolen_card", "fraud", at=m.when(), name=name, email=email, phone=m.phone(away),
                ship=m.address(home, name), bill=m.address(away, name), avs="N",
                items=[("HEADPH-X", 1), ("CHAIR-OAK", 1)])
    for _ in range(FRAUD_KINDS["resale_bulk"]):
        name, _ = m.person()
        place = r.choice(PLACES)
        m.order("resale_bulk", "fraud", at=m.when(), name=name,
                email=f"{name.split()[0].lower()}{r.randint(100, 999)}@{r.choice(['guerrillamail.com', 'yopmail.com', 'sharklasers.com'])}",
                phone=m.phone(place), ship=m.address(place, name), items=[("HEADPH-X", r.randint(10, 25))])
    for _ in range(FRAUD_KINDS["channel_flagged"]):
        (name, email), place = m.person(), r.choice(PLACES)
        m.order("channel_flagged", "fraud", at=m.when(), name=name, email=email, phone=m.phone(place),
                ship=m.address(place, name), cvv="N", items=[("LAMP-01", 2)],
                channel_risk={"level": "high", "recommendation": "cancel",
                              "facts": [{"description": "Card was declined twice before this order",
                                         "sentiment": "negative"}]})
    lagos = ("Lagos", None, "100001", "NG", "+234 1 270 0{:02d}0", "Broad St")
    for _ in range(FRAUD_KINDS["high_risk_dest"]):
        (name, email), home = m.person(), r.choice(PLACES)
        m.order("high_risk_dest", "fraud", at=m.when(), name=name, email=email, phone=m.phone(lagos),
                ship=m.address(lagos, name), bill=m.address(home, name), items=[("PHONE-9", 1)])
    for _ in range(FRAUD_KINDS["quiet"]):
        (name, email), place = m.person(), r.choice(PLACES)
        m.order("quiet", "fraud", at=m.when(), name=name, email=email, phone=m.phone(place),
                ship=m.address(place, name), items=[("LAMP-01", 1)])
    return m.orders, m.labels


def write(folder: Path, *, seed: int = 7, db: str | None = None) -> dict[str, Any]:
    """Write ``inbox/orders.json``, ``labels.csv`` and ``risk.toml`` (a files store whose chain is
    the risk step with default thresholds) into ``folder``."""
    orders, labels = make(seed)
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "orders.json").write_bytes(orjson.dumps(orders, option=orjson.OPT_INDENT_2))
    with (folder / "labels.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["external_id", "label", "kind"])
        w.writeheader()
        w.writerows(labels)
    url = db or f"sqlite:///{(folder / 'risk.db').as_posix()}"
    (folder / "risk.toml").write_text(
        "# The risk step alone, with its default thresholds, on the labelled set.\n"
        f'[database]\nurl = "{url}"\n\n'
        f'[stores.risk-sample]\nconnector = "files"\npath = "{inbox.as_posix()}"\nsettle = "0s"\n'
        f'chain = [{{ step = "risk", high_risk_countries = {orjson.dumps(HIGH_RISK).decode()} }}]\n')
    fraud = sum(1 for x in labels if x["label"] == "fraud")
    return {"orders": len(orders), "fraud": fraud, "clean": len(orders) - fraud, "folder": str(folder)}
