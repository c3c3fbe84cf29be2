"""``/docs`` works offline and offers the bearer token (issue #13: Swagger UI came from a CDN, blank
without internet, and the OpenAPI document declared no security scheme, so no Authorize button)."""

import asyncio

import orjson
from fastapi.testclient import TestClient

from orderhub.db import orders as store
from orderhub.db.common import payload_hash
from orderhub.db.orders import Ingested
from orderhub.models import Order

from orderhub.config import parse_config
from orderhub.hub import Hub
from orderhub.web.app import create_app

from .conftest import FIXTURE
from .helpers import make_hub


def test_docs_are_served_from_the_package_and_declare_the_bearer_scheme(tmp_path):
    hub = Hub(parse_config({"database": {"url": f"sqlite:///{tmp_path}/hub.db"}}))
    client = TestClient(create_app(hub))
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "/docs/assets/swagger-ui-bundle.js" in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/docs/assets/{asset}").status_code == 200
    doc = client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "server.admin_token of the worker's config"}
    assert doc["paths"]["/api/v1/orders"]["get"]["security"] == [{"HTTPBearer": []}]
    assert client.get("/api/v1/orders").status_code == 401


def test_the_list_routes_say_how_many_match_and_page(tmp_path, monkeypatch):
    """``GET /api/v1/orders`` and ``/review`` answer ``X-Total-Count`` beside the page."""

    monkeypatch.setenv("T_ADMIN", "tok")
    url = f"sqlite:///{tmp_path}/hub.db"
    hub = make_hub(url, [], stores={"shop": {"connector": "files", "path": str(tmp_path), "chain": []}})
    hub.config.server.admin_token = "env:T_ADMIN"
    hub.migrate()

    async def seed():
        rows = []
        for i in range(7):
            raw = orjson.loads(FIXTURE.read_bytes()) | {"external_id": f"T-{i}"}
            rows.append(Ingested(Order.model_validate({**raw, "store": "shop", "channel": "files"}), raw,
                                 payload_hash(raw)))
        async with hub.engine.begin() as conn:
            await store.upsert_orders(conn, rows)
        await hub.aclose()
    asyncio.run(seed())
    client = TestClient(create_app(hub))
    auth = {"Authorization": "Bearer tok"}
    page = client.get("/api/v1/orders", params={"limit": 3, "offset": 3}, headers=auth)
    assert page.status_code == 200 and page.headers["X-Total-Count"] == "7" and len(page.json()) == 3
    none = client.get("/api/v1/orders", params={"since": "2100-01-01"}, headers=auth)
    assert none.headers["X-Total-Count"] == "0" and none.json() == []
    review = client.get("/api/v1/review", headers=auth)
    assert review.headers["X-Total-Count"] == "0"
