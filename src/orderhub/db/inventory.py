"""Catalog, stock per SKU and location, reservations, and the audit trail of every movement.

No oversell, on SQLite and PostgreSQL alike, with any number of workers: a reservation is one
conditional ``UPDATE … SET reserved = reserved + q WHERE on_hand - reserved >= q``; the database
evaluates the condition on the row it locks, so two workers can never both take the last unit.
An order reserves all its lines or none (what one line took is given back in the same transaction).

Every change of available stock calls :func:`stock_changed` (a batch of the chain collects the SKUs
it touched and calls it once per SKU at the end): the low-stock state is re-evaluated
(``on_low_stock`` fires once per crossing) and one coalesced stock push is queued per store that
sells the SKU — its payload is only the SKU; the level is read when it is sent, so a burst of
changes sends the latest level once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from orderhub.models import InventoryLevel, Order
from orderhub.db.bulk import BulkStatement, bulk_insert
from orderhub.db.common import dialect_name, insert_ignoring_conflicts, utcnow
from orderhub.notices import LowStock, Notice
from orderhub.db.schema import catalog, inventory, pushes, reservations, stock_movements, store_skus


# -- catalog --------------------------------------------------------------------------------


async def upsert_catalog(conn: Any, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Insert or update SKUs (the last row of a SKU wins); returns (inserted, updated)."""
    rows = list({r["sku"]: r for r in rows}.values())
    existing = set((await conn.execute(sa.select(catalog.c.sku).where(
        catalog.c.sku.in_([r["sku"] for r in rows])))).scalars()) if rows else set()
    now = utcnow()
    new = [{**r, "updated_at": now} for r in rows if r["sku"] not in existing]
    if new:
        await conn.execute(catalog.insert(), new)
    for r in rows:
        if r["sku"] in existing:
            await conn.execute(catalog.update().where(catalog.c.sku == r["sku"]).values(**r, updated_at=now))
    return len(new), len(rows) - len(new)


async def list_catalog(conn: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in (await conn.execute(sa.select(catalog).order_by(catalog.c.sku))).mappings()]


async def known_skus(conn: Any, skus: set[str]) -> set[str]:
    if not skus:
        return set()
    return set((await conn.execute(sa.select(catalog.c.sku).where(catalog.c.sku.in_(sorted(skus))))).scalars())


async def stocked_skus(conn: Any, skus: set[str]) -> set[str]:
    """The SKUs of ``skus`` orderhub knows of: in the catalog, with a stock row, or sold by a store."""
    if not skus:
        return set()
    wanted = sorted(skus)
    found = await known_skus(conn, skus)
    found |= set((await conn.execute(sa.select(inventory.c.sku).where(inventory.c.sku.in_(wanted)))).scalars())
    found |= set((await conn.execute(sa.select(store_skus.c.sku).where(store_skus.c.sku.in_(wanted)))).scalars())
    return found


async def stock_locations(conn: Any) -> set[str]:
    """Locations that already hold a stock row."""
    return set((await conn.execute(sa.select(inventory.c.location).distinct())).scalars())


# -- levels -----------------------------------------------------------------------------------


async def level(conn: Any, sku: str, location: str) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(inventory).where(inventory.c.sku == sku, inventory.c.location == location))
           ).mappings().one_or_none()
    return dict(row) if row else None


async def list_levels(conn: Any, *, sku: str | None = None, location: str | None = None,
                      low_only: bool = False) -> list[dict[str, Any]]:
    q = sa.select(inventory, (inventory.c.on_hand - inventory.c.reserved).label("available"))
    if sku:
        q = q.where(inventory.c.sku == sku)
    if location:
        q = q.where(inventory.c.location == location)
    if low_only:
        q = q.where(inventory.c.low.is_(True))
    return [dict(r) for r in (await conn.execute(q.order_by(inventory.c.sku, inventory.c.location))).mappings()]


async def available(conn: Any, sku: str, locations: list[str]) -> int:
    q = sa.select(sa.func.coalesce(sa.func.sum(inventory.c.on_hand - inventory.c.reserved), 0)).where(
        inventory.c.sku == sku, inventory.c.location.in_(locations))
    return int((await conn.execute(q)).scalar_one())


async def _ensure_row(conn: Any, sku: str, location: str) -> None:
    await conn.execute(insert_ignoring_conflicts(conn, inventory, "sku", "location").values(
        sku=sku, location=location, on_hand=0, reserved=0, low=False, updated_at=utcnow()))


_INSERT_MOVEMENT = stock_movements.insert()  # built once: counts and adjustments write one each


async def _move(conn: Any, sku: str, location: str, kind: str, *, on_hand: int = 0, reserved: int = 0,
                reason: str | None, actor: str, order_id: str | None = None) -> None:
    await conn.execute(_INSERT_MOVEMENT, {
        "sku": sku, "location": location, "kind": kind, "on_hand_delta": on_hand, "reserved_delta": reserved,
        "reason": reason, "actor": actor, "order_id": order_id, "at": utcnow()})


async def set_on_hand(conn: Any, sku: str, location: str, quantity: int, *, actor: str, reason: str | None,
                      kind: str = "set", notices: list[Notice]) -> int:
    """Make ``on_hand`` exactly ``quantity`` (a count, or an operator's set); returns the variance."""
    if quantity < 0:
        raise ValueError("on hand cannot be negative")
    await _ensure_row(conn, sku, location)
    current = (await level(conn, sku, location)) or {"on_hand": 0}
    variance = quantity - current["on_hand"]
    if variance:
        await conn.execute(inventory.update().where(inventory.c.sku == sku, inventory.c.location == location)
                           .values(on_hand=quantity, updated_at=utcnow()))
        await _move(conn, sku, location, kind, on_hand=variance, reason=reason, actor=actor)
        await stock_changed(conn, sku, notices)
    return variance


async def adjust_on_hand(conn: Any, sku: str, location: str, delta: int, *, actor: str, reason: str,
                         notices: list[Notice]) -> int:
    """Add ``delta`` (negative: remove) to on hand; refused below zero. Returns the new on hand."""
    await _ensure_row(conn, sku, location)
    res = await conn.execute(inventory.update().where(
        inventory.c.sku == sku, inventory.c.location == location, inventory.c.on_hand + delta >= 0)
        .values(on_hand=inventory.c.on_hand + delta, updated_at=utcnow()))
    if res.rowcount != 1:
        raise ValueError(f"{sku}@{location}: adjusting by {delta} would make on hand negative")
    await _move(conn, sku, location, "adjust", on_hand=delta, reason=reason, actor=actor)
    await stock_changed(conn, sku, notices)
    return (await level(conn, sku, location))["on_hand"]  # type: ignore[index]


# -- reservations -------------------------------------------------------------------------------


@dataclass
class ReserveResult:
    ok: bool
    shortages: list[dict[str, Any]] = field(default_factory=list)  # sku, wanted, available
    backordered: list[dict[str, Any]] = field(default_factory=list)
    already: bool = False


def _wanted(order: Order) -> dict[str, int]:
    wanted: dict[str, int] = {}
    for li in order.line_items:
        if li.sku and li.requires_shipping and li.quantity > 0:
            wanted[li.sku] = wanted.get(li.sku, 0) + li.quantity - li.fulfilled_quantity
    return {k: v for k, v in wanted.items() if v > 0}


async def lock_levels(conn: Any, orders: list[Order], locations: list[str]) -> None:
    """Lock the stock rows these orders may reserve from, sorted by SKU and location, so that
    concurrent batches queue for them instead of deadlocking (PostgreSQL; SQLite has one writer)."""
    if dialect_name(conn) != "postgresql":
        return
    skus = sorted({sku for o in orders for sku in _wanted(o)})
    if skus:
        await conn.execute(sa.select(inventory.c.sku).where(inventory.c.sku.in_(skus),
                                                            inventory.c.location.in_(locations))
                           .order_by(inventory.c.sku, inventory.c.location).with_for_update())


async def _take(conn: Any, sku: str, location: str, quantity: int) -> bool:
    res = await conn.execute(inventory.update().where(
        inventory.c.sku == sku, inventory.c.location == location,
        inventory.c.on_hand - inventory.c.reserved >= quantity).values(
        reserved=inventory.c.reserved + quantity, updated_at=utcnow()))
    return res.rowcount == 1


async def _give_back(conn: Any, sku: str, location: str, quantity: int) -> None:
    await conn.execute(inventory.update().where(inventory.c.sku == sku, inventory.c.location == location)
                       .values(reserved=inventory.c.reserved - quantity, updated_at=utcnow()))


async def reserve_order(conn: Any, order: Order, locations: list[str], *, policy: str, actor: str,
                        notices: list[Notice], changed: set[str] | None = None) -> ReserveResult:
    """Reserve every line from ``locations`` (in order of preference), all or nothing.

    ``policy="backorder"`` reserves what there is and records the rest as backordered instead of
    failing; nothing is ever reserved beyond what is available.
    """
    statuses = set((await conn.execute(sa.select(reservations.c.status).distinct().where(
        reservations.c.order_id == order.id))).scalars())
    if statuses & {"held", "backorder"}:
        return ReserveResult(ok=True, already=True)
    if "released" in statuses:  # released on a hold, reserved again: the movements keep the history
        await conn.execute(_DROP_RELEASED, {"b_ids": [order.id]})
    taken: list[tuple[str, str, int]] = []
    shortages, backordered = [], []
    for sku, qty in sorted(_wanted(order).items()):  # a fixed order of SKUs: no lock-order deadlocks
        left = qty
        for loc in locations:
            if left == 0:
                break
            for _ in range(3):  # another worker may take stock between reading and taking
                row = await level(conn, sku, loc)
                free = (row["on_hand"] - row["reserved"]) if row else 0
                part = min(left, free)
                if part <= 0:
                    break
                if await _take(conn, sku, loc, part):
                    taken.append((sku, loc, part))
                    left -= part
                    break
        _unmet(sku, qty, left, policy, backordered, shortages)
    if shortages:
        for sku, loc, part in taken:  # all or nothing
            await _give_back(conn, sku, loc, part)
        return ReserveResult(ok=False, shortages=shortages)
    held, moved = _reservation_rows(order.id, taken, backordered, actor=actor, now=utcnow())
    await _INSERT_RESERVATIONS.run(conn, held)
    await _INSERT_MOVEMENTS.run(conn, moved)
    for sku in sorted({t[0] for t in taken}):
        if changed is not None:
            changed.add(sku)  # evaluated once per SKU when the caller's batch ends
        else:
            await stock_changed(conn, sku, notices)
    return ReserveResult(ok=True, backordered=backordered)


class StockRaced(RuntimeError):
    """Stock read for a batch changed before it was taken (a writer outside the batch's locks)."""


async def reserve_orders(conn: Any, orders: list[Order], locations: list[str], *, policy: str, actor: str,
                         changed: set[str]) -> list[ReserveResult]:
    """:func:`reserve_order` for many orders, one after another as the list has them, in a few
    statements: the levels are read once and allocated in memory, and what each (SKU, location)
    gives is taken in one conditional update. Call it with the rows locked (``lock_levels``; on
    SQLite the write transaction holds the database): if a level changed anyway, :class:`StockRaced`
    is raised and nothing should be kept (the caller rolls back and reserves order by order)."""
    ids = [o.id for o in orders]
    statuses: dict[str, set[str]] = {}
    for r in await conn.execute(_RESERVATION_STATUSES, {"b_ids": ids}):
        statuses.setdefault(r.order_id, set()).add(r.status)
    released = [oid for oid, st in statuses.items() if "released" in st and not st & {"held", "backorder"}]
    if released:
        await conn.execute(_DROP_RELEASED, {"b_ids": released})
    skus = sorted({sku for o in orders for sku in _wanted(o)})
    free: dict[tuple[str, str], int] = {}
    if skus:
        for r in await conn.execute(_LEVELS, {"b_skus": skus, "b_locations": list(locations)}):
            free[(r.sku, r.location)] = r.on_hand - r.reserved
    out: list[ReserveResult] = []
    takes: dict[tuple[str, str], int] = {}
    held_rows: list[dict[str, Any]] = []
    moved_rows: list[dict[str, Any]] = []
    now = utcnow()
    for o in orders:
        if statuses.get(o.id, set()) & {"held", "backorder"}:
            out.append(ReserveResult(ok=True, already=True))
            continue
        taken: list[tuple[str, str, int]] = []
        shortages, backordered = [], []
        for sku, qty in sorted(_wanted(o).items()):
            left = qty
            for loc in locations:
                part = min(left, free.get((sku, loc), 0))
                if part > 0:
                    taken.append((sku, loc, part))
                    left -= part
            _unmet(sku, qty, left, policy, backordered, shortages)
        if shortages:
            out.append(ReserveResult(ok=False, shortages=shortages))
            continue
        for sku, loc, part in taken:
            free[(sku, loc)] -= part
            takes[(sku, loc)] = takes.get((sku, loc), 0) + part
            changed.add(sku)
        held, moved = _reservation_rows(o.id, taken, backordered, actor=actor, now=now)
        held_rows += held
        moved_rows += moved
        out.append(ReserveResult(ok=True, backordered=backordered))
    wanted = [{"b_sku": sku, "b_location": loc, "b_quantity": q, "b_at": now} for (sku, loc), q in sorted(takes.items())]
    if await _TAKE.run(conn, wanted) != len(wanted):
        raise StockRaced(f"stock of {len(wanted)} SKU-locations changed while a batch reserved it")
    await _INSERT_RESERVATIONS.run(conn, held_rows)
    await _INSERT_MOVEMENTS.run(conn, moved_rows)
    return out


def _unmet(sku: str, qty: int, left: int, policy: str, backordered: list[dict[str, Any]],
           shortages: list[dict[str, Any]]) -> None:
    """What a line could not get (``left`` of ``qty``): backordered, or a shortage that fails the order."""
    if left and policy == "backorder":
        backordered.append({"sku": sku, "quantity": left})
    elif left:
        shortages.append({"sku": sku, "wanted": qty, "available": qty - left})


def _reservation_rows(oid: str, taken: list[tuple[str, str, int]], backordered: list[dict[str, Any]], *,
                      actor: str, now: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An order's reservation rows (held and backordered) and its stock movements."""
    held = [{"order_id": oid, "sku": sku, "location": loc, "quantity": part, "status": "held",
             "created_at": now, "updated_at": now} for sku, loc, part in taken]
    held += [{"order_id": oid, "sku": b["sku"], "location": "-", "quantity": b["quantity"],
              "status": "backorder", "created_at": now, "updated_at": now} for b in backordered]
    moved = [{"sku": sku, "location": loc, "kind": "reserve", "on_hand_delta": 0, "reserved_delta": part,
              "reason": None, "actor": actor, "order_id": oid, "at": now} for sku, loc, part in taken]
    return held, moved


_RESERVATION_STATUSES = sa.select(reservations.c.order_id, reservations.c.status).distinct().where(
    reservations.c.order_id.in_(sa.bindparam("b_ids", expanding=True)))
_DROP_RELEASED = reservations.delete().where(reservations.c.order_id.in_(sa.bindparam("b_ids", expanding=True)),
                                             reservations.c.status == "released")
_LEVELS = sa.select(inventory.c.sku, inventory.c.location, inventory.c.on_hand, inventory.c.reserved).where(
    inventory.c.sku.in_(sa.bindparam("b_skus", expanding=True)),
    inventory.c.location.in_(sa.bindparam("b_locations", expanding=True)))
_TAKE = BulkStatement(inventory.update().where(
    inventory.c.sku == sa.bindparam("b_sku"), inventory.c.location == sa.bindparam("b_location"),
    inventory.c.on_hand - inventory.c.reserved >= sa.bindparam("b_quantity")).values(
    reserved=inventory.c.reserved + sa.bindparam("b_quantity"), updated_at=sa.bindparam("b_at")))
_INSERT_RESERVATIONS = bulk_insert(reservations, "order_id", "sku", "location", "quantity", "status", "created_at",
                                   "updated_at")
_INSERT_MOVEMENTS = bulk_insert(stock_movements, "sku", "location", "kind", "on_hand_delta", "reserved_delta",
                                "reason", "actor", "order_id", "at")


async def _close(conn: Any, oid: str, *, to: str, actor: str, notices: list[Notice]) -> int:
    rows = (await conn.execute(sa.select(reservations).where(
        reservations.c.order_id == oid, reservations.c.status == "held"))).mappings().all()
    for r in rows:
        if to == "released":
            await _give_back(conn, r["sku"], r["location"], r["quantity"])
            await _move(conn, r["sku"], r["location"], "release", reserved=-r["quantity"], reason=None,
                        actor=actor, order_id=oid)
        else:  # consumed: the goods left the building
            await conn.execute(inventory.update().where(inventory.c.sku == r["sku"],
                                                        inventory.c.location == r["location"]).values(
                on_hand=inventory.c.on_hand - r["quantity"], reserved=inventory.c.reserved - r["quantity"],
                updated_at=utcnow()))
            await _move(conn, r["sku"], r["location"], "consume", on_hand=-r["quantity"], reserved=-r["quantity"],
                        reason=None, actor=actor, order_id=oid)
    await conn.execute(reservations.update().where(reservations.c.order_id == oid,
                                                   reservations.c.status.in_(("held", "backorder")))
                       .values(status=to, updated_at=utcnow()))
    for sku in sorted({r["sku"] for r in rows}):
        await stock_changed(conn, sku, notices)
    return len(rows)


async def release_order(conn: Any, oid: str, *, actor: str, notices: list[Notice]) -> int:
    """Give an order's reserved stock back (cancelled, rejected)."""
    return await _close(conn, oid, to="released", actor=actor, notices=notices)


async def consume_order(conn: Any, oid: str, *, actor: str, notices: list[Notice]) -> int:
    """The order shipped: its reservations leave on hand."""
    return await _close(conn, oid, to="consumed", actor=actor, notices=notices)


async def with_open_reservations(conn: Any, oids: list[str]) -> set[str]:
    """Of these orders, those with reservations held or backordered (what closing one changes)."""
    return set((await conn.execute(_OPEN_RESERVATIONS, {"b_ids": oids})).scalars())


_OPEN_RESERVATIONS = sa.select(reservations.c.order_id).distinct().where(
    reservations.c.order_id.in_(sa.bindparam("b_ids", expanding=True)), reservations.c.status.in_(("held", "backorder")))


async def reservations_of(conn: Any, oid: str) -> list[dict[str, Any]]:
    q = sa.select(reservations).where(reservations.c.order_id == oid).order_by(reservations.c.sku)
    return [dict(r) for r in (await conn.execute(q)).mappings()]


# -- after every change -------------------------------------------------------------------------


async def record_store_skus(conn: Any, store: str, skus: set[str]) -> None:
    if skus:
        await conn.execute(insert_ignoring_conflicts(conn, store_skus, "store", "sku"),
                           [{"store": store, "sku": s} for s in sorted(skus)])


async def stock_changed(conn: Any, sku: str, notices: list[Notice]) -> None:
    """Re-evaluate low stock for ``sku`` and queue one coalesced stock push per store selling it."""
    item = (await conn.execute(sa.select(catalog.c.low_stock_threshold, catalog.c.reorder_point)
                               .where(catalog.c.sku == sku))).one_or_none()
    threshold = None if item is None else (item.low_stock_threshold if item.low_stock_threshold is not None
                                           else item.reorder_point)
    if threshold is not None:
        rows = (await conn.execute(sa.select(inventory).where(inventory.c.sku == sku))).mappings().all()
        for r in rows:
            is_low = r["on_hand"] - r["reserved"] <= threshold
            if is_low != r["low"]:
                await conn.execute(inventory.update().where(inventory.c.sku == sku,
                                                            inventory.c.location == r["location"]).values(low=is_low))
                if is_low:
                    notices.append(LowStock(level=InventoryLevel(
                        sku=sku, location=r["location"], on_hand=r["on_hand"], reserved=r["reserved"]),
                        threshold=threshold))
    stores = (await conn.execute(sa.select(store_skus.c.store).where(store_skus.c.sku == sku))).scalars().all()
    for store in stores:
        prefix = f"stock:{store}:{sku}:"
        # Coalesce with a push still waiting, not with one being sent: that one may have read the
        # level before this change, and the channel would keep the old level until the next change.
        pending = (await conn.execute(sa.select(pushes.c.id).where(
            pushes.c.status == "pending", pushes.c.claimed_by.is_(None), pushes.c.store == store,
            pushes.c.kind == "stock", pushes.c.key.startswith(prefix, autoescape=True)).limit(1))).first()
        if pending is None:
            now = utcnow()
            await conn.execute(pushes.insert().values(
                key=prefix + uuid.uuid4().hex[:12], store=store, order_id=None, kind="stock", target="channel",
                payload={"sku": sku}, status="pending", attempts=0, next_attempt_at=now, created_at=now))
