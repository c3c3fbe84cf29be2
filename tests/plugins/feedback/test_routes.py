"""``/api/v1/feedback`` (issue #18): the queue, one item, the moves and an import, behind the admin
token, with 404, 409 and 422 that name the problem."""

import httpx

from orderhub.web.app import create_app
from tests.helpers import make_hub


async def test_the_api_works_the_queue(tmp_path, monkeypatch):
    monkeypatch.setenv("T_FEEDBACK_TOKEN", "tok")
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [])
    hub.config.server.admin_token = "env:T_FEEDBACK_TOKEN"
    hub.migrate()
    auth = {"Authorization": "Bearer tok"}
    rows = [{"id": "W1", "kind": "complaint", "rating": 1, "created_at": "2026-12-01T08:00:00Z",
             "text": "I will sue you: the kettle exploded and burned my hand."},
            {"id": "W2", "kind": "review", "rating": 4, "created_at": "2026-12-01T09:00:00Z", "text": "发货快，很满意"},
            {"id": "W3", "kind": "nonsense", "created_at": "2026-12-01T09:00:00Z"}]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        assert (await api.get("/api/v1/feedback")).status_code == 401
        done = (await api.post("/api/v1/feedback/import", json={"source": "desk", "rows": rows}, headers=auth)).json()
        assert (done["new"], done["quarantined"]) == (2, 1) and "kind" in done["errors"][0]["error"]
        queue = (await api.get("/api/v1/feedback", headers=auth)).json()
        assert [(q["external_id"], q["priority"]) for q in queue][0] == ("W1", "urgent")
        assert {"category", "sentiment", "language", "score", "cues"} <= set(queue[0])
        first = queue[0]["id"]
        bad = await api.get("/api/v1/feedback", params={"priority": "soon"}, headers=auth)
        assert bad.status_code == 422 and "urgent, high, normal, low" in bad.json()["detail"]
        moved = await api.post(f"/api/v1/feedback/{first}/respond", json={"operator": "ana", "text": "Calling you now."},
                               headers=auth)
        assert moved.status_code == 200 and moved.json()["status"] == "responded"
        again = await api.post(f"/api/v1/feedback/{first}/respond", json={"operator": "ana", "text": "x"}, headers=auth)
        assert again.status_code == 409 and "is responded" in again.json()["detail"]
        empty = await api.post(f"/api/v1/feedback/{first}/resolve", json={"operator": "ana"}, headers=auth)
        assert empty.status_code == 422 and "reason" in empty.json()["detail"]
        assert (await api.post(f"/api/v1/feedback/{first}/explode", json={"operator": "a"}, headers=auth)).status_code == 404
        assert (await api.get("/api/v1/feedback/424242", headers=auth)).status_code == 404
        item = (await api.get(f"/api/v1/feedback/{first}", headers=auth)).json()
        assert [m["to_status"] for m in item["moves"]] == ["new", "responded"]
        refused = (await api.get("/api/v1/feedback/quarantine", headers=auth)).json()
        assert refused[0]["row"]["kind"] == "nonsense"
    await hub.aclose()
