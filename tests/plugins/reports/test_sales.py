"""``orderhub report sales`` is right to the cent (issue #17): orders in three currencies with
different minor units (USD 2, JPY 0, KWD 3), cancellations, partial and full refunds, order- and
line-level discounts, returning customers and orders either side of midnight in New York, pulled
by a files store; every figure is computed again here with ``Decimal`` and compared exactly, on
SQLite and PostgreSQL."""

import json
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("America/New_York")
EXP = {"USD": 2, "JPY": 0, "KWD": 3}


def money(value: Decimal, currency: str) -> str:
    return str(value.quantize(Decimal(1).scaleb(-EXP[currency])))


def generate(n: int, seed: int = 17) -> list[dict]:
    rng = random.Random(seed)
    emails = [f"buyer{i}@example.com" for i in range(40)]
    base = datetime(2026, 11, 1, 0, 0, tzinfo=TZ)
    orders = []
    for i in range(n):
        currency = rng.choice(list(EXP))
        unit = Decimal(1).scaleb(-EXP[currency])
        day = base + timedelta(days=rng.randrange(0, 5))
        # a fifth of them within a second of local midnight, either side
        created = (day + timedelta(seconds=rng.choice([-1, 0, 1]))) if i % 5 == 0 else \
            day + timedelta(seconds=rng.randrange(0, 86400))
        lines, subtotal, line_discounts = [], Decimal(0), Decimal(0)
        for k in range(rng.randint(1, 3)):
            price = Decimal(rng.randint(1, 50_000)) * unit
            qty = rng.randint(1, 4)
            disc = Decimal(rng.randint(0, 100)) * unit if rng.random() < 0.3 else Decimal(0)
            lines.append({"sku": f"SKU-{rng.randint(1, 12)}", "title": f"Item {k}", "quantity": qty,
                          "unit_price": str(price), "discount": str(disc)})
            subtotal += price * qty
            line_discounts += disc
        order_disc = Decimal(rng.randint(0, 500)) * unit if rng.random() < 0.4 else Decimal(0)
        shipping = Decimal(rng.randint(0, 2000)) * unit
        tax = Decimal(rng.randint(0, 3000)) * unit
        total = subtotal - line_discounts - order_disc + shipping + tax
        refunded = {0: Decimal(0), 1: total, 2: (total / 3).quantize(unit)}[rng.choice([0, 0, 0, 1, 2])]
        cancelled = rng.random() < 0.15
        customer = {"name": "Buyer", "email": rng.choice(emails)} if rng.random() < 0.9 else {"name": "Walk-in"}
        orders.append({
            "external_id": f"R-{i}", "channel_status": "cancelled" if cancelled else "paid",
            "created_at": created.isoformat(), "updated_at": created.isoformat(), "currency": currency,
            "customer": customer,
            "shipping_address": {"name": "Buyer", "lines": ["1 Main St"], "city": "Springfield",
                                 "region": rng.choice(["NY", "CA"]), "postal_code": "10001", "country": "US"},
            "line_items": lines, "discounts": [{"code": "X", "amount": str(order_disc)}] if order_disc else [],
            "shipping_lines": [{"title": "Ground", "price": str(shipping)}],
            "totals": {"subtotal": str(subtotal), "discounts": str(line_discounts + order_disc),
                       "shipping": str(shipping), "tax": str(tax), "total": str(total), "paid": str(total),
                       "refunded": str(refunded)},
            "payment": {"status": "paid", "amount": str(total)},
        })
    return orders


def expected(orders: list[dict], first: str, last: str) -> list[dict]:
    """The sales rows by the issue's definitions, computed with Decimal, days in New York."""
    acc: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(Decimal))
    for o in orders:
        day = datetime.fromisoformat(o["created_at"]).astimezone(TZ).date().isoformat()
        if not first <= day <= last:
            continue
        a = acc[(day, o["currency"])]
        a["orders"] += 1
        if o["channel_status"] == "cancelled":
            a["cancelled"] += 1
            continue
        a["kept"] += 1
        a["units"] += sum(li["quantity"] for li in o["line_items"])
        t = o["totals"]
        for k, src in (("gross", "total"), ("discounts", "discounts"), ("shipping", "shipping"), ("tax", "tax"),
                       ("refunds", "refunded")):
            a[k] += Decimal(t[src])
    days = sorted({d for d, _ in acc})
    for day in days:  # every day of the window appears for every currency sold in it
        for cur in {c for _, c in acc}:
            acc[(day, cur)]["orders"] += 0
    rows = []
    for (day, cur), a in sorted(acc.items()):
        unit = Decimal(1).scaleb(-EXP[cur])
        rows.append({"period": day, "currency": cur, "orders": int(a["orders"]), "cancelled": int(a["cancelled"]),
                     "units": int(a["units"]), **{k: money(a[k], cur) for k in
                                                   ("gross", "discounts", "shipping", "tax", "refunds")},
                     "net": money(a["gross"] - a["refunds"], cur),
                     "aov": str((a["gross"] / a["kept"]).quantize(unit, ROUND_HALF_EVEN)) if a["kept"] else ""})
    return rows


@pytest.mark.slow
def test_sales_by_day_matches_an_independent_decimal_computation(tmp_path, db_url, cli, orderhub):
    orders = generate(600)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "orders.json").write_text(json.dumps(orders))
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n[stores.shop]\nconnector = "files"\npath = "{inbox}"\n'
                   f"chain = []\n")
    synced = cli("sync", "--once", "-c", str(cfg))
    assert synced.returncode == 0, synced.stderr
    args = ["report", "sales", "--by", "day", "--tz", "America/New_York", "--from", "2026-11-01",
            "--to", "2026-11-04", "-c", str(cfg)]
    out = orderhub(*args, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["report"] == "sales"
    assert report["rows"] == expected(orders, "2026-11-01", "2026-11-04")
    # every order of the window counted once in the sections too
    in_window = [o for o in orders if "2026-11-01" <= datetime.fromisoformat(o["created_at"]).astimezone(TZ)
                 .date().isoformat() <= "2026-11-04"]
    assert sum(r["orders"] for r in report["customers"]) == len(in_window)
    assert sum(r["new_customers"] + r["returning_orders"] + r["unknown_orders"] for r in report["customers"]) \
        == len(in_window)
    # an order no order of the same customer precedes (in any store, at any time) is a new customer's
    firsts: dict[str, datetime] = {}
    for o in orders:
        if "email" in o["customer"]:
            at = datetime.fromisoformat(o["created_at"])
            firsts[o["customer"]["email"]] = min(at, firsts.get(o["customer"]["email"], at))
    assert sum(r["new_customers"] for r in report["customers"]) == sum(
        1 for o in in_window if "email" in o["customer"]
        and firsts[o["customer"]["email"]] == datetime.fromisoformat(o["created_at"]))
    assert sum(r["cancelled"] for r in report["customers"]) == \
        sum(1 for o in in_window if o["channel_status"] == "cancelled")
    by_currency = defaultdict(Decimal)
    for r in report["by_channel"]:
        by_currency[r["currency"]] += Decimal(r["gross"])
    for cur in EXP:
        assert by_currency[cur] == sum((Decimal(r["gross"]) for r in report["rows"] if r["currency"] == cur),
                                       Decimal(0))
    # the same figures as CSV
    csv_out = orderhub(*args, "--csv")
    assert csv_out.returncode == 0, csv_out.stderr
    lines = csv_out.stdout.splitlines()
    assert lines[0].split(",") == list(report["rows"][0])
    assert len(lines) == len(report["rows"]) + 1
