"""What an operator can do, shared by the CLI and the admin API: review decisions, quarantine work."""

from __future__ import annotations

from typing import Any

from .connector import RawRecord
from .db import orders as order_store
from .db import quarantine as q
from .db import review
from .errors import RecordError
from .hub import Hub
from .ingest import normalize


async def _resolve_order(conn: Any, ref: str) -> str:
    row = await order_store.find_order(conn, ref)
    if row is None:
        raise RecordError(f"no order matches {ref!r}", code="not_found")
    return row["id"]


async def approve(hub: Hub, ref: str, *, operator: str, reason: str | None) -> dict[str, Any]:
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        oid = await _resolve_order(conn, ref)
        status = await review.approve(conn, oid, operator=operator, reason=reason, notices=notices)
    await hub.notify(notices)
    return {"order_id": oid, "status": status, "resolution": "approved"}


async def reject(hub: Hub, ref: str, *, operator: str, reason: str | None) -> dict[str, Any]:
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        oid = await _resolve_order(conn, ref)
        await review.reject(conn, oid, operator=operator, reason=reason, notices=notices)
    await hub.notify(notices)
    return {"order_id": oid, "status": "cancelled", "resolution": "rejected"}


async def replay_quarantined(hub: Hub, qid: int, *, operator: str = "cli") -> dict[str, Any]:
    """Map a quarantined payload again with today's code; store it when it now passes."""
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        row = await q.get_quarantined(conn, qid)
        if row is None:
            raise RecordError(f"no quarantined record {qid}", code="not_found")
        if row["status"] != "open":
            raise RecordError(f"quarantined record {qid} is already {row['status']}", code="not_open")
        connector = hub.connector(row["store"])
        try:
            ingested = normalize(connector, RawRecord(row["raw"], external_id=row["external_id"],
                                                      location=row["location"]))
        except RecordError as exc:
            await q.record_failed_replay(conn, qid, exc)
            return {"id": qid, "result": "still_invalid", "error": exc.message}
        up = await order_store.upsert_orders(conn, [ingested], actor=f"operator:{operator}")
        await q.resolve(conn, qid, "replayed", by=operator)
        notices += up.notices
    await hub.notify(notices)
    return {"id": qid, "result": "stored", "order_id": ingested.order.id}


async def drop_quarantined(hub: Hub, qid: int, *, operator: str, reason: str | None) -> dict[str, Any]:
    async with hub.engine.begin() as conn:
        row = await q.get_quarantined(conn, qid)
        if row is None:
            raise RecordError(f"no quarantined record {qid}", code="not_found")
        await q.resolve(conn, qid, "dropped", by=f"{operator}: {reason}" if reason else operator)
    return {"id": qid, "result": "dropped"}
