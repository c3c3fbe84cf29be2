"""``/api/v1/risk`` and the order's ``risk`` section in ``GET /api/v1/orders/{ref}``, behind the
admin token, with 404 and 422 that name the problem."""

import httpx

from orderhub.db import orders as order_store
from orderhub.web.app import create_app
from tests.helpers import make_hub
from tests.plugins.risk.test_step import run


async def test_outcomes_and_tuning_over_the_api(tmp_path, monkeypatch, make_ingested):
    monkeypatch.setenv("T_RISK_TOKEN", "tok")
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [{"step": "risk"}])
    hub.config.server.admin_token = "env:T_RISK_TOKEN"
    hub.migrate()
    item = make_ingested("API-1", customer={"name": "X", "email": "x@mailinator.com"})
    async with hub.engine.begin() as conn:
        await order_store.upsert_orders(conn, [item])
    await run(hub, [item.order])
    auth = {"Authorization": "Bearer tok"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        assert (await api.get("/api/v1/risk/outcomes")).status_code == 401
        shown = (await api.get("/api/v1/orders/API-1", headers=auth)).json()
        assert shown["risk"]["signals"][0]["name"] == "disposable_email"
        marked = await api.post("/api/v1/risk/outcomes", headers=auth,
                                json={"order": "API-1", "outcome": "chargeback", "operator": "ana", "note": "bank"})
        assert marked.status_code == 200 and marked.json()["outcome"] == "chargeback"
        missing = await api.post("/api/v1/risk/outcomes", headers=auth,
                                 json={"order": "nope", "outcome": "fraud", "operator": "ana"})
        assert missing.status_code == 404 and "no order matches 'nope'" in missing.json()["detail"]
        wrong = await api.post("/api/v1/risk/outcomes", headers=auth,
                               json={"order": "API-1", "outcome": "maybe", "operator": "ana"})
        assert wrong.status_code == 422 and "one of fraud, chargeback, legit" in wrong.json()["detail"]
        listed = (await api.get("/api/v1/risk/outcomes", headers=auth)).json()
        assert [(o["outcome"], o["actor"]) for o in listed] == [("chargeback", "operator:ana")]
        thin = await api.post("/api/v1/risk/tune", headers=auth)
        assert thin.status_code == 422 and "not enough outcomes" in thin.json()["detail"]
        shown = (await api.get("/api/v1/orders/API-1", headers=auth)).json()
        assert shown["risk"]["outcome"]["outcome"] == "chargeback"
    await hub.aclose()
