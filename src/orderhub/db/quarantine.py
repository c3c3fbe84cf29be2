"""Quarantine: payloads that could not be parsed or validated, kept whole with the error."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from orderhub.errors import OrderhubError
from orderhub.db.common import as_utc, insert_ignoring_conflicts, inserted, payload_hash, utcnow
from orderhub.db.schema import quarantine


async def quarantine_record(conn: Any, store: str, raw: Any, error: OrderhubError, *,
                            external_id: str | None = None, location: str | None = None) -> bool:
    """Keep ``raw`` with its error. The same payload twice is one row; returns whether it is new."""
    now = utcnow()
    stmt = insert_ignoring_conflicts(conn, quarantine, "store", "payload_hash").values(
        store=store, external_id=external_id, payload_hash=payload_hash(raw), raw=raw,
        error_code=error.code, error=error.message, location=location,
        context={k: v for k, v in error.context.items() if isinstance(v, str | int | float | bool)},
        attempts=1, status="open", created_at=now, updated_at=now,
    )
    return await inserted(conn, stmt, quarantine)


async def list_quarantine(conn: Any, *, store: str | None = None, status: str | None = "open",
                          limit: int = 100, since: datetime | None = None,
                          error_code: str | None = None) -> list[dict[str, Any]]:
    """Records oldest first, filtered by store, state, error code and time quarantined."""
    q = sa.select(quarantine.c.id, quarantine.c.store, quarantine.c.external_id, quarantine.c.error_code,
                  quarantine.c.error, quarantine.c.location, quarantine.c.attempts, quarantine.c.status,
                  quarantine.c.created_at)
    if store:
        q = q.where(quarantine.c.store == store)
    if status:
        q = q.where(quarantine.c.status == status)
    if since:  # a time without a zone is UTC, as every stored time is
        q = q.where(quarantine.c.created_at >= as_utc(since))
    if error_code:
        q = q.where(quarantine.c.error_code == error_code)
    rows = (await conn.execute(q.order_by(quarantine.c.id).limit(limit))).mappings()
    return [{**dict(r), "created_at": as_utc(r["created_at"])} for r in rows]


async def get_quarantined(conn: Any, qid: int) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(quarantine).where(quarantine.c.id == qid))).mappings().one_or_none()
    return dict(row) if row else None


async def resolve(conn: Any, qid: int, status: str, *, by: str) -> None:
    await conn.execute(quarantine.update().where(quarantine.c.id == qid)
                       .values(status=status, resolved_by=by, updated_at=utcnow()))


async def supersede(conn: Any, store: str, external_ids: list[str]) -> None:
    """Open entries of orders just stored from a newer payload (a corrected file re-imported, the
    order fixed on the channel) are closed as ``superseded``: nothing is left to replay."""
    if external_ids:
        await conn.execute(quarantine.update().where(
            quarantine.c.store == store, quarantine.c.status == "open", quarantine.c.external_id.in_(external_ids))
            .values(status="superseded", resolved_by="ingest: stored since from a newer payload",
                    updated_at=utcnow()))


async def record_failed_replay(conn: Any, qid: int, error: OrderhubError) -> None:
    await conn.execute(quarantine.update().where(quarantine.c.id == qid).values(
        attempts=quarantine.c.attempts + 1, error_code=error.code, error=error.message, updated_at=utcnow()))


async def count_open(conn: Any) -> list[dict[str, Any]]:
    q = (sa.select(quarantine.c.store, sa.func.count().label("n")).where(quarantine.c.status == "open")
         .group_by(quarantine.c.store))
    return [dict(r) for r in (await conn.execute(q)).mappings()]
