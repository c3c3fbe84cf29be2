"""``orderhub carriers``: list the carrier accounts, pause one during an outage (select_carrier
skips it, fulfil falls back), resume it; an unknown name is refused naming the known ones."""

import json


def test_pause_and_resume_a_carrier(tmp_path, orderhub):
    (tmp_path / "rates.csv").write_text("service,zone,max_weight_g,price,currency,transit_days\n"
                                        "std,1,5000,4.10,USD,2\n")
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/hub.db"\n'
                   f'[carriers.local]\nconnector = "table"\nrates = "{tmp_path}/rates.csv"\n'
                   f'zones = {{ US = "1" }}\n'
                   f'[stores.shop]\nconnector = "files"\npath = "{tmp_path}"\n')
    listed = json.loads(orderhub("carriers", "list", "--json", "-c", str(cfg)).stdout)
    assert [(c["carrier"], c["paused"], c["circuit"]) for c in listed] == [("local", False, "closed")]
    out = orderhub("carriers", "pause", "local", "--reason", "depot flooded", "--operator", "ana", "-c", str(cfg))
    assert out.returncode == 0 and "paused carrier local" in out.stdout
    (row,) = json.loads(orderhub("carriers", "list", "--json", "-c", str(cfg)).stdout)
    assert (row["paused"], row["paused_reason"]) == (True, "depot flooded")
    assert orderhub("carriers", "resume", "local", "-c", str(cfg)).returncode == 0
    (row,) = json.loads(orderhub("carriers", "list", "--json", "-c", str(cfg)).stdout)
    assert row["paused"] is False and row["paused_reason"] is None
    unknown = orderhub("carriers", "pause", "nope", "-c", str(cfg))
    assert unknown.returncode == 2 and "no carrier 'nope'" in unknown.stderr and "local" in unknown.stderr


async def test_pause_and_resume_a_carrier_over_the_api(tmp_path, monkeypatch):
    import httpx

    from orderhub.web.app import create_app
    from tests.helpers import make_hub

    (tmp_path / "rates.csv").write_text("service,zone,max_weight_g,price,currency,transit_days\nstd,1,5000,4.10,USD,2\n")
    monkeypatch.setenv("T_CARRIER_TOKEN", "tok")
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [])
    hub.config.server.admin_token = "env:T_CARRIER_TOKEN"
    from orderhub.config import parse_config

    hub.config.carriers.update(parse_config({"carriers": {"local": {
        "connector": "table", "rates": str(tmp_path / "rates.csv"), "zones": {"US": "1"}}}}).carriers)
    hub.migrate()
    auth = {"Authorization": "Bearer tok"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        assert (await api.get("/api/v1/carriers")).status_code == 401
        done = await api.post("/api/v1/carriers/local/pause", json={"operator": "ana", "reason": "strike"}, headers=auth)
        assert done.status_code == 200 and done.json() == {"carrier": "local", "paused": True}
        (row,) = (await api.get("/api/v1/carriers", headers=auth)).json()
        assert (row["paused"], row["paused_reason"]) == (True, "strike")
        unknown = await api.post("/api/v1/carriers/nope/pause", json={"operator": "ana"}, headers=auth)
        assert unknown.status_code in (400, 404, 422) and "no carrier 'nope'" in unknown.text
        assert (await api.post("/api/v1/carriers/local/resume", json={"operator": "ana"}, headers=auth)).json()["paused"] is False
    await hub.aclose()
