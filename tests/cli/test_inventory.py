"""`orderhub catalog` and `orderhub inventory` from the command line."""

import json

import pytest

pytestmark = pytest.mark.slow


def config(tmp_path, url):
    cfg = tmp_path / "orderhub.toml"
    (tmp_path / "inbox").mkdir(exist_ok=True)
    cfg.write_text(f'[database]\nurl = "{url}"\n[logging]\nlevel = "warning"\n'
                   '[stores.shop]\nconnector = "files"\npath = "inbox"\nlocations = ["main", "annex"]\n')
    return cfg


def test_catalog_import_and_a_stock_count_with_three_variances(tmp_path, cli, orderhub, sqlite_url):
    cfg = config(tmp_path, sqlite_url)
    (tmp_path / "catalog.csv").write_text(
        "sku,title,weight_g,length_mm,width_mm,height_mm,fragile,hazmat,reorder_point\n"
        "MUG-001,Ceramic mug,420,120,90,90,yes,no,10\nVASE-GLS,Glass vase,1650,300,150,150,yes,no,3\n"
        "CAP-RED,Cap,110,250,200,120,no,no,20\nBAD,Broken row,heavy,,,,no,no,1\n")
    res = orderhub("catalog", "import", str(tmp_path / "catalog.csv"), "--json", "-c", str(cfg))
    out = json.loads(res.stdout)
    assert res.returncode == 1 and out["inserted"] == 3
    assert out["errors"] == ["catalog.csv row 5: weight_g: 'heavy' is not a whole number"]
    listed = json.loads(orderhub("catalog", "list", "--json", "-c", str(cfg)).stdout)
    assert [c["sku"] for c in listed] == ["CAP-RED", "MUG-001", "VASE-GLS"] and listed[1]["fragile"] is True

    for sku, qty in (("MUG-001", 40), ("VASE-GLS", 5), ("CAP-RED", 30)):
        assert orderhub("inventory", "set", sku, str(qty), "--location", "main", "-c", str(cfg)).returncode == 0
    adj = orderhub("inventory", "adjust", "CAP-RED", "-2", "--location", "main", "--reason", "damaged", "--json",
              "-c", str(cfg))
    assert json.loads(adj.stdout)["on_hand"] == 28
    neg = orderhub("inventory", "adjust", "CAP-RED", "-100", "--location", "main", "--reason", "x", "-c", str(cfg))
    assert neg.returncode == 1 and "negative" in neg.stderr

    (tmp_path / "count.csv").write_text("sku,location,on_hand\nMUG-001,main,38\nVASE-GLS,main,5\n"
                                        "CAP-RED,main,30\nPOSTER,main,4\n")
    counted = json.loads(orderhub("inventory", "import", str(tmp_path / "count.csv"), "--operator", "maria", "--json",
                             "-c", str(cfg)).stdout)
    assert counted["counted"] == 4
    assert sorted((v["sku"], v["books"], v["counted"], v["variance"]) for v in counted["variances"]) == [
        ("CAP-RED", 28, 30, 2), ("MUG-001", 40, 38, -2), ("POSTER", 0, 4, 4)]
    levels = {r["sku"]: r for r in json.loads(orderhub("inventory", "list", "--json", "-c", str(cfg)).stdout)}
    assert levels["MUG-001"]["available"] == 38 and levels["POSTER"]["on_hand"] == 4
    low = json.loads(orderhub("inventory", "list", "--low", "--json", "-c", str(cfg)).stdout)
    assert [r["sku"] for r in low] == []  # 38 > 10, 5 > 3, 30 > 20

    (tmp_path / "bad.csv").write_text("sku,location,on_hand\nMUG-001,main,-1\n")
    bad = orderhub("inventory", "import", str(tmp_path / "bad.csv"), "-c", str(cfg))
    assert bad.returncode == 1 and "on_hand: -1 is below 0" in bad.stderr


def test_stock_for_an_unknown_sku_or_location_is_refused_naming_it(tmp_path, cli, orderhub, sqlite_url):
    """The first-hour report: ``inventory set NOPE-SKU 5`` accepted a SKU nothing sells and a
    location no store uses, creating stock nobody could reserve."""
    cfg = config(tmp_path, sqlite_url)
    (tmp_path / "catalog.csv").write_text(
        "sku,title,weight_g,length_mm,width_mm,height_mm,fragile,hazmat,reorder_point\nMUG-001,Mug,420,1,1,1,no,no,1\n")
    assert orderhub("catalog", "import", str(tmp_path / "catalog.csv"), "-c", str(cfg)).returncode == 0
    res = orderhub("inventory", "set", "NOPE-SKU", "5", "--location", "main", "-c", str(cfg))
    assert res.returncode == 1 and "unknown SKU 'NOPE-SKU'" in res.stderr, res.stderr
    res = orderhub("inventory", "set", "MUG-001", "5", "--location", "mian", "-c", str(cfg))
    assert res.returncode == 1 and "unknown location 'mian' (known: annex, main" in res.stderr, res.stderr
    res = orderhub("inventory", "adjust", "MUG-001", "3", "--location", "attic", "--reason", "found", "-c", str(cfg))
    assert res.returncode == 1 and "unknown location 'attic'" in res.stderr, res.stderr
    (tmp_path / "count.csv").write_text("sku,location,on_hand\nMUG-001,basement,3\n")
    res = orderhub("inventory", "import", str(tmp_path / "count.csv"), "--operator", "maria", "-c", str(cfg))
    assert res.returncode == 1 and "unknown location 'basement'" in res.stderr, res.stderr
    assert json.loads(orderhub("inventory", "list", "--json", "-c", str(cfg)).stdout) == []  # nothing was written
    assert orderhub("inventory", "set", "MUG-001", "5", "--location", "annex", "-c", str(cfg)).returncode == 0
