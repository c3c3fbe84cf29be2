"""Security checks: forged and replayed webhooks are refused, the admin API answers nothing without
its token, and no secret from the config shows up in any log line, error or stored record of a
run that goes wrong in every way it can (rejected credentials, faults, quarantined payloads)."""

import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from orderhub.cli.sandbox_cmd import sandbox_config_toml
from orderhub.config import parse_config
from orderhub.db.engine import make_sync_engine
from orderhub.hub import Hub
from orderhub.sandbox import Sandbox
from orderhub.web.app import create_app

from .helpers import assert_no_secrets


@pytest.fixture
def app_client(tmp_path, monkeypatch):
    monkeypatch.setenv("SEC_WEBHOOK_SECRET", "whsec-0123456789")
    monkeypatch.setenv("SEC_ADMIN_TOKEN", "admin-0123456789")
    monkeypatch.setenv("SEC_TOKEN", "shpat-0123456789")
    hub = Hub(parse_config({
        "database": {"url": f"sqlite:///{tmp_path / 'hub.db'}"},
        "server": {"admin_token": "env:SEC_ADMIN_TOKEN"},
        "stores": {"shop1": {"connector": "shopify", "base_url": "http://127.0.0.1:9/shopify/shop1",
                             "credentials": {"access_token": "env:SEC_TOKEN", "webhook_secret": "env:SEC_WEBHOOK_SECRET"}}},
    }))
    hub.migrate()
    with TestClient(create_app(hub)) as client:
        yield client, tmp_path / "hub.db"


def counts(db):
    engine = make_sync_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        out = tuple(conn.execute(sa.text(f"select count(*) from {t}")).scalar_one()
                    for t in ("webhook_deliveries", "orders", "order_versions", "quarantine"))
    engine.dispose()
    return out


def test_forged_webhooks_are_refused_and_replays_are_not_applied_twice(app_client, figures):
    from orderhub_connectors.shopify.emulator import ShopifyShop

    client, db = app_client
    shop = ShopifyShop(name="shop1", count=5, seed=3)
    shop.webhook_secret = "whsec-0123456789"
    body = json.dumps(shop.order(1), default=str).encode()
    good = shop.webhook_headers("orders/updated", body, "delivery-1")

    forged = [
        {**good, "X-Shopify-Hmac-Sha256": shop.sign(body + b" ")},           # signature of another body
        {k: v for k, v in good.items() if k != "X-Shopify-Hmac-Sha256"},      # no signature
        {**good, "X-Shopify-Hmac-Sha256": "not base64 at all"},
    ]
    for headers in forged:
        resp = client.post("/webhooks/shop1", content=body, headers=headers)
        assert resp.status_code == 401 and resp.json()["error"] == "forged_webhook"
    tampered = body.replace(b'"financial_status"', b'"financial_status_x"')
    assert client.post("/webhooks/shop1", content=tampered, headers=good).status_code == 401
    assert counts(db) == (0, 0, 0, 0), "a refused delivery stores nothing"

    first = client.post("/webhooks/shop1", content=body, headers=good)
    assert first.json()["status"] == "stored"
    replays = [client.post("/webhooks/shop1", content=body, headers=good) for _ in range(3)]
    assert {r.json()["status"] for r in replays} == {"duplicate"}
    # a genuine re-signed body under an old delivery id is the same delivery: not applied again
    changed = json.dumps({**shop.order(1), "note": "changed"}, default=str).encode()
    again = client.post("/webhooks/shop1", content=changed,
                        headers={**good, "X-Shopify-Hmac-Sha256": shop.sign(changed)})
    assert again.json()["status"] == "duplicate"
    assert counts(db) == (1, 1, 1, 0)
    figures("webhooks: 4 forged refused (401), 4 replays acknowledged as duplicate, 1 delivery stored once")


def test_the_admin_api_answers_nothing_without_its_token(app_client):
    client, _ = app_client
    paths = [r.path for r in client.app.routes if getattr(r, "path", "").startswith("/api/")]
    assert len(paths) >= 5
    for path in paths:
        url = path.replace("{ref}", "x").replace("{order_id}", "x").replace("{store}", "shop1").replace("{key}", "x")
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "admin-0123456789"},
                        {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            for method in ("GET", "POST"):
                resp = client.request(method, url, headers=headers)
                assert resp.status_code == 401, (method, url, headers, resp.status_code)
                assert "admin-0123456789" not in resp.text
    assert client.get("/api/v1/stores", headers={"Authorization": "Bearer admin-0123456789"}).status_code == 200


def test_without_a_configured_token_the_admin_api_is_off(tmp_path):
    hub = Hub(parse_config({"database": {"url": f"sqlite:///{tmp_path / 'hub.db'}"}}))
    hub.migrate()
    with TestClient(create_app(hub)) as client:
        resp = client.get("/api/v1/stores", headers={"Authorization": "Bearer "})
        assert resp.status_code == 401 and "admin_token" in resp.json()["detail"]


@pytest.mark.slow
def test_no_secret_appears_in_the_logs_errors_or_records_of_a_run_gone_wrong(tmp_path, cli, sqlite_url, figures):
    with Sandbox(shopify=2, woocommerce=1, orders=150, malformed=0.05, woo_rate=0) as sb:
        for shop in sb.shops.values():
            shop.faults.storm, shop.faults.error_rate, shop.faults.reset_rate = 0.1, 0.1, 0.05
        stores = sb.store_configs(tmp_path / "secrets")
        for sc in stores.values():
            sc.update(page_size=25)
        cfg = tmp_path / "orderhub.toml"
        cfg.write_text(sandbox_config_toml(stores, db=sqlite_url, carriers=sb.carrier_configs(tmp_path / "secrets"))
                       .replace('level = "warning"', 'level = "debug"\nformat = "json"'))
        # one store's token is revoked by the shop: every request of it is refused with 401
        sb.shops["shop2"].access_token = "revoked-" + sb.shops["shop2"].access_token
        outputs = []
        for args in (["sync", "--once", "--json"], ["status", "--json"], ["stores", "list", "--json"],
                     ["quarantine", "list", "--json"], ["check"], ["track", "1Z999AA10123456784", "--carrier", "ups"]):
            res = cli(*args, "-c", str(cfg), timeout=300)
            outputs.append(f"$ orderhub {' '.join(args)} (exit {res.returncode})\n{res.stdout}\n{res.stderr}")
        text = "\n".join(outputs)
        assert "store_paused" in text or "unauthorized" in text, "the revoked token should have been noticed"
        engine = make_sync_engine(sqlite_url)
        with engine.connect() as conn:
            stored = [str(v) for t, c in (("store_state", "last_error"), ("pushes", "last_error"),
                                          ("quarantine", "error"), ("order_events", "reason"),
                                          ("store_state", "paused_reason"))
                      for (v,) in conn.execute(sa.text(f"select {c} from {t} where {c} is not null"))]
        engine.dispose()
        checked = assert_no_secrets([text, *stored], tmp_path / "secrets")
        lines = text.count("\n")
        figures(f"secrets: {checked} secret values searched in {lines} lines of output and {len(stored)} stored "
                f"errors; 0 found")
