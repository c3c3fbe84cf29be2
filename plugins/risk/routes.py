"""``/api/v1/risk``: outcomes and tuning, as the CLI has them (behind the admin token)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Outcome(BaseModel):
    order: str = Field(min_length=1, max_length=200, description="Order id, store:external_id, external id or number.")
    outcome: str = Field(description="fraud, chargeback or legit")
    operator: str = Field(min_length=1, max_length=128)
    note: str | None = Field(default=None, max_length=2000)


def register(app: Any, hub: Any) -> None:
    from fastapi import APIRouter, HTTPException, Query

    from orderhub.extend import ConfigError, RecordError

    from .service import list_outcomes, mark, tune

    router = APIRouter()

    @router.get("/outcomes", summary="Outcomes recorded, newest first")
    async def outcomes(limit: int = Query(100, ge=1, le=10_000)) -> list[dict[str, Any]]:
        return await list_outcomes(hub, limit=limit)

    @router.post("/outcomes", summary="Record what became of an order: fraud, chargeback or legit")
    async def record(body: Outcome) -> dict[str, Any]:
        try:
            return await mark(hub, body.order, body.outcome, actor=f"operator:{body.operator}", note=body.note)
        except RecordError as exc:
            raise HTTPException(404 if exc.code == "not_found" else 422, exc.message) from None

    @router.post("/tune", summary="Re-estimate the signals' points from outcomes (apply=true stores them)")
    async def tuning(apply: bool = False, review_above: int = Query(40, ge=0, le=100),
                     high_above: int = Query(70, ge=0, le=100), min_support: int = Query(5, ge=1),
                     settled_days: int = Query(60, ge=0, le=3650),
                     operator: str = Query("api", min_length=1, max_length=128)) -> dict[str, Any]:
        try:
            return await tune(hub, review_above=review_above, high_above=high_above, min_support=min_support,
                              apply=apply, actor=f"operator:{operator}", settled_days=settled_days)
        except ConfigError as exc:
            raise HTTPException(422, str(exc)) from None

    app.include_router(router, prefix="/api/v1/risk", tags=["risk"])
