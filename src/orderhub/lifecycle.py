"""The order lifecycle: the one table of allowed moves. Everything else asks it."""

from __future__ import annotations

from enum import StrEnum

from orderhub.errors import IllegalTransition


class OrderStatus(StrEnum):
    RECEIVED = "received"
    VALIDATED = "validated"
    RESERVED = "reserved"
    READY_TO_SHIP = "ready_to_ship"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    EXCEPTION = "exception"
    RETURNED = "returned"


S = OrderStatus
_PRE_SHIPMENT = (S.RECEIVED, S.VALIDATED, S.RESERVED, S.READY_TO_SHIP)

#: from-state -> the states it may move to. A held order goes back to where it was held
#: (approve) or back to ``received`` when the channel changes it (re-check from the start).
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.RECEIVED: frozenset({S.VALIDATED, S.ON_HOLD, S.CANCELLED}),
    S.VALIDATED: frozenset({S.RESERVED, S.READY_TO_SHIP, S.ON_HOLD, S.CANCELLED}),
    S.RESERVED: frozenset({S.READY_TO_SHIP, S.ON_HOLD, S.CANCELLED}),
    S.READY_TO_SHIP: frozenset({S.SHIPPED, S.ON_HOLD, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.EXCEPTION, S.RETURNED}),
    S.EXCEPTION: frozenset({S.SHIPPED, S.DELIVERED, S.RETURNED, S.CANCELLED}),
    S.DELIVERED: frozenset({S.RETURNED}),
    S.ON_HOLD: frozenset({*_PRE_SHIPMENT, S.CANCELLED}),
    S.CANCELLED: frozenset(),
    S.RETURNED: frozenset(),
}

#: States an order never leaves on its own; the chain does not run on them.
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)

#: States in which an order holds reserved stock. Stock follows the lifecycle, and this is the rule
#: (``db.orders`` applies it on every move): reaching ``cancelled`` releases it, ``shipped``
#: consumes it, and an order put on hold keeps it only when it was held from one of these states —
#: a hold from ``received`` or ``validated`` releases what a step reserved in the same pass. A held
#: order that keeps its stock keeps its place while an operator decides.
HOLDS_STOCK = frozenset({S.RESERVED, S.READY_TO_SHIP})


def keeps_stock(status: OrderStatus | str, resume_status: OrderStatus | str | None = None) -> bool:
    """Whether an order in ``status`` may hold reserved stock (held: if held from a state that does)."""
    status = OrderStatus(status)
    if status is S.ON_HOLD:
        return resume_status is not None and OrderStatus(resume_status) in HOLDS_STOCK
    return status in HOLDS_STOCK


def can_move(src: OrderStatus | str, dst: OrderStatus | str) -> bool:
    return OrderStatus(dst) in TRANSITIONS[OrderStatus(src)]


def check_move(src: OrderStatus | str, dst: OrderStatus | str, *, order_id: str | None = None) -> None:
    """Raise :class:`IllegalTransition` naming both states unless the table allows the move."""
    if not can_move(src, dst):
        raise IllegalTransition(
            f"illegal transition {OrderStatus(src).value} -> {OrderStatus(dst).value}",
            order_id=order_id,
            from_status=str(src),
            to_status=str(dst),
        )

