"""Outcomes: what became of scored orders, the ground truth ``risk tune`` learns from.

Three ways in: an operator rejects a held order with a reason that starts with ``fraud``
(read from the order log by :func:`sweep`, so a crash between the reject and a hook cannot lose
it), a chargeback, or a mark (``orderhub risk mark``, ``POST /api/v1/risk/outcomes``) —
``fraud``, ``chargeback`` or ``legit`` (a held order that proved good).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from orderhub.extend import RecordError, StepData, core_tables, dialect_insert

from .tables import cursor, outcomes

OUTCOMES = ("fraud", "chargeback", "legit")
#: Outcomes that count as fraud when learning and measuring.
BAD = frozenset({"fraud", "chargeback"})


async def _save(conn: Any, rows: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Outcomes recorded; an order's existing one is replaced only by a mark (``replace``), so
    the reject read again from the log never undoes a later 'legit'."""
    if not rows:
        return
    stmt = dialect_insert(conn, outcomes)
    if replace:
        stmt = stmt.on_conflict_do_update(index_elements=["order_id"], set_={
            c: stmt.excluded[c] for c in ("outcome", "source", "actor", "note", "at")})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["order_id"])
    await conn.execute(stmt, rows)


async def mark(data: StepData, ref: str, outcome: str, *, actor: str, note: str | None = None,
               source: str = "mark") -> dict[str, Any]:
    """Record what became of an order (``data`` on a writing connection)."""
    if outcome not in OUTCOMES:
        raise RecordError(f"unknown outcome {outcome!r}: one of {', '.join(OUTCOMES)}", code="invalid_outcome")
    order = await data.find_order(ref)
    if order is None:
        raise RecordError(f"no order matches {ref!r}", code="not_found")
    row = {"order_id": order.id, "store": order.store, "outcome": outcome, "source": source, "actor": actor,
           "note": note, "at": data.now()}
    await _save(data.conn, [row], replace=True)
    return row


def is_fraud_reject(to_status: str, actor: str, reason: str | None) -> bool:
    """An operator cancelled the order saying it was fraud."""
    return (to_status == "cancelled" and actor.startswith("operator:")
            and (reason or "").strip().lower().startswith("fraud"))


async def record_reject(hub: Any, order: Any, actor: str, reason: str | None) -> None:
    async with hub.writing(actor=actor) as data:
        await _save(data.conn, [{"order_id": order.id, "store": order.store, "outcome": "fraud",
                                 "source": "review_reject", "actor": actor, "note": reason, "at": data.now()}])


async def sweep(conn: Any) -> int:
    """Record the rejects with reason ``fraud…`` logged since the last sweep; how many."""
    ev = core_tables.order_events
    o = core_tables.orders
    last = (await conn.execute(sa.select(cursor.c.event_id).where(cursor.c.name == "rejects"))).scalar() or 0
    rows = (await conn.execute(
        sa.select(ev.c.id, ev.c.order_id, ev.c.actor, ev.c.reason, ev.c.at, o.c.store)
        .join(o, o.c.id == ev.c.order_id)
        .where(ev.c.id > last, ev.c.kind == "transition", ev.c.to_status == "cancelled",
               ev.c.actor.like("operator:%"))
        .order_by(ev.c.id))).all()
    if not rows:
        return 0
    found = [{"order_id": r.order_id, "store": r.store, "outcome": "fraud", "source": "review_reject",
              "actor": r.actor, "note": r.reason, "at": r.at}
             for r in rows if is_fraud_reject("cancelled", r.actor, r.reason)]
    await _save(conn, found)
    stmt = dialect_insert(conn, cursor).values(name="rejects", event_id=rows[-1].id)
    await conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"event_id": stmt.excluded.event_id}))
    return len(found)


async def of_order(conn: Any, order_id: str) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(outcomes).where(outcomes.c.order_id == order_id))).mappings().first()
    return dict(row) if row else None
