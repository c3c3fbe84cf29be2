"""The review queue: held orders, their reasons, and what an operator decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from orderhub.errors import RecordError
from orderhub.lifecycle import OrderStatus
from orderhub.models import Order
from orderhub.db.common import as_utc, utcnow
from orderhub.notices import Notice, OrderHeld
from orderhub.db.bulk import BulkStatement, bulk_insert
from orderhub.db.orders import Move, OrderFilter, add_event, transition, transition_many
from orderhub.db.pushes import queue_push
from orderhub.db.schema import orders, reviews


#: Why a review exists. ``step``: the step decided to hold; an approval asks the step what it means
#: (``Step.approve``). ``error`` (the step failed) and ``lifecycle`` (its move is not in the table):
#: an approval runs the step again.
CAUSES = ("step", "error", "lifecycle")


@dataclass(frozen=True, slots=True)
class Hold:
    """One order to put on hold (:func:`hold_many`)."""

    order: Order
    step: str
    step_index: int
    reasons: list[dict[str, str]]
    cause: str = "step"
    actor: str | None = None


async def hold(conn: Any, order: Order, *, step: str, step_index: int, reasons: list[dict[str, str]],
               notices: list[Notice], actor: str | None = None, cause: str = "step") -> None:
    """Put an order on hold with its reasons; it waits in the review queue."""
    await hold_many(conn, [Hold(order, step, step_index, reasons, cause, actor)], notices)


async def hold_many(conn: Any, holds: list[Hold], notices: list[Notice]) -> None:
    """:func:`hold` for many orders (a chain step's holds): the moves, the chain's bookkeeping and
    the reviews written a statement each for all. A move the lifecycle refuses raises, as one alone would."""
    now = utcnow()
    was = {id(h): OrderStatus(h.order.status) for h in holds}
    by_actor: dict[str, list[Move]] = {}
    for h in holds:
        if was[id(h)] is not OrderStatus.ON_HOLD:
            summary = "; ".join(f"{r['code']}: {r['message']}" for r in h.reasons)
            by_actor.setdefault(h.actor or f"step:{h.step}", []).append(
                Move(h.order, OrderStatus.ON_HOLD, summary, data={"reasons": h.reasons}))
    for actor, moves in by_actor.items():
        refused = await transition_many(conn, moves, actor=actor, notices=notices)
        if refused:
            raise next(iter(refused.values()))
    await _LEAVE_FOR_REVIEW.run(conn, [{"b_id": h.order.id, "b_step": h.step_index} for h in holds])
    await _INSERT_REVIEWS.run(conn, [{
        "order_id": h.order.id, "store": h.order.store, "step": h.step, "step_index": h.step_index, "cause": h.cause,
        "resume_status": src.value if (src := was[id(h)]) is not OrderStatus.ON_HOLD else OrderStatus.RECEIVED.value,
        "reasons": h.reasons, "reason_codes": " " + " ".join(r["code"] for r in h.reasons) + " ", "created_at": now}
        for h in holds])
    for h in holds:
        h.order.status = OrderStatus.ON_HOLD
        notices.append(OrderHeld(order=h.order, step=h.step, reasons=h.reasons))


_LEAVE_FOR_REVIEW = BulkStatement(orders.update().where(orders.c.id == sa.bindparam("b_id")).values(
    chain_pending=sa.false(), chain_step=sa.bindparam("b_step"), chain_approved=sa.null()))
_INSERT_REVIEWS = bulk_insert(reviews, "order_id", "store", "step", "step_index", "cause", "resume_status", "reasons",
                              "reason_codes", "created_at")


async def open_review_of(conn: Any, oid: str) -> dict[str, Any] | None:
    q = (sa.select(reviews).where(reviews.c.order_id == oid, reviews.c.resolved_at.is_(None))
         .order_by(reviews.c.id.desc()).limit(1))
    row = (await conn.execute(q)).mappings().one_or_none()
    return dict(row) if row else None


def _open_reviews(q: Any, where: OrderFilter, reason: str | None) -> Any:
    q = where.apply(q.join(orders, orders.c.id == reviews.c.order_id).where(reviews.c.resolved_at.is_(None)))
    if reason:
        q = q.where(reviews.c.reason_codes.like(f"% {reason} %"))
    return q


async def list_reviews(conn: Any, *, store: str | None = None, reason: str | None = None,
                       where: OrderFilter | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Open reviews, oldest first, filtered by the held order (``where``, or ``store``) and reason code."""
    q = sa.select(reviews.c.id, reviews.c.order_id, reviews.c.store, reviews.c.step, reviews.c.reasons,
                  reviews.c.created_at, orders.c.external_id, orders.c.number)
    q = _open_reviews(q, where or OrderFilter(store=store), reason)
    rows = (await conn.execute(q.order_by(reviews.c.created_at, reviews.c.id).limit(limit).offset(offset))).mappings()
    return [{**dict(r), "created_at": as_utc(r["created_at"])} for r in rows]


async def count_reviews(conn: Any, *, store: str | None = None, reason: str | None = None,
                        where: OrderFilter | None = None) -> int:
    q = _open_reviews(sa.select(sa.func.count()).select_from(reviews), where or OrderFilter(store=store), reason)
    return int((await conn.execute(q)).scalar_one())


async def _resolve(conn: Any, review: dict[str, Any], resolution: str, operator: str, note: str | None) -> None:
    await conn.execute(reviews.update().where(reviews.c.id == review["id"]).values(
        resolved_at=utcnow(), resolution=resolution, operator=operator, note=note))


async def _open_review_or_fail(conn: Any, oid: str) -> dict[str, Any]:
    """The open review, locked for this decision: two operators (or two workers' APIs) deciding the
    same order at once are serialized on the review row, and the second finds it decided. (SQLite
    has one writer at a time already; ``FOR UPDATE`` is PostgreSQL's row lock.)"""
    q = (sa.select(reviews).where(reviews.c.order_id == oid, reviews.c.resolved_at.is_(None))
         .order_by(reviews.c.id.desc()).limit(1).with_for_update())
    row = (await conn.execute(q)).mappings().one_or_none()
    review = dict(row) if row else None
    if review is None:
        raise RecordError(f"order {oid} has no open review", code="not_held", order_id=oid)
    return review


async def approve(conn: Any, oid: str, *, operator: str, reason: str | None, notices: list[Notice]) -> dict[str, Any]:
    """Release a held order: it goes back to where it was held, and at the chain's next pass the
    holding step applies the approval (``Step.approve``: for ``validate``, the order is validated)
    and the chain goes on after it. Returns the review that was approved."""
    review = await _open_review_or_fail(conn, oid)
    await transition(conn, oid, review["resume_status"], actor=f"operator:{operator}",
                     reason=reason or "approved", notices=notices, data={"review": review["id"]})
    await conn.execute(orders.update().where(orders.c.id == oid).values(
        chain_step=review["step_index"], chain_pending=True, chain_approved=review["id"]))
    await _resolve(conn, review, "approved", operator, reason)
    return review


async def approvals(conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Approved reviews by id, for the chain to apply: step, step index, cause and reasons."""
    q = sa.select(reviews.c.id, reviews.c.step, reviews.c.step_index, reviews.c.cause, reviews.c.reasons,
                  reviews.c.operator).where(reviews.c.id.in_(ids))
    return {r["id"]: dict(r) for r in (await conn.execute(q)).mappings()}


async def reject(conn: Any, oid: str, *, operator: str, reason: str | None, notices: list[Notice]) -> None:
    """Cancel a held order and queue exactly one cancellation push to its channel."""
    review = await _open_review_or_fail(conn, oid)
    await transition(conn, oid, OrderStatus.CANCELLED, actor=f"operator:{operator}",
                     reason=reason or "rejected in review", notices=notices, data={"review": review["id"]})
    store = (await conn.execute(sa.select(orders.c.store).where(orders.c.id == oid))).scalar_one()
    await queue_push(conn, key=f"{oid}:cancel", store=store, kind="cancel", target="channel",
                     payload={"reason": reason or "rejected in review"}, order_id=oid)
    await add_event(conn, oid, "push_queued", f"operator:{operator}", data={"kind": "cancel"})
    await _resolve(conn, review, "rejected", operator, reason)


async def open_reason_counts(conn: Any) -> dict[str, int]:
    """How many open reviews carry each reason code."""
    counts: dict[str, int] = {}
    for codes in (await conn.execute(sa.select(reviews.c.reason_codes).where(reviews.c.resolved_at.is_(None)))).scalars():
        for code in (codes or "").split():
            counts[code] = counts.get(code, 0) + 1
    return counts


async def count_open(conn: Any) -> list[dict[str, Any]]:
    q = (sa.select(reviews.c.store, sa.func.count().label("n")).where(reviews.c.resolved_at.is_(None))
         .group_by(reviews.c.store))
    return [dict(r) for r in (await conn.execute(q)).mappings()]
