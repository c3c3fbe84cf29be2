"""Issue #5's 'done when', end to end: `orderhub sync` against the sandbox takes orders from
received to shipped (tracking pushed to the channel), then to delivered as the sandbox's tracking
advances, with each customer emailed once per milestone."""

import json
from collections import Counter

import pytest

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.sandbox import Sandbox
from tests.helpers import sql_rows

pytestmark = pytest.mark.slow

SHIP_FROM = {"name": "Sandbox Warehouse", "lines": ["1 Dock Rd"], "city": "Austin", "region": "TX",
             "postal_code": "78701", "country": "US", "phone": "+1 512 555 0100"}


def write_config(tmp_path, sb, url):
    stores = sb.store_configs(tmp_path / "secrets")
    for sc in stores.values():
        sc.update(payment_rule="always",
                  shipping={"ship_from": SHIP_FROM, "preset": "balanced", "track_interval": "0s",
                            "insure_above": "400"})
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(sandbox_config_toml(
        stores, db=url, chain='[{step = "validate", require_catalog = false, check_duplicates = false}, "select_carrier", "fulfil"]',
        carriers=sb.carrier_configs(tmp_path / "secrets"),
        plugins={"notify": {"smtp": {"host": "127.0.0.1", "port": sb.smtp.port, "sender": "shop@sandbox.test"},
                            "milestones": ["shipped", "out_for_delivery", "delivered", "exception"]}}))
    return cfg


rows = sql_rows


def test_sync_ships_tracks_delivers_and_notifies_once_per_milestone(tmp_path, cli, sqlite_url):
    # Shopify's pacing is not under test here: a generous bucket keeps the test about logistics
    with Sandbox(shopify=1, woocommerce=1, orders=20, malformed=0.0, woo_rate=0, smtp=True, shopify_bucket=200,
                 shopify_leak=100) as sb:
        cfg = write_config(tmp_path, sb, sqlite_url)
        res = cli("sync", "--once", "--json", "-c", str(cfg), timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
        status = Counter(s for (s,) in rows(sqlite_url, "select status from orders"))
        held = rows(sqlite_url, "select reasons from reviews")
        print("after first sync:", dict(status), "held:", len(held))
        assert status["shipped"] >= 30, (status, held[:3])
        shipments = rows(sqlite_url, "select carrier, tracking_number, status, choice from shipments "
                                     "where state = 'created'")
        assert len(shipments) == status["shipped"]
        assert len({c for c, *_ in shipments}) >= 2, "more than one carrier wins on a mixed set of routes"
        shop = sb.shops["shop1"]
        assert sum(1 for p in shop.pushes if p["kind"] == "fulfillment") == sum(
            1 for (store,) in rows(sqlite_url, "select o.store from orders o join shipments s on s.order_id = o.id "
                                              "where s.state = 'created'") if store == "shop1")
        labels = sum(d.labels_created for d in sb.carriers.values())
        assert labels == len(shipments)
        # every runner-up and rejection is on record with its reason
        choice = json.loads(shipments[0][3]) if isinstance(shipments[0][3], str) else shipments[0][3]
        assert choice["chosen"]["score"] is not None and len(choice["candidates"]) > 3
        assert any(c["rejected"] for c in choice["candidates"])

        # the operator's view: why this carrier, and where the parcel is
        oid, number, carrier = rows(sqlite_url, "select order_id, tracking_number, carrier from shipments "
                                                "where state = 'created' limit 1")[0]
        shown = cli("rates", oid, "--json", "-c", str(cfg))
        assert shown.returncode == 0, shown.stderr[-2000:]
        doc = json.loads(shown.stdout)
        assert doc["recorded"] and doc["chosen"]["carrier"] == carrier and doc["tracking_number"] == number
        tracked = cli("track", number, "--carrier", carrier, "--json", "-c", str(cfg))
        assert tracked.returncode == 0, tracked.stderr[-2000:]
        assert json.loads(tracked.stdout)["status"] == "info_received"
        assert cli("rates", oid, "-c", str(cfg)).returncode == 0

        for hours in (31, 50):  # out for delivery, then every parcel's last milestone
            sb.advance(hours)
            res = cli("sync", "--once", "--json", "-c", str(cfg), timeout=300)
            assert res.returncode == 0, res.stderr[-3000:]
        res = cli("sync", "--once", "--json", "-c", str(cfg), timeout=300)  # a rerun changes nothing
        assert res.returncode == 0, res.stderr[-3000:]
        # a delivery problem is a flag beside the status (the parcel stays where it got to)
        final = Counter("exception" if problem else s for (s, problem) in rows(
            sqlite_url, "select status, exception_at from shipments where state = 'created'"))
        orders = Counter(s for (s,) in rows(sqlite_url, "select status from orders"))
        print("after tracking:", dict(final), dict(orders))
        assert final["delivered"] + final["exception"] == len(shipments)
        assert orders["delivered"] == final["delivered"] and orders["exception"] == final["exception"]
        events = Counter(p["status"] for p in shop.pushes if p["kind"] == "fulfillment_event")
        assert events["delivered"] == sum(1 for (st, store) in rows(
            sqlite_url, "select s.status, o.store from shipments s join orders o on o.id = s.order_id")
            if st == "delivered" and store == "shop1")
        mails = sb.smtp.messages
        keys = Counter(m["key"] for m in mails)
        assert keys and max(keys.values()) == 1, "each customer is emailed once per milestone"
        per_milestone = Counter(k.rsplit(":", 2)[1] for k in keys)
        print("emails:", dict(per_milestone))
        assert per_milestone["shipped"] == len(shipments)
        assert per_milestone["delivered"] == final["delivered"]
        assert per_milestone["out_for_delivery"] >= final["delivered"]
