"""Invariants of the stored state, checked by ``orderhub doctor`` and at the end of the crash and
fault suites. Each check is one read-only query; a finding names the order, SKU or entry."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from orderhub.lifecycle import HOLDS_STOCK, TERMINAL, OrderStatus
from orderhub.db.schema import inventory, orders, quarantine, reservations, reviews

_HOLDING = ("held", "backorder")


async def check(conn: Any) -> list[dict[str, Any]]:
    """Every invariant that does not hold, as ``{"check", "subject", "detail"}`` rows."""
    found: list[dict[str, Any]] = []

    def add(name: str, subject: str, detail: str) -> None:
        found.append({"check": name, "subject": subject, "detail": detail})

    open_review = (sa.select(reviews.c.order_id, reviews.c.resume_status)
                   .where(reviews.c.resolved_at.is_(None)).subquery())
    q = (sa.select(reservations.c.order_id, orders.c.status, open_review.c.resume_status,
                   sa.func.count().label("n"))
         .join(orders, orders.c.id == reservations.c.order_id)
         .outerjoin(open_review, open_review.c.order_id == reservations.c.order_id)
         .where(reservations.c.status.in_(_HOLDING))
         .group_by(reservations.c.order_id, orders.c.status, open_review.c.resume_status))
    stock_states = {s.value for s in HOLDS_STOCK}
    for r in (await conn.execute(q)).all():
        holds = r.status in stock_states or (r.status == OrderStatus.ON_HOLD.value and r.resume_status in stock_states)
        if not holds:
            add("reservation_without_stock_state", r.order_id,
                f"{r.n} reservation(s) held for an order {r.status}"
                + (f" (held from {r.resume_status})" if r.resume_status else ""))

    held_sum = (sa.select(reservations.c.sku, reservations.c.location,
                          sa.func.sum(reservations.c.quantity).label("q"))
                .where(reservations.c.status == "held")
                .group_by(reservations.c.sku, reservations.c.location).subquery())
    q = (sa.select(inventory.c.sku, inventory.c.location, inventory.c.reserved, held_sum.c.q)
         .outerjoin(held_sum, sa.and_(held_sum.c.sku == inventory.c.sku, held_sum.c.location == inventory.c.location)))
    for r in (await conn.execute(q)).all():
        if r.reserved != (r.q or 0):
            add("reserved_count_mismatch", f"{r.sku}@{r.location}",
                f"inventory says {r.reserved} reserved, reservations hold {r.q or 0}")

    q = (sa.select(orders.c.id, orders.c.status, sa.func.count(reviews.c.id).label("n"))
         .outerjoin(reviews, sa.and_(reviews.c.order_id == orders.c.id, reviews.c.resolved_at.is_(None)))
         .where(sa.or_(orders.c.status == OrderStatus.ON_HOLD.value, reviews.c.id.is_not(None)))
         .group_by(orders.c.id, orders.c.status))
    for r in (await conn.execute(q)).all():
        if r.status == OrderStatus.ON_HOLD.value and r.n != 1:
            add("held_without_one_open_review", r.id, f"on hold with {r.n} open reviews")
        elif r.status != OrderStatus.ON_HOLD.value:
            add("open_review_not_held", r.id, f"{r.n} open review(s) for an order {r.status}")

    q = sa.select(orders.c.id, orders.c.status).where(
        orders.c.chain_pending.is_(True), orders.c.status.in_([s.value for s in TERMINAL]))
    for r in (await conn.execute(q)).all():
        add("final_order_pending", r.id, f"{r.status} but still pending in the chain")

    q = (sa.select(quarantine.c.id, orders.c.id.label("order_id"))
         .join(orders, sa.and_(orders.c.store == quarantine.c.store, orders.c.external_id == quarantine.c.external_id))
         .where(quarantine.c.status == "open", orders.c.modified_at > quarantine.c.created_at))
    for r in (await conn.execute(q)).all():
        add("stale_quarantine", f"quarantine {r.id}", f"order {r.order_id} was stored since from a newer payload")
    return found
