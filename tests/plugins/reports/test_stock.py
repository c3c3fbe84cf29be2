"""The stock report (issue #17): value at the catalog's cost, days of cover at the last 28 days'
sales, and stock-outs and low-stock crossings replayed from the stock movements."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from orderhub.ops.stock_csv import parse_catalog

pytestmark = pytest.mark.slow


def test_the_catalog_takes_a_unit_cost_with_its_currency_or_says_which_is_wrong():
    ok = parse_catalog("sku,title,weight_g,length_mm,width_mm,height_mm,fragile,hazmat,reorder_point,unit_cost,"
                       "cost_currency\nA,a,,,,,no,no,1,4.20,eur\nB,b,,,,,no,no,1,,\nC,c,,,,,no,no,1,1.5,\n"
                       "D,d,,,,,no,no,1,-1,EUR\nE,e,,,,,no,no,1,2,XYZ\n")
    assert [(r["sku"], r["unit_cost"], r["cost_currency"]) for r in ok.rows] == [("A", "4.20", "EUR"),
                                                                               ("B", None, None)]
    assert ok.errors == ["catalog.csv row 4: cost_currency: is required with unit_cost",
                         "catalog.csv row 5: unit_cost: '-1' is not an amount of 0 or more",
                         "catalog.csv row 6: cost_currency: 'XYZ' is not an ISO 4217 currency"]


def test_stock_value_cover_stockouts_and_low_crossings(tmp_path, cli, orderhub, sqlite_url):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    now = datetime.now(UTC)
    orders = [{"external_id": f"S-{i}", "created_at": (now - timedelta(days=d)).isoformat(),
               "updated_at": now.isoformat(), "currency": "EUR", "customer": {"name": "C"},
               "line_items": [{"sku": "MUG", "title": "Mug", "quantity": q, "unit_price": "5.00"}],
               "totals": {"subtotal": "5.00", "total": "5.00"}, "payment": {"status": "paid", "amount": "5.00"}}
              for i, (d, q) in enumerate([(1, 10), (5, 18), (27, 14), (40, 100)])]  # 42 units in 28 days
    (inbox / "orders.json").write_text(json.dumps(orders))
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "{sqlite_url}"\n[stores.shop]\nconnector = "files"\npath = "{inbox}"\n'
                   'chain = []\nlocations = ["main", "annex"]\n')
    (tmp_path / "catalog.csv").write_text(
        "sku,title,weight_g,length_mm,width_mm,height_mm,fragile,hazmat,reorder_point,low_stock_threshold,"
        "unit_cost,cost_currency\nMUG,Mug,,,,,no,no,10,5,2.50,EUR\nCAP,Cap,,,,,no,no,,,,\n")
    assert orderhub("catalog", "import", str(tmp_path / "catalog.csv"), "-c", str(cfg)).returncode == 0
    assert cli("sync", "--once", "-c", str(cfg)).returncode == 0
    steps = [("set", "MUG", "8", "main"), ("adjust", "MUG", "-4", "main"),  # 8 → 4: low (≤ 5)
             ("adjust", "MUG", "-4", "main"),  # → 0: a stock-out (already low)
             ("set", "MUG", "30", "main"),  # back up
             ("adjust", "MUG", "-26", "main"),  # 30 → 4: low again
             ("set", "MUG", "6", "annex"), ("set", "CAP", "3", "main")]
    for kind, sku, qty, loc in steps:
        args = ["inventory", kind, sku, qty, "--location", loc, "-c", str(cfg)]
        if kind == "adjust":
            args += ["--reason", "test"]
        res = orderhub(*args)
        assert res.returncode == 0, (args, res.stderr)
    today = now.date().isoformat()
    out = orderhub("report", "stock", "--from", today, "--to", today, "--json", "-c", str(cfg))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    rows = {(r["sku"], r["location"]): r for r in report["rows"]}
    mug = rows[("MUG", "main")]
    assert (mug["on_hand"], mug["available"], mug["value"], mug["cost_currency"]) == (4, 4, "10.00", "EUR")
    assert mug["sold_28d"] == 42 and mug["days_of_cover"] == "2.7"  # 4 ÷ (42 / 28) = 2.67
    assert (mug["stockouts"], mug["low_crossings"]) == (1, 2)
    assert rows[("MUG", "annex")]["days_of_cover"] == "4.0" and rows[("MUG", "annex")]["low_crossings"] == 0
    cap = rows[("CAP", "main")]
    assert (cap["value"], cap["days_of_cover"], cap["low_crossings"]) == ("", "", 0)  # no cost, no sales, no threshold
    assert report["value"] == [{"currency": "EUR", "value": "25.00"}]  # (4 + 6) × 2.50
