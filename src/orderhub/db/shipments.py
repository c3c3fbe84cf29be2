"""Shipments, carrier capacity used per day, and carriers' on-time record per route."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from orderhub.db.bulk import bulk_insert
from orderhub.db.common import as_utc, insert_ignoring_conflicts, utcnow
from orderhub.db.schema import carrier_performance, carrier_state, carrier_usage, catalog, shipments

OPEN_STATUSES = ("pending", "info_received", "in_transit", "out_for_delivery", "attempt_fail",
                 "available_for_pickup", "exception")


def shipment_id(order_id: str) -> str:
    return f"{order_id}-s1"


def _row(r: Any) -> dict[str, Any]:
    d = dict(r)
    for k in ("promised_at", "created_at", "shipped_at", "delivered_at", "last_event_at", "last_progress_at",
              "last_checked_at", "delayed_at", "exception_at", "updated_at"):
        d[k] = as_utc(d.get(k))
    return d


async def get(conn: Any, sid: str) -> dict[str, Any] | None:
    r = (await conn.execute(sa.select(shipments).where(shipments.c.id == sid))).mappings().first()
    return _row(r) if r else None


async def for_order(conn: Any, order_id: str) -> dict[str, Any] | None:
    return await get(conn, shipment_id(order_id))


async def by_number(conn: Any, number: str, carrier: str | None = None) -> dict[str, Any] | None:
    q = sa.select(shipments).where(shipments.c.tracking_number == number)
    if carrier:
        q = q.where(shipments.c.carrier == carrier)
    r = (await conn.execute(q)).mappings().first()
    return _row(r) if r else None


async def for_orders(conn: Any, order_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The shipments of these orders that exist, by order id."""
    rows = (await conn.execute(_BY_IDS, {"b_ids": [shipment_id(o) for o in order_ids]})).mappings()
    return {r["order_id"]: _row(r) for r in rows}


async def save_plan(conn: Any, *, order_id: str, store: str, carrier: str, service: str, plan: dict[str, Any],
                    choice: dict[str, Any], route: str, promised_at: datetime | None) -> str:
    """Record (or re-record) the chosen carrier of an order not shipped yet."""
    sid = shipment_id(order_id)
    now = utcnow()
    values = dict(store=store, carrier=carrier, service=service, state="planned", status="pending", plan=plan,
                  choice=choice, route=route, promised_at=promised_at, updated_at=now)
    res = await conn.execute(shipments.update().where(shipments.c.id == sid, shipments.c.state != "created")
                             .values(**values))
    if res.rowcount == 0 and await get(conn, sid) is None:
        await conn.execute(shipments.insert().values(id=sid, order_id=order_id, events=[], created_at=now, **values))
    return sid


async def save_plans(conn: Any, plans: list[dict[str, Any]]) -> None:
    """:func:`save_plan` for many orders (each a dict of its arguments): the new shipments in one
    insert, a shipment planned before re-recorded alone."""
    existing = set((await conn.execute(_IDS, {"b_ids": [shipment_id(p["order_id"]) for p in plans]})).scalars())
    now = utcnow()
    rows = []
    for p in plans:
        sid = shipment_id(p["order_id"])
        if sid in existing:
            await save_plan(conn, **p)
        else:
            rows.append({**p, "id": sid, "state": "planned", "status": "pending", "events": [], "created_at": now,
                         "updated_at": now})
    await _INSERT_PLANNED.run(conn, rows)


_BY_IDS = sa.select(shipments).where(shipments.c.id.in_(sa.bindparam("b_ids", expanding=True)))
_IDS = sa.select(shipments.c.id).where(shipments.c.id.in_(sa.bindparam("b_ids", expanding=True)))
_INSERT_PLANNED = bulk_insert(shipments, "id", "order_id", "store", "carrier", "service", "state", "status", "plan",
                              "choice", "events", "route", "promised_at", "created_at", "updated_at")


async def record_label(conn: Any, sid: str, *, tracking_number: str, tracking_url: str | None,
                       label_ref: str | None) -> bool:
    """The label was bought: the shipment is created and shipped now. False if already recorded."""
    now = utcnow()
    res = await conn.execute(shipments.update().where(shipments.c.id == sid, shipments.c.state == "planned").values(
        state="created", status="info_received", tracking_number=tracking_number, tracking_url=tracking_url,
        label_ref=label_ref, shipped_at=now, last_progress_at=now, updated_at=now))
    return res.rowcount == 1


async def switch_carrier(conn: Any, sid: str, *, carrier: str, service: str, chosen: dict[str, Any],
                         record: dict[str, Any]) -> bool:
    """Give a planned shipment (no label yet) to another carrier of its selection, the switch
    kept in its choice (``fallbacks``). False when the shipment has a label already."""
    row = await get(conn, sid)
    if row is None or row["state"] != "planned":
        return False
    choice = dict(row["choice"])
    choice["fallbacks"] = [*choice.get("fallbacks", []), record]
    choice["chosen"] = chosen
    res = await conn.execute(shipments.update().where(shipments.c.id == sid, shipments.c.state == "planned").values(
        carrier=carrier, service=service, choice=choice, updated_at=utcnow()))
    return res.rowcount == 1


async def note_uncertain(conn: Any, sid: str, carrier: str, error: str) -> None:
    """A label request to ``carrier`` ended without an answer (a timeout): a label may exist, so
    the shipment must not be given to another carrier."""
    row = await get(conn, sid)
    if row is None or row["state"] != "planned":
        return
    choice = dict(row["choice"])
    uncertain = dict(choice.get("uncertain", {}))
    uncertain[carrier] = error
    choice["uncertain"] = uncertain
    await conn.execute(shipments.update().where(shipments.c.id == sid).values(choice=choice, updated_at=utcnow()))


async def open_shipments(conn: Any, store: str, *, checked_before: datetime, limit: int = 500) -> list[dict[str, Any]]:
    q = (sa.select(shipments).where(shipments.c.store == store, shipments.c.state == "created",
                                    shipments.c.status.in_(OPEN_STATUSES),
                                    sa.or_(shipments.c.last_checked_at.is_(None),
                                           shipments.c.last_checked_at < checked_before))
         .order_by(shipments.c.carrier, shipments.c.last_checked_at.nulls_first(), shipments.c.id).limit(limit))
    return [_row(r) for r in (await conn.execute(q)).mappings()]


async def overdue(conn: Any, store: str, *, no_progress_since: datetime, now: datetime) -> list[dict[str, Any]]:
    """Open shipments not alerted yet that have made no progress since then, or are past their promise."""
    q = sa.select(shipments).where(
        shipments.c.store == store, shipments.c.state == "created", shipments.c.status.in_(OPEN_STATUSES),
        shipments.c.delayed_at.is_(None),
        sa.or_(shipments.c.last_progress_at < no_progress_since, shipments.c.promised_at < now))
    return [_row(r) for r in (await conn.execute(q)).mappings()]


async def update(conn: Any, sid: str, **values: Any) -> None:
    await conn.execute(shipments.update().where(shipments.c.id == sid).values(updated_at=utcnow(), **values))


async def mark_delayed(conn: Any, sid: str) -> bool:
    res = await conn.execute(shipments.update().where(shipments.c.id == sid, shipments.c.delayed_at.is_(None))
                             .values(delayed_at=utcnow()))
    return res.rowcount == 1


async def catalog_rows(conn: Any, skus: list[str]) -> dict[str, dict[str, Any]]:
    if not skus:
        return {}
    rows = (await conn.execute(sa.select(catalog).where(catalog.c.sku.in_(skus)))).mappings()
    return {r["sku"]: dict(r) for r in rows}


# -- capacity ----------------------------------------------------------------------------


async def usage(conn: Any, day: str) -> dict[str, int]:
    rows = await conn.execute(sa.select(carrier_usage.c.carrier, carrier_usage.c.shipments)
                              .where(carrier_usage.c.day == day))
    return {r.carrier: r.shipments for r in rows}


async def take_capacity(conn: Any, carrier: str, day: str, capacity: int | None, count: int = 1) -> bool:
    """Count ``count`` shipments against the carrier's day, all or none; False when they do not fit."""
    await conn.execute(insert_ignoring_conflicts(conn, carrier_usage, "carrier", "day")
                       .values(carrier=carrier, day=day, shipments=0))
    q = carrier_usage.update().where(carrier_usage.c.carrier == carrier, carrier_usage.c.day == day)
    if capacity is not None:
        q = q.where(carrier_usage.c.shipments + count <= capacity)
    res = await conn.execute(q.values(shipments=carrier_usage.c.shipments + count))
    return res.rowcount == 1


# -- carriers an operator paused ---------------------------------------------------------


async def paused_carriers(conn: Any) -> dict[str, str]:
    """Paused carrier accounts with the reason."""
    rows = await conn.execute(sa.select(carrier_state.c.carrier, carrier_state.c.paused_reason)
                              .where(carrier_state.c.paused.is_(True)))
    return {r.carrier: r.paused_reason or "paused" for r in rows}


async def set_carrier_paused(conn: Any, carrier: str, paused: bool, *, reason: str | None, by: str) -> None:
    values = {"paused": paused, "paused_reason": reason if paused else None, "paused_by": by, "updated_at": utcnow()}
    res = await conn.execute(carrier_state.update().where(carrier_state.c.carrier == carrier).values(**values))
    if res.rowcount == 0:
        await conn.execute(carrier_state.insert().values(carrier=carrier, **values))


# -- reliability -------------------------------------------------------------------------


async def performance(conn: Any) -> dict[tuple[str, str], tuple[int, int]]:
    rows = await conn.execute(sa.select(carrier_performance))
    return {(r.carrier, r.route): (r.delivered, r.on_time) for r in rows}


async def record_delivery(conn: Any, carrier: str, route: str, on_time: bool) -> None:
    await conn.execute(insert_ignoring_conflicts(conn, carrier_performance, "carrier", "route")
                       .values(carrier=carrier, route=route, delivered=0, on_time=0))
    await conn.execute(carrier_performance.update().where(
        carrier_performance.c.carrier == carrier, carrier_performance.c.route == route).values(
            delivered=carrier_performance.c.delivered + 1, on_time=carrier_performance.c.on_time + int(on_time)))


