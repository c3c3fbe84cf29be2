"""The push outbox: effects bound for the outside, queued in the transaction that caused them.

The ``key`` is the idempotency key: queuing the same effect twice is one row, and the key is
sent with the delivery so the far side can ignore a retry. A delivered row keeps its receipt.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from orderhub.db.common import as_utc, insert_ignoring_conflicts, inserted, utcnow
from orderhub.db.schema import pushes

MAX_ATTEMPTS = 12


async def queue_push(conn: Any, *, key: str, store: str, kind: str, target: str, payload: Any,
                     order_id: str | None = None) -> bool:
    now = utcnow()
    stmt = insert_ignoring_conflicts(conn, pushes, "key").values(
        key=key, store=store, order_id=order_id, kind=kind, target=target, payload=payload,
        status="pending", attempts=0, next_attempt_at=now, created_at=now)
    return await inserted(conn, stmt, pushes)


async def due_pushes(conn: Any, *, store: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    q = sa.select(pushes).where(pushes.c.status == "pending", pushes.c.next_attempt_at <= utcnow())
    if store:
        q = q.where(pushes.c.store == store)
    return [dict(r) for r in (await conn.execute(q.order_by(pushes.c.id).limit(limit))).mappings()]


async def mark_delivered(conn: Any, push_id: int, receipt: Any) -> None:
    await conn.execute(pushes.update().where(pushes.c.id == push_id, pushes.c.status == "pending").values(
        status="delivered", delivered_at=utcnow(), receipt=receipt, attempts=pushes.c.attempts + 1))


async def mark_failed(conn: Any, push_id: int, error: str, *, retry_in: float | None) -> None:
    """A failed attempt: due again after ``retry_in`` seconds, or ``dead`` when not retriable/exhausted."""
    row = (await conn.execute(sa.select(pushes.c.attempts).where(pushes.c.id == push_id))).scalar_one()
    attempts = row + 1
    if retry_in is None or attempts >= MAX_ATTEMPTS:
        values: dict[str, Any] = {"status": "dead"}
    else:
        values = {"next_attempt_at": utcnow() + timedelta(seconds=retry_in)}
    await conn.execute(pushes.update().where(pushes.c.id == push_id).values(
        attempts=attempts, last_error=error[:2000], claimed_by=None, **values))


async def mark_blocked(conn: Any, push_id: int, error: str) -> None:
    """A push the configuration stops (a secret not set): kept pending and due, not an attempt,
    so it goes out on the first sync after the operator fixes the config and resumes the store."""
    await conn.execute(pushes.update().where(pushes.c.id == push_id).values(
        last_error=error[:2000], claimed_by=None, next_attempt_at=utcnow()))


async def release_claims(conn: Any, worker: str) -> int:
    """Free the send leases a previous run of ``worker`` held when it died: they are due now."""
    res = await conn.execute(pushes.update().where(pushes.c.status == "pending", pushes.c.claimed_by == worker)
                             .values(claimed_by=None, next_attempt_at=utcnow()))
    return res.rowcount


async def requeue(conn: Any, push_id: int) -> bool:
    res = await conn.execute(pushes.update().where(pushes.c.id == push_id, pushes.c.status == "dead")
                             .values(status="pending", next_attempt_at=utcnow()))
    return bool(res.rowcount)


async def list_pushes(conn: Any, *, status: str | None = None, store: str | None = None,
                      order_id: str | None = None, limit: int = 100, target: str | None = None,
                      since: datetime | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Pushes oldest first, filtered by state, store, order, target, kind and time queued."""
    q = sa.select(pushes.c.id, pushes.c.key, pushes.c.store, pushes.c.order_id, pushes.c.kind, pushes.c.target,
                  pushes.c.status, pushes.c.attempts, pushes.c.last_error, pushes.c.created_at, pushes.c.delivered_at)
    if status:
        q = q.where(pushes.c.status == status)
    if store:
        q = q.where(pushes.c.store == store)
    if target:
        q = q.where(pushes.c.target == target)
    if kind:
        q = q.where(pushes.c.kind == kind)
    if since:  # a time without a zone is UTC, as every stored time is
        q = q.where(pushes.c.created_at >= as_utc(since))
    if order_id:
        q = q.where(pushes.c.order_id == order_id)
    rows = (await conn.execute(q.order_by(pushes.c.id).limit(limit))).mappings()
    return [{**dict(r), "created_at": as_utc(r["created_at"]), "delivered_at": as_utc(r["delivered_at"])} for r in rows]


async def count_by_status(conn: Any) -> list[dict[str, Any]]:
    q = sa.select(pushes.c.store, pushes.c.status, sa.func.count().label("n")).group_by(pushes.c.store, pushes.c.status)
    return [dict(r) for r in (await conn.execute(q)).mappings()]
