"""Stock follows the lifecycle: the one place the rule is applied to an order's reservations.

- An order in a state of :data:`orderhub.lifecycle.HOLDS_STOCK` (``reserved``, ``ready_to_ship``)
  holds the stock reserved for it.
- Shipping consumes it; cancelling releases it.
- A hold from a state that holds stock keeps it while an operator decides; a hold from an earlier
  state releases what the same chain pass reserved.
- Any other move to a state that holds none releases it, and so does the re-check of a held order
  its channel changed.

``db.orders.transition`` calls :func:`after_move` for every lifecycle move (the chain's, an
operator's, the channel's), and the re-check calls :func:`release`; nothing else moves
reservations on a state change.
"""

from __future__ import annotations

from typing import Any

from orderhub.db import inventory
from orderhub.lifecycle import HOLDS_STOCK, OrderStatus, keeps_stock
from orderhub.notices import Notice


async def after_move(conn: Any, oid: str, src: OrderStatus, to: OrderStatus, *, actor: str,
                     notices: list[Notice] | None) -> None:
    sink: list[Notice] = notices if notices is not None else []
    if to is OrderStatus.SHIPPED:
        await inventory.consume_order(conn, oid, actor=actor, notices=sink)
    elif releases(src, to):
        await inventory.release_order(conn, oid, actor=actor, notices=sink)


def moves_stock(src: OrderStatus, to: OrderStatus) -> bool:
    """Whether :func:`after_move` may consume or release anything for this move."""
    return to is OrderStatus.SHIPPED or releases(src, to)


async def holding_any(conn: Any, oids: list[str]) -> set[str]:
    """Of these orders, those with reservations :func:`after_move` would consume or release: a
    batch of moves asks once, and only those go through it (an order held at ``validate`` has none)."""
    return await inventory.with_open_reservations(conn, oids) if oids else set()


async def release(conn: Any, oid: str, *, actor: str, notices: list[Notice]) -> None:
    """Release what the order holds (a held order re-checked from the start)."""
    await inventory.release_order(conn, oid, actor=actor, notices=notices)


def releases(src: OrderStatus, to: OrderStatus) -> bool:
    """Whether a move can leave stock reserved that the new state does not hold. The chain's own
    moves (received → validated → reserved) never look."""
    if to is OrderStatus.CANCELLED:
        return True
    if to is OrderStatus.ON_HOLD:
        return src not in HOLDS_STOCK
    could_hold = src in HOLDS_STOCK or src is OrderStatus.ON_HOLD
    return could_hold and not keeps_stock(to)
