"""``orderhub incidents`` and ``/api/v1/incidents``: detect, list, show, resolve, report — from the
command line and the admin API, with errors that name the problem."""

import json

import httpx

from orderhub.db import stores as stores_db
from orderhub.web.app import create_app
from orderhub_plugins.incidents.register import sweep
from orderhub_plugins.incidents.settings import Settings
from tests.helpers import make_hub


def _config(tmp_path):
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/hub.db"\n[stores.shop]\nconnector = "files"\n'
                   f'path = "{tmp_path}"\n[plugins.incidents]\nclear_after = "0s"\n')
    return str(cfg)


def test_the_register_from_the_command_line(tmp_path, orderhub):
    cfg = _config(tmp_path)
    assert orderhub("stores", "pause", "shop", "--reason", "maintenance", "-c", cfg).returncode == 0
    out = orderhub("incidents", "detect", "-c", cfg)
    assert out.returncode == 0 and "opened   #1 store shop is paused: maintenance" in out.stdout
    (row,) = json.loads(orderhub("incidents", "list", "--json", "-c", cfg).stdout)
    assert (row["kind"], row["subject"], row["status"]) == ("store_paused", "shop", "open")
    shown = orderhub("incidents", "show", "1", "-c", cfg).stdout
    assert "store_paused shop" in shown and "store paused (operator)" in shown
    assert orderhub("stores", "resume", "shop", "-c", cfg).returncode == 0
    assert "resolved #1" in orderhub("incidents", "detect", "-c", cfg).stdout
    assert json.loads(orderhub("incidents", "list", "--json", "-c", cfg).stdout) == []
    assert len(json.loads(orderhub("incidents", "list", "--all", "--json", "-c", cfg).stdout)) == 1
    again = orderhub("incidents", "resolve", "1", "--operator", "ana", "-c", cfg)
    assert again.returncode == 1 and "already resolved" in again.stderr
    missing = orderhub("incidents", "show", "99", "-c", cfg)
    assert missing.returncode == 2 and "no incident 99" in missing.stderr
    report = json.loads(orderhub("report", "incidents", "--json", "-c", cfg).stdout)
    (kind,) = report["by_kind"]
    assert kind["kind"] == "store_paused" and kind["incidents"] == 1 and kind["resolve_median_s"] is not None


async def test_the_register_over_the_api(tmp_path, monkeypatch):
    monkeypatch.setenv("T_INC_TOKEN", "tok")
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [])
    hub.config.server.admin_token = "env:T_INC_TOKEN"
    hub.migrate()
    async with hub.engine.begin() as conn:
        await stores_db.set_state(conn, "shop", paused=True, paused_reason="maintenance")
    await sweep(hub, Settings(clear_after=0))
    auth = {"Authorization": "Bearer tok"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        assert (await api.get("/api/v1/incidents")).status_code == 401
        (inc,) = (await api.get("/api/v1/incidents", headers=auth)).json()
        assert (await api.get(f"/api/v1/incidents/{inc['id']}", headers=auth)).json()["impact"]["stores"] == 1
        assert (await api.get("/api/v1/incidents/424242", headers=auth)).status_code == 404
        assert (await api.get("/api/v1/incidents", params={"status": "later"}, headers=auth)).status_code == 422
        done = await api.post(f"/api/v1/incidents/{inc['id']}/resolve", json={"operator": "ana", "note": "fixed"},
                              headers=auth)
        assert done.status_code == 200 and done.json()["resolved_by"] == "operator:ana"
        twice = await api.post(f"/api/v1/incidents/{inc['id']}/resolve", json={"operator": "ana"}, headers=auth)
        assert twice.status_code == 409 and "already resolved" in twice.json()["detail"]
        metrics = (await api.get("/metrics")).text
        assert 'orderhub_incidents_open{kind="store_paused"} 0.0' in metrics
    await hub.aclose()
