"""The HTTP face of the daemon: webhooks, the admin API, health and metrics (FastAPI on uvicorn).

- ``POST /webhooks/{store}``: verified by the store's connector, deduplicated by delivery id, stored,
  acknowledged; the chain runs right after, in the background.
- ``/api/v1/...``: orders, review, quarantine, inventory, stores, stats — every route needs
  ``Authorization: Bearer <server.admin_token>``; a bad token is a 401, logged without the token.
- ``/healthz`` (the process answers), ``/readyz`` (database reachable, engine running), ``/metrics``.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response, Security
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from orderhub import __version__
from orderhub.ops import actions as operations
from orderhub.secrets import resolve_secret
from orderhub.db import inventory as inv
from orderhub.db import orders as order_store
from orderhub.db import pushes as push_store
from orderhub.db import quarantine as q
from orderhub.db import review, stores as stores_db
from orderhub.errors import ConfigError, OrderhubError, RecordError
from orderhub.logging import get_logger
from orderhub.intake.webhooks import WebhookIntake
from orderhub.notices import WebhookRefused

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()
MAX_ID = 2**63 - 1  # the largest integer both databases store


class Decision(BaseModel):
    operator: str = Field(min_length=1, max_length=128)
    reason: str | None = Field(default=None, max_length=2000)


class ReplayFilter(BaseModel):
    """Which open quarantined records a bulk replay takes (every filter optional)."""
    operator: str = Field(min_length=1, max_length=128)
    store: str | None = Field(default=None, max_length=64)
    since: datetime | None = None
    error_code: str | None = Field(default=None, max_length=64)


class RetryFilter(BaseModel):
    """Which dead pushes a bulk retry takes (every filter optional)."""
    store: str | None = Field(default=None, max_length=64)
    target: str | None = Field(default=None, max_length=128)
    kind: str | None = Field(default=None, max_length=32)
    since: datetime | None = None


class CarrierPause(BaseModel):
    operator: str = Field(min_length=1, max_length=128)
    reason: str = Field(default="paused by an operator", max_length=2000)


class PauseRequest(BaseModel):
    reason: str = Field(default="paused by an operator", max_length=2000)


def _offline_docs(app: FastAPI) -> None:
    """``/docs`` from Swagger UI's files shipped in the ``swagger-ui-bundle`` package: FastAPI's
    default loads them from a CDN, which leaves the page blank on a machine without internet."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="orderhub admin API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon-32x32.png")


def create_app(hub: Hub, *, on_webhook: Callable[[str], Any] | None = None,
               ready: Callable[[], bool] | None = None) -> FastAPI:
    app = FastAPI(title="orderhub", version=__version__, docs_url=None,
                  description="Webhooks and the admin API of an orderhub worker.")
    _offline_docs(app)
    intake = WebhookIntake(hub)
    app.state.intake = intake
    token_ref = hub.config.server.admin_token
    token = resolve_secret(token_ref, key="server.admin_token").get_secret_value() if token_ref else None

    def admin(request: Request) -> None:
        given = request.headers.get("authorization", "")
        if token is None:
            raise HTTPException(401, "the admin API is disabled: set server.admin_token")
        if not (given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())):
            log.warning("admin_unauthorized", path=request.url.path, client=request.client.host if request.client else None)
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    def admin_token(request: Request, _: Any = Security(HTTPBearer(auto_error=False, description=(
            "server.admin_token of the worker's config")))) -> None:
        """The route dependency: declares the bearer scheme in the OpenAPI document (Swagger's
        Authorize button); the middleware below has already refused a wrong token."""
        admin(request)

    @app.middleware("http")
    async def guard_admin(request: Request, call_next: Any) -> Response:
        # Checked before routing and body parsing: without the token, nothing under /api/ answers at
        # all — not even a 422 that would show the route exists.
        if request.url.path.startswith("/api/"):
            try:
                admin(request)
            except HTTPException as exc:
                return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return await call_next(request)

    @app.exception_handler(RecordError)
    async def _record(_: Request, exc: RecordError) -> JSONResponse:
        status = 404 if exc.code in ("not_found",) else 409
        return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=status)

    @app.exception_handler(ConfigError)
    async def _config(_: Request, exc: ConfigError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=404)

    # -- health, metrics ------------------------------------------------------------------

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        try:
            async with hub.engine.connect() as conn:
                await conn.execute(sa.text("select 1"))
            db = True
        except Exception:  # noqa: BLE001 - any failure means not ready
            db = False
        engine = ready() if ready else True
        ok = db and engine
        return JSONResponse({"database": db, "engine": engine}, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["health"])
    async def metrics() -> Response:
        await hub.metrics.refresh()
        return Response(hub.metrics.render(), media_type="text/plain; version=0.0.4")

    # -- webhooks -------------------------------------------------------------------------

    @app.post("/webhooks/{store}", tags=["webhooks"])
    async def webhook(store: str, request: Request) -> JSONResponse:
        if store not in hub.config.stores:
            return JSONResponse({"error": "unknown_store"}, status_code=404)
        body = await request.body()
        try:
            result = await intake.submit(store, dict(request.headers), body)
        except RecordError as exc:
            hub.metrics.webhooks.labels(store, exc.code).inc()
            status = 401 if exc.code == "forged_webhook" else 400
            log.warning("webhook_refused", store=store, code=exc.code, error=exc.message)
            await hub.notify([WebhookRefused(store=store, code=exc.code, error=exc.message)])
            return JSONResponse({"error": exc.code}, status_code=status)
        except OrderhubError as exc:
            return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=400)
        hub.metrics.webhooks.labels(store, result.status).inc()
        if result.status == "stored" and on_webhook is not None:
            on_webhook(store)
        return JSONResponse({"status": result.status, "delivery_id": result.delivery_id})

    # -- admin API ------------------------------------------------------------------------

    api = Depends(admin_token)

    @app.get("/api/v1/orders", tags=["orders"], dependencies=[api])
    async def list_orders(response: Response, store: str | None = None, status: str | None = None,
                          since: datetime | None = None, until: datetime | None = None,
                          customer: str | None = Query(None, max_length=200),
                          limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_ID)) -> list[dict[str, Any]]:
        """Newest first; ``X-Total-Count`` says how many match (page with ``offset``)."""
        where = order_store.OrderFilter(store=store, status=status, since=since, until=until, customer=customer)
        async with hub.engine.connect() as conn:
            response.headers["X-Total-Count"] = str(await order_store.count_orders(conn, where))
            return await order_store.list_orders(conn, where=where, limit=limit, offset=offset)

    @app.get("/api/v1/orders/{ref}", tags=["orders"], dependencies=[api])
    async def get_order(ref: str) -> dict[str, Any]:
        doc = await operations.order_view(hub, ref)
        if doc is None:
            raise HTTPException(404, f"no order matches {ref!r}")
        return doc

    @app.get("/api/v1/review", tags=["review"], dependencies=[api])
    async def list_review(response: Response, store: str | None = None, reason: str | None = None,
                          since: datetime | None = None, until: datetime | None = None,
                          customer: str | None = Query(None, max_length=200),
                          limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_ID)) -> list[dict[str, Any]]:
        """Oldest hold first; ``X-Total-Count`` says how many match (page with ``offset``)."""
        where = order_store.OrderFilter(store=store, since=since, until=until, customer=customer)
        async with hub.engine.connect() as conn:
            response.headers["X-Total-Count"] = str(await review.count_reviews(conn, reason=reason, where=where))
            return await review.list_reviews(conn, reason=reason, where=where, limit=limit, offset=offset)

    @app.post("/api/v1/review/{ref}/approve", tags=["review"], dependencies=[api])
    async def approve(ref: str, decision: Decision) -> dict[str, Any]:
        out = await operations.approve(hub, ref, operator=decision.operator, reason=decision.reason)
        if on_webhook is not None:
            on_webhook(await _store_of(out["order_id"]))
        return out

    @app.post("/api/v1/review/{ref}/reject", tags=["review"], dependencies=[api])
    async def reject(ref: str, decision: Decision) -> dict[str, Any]:
        out = await operations.reject(hub, ref, operator=decision.operator, reason=decision.reason)
        if on_webhook is not None:
            on_webhook(await _store_of(out["order_id"]))
        return out

    async def _store_of(oid: str) -> str:
        async with hub.engine.connect() as conn:
            return (await order_store.load_order(conn, oid))["store"]  # type: ignore[index]

    @app.get("/api/v1/quarantine", tags=["quarantine"], dependencies=[api])
    async def list_quarantine(store: str | None = None, status: str = "open",
                              limit: int = Query(100, ge=1, le=1000)) -> list[dict[str, Any]]:
        async with hub.engine.connect() as conn:
            return await q.list_quarantine(conn, store=store, status=None if status == "all" else status, limit=limit)

    @app.post("/api/v1/quarantine/replay", tags=["quarantine"], dependencies=[api])
    async def replay_matching(body: ReplayFilter) -> list[dict[str, Any]]:
        """Replay every open record matching the filters, each on its own; the results."""
        return await operations.replay_matching(hub, store=body.store, since=body.since, error_code=body.error_code,
                                                operator=body.operator)

    @app.post("/api/v1/pushes/retry", tags=["pushes"], dependencies=[api])
    async def retry_pushes(body: RetryFilter) -> dict[str, Any]:
        """Make every dead push matching the filters due again (original idempotency keys)."""
        ids = await operations.retry_dead_pushes(hub, store=body.store, target=body.target, kind=body.kind,
                                                 since=body.since)
        return {"queued": len(ids), "ids": ids}

    @app.post("/api/v1/quarantine/{qid}/replay", tags=["quarantine"], dependencies=[api])
    async def replay(decision: Decision, qid: int = Path(ge=1, le=MAX_ID)) -> dict[str, Any]:
        return await operations.replay_quarantined(hub, qid, operator=decision.operator)

    @app.post("/api/v1/quarantine/{qid}/drop", tags=["quarantine"], dependencies=[api])
    async def drop(decision: Decision, qid: int = Path(ge=1, le=MAX_ID)) -> dict[str, Any]:
        return await operations.drop_quarantined(hub, qid, operator=decision.operator, reason=decision.reason)

    @app.get("/api/v1/inventory", tags=["inventory"], dependencies=[api])
    async def inventory(sku: str | None = None, location: str | None = None, low: bool = False) -> list[dict[str, Any]]:
        async with hub.engine.connect() as conn:
            return await inv.list_levels(conn, sku=sku, location=location, low_only=low)

    @app.get("/api/v1/stores", tags=["stores"], dependencies=[api])
    async def list_stores() -> list[dict[str, Any]]:
        async with hub.engine.connect() as conn:
            states = await stores_db.states(conn)
        return [{"store": n, "connector": sc.connector, "enabled": sc.enabled,
                 **{k: v for k, v in states.get(n, {}).items() if k != "store"}} for n, sc in hub.config.stores.items()]

    @app.post("/api/v1/stores/{store}/pause", tags=["stores"], dependencies=[api])
    async def pause(store: str, body: PauseRequest) -> dict[str, Any]:
        return await operations.set_store_paused(hub, store, True, reason=body.reason)

    @app.post("/api/v1/stores/{store}/resume", tags=["stores"], dependencies=[api])
    async def resume(store: str) -> dict[str, Any]:
        return await operations.set_store_paused(hub, store, False, reason=None)

    @app.get("/api/v1/carriers", tags=["carriers"], dependencies=[api])
    async def list_carriers() -> list[dict[str, Any]]:
        return await operations.carrier_states(hub)

    @app.post("/api/v1/carriers/{carrier}/pause", tags=["carriers"], dependencies=[api])
    async def pause_carrier(carrier: str, body: CarrierPause) -> dict[str, Any]:
        """No more labels with this carrier: select_carrier skips it, fulfil falls back to the runner-up."""
        return await operations.set_carrier_paused(hub, carrier, True, reason=body.reason, operator=body.operator)

    @app.post("/api/v1/carriers/{carrier}/resume", tags=["carriers"], dependencies=[api])
    async def resume_carrier(carrier: str, body: Decision) -> dict[str, Any]:
        return await operations.set_carrier_paused(hub, carrier, False, reason=None, operator=body.operator)

    @app.get("/api/v1/stats", tags=["stats"], dependencies=[api])
    async def stats() -> dict[str, Any]:
        async with hub.engine.connect() as conn:
            return {"orders": await order_store.count_by_status(conn), "review": await review.count_open(conn),
                    "quarantine": await q.count_open(conn), "pushes": await push_store.count_by_status(conn)}

    hub.plugins.hook.register_routes(app=app, hub=hub)  # plugins' routes; under /api/ the token guards them too
    return app
