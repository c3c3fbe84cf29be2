"""``GET /api/v1/reports/{name}``: the same reports and parameters as ``orderhub report``, as JSON
(or ``?format=html``: the page). Behind the admin token, as everything under ``/api/``."""

from __future__ import annotations

from datetime import date
from typing import Any

from orderhub.extend import ConfigError


def register(app: Any, hub: Any) -> None:
    from fastapi import APIRouter, HTTPException, Query
    from fastapi.responses import HTMLResponse

    from . import service
    from .page import page

    router = APIRouter()

    @router.get("/{name}", summary="A report: sales or process")
    async def report(name: str, first: date | None = Query(None, alias="from", description="First local day"),
                     last: date | None = Query(None, alias="to", description="Last local day, inclusive"),
                     by: str = "day", tz: str = "UTC", store: str | None = None, channel: str | None = None,
                     format: str = Query("json", pattern="^(json|html)$")) -> Any:
        try:
            p = service.params(first=first, last=last, by=by, tz=tz, store=store, channel=channel)
            made = await service.make(hub, name, p)
        except ConfigError as exc:
            raise HTTPException(404 if name not in service.names() else 422, str(exc)) from None
        if format == "html":
            return HTMLResponse(page([made], f"orderhub {made.name} report"))
        return made.as_json()

    app.include_router(router, prefix="/api/v1/reports", tags=["reports"])
