"""``/docs`` works offline and offers the bearer token (issue #13: Swagger UI came from a CDN, blank
without internet, and the OpenAPI document declared no security scheme, so no Authorize button)."""

from fastapi.testclient import TestClient

from orderhub.config import parse_config
from orderhub.hub import Hub
from orderhub.server import create_app


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
