"""``/api/v1/incidents``: the register, as the CLI has it (behind the admin token)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


MAX_ID = 2**63 - 1  # the largest id a database integer holds: larger ones are a 422, not a crash


class Resolve(BaseModel):
    operator: str = Field(min_length=1, max_length=128)
    note: str | None = Field(default=None, max_length=2000)


def register(app: Any, hub: Any) -> None:
    from fastapi import APIRouter, HTTPException, Path, Query

    from .register import NotOpen, resolve
    from .store import listing, one

    router = APIRouter()

    @router.get("", summary="Incidents, newest first (status open, resolved or all; before_id pages on)")
    async def incidents(status: str = Query("open", pattern="^(open|resolved|all)$"), kind: str | None = None,
                        limit: int = Query(100, ge=1, le=1000), before_id: int | None = Query(None, ge=1, le=MAX_ID)) -> list[dict[str, Any]]:
        async with hub.engine.connect() as conn:
            return await listing(conn, status=None if status == "all" else status, kind=kind, limit=limit,
                                 before_id=before_id)

    @router.get("/{incident_id}", summary="One incident with its impact, actions and details")
    async def incident(incident_id: int = Path(ge=1, le=MAX_ID)) -> dict[str, Any]:
        async with hub.engine.connect() as conn:
            found = await one(conn, incident_id)
        if found is None:
            raise HTTPException(404, f"no incident {incident_id}")
        return found

    @router.post("/{incident_id}/resolve", summary="Close an incident by hand")
    async def close(body: Resolve, incident_id: int = Path(ge=1, le=MAX_ID)) -> dict[str, Any]:
        try:
            return await resolve(hub, incident_id, operator=body.operator, note=body.note)
        except NotOpen as exc:
            raise HTTPException(404 if "no incident" in str(exc) else 409, str(exc)) from None

    app.include_router(router, prefix="/api/v1/incidents", tags=["incidents"])
