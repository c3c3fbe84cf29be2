"""Orders, their versions, their event log and the per-stream cursors.

Every function takes an open connection or session (``await conn.execute``) so the caller decides
the transaction: one per page on ingest, one per batch in the chain, the DBOS datasource's inside a
workflow. Functions append :class:`Notice` s for hooks to fire after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa

from orderhub.errors import IllegalTransition
from orderhub.lifecycle import TERMINAL, OrderStatus, can_move, check_move
from orderhub.models import Order
from orderhub.db.bulk import BulkStatement, bulk_insert
from orderhub.db.common import as_utc, utcnow
from orderhub.notices import Notice, OrderStateChanged
from orderhub.db import stock_follows
from orderhub.db.schema import cursors, order_events, order_versions, orders, reviews


@dataclass(slots=True)
class Ingested:
    """One normalized order with the raw payload it came from (a dict, or already serialized as an
    ``orjson.Fragment``: the JSON columns' serializer is orjson, which embeds a fragment as it is)."""

    order: Order
    raw: Any
    payload_hash: str


@dataclass
class UpsertSummary:
    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    notices: list[Notice] = field(default_factory=list)
    #: orders now pending from the chain's first step, with their stored status: the caller may run
    #: the chain on them as they are, without reading them back
    to_chain: list[Order] = field(default_factory=list)

    def merge(self, other: UpsertSummary) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.notices += other.notices
        self.to_chain += other.to_chain


_ORDER_COLUMNS = ("id", "store", "channel", "external_id", "number", "status", "channel_status", "version",
                  "payload_hash", "data", "created_at", "updated_at", "ingested_at", "modified_at", "chain_step",
                  "chain_pending")
_EVENT_COLUMNS = ("order_id", "at", "kind", "from_status", "to_status", "actor", "reason", "data")
_INSERT_ORDERS = bulk_insert(orders, *_ORDER_COLUMNS)
_INSERT_VERSIONS = bulk_insert(order_versions, "order_id", "version", "payload_hash", "raw", "received_at")
#: Events as ``_event`` builds them, a page's at once.
_INSERT_EVENTS = bulk_insert(order_events, *_EVENT_COLUMNS)
# Statements a chain pass runs per order and step, built once: SQLAlchemy then only looks up their
# compiled form, instead of building, hashing and looking up a new statement object every time.
_INSERT_EVENT = order_events.insert()
_STATUS = sa.select(orders.c.status).where(orders.c.id == sa.bindparam("b_id"))
_STATUS_AND_DATA = sa.select(orders.c.status, orders.c.data).where(orders.c.id == sa.bindparam("b_id"))
_UPDATE_ORDER = orders.update().where(orders.c.id == sa.bindparam("b_id"))  # SET: the parameters' columns


def _event(order_id: str, kind: str, actor: str, *, at: datetime, src: str | None = None,
           dst: str | None = None, reason: str | None = None, data: Any = None) -> dict[str, Any]:
    return {"order_id": order_id, "at": at, "kind": kind, "from_status": src, "to_status": dst,
            "actor": actor, "reason": reason, "data": data}


async def upsert_orders(conn: Any, items: list[Ingested], *, actor: str = "ingest") -> UpsertSummary:
    """Store a page of orders idempotently: same payload → nothing, changed payload → a new version.

    A new order is ``received`` with its chain pending. A changed order is re-checked from the
    start of the chain when it is still before validation or held; a channel-side state (for
    example cancelled on the marketplace) moves it through the lifecycle table.
    """
    out = UpsertSummary()
    if not items:
        return out
    by_id: dict[str, Ingested] = {}
    for it in items:  # the last occurrence on a page wins
        by_id[it.order.id] = it  # type: ignore[index]
    rows = (await conn.execute(
        sa.select(orders.c.id, orders.c.payload_hash, orders.c.version, orders.c.status)
        .where(orders.c.id.in_(list(by_id)))
    )).all()
    existing = {r.id: r for r in rows}
    reshaped = [oid for oid, it in by_id.items()
                if oid in existing and existing[oid].payload_hash != it.payload_hash]
    stored = ({r.id: r.data for r in await conn.execute(
        sa.select(orders.c.id, orders.c.data).where(orders.c.id.in_(reshaped)))} if reshaped else {})
    rekeyed: list[tuple[str, str, Any]] = []  # the same order in another payload shape: new hash, same content
    now = utcnow()
    new_rows, version_rows, events, updates = [], [], [], []
    rechecked: list[str] = []  # re-checked from the chain's first step: an approval no longer applies
    unheld: list[str] = []  # held orders the channel changed: their review is superseded
    for oid, it in by_id.items():
        o = it.order
        old = existing.get(oid)
        if old is not None and old.payload_hash == it.payload_hash:
            out.unchanged += 1
            continue
        dumped = o.model_dump_json()  # pydantic's own JSON writer, no dicts in between
        if oid in stored:
            same = _same_content(stored[oid], dumped)
            if same is not None:
                out.unchanged += 1
                rekeyed.append((oid, it.payload_hash, same))
                continue
        data = orjson.Fragment(dumped)
        if old is None:
            events.append(_event(oid, "received", actor, at=now, dst=OrderStatus.RECEIVED.value,
                                 data={"version": 1, "channel_status": o.channel_status}))
            o.status = status = _arrive(oid, o, now, events, out.notices)
            new_rows.append({
                "id": oid, "store": o.store, "channel": o.channel, "external_id": o.external_id,
                "number": o.number, "status": status.value, "channel_status": o.channel_status,
                "version": 1, "payload_hash": it.payload_hash, "data": data,
                "created_at": o.created_at, "updated_at": o.updated_at, "ingested_at": now,
                "modified_at": now, "chain_step": 0, "chain_pending": status not in TERMINAL,
            })
            version_rows.append({"order_id": oid, "version": 1, "payload_hash": it.payload_hash,
                                 "raw": it.raw, "received_at": now})
            out.inserted.append(oid)
            if status not in TERMINAL:
                out.to_chain.append(o)
        else:
            status = OrderStatus(old.status)
            version = old.version + 1
            recheck = status in (OrderStatus.RECEIVED, OrderStatus.ON_HOLD)
            new_status = status
            if recheck:
                rechecked.append(oid)
            if status is OrderStatus.ON_HOLD:
                unheld.append(oid)
                new_status = OrderStatus.RECEIVED
                events.append(_event(oid, "transition", actor, at=now, src=status.value,
                                     dst=new_status.value, reason="order changed on the channel: re-check"))
                out.notices.append(OrderStateChanged(order=o, from_status=status.value, to_status=new_status.value,
                                                     actor=actor, reason="re-check"))
            updates.append({
                "b_id": oid, "number": o.number, "channel_status": o.channel_status, "version": version,
                "payload_hash": it.payload_hash, "data": data,
                "updated_at": o.updated_at, "modified_at": now, "status": new_status.value,
                "chain_step": 0 if recheck else None, "chain_pending": True if recheck else None,
            })
            version_rows.append({"order_id": oid, "version": version, "payload_hash": it.payload_hash,
                                 "raw": it.raw, "received_at": now})
            if recheck:
                o.status = new_status
                out.to_chain.append(o)
            events.append(_event(oid, "updated", actor, at=now, data={"version": version,
                                 "channel_status": o.channel_status}))
            out.updated.append(oid)
    await _INSERT_ORDERS.run(conn, new_rows)
    for u in updates:
        values = {k: v for k, v in u.items() if k != "b_id" and v is not None}
        await conn.execute(orders.update().where(orders.c.id == u["b_id"]).values(**values))
    for oid, digest, data in rekeyed:
        await conn.execute(orders.update().where(orders.c.id == oid).values(payload_hash=digest, data=data))
    if rechecked:
        await conn.execute(orders.update().where(orders.c.id.in_(rechecked)).values(chain_approved=None))
    if unheld:
        await _supersede_reviews(conn, unheld, now, out.notices)
    await _INSERT_VERSIONS.run(conn, version_rows)
    await _INSERT_EVENTS.run(conn, events)
    # Channel-side lifecycle moves (e.g. cancelled on the marketplace) go through the table.
    for oid in out.updated:
        target = by_id[oid].order.channel_target
        if target is not None:
            await apply_channel_target(conn, oid, by_id[oid].order, target, out.notices)
    return out


#: What a payload's shape decides rather than the order: the hub's own fields, and what only some
#: of a channel's APIs carry (Shopify's GraphQL has returns and its risk assessment; its REST
#: payloads and webhooks have neither).
_NOT_CONTENT = frozenset({"id", "status", "returns", "channel_risk"})
_ANNOTATIONS = ("returns", "channel_risk")


def _same_content(old: Any, new: str) -> Any:
    """The data to store if ``new`` (an order's JSON) says what ``old`` said, only in another
    payload shape (a Shopify store switched from REST to GraphQL, a webhook's REST body after a
    GraphQL poll): no new version, no re-check. What only one shape carries is kept from whichever
    had it."""
    if not isinstance(old, dict):
        return None
    fresh = orjson.loads(new)
    if any(fresh.get(k) != old.get(k) for k in fresh.keys() | old.keys() if k not in _NOT_CONTENT):
        return None
    for k in _ANNOTATIONS:
        if not fresh.get(k) and old.get(k):
            fresh[k] = old[k]
    fresh["status"] = old.get("status", fresh.get("status"))
    return fresh


async def _supersede_reviews(conn: Any, oids: list[str], now: datetime, notices: list[Notice]) -> None:
    """Held orders the channel changed go back to ``received``: their open reviews are closed as
    superseded (the new version is checked from the start), and stock they held is released."""
    await conn.execute(reviews.update().where(reviews.c.order_id.in_(oids), reviews.c.resolved_at.is_(None))
                       .values(resolved_at=now, resolution="superseded", operator="channel",
                               note="order changed on the channel: re-checked"))
    for oid in oids:
        await stock_follows.release(conn, oid, actor="channel", notices=notices)


def _arrive(oid: str, order: Order, now: datetime, events: list[dict[str, Any]], notices: list[Notice]) -> OrderStatus:
    """The status a new order is stored with: ``received``, or where its channel already has it
    (cancelled before we first saw it), moved through the lifecycle table with the same event and
    notice as :func:`transition` (the caller puts the status on the order). A new order holds no
    stock, so nothing follows the move."""
    target = order.channel_target
    received = OrderStatus.RECEIVED
    if target is None or target is received:
        return received
    if not can_move(received, target):
        events.append(_channel_conflict(oid, order, received, target, at=now))
        return received
    reason = _channel_reason(order)
    events.append(_event(oid, "transition", "channel", at=now, src=received.value, dst=target.value, reason=reason))
    notices.append(OrderStateChanged(order=order, from_status=received.value, to_status=target.value,
                                     actor="channel", reason=reason))
    return target


def _channel_reason(order: Order) -> str:
    return f"channel status {order.channel_status}"


def _channel_conflict(oid: str, order: Order, current: OrderStatus, target: OrderStatus, *, at: datetime) -> dict[str, Any]:
    return _event(oid, "channel_conflict", "channel", at=at, src=current.value, dst=target.value,
                  reason=f"channel says {order.channel_status}; lifecycle does not allow {current.value} -> {target.value}")


async def apply_channel_target(conn: Any, oid: str, order: Order, target: OrderStatus,
                               notices: list[Notice]) -> None:
    current = OrderStatus((await conn.execute(sa.select(orders.c.status).where(orders.c.id == oid))).scalar_one())
    if current == target:
        return
    if can_move(current, target):
        await transition(conn, oid, target, actor="channel", reason=_channel_reason(order), notices=notices,
                         order=order)
    else:
        await conn.execute(_INSERT_EVENT, _channel_conflict(oid, order, current, target, at=utcnow()))


async def transition(conn: Any, oid: str, to: OrderStatus | str, *, actor: str, reason: str | None = None,
                     notices: list[Notice] | None = None, order: Order | None = None,
                     data: Any = None) -> OrderStatus:
    """Move an order to ``to`` if the lifecycle table allows it; record one event row."""
    to = OrderStatus(to)
    wants_data = notices is not None and order is None  # the notice needs the order: read it only then
    row = (await conn.execute(_STATUS_AND_DATA if wants_data else _STATUS, {"b_id": oid})).one()
    src = OrderStatus(row.status)
    check_move(src, to, order_id=oid)
    now = utcnow()
    values: dict[str, Any] = {"b_id": oid, "status": to.value, "modified_at": now}
    if to in TERMINAL:
        values["chain_pending"] = False
    await conn.execute(_UPDATE_ORDER, values)
    await conn.execute(_INSERT_EVENT, _event(oid, "transition", actor, at=now, src=src.value, dst=to.value,
                                             reason=reason, data=data))
    await _after_move(conn, oid, src, to, actor=actor, reason=reason, notices=notices,
                      order=order if order is not None or notices is None else Order.model_validate(row.data))
    return src


async def _after_move(conn: Any, oid: str, src: OrderStatus, to: OrderStatus, *, actor: str, reason: str | None,
                      notices: list[Notice] | None, order: Order | None, stock: bool = True) -> None:
    """What follows every move: the one stock rule (unless the caller applied it), and the notice for hooks."""
    if stock:
        await stock_follows.after_move(conn, oid, src, to, actor=actor, notices=notices)
    if notices is not None and order is not None:
        order.status = to
        notices.append(OrderStateChanged(order=order, from_status=src.value, to_status=to.value, actor=actor,
                                         reason=reason))


@dataclass(frozen=True, slots=True)
class Move:
    """One order's move in :func:`transition_many`."""

    order: Order
    to: OrderStatus
    reason: str | None = None
    data: Any = None  #: the event's data


_STATUSES = sa.select(orders.c.id, orders.c.status).where(orders.c.id.in_(sa.bindparam("b_ids", expanding=True)))
_MOVE_ORDERS = BulkStatement(orders.update().where(orders.c.id == sa.bindparam("b_id"))
                             .values(status=sa.bindparam("b_status"), modified_at=sa.bindparam("b_at")))


async def transition_many(conn: Any, moves: list[Move], *, actor: str,
                          notices: list[Notice]) -> dict[str, IllegalTransition]:
    """:func:`transition` for a chain step's moves at once: one read, one update and one event
    insert for all (a move into a terminal state goes alone). The moves the lifecycle refuses are
    returned by order id, not made; the others are, with their events, stock rule and notices."""
    if not moves:
        return {}
    current = {r.id: OrderStatus(r.status) for r in await conn.execute(
        _STATUSES, {"b_ids": [m.order.id for m in moves]})}
    refused: dict[str, IllegalTransition] = {}
    ok: list[tuple[Move, OrderStatus]] = []
    for m in moves:
        oid = m.order.id
        src = current[oid]
        try:
            check_move(src, m.to, order_id=oid)
        except IllegalTransition as exc:
            refused[oid] = exc
            continue
        if m.to in TERMINAL:  # it also leaves the chain's pending list
            await transition(conn, oid, m.to, actor=actor, reason=m.reason, notices=notices, order=m.order,
                             data=m.data)
        else:
            ok.append((m, src))
    now = utcnow()
    await _MOVE_ORDERS.run(conn, [{"b_id": m.order.id, "b_status": m.to.value, "b_at": now} for m, _ in ok])
    await _INSERT_EVENTS.run(conn, [_event(m.order.id, "transition", actor, at=now, src=src.value, dst=m.to.value,
                                           reason=m.reason, data=m.data) for m, src in ok])
    holding = await stock_follows.holding_any(conn, [m.order.id for m, src in ok if stock_follows.moves_stock(src, m.to)])
    for m, src in ok:
        if m.order.id in holding:
            await stock_follows.after_move(conn, m.order.id, src, m.to, actor=actor, notices=notices)
        await _after_move(conn, m.order.id, src, m.to, actor=actor, reason=m.reason, notices=notices, order=m.order,
                          stock=False)
    return refused


async def add_event(conn: Any, oid: str, kind: str, actor: str, *, reason: str | None = None, data: Any = None) -> None:
    await conn.execute(_INSERT_EVENT, _event(oid, kind, actor, at=utcnow(), reason=reason, data=data))


async def get_cursor(conn: Any, store: str, stream: str) -> str | None:
    return (await conn.execute(
        sa.select(cursors.c.value).where(cursors.c.store == store, cursors.c.stream == stream)
    )).scalar_one_or_none()


async def save_cursor(conn: Any, store: str, stream: str, value: str) -> None:
    res = await conn.execute(cursors.update().where(cursors.c.store == store, cursors.c.stream == stream)
                             .values(value=value, updated_at=utcnow()))
    if res.rowcount == 0:
        await conn.execute(cursors.insert().values(store=store, stream=stream, value=value, updated_at=utcnow()))


async def load_order(conn: Any, oid: str) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(orders).where(orders.c.id == oid))).mappings().one_or_none()
    return dict(row) if row else None


async def get_order(conn: Any, oid: str) -> Order:
    """The canonical order with its current lifecycle status."""
    row = (await conn.execute(sa.select(orders.c.data, orders.c.status).where(orders.c.id == oid))).one()
    order = Order.model_validate(row.data)
    order.status = OrderStatus(row.status)
    return order


async def find_order(conn: Any, ref: str) -> dict[str, Any] | None:
    """By hub id, or by ``store:external_id`` / external id / order number when unambiguous."""
    row = await load_order(conn, ref)
    if row:
        return row
    q = sa.select(orders)
    if ":" in ref:
        store, ext = ref.split(":", 1)
        q = q.where(orders.c.store == store, orders.c.external_id == ext)
    else:
        q = q.where(sa.or_(orders.c.external_id == ref, orders.c.number == ref))
    rows = (await conn.execute(q.limit(2))).mappings().all()
    return dict(rows[0]) if len(rows) == 1 else None


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a listing shows; the CLI, the admin API and the review queue share it."""

    store: str | None = None
    status: str | None = None
    #: placed at or after / before (the order's ``created_at``)
    since: datetime | None = None
    until: datetime | None = None
    #: part of the customer's email or name, any case
    customer: str | None = None

    def __post_init__(self) -> None:  # a time without a zone is UTC, as every stored time is
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=UTC))

    def apply(self, q: Any) -> Any:
        if self.store:
            q = q.where(orders.c.store == self.store)
        if self.status:
            q = q.where(orders.c.status == self.status)
        if self.since:
            q = q.where(orders.c.created_at >= self.since)
        if self.until:
            q = q.where(orders.c.created_at < self.until)
        if self.customer:
            term = f"%{self.customer.lower()}%"
            customer = orders.c.data["customer"]
            q = q.where(sa.or_(sa.func.lower(customer["email"].as_string()).like(term),
                               sa.func.lower(customer["name"].as_string()).like(term)))
        return q


async def list_orders(conn: Any, *, where: OrderFilter | None = None, store: str | None = None,
                      status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Newest first. ``where`` filters; ``store``/``status`` are shorthands for it."""
    where = where or OrderFilter(store=store, status=status)
    q = sa.select(orders.c.id, orders.c.store, orders.c.external_id, orders.c.number, orders.c.status,
                  orders.c.channel_status, orders.c.version, orders.c.created_at, orders.c.modified_at,
                  orders.c.data["totals"]["total"].as_string().label("total"),
                  orders.c.data["currency"].as_string().label("currency"),
                  orders.c.data["customer"]["email"].as_string().label("customer"))
    q = where.apply(q).order_by(orders.c.created_at.desc(), orders.c.id).limit(limit).offset(offset)
    out = []
    for r in (await conn.execute(q)).mappings():
        d = dict(r)
        d["created_at"] = as_utc(d["created_at"])
        d["modified_at"] = as_utc(d["modified_at"])
        out.append(d)
    return out


async def count_orders(conn: Any, where: OrderFilter | None = None) -> int:
    """How many orders ``list_orders`` would show without a limit (for "N of M")."""
    q = (where or OrderFilter()).apply(sa.select(sa.func.count()).select_from(orders))
    return int((await conn.execute(q)).scalar_one())


async def order_events_of(conn: Any, oid: str) -> list[dict[str, Any]]:
    q = sa.select(order_events).where(order_events.c.order_id == oid).order_by(order_events.c.id)
    return [{**dict(r), "at": as_utc(r["at"])} for r in (await conn.execute(q)).mappings()]


async def order_versions_of(conn: Any, oid: str) -> list[dict[str, Any]]:
    q = (sa.select(order_versions.c.version, order_versions.c.payload_hash, order_versions.c.received_at)
         .where(order_versions.c.order_id == oid).order_by(order_versions.c.version))
    return [dict(r) for r in (await conn.execute(q)).mappings()]


async def count_by_status(conn: Any) -> list[dict[str, Any]]:
    q = sa.select(orders.c.store, orders.c.status, sa.func.count().label("n")).group_by(orders.c.store, orders.c.status)
    return [dict(r) for r in (await conn.execute(q)).mappings()]
