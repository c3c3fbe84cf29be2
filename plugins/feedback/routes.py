"""``/api/v1/feedback``: the queue and its moves, as the CLI has them (behind the admin token)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


MAX_ID = 2**63 - 1  # the largest id a database integer holds: larger ones are a 422, not a crash


class Move(BaseModel):
    operator: str = Field(min_length=1, max_length=128)
    text: str | None = Field(default=None, max_length=5000)  # the reply (respond) or the reason (resolve, dismiss)
    to: str | None = Field(default=None, max_length=128)  # assign: hand it to this operator


class Import(BaseModel):
    source: str = Field(default="import", min_length=1, max_length=64)
    rows: list[dict[str, Any]] = Field(max_length=10_000)


def register(app: Any, hub: Any) -> None:
    from fastapi import APIRouter, HTTPException, Path

    from orderhub.extend import ConfigError

    from . import store
    from .cli import _check, _item
    from .importer import import_rows
    from .triage import ACTIONS, Refused, act, NotFound

    router = APIRouter()

    @router.get("", summary="The feedback queue, most urgent first")
    async def listing(status: str | None = None, priority: str | None = None, category: str | None = None,
                      order_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        try:
            _check(status=status, priority=priority, category=category)
        except ConfigError as exc:
            raise HTTPException(422, str(exc)) from None
        async with hub.engine.connect() as conn:
            return await store.listing(conn, status=status, priority=priority, category=category,
                                       order_id=order_id, limit=max(1, min(limit, 1000)))

    @router.get("/quarantine", summary="Rows refused on import, with the reason")
    async def refused() -> list[dict[str, Any]]:
        async with hub.engine.connect() as conn:
            return await store.refused(conn)

    @router.get("/{item_id}", summary="One item with its moves")
    async def one(item_id: int = Path(ge=1, le=MAX_ID)) -> dict[str, Any]:
        try:
            return await _item(hub, item_id)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None

    @router.post("/import", summary="Import feedback rows (id, order_ref, channel, kind, rating, text, created_at)")
    async def import_(body: Import) -> dict[str, Any]:
        return (await import_rows(hub, body.rows, source=body.source)).as_json()

    @router.post("/{item_id}/{action}", summary="assign, respond, resolve or dismiss")
    async def move(action: str, body: Move, item_id: int = Path(ge=1, le=MAX_ID)) -> dict[str, Any]:
        if action not in ACTIONS:
            raise HTTPException(404, f"no action {action!r}; the actions are {', '.join(ACTIONS)}")
        try:
            return await act(hub, item_id, action, body.operator, text=body.text, to=body.to)
        except (NotFound, Refused) as exc:
            raise HTTPException(exc.http, str(exc)) from None

    app.include_router(router, prefix="/api/v1/feedback", tags=["feedback"])
