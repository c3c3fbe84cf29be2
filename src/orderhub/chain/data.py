"""The data API for steps: what a chain step may read and change, as operations on orders, the
catalog, stock and shipments — never the core's tables.

A step gets one bound to its transaction as ``ctx.data`` (in ``run`` and ``approve``). Where a
step holds a bare connection (``before_batch``, ``after_delivery``) it builds one with
``StepData(conn, hub=self.hub)``; for a read outside the chain, ``async with hub.reading() as
data``. A plugin's own tables (``register_migrations``) it queries with SQLAlchemy on
``data.conn``, with :meth:`StepData.insert_new` for an insert that may meet an existing row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from orderhub.db import inventory as _inventory
from orderhub.db import orders as _orders
from orderhub.db import shipments as _shipments
from orderhub.db.common import as_utc, insert_ignoring_conflicts, utcnow
from orderhub.db.inventory import ReserveResult
from orderhub.db.schema import orders as _orders_table
from orderhub.models import Order
from orderhub.notices import Notice

__all__ = ["ReserveResult", "StepData", "as_utc", "plugin_metadata"]


def plugin_metadata() -> sa.MetaData:
    """A ``MetaData`` for a plugin's own tables, with the core's naming convention (so its
    migrations and autogenerate agree on index and key names)."""
    from orderhub.db.schema import metadata

    return sa.MetaData(naming_convention=dict(metadata.naming_convention))


#: One statement for all the keys, taken in the subquery's order.
_LOCK_KEYS = sa.text("SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) "
                     "FROM (SELECT k FROM unnest(CAST(:keys AS text[])) AS k ORDER BY k) AS ordered")


class StepData:
    """Operations on the hub's data inside one transaction (``conn``)."""

    def __init__(self, conn: Any, *, hub: Any = None, actor: str = "step", notices: list[Notice] | None = None,
                 stock_changed: set[str] | None = None) -> None:
        #: The transaction's connection: for the plugin's own tables only.
        self.conn = conn
        self.hub = hub
        self.actor = actor
        #: Hook notifications the work produced; the hub fires them after the commit.
        self.notices: list[Notice] = notices if notices is not None else []
        #: SKUs whose available stock changed; low-stock alerts and stock pushes follow.
        self.stock_changed: set[str] = stock_changed if stock_changed is not None else set()

    @staticmethod
    def now() -> datetime:
        """The time in UTC, as the hub stamps its rows."""
        return utcnow()

    # -- orders and catalog -------------------------------------------------------------------

    async def order(self, order_id: str) -> Order:
        """An order as stored now."""
        return await _orders.get_order(self.conn, order_id)

    async def order_briefs(self, order_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Number, status and creation time of each order that exists, by id."""
        ids = sorted(set(order_ids))
        if not ids:
            return {}
        rows = await self.conn.execute(sa.select(_orders_table.c.id, _orders_table.c.number, _orders_table.c.status,
                                                 _orders_table.c.created_at).where(_orders_table.c.id.in_(ids)))
        return {r.id: {"number": r.number, "status": r.status, "created_at": as_utc(r.created_at)} for r in rows}

    async def find_order(self, ref: str) -> Order | None:
        """The order ``ref`` names, as ``orders show`` reads it: a hub id, ``store:external_id``,
        or an external id or number that only one order has. None when none (or several) match."""
        row = await _orders.find_order(self.conn, ref)
        return None if row is None else await _orders.get_order(self.conn, row["id"])

    async def known_skus(self, skus: Iterable[str]) -> set[str]:
        """The SKUs of ``skus`` that are in the catalog."""
        return await _inventory.known_skus(self.conn, set(skus))

    # -- stock ------------------------------------------------------------------------------

    async def lock_stock(self, orders: list[Order], locations: list[str]) -> None:
        """Lock the stock rows a batch of orders will reserve from, in one order (no deadlocks
        between workers; a no-op on SQLite, whose writer is alone)."""
        await _inventory.lock_levels(self.conn, orders, locations)

    async def reserve(self, order: Order, locations: list[str], *, policy: str) -> ReserveResult:
        """Reserve the order's items from ``locations`` in order of preference; ``policy``
        ``hold`` reserves all or nothing, ``backorder`` reserves what is free and backorders the
        rest. Reserving an order again changes nothing."""
        return await _inventory.reserve_order(self.conn, order, locations, policy=policy, actor=self.actor,
                                              notices=self.notices, changed=self.stock_changed)

    async def reserve_many(self, orders: list[Order], locations: list[str], *, policy: str) -> list[ReserveResult]:
        """:meth:`reserve` for a batch, one after another in the list's order, in a few statements.
        For ``Step.run_batch`` after :meth:`lock_stock`: if stock moved anyway it raises, and the
        runner rolls the batch back and reserves order by order."""
        return await _inventory.reserve_orders(self.conn, orders, locations, policy=policy, actor=self.actor,
                                               changed=self.stock_changed)

    # -- shipments --------------------------------------------------------------------------

    async def shipment_of(self, order_id: str) -> dict[str, Any] | None:
        """The order's shipment (its plan, chosen carrier, state, tracking), if one was planned."""
        return await _shipments.for_order(self.conn, order_id)

    async def shipment(self, shipment_id: str) -> dict[str, Any] | None:
        return await _shipments.get(self.conn, shipment_id)

    async def shipments_of(self, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        """:meth:`shipment_of` for many orders: the shipments that exist, by order id."""
        return await _shipments.for_orders(self.conn, order_ids)

    async def take_carrier_capacity(self, carrier: str, day: str, capacity: int | None, count: int = 1) -> bool:
        """Count ``count`` shipments against the carrier account's capacity for ``day``, all or
        none; False when they do not fit."""
        return await _shipments.take_capacity(self.conn, carrier, day, capacity, count)

    async def plan_shipment(self, *, order_id: str, store: str, carrier: str, service: str, plan: dict[str, Any],
                            choice: dict[str, Any], route: str, promised_at: datetime | None) -> str:
        """Record (or re-record) the carrier chosen for an order not shipped yet; the shipment id."""
        return await _shipments.save_plan(self.conn, order_id=order_id, store=store, carrier=carrier, service=service,
                                          plan=plan, choice=choice, route=route, promised_at=promised_at)

    async def plan_shipments(self, plans: list[dict[str, Any]]) -> None:
        """:meth:`plan_shipment` for many orders, each a dict of its keyword arguments."""
        await _shipments.save_plans(self.conn, plans)

    async def paused_carriers(self) -> dict[str, str]:
        """Carrier accounts an operator paused (``orderhub carriers pause``), with the reason."""
        return await _shipments.paused_carriers(self.conn)

    async def switch_carrier(self, shipment_id: str, *, carrier: str, service: str, chosen: dict[str, Any],
                             reason: str) -> bool:
        """Give a shipment without a label to another carrier of its selection (``chosen``: that
        candidate's entry), because of ``reason``; kept in the shipment's choice and the order's
        log. False when the shipment has its label already."""
        row = await _shipments.get(self.conn, shipment_id)
        if row is None:
            return False
        record = {"from": row["carrier"], "from_service": row["service"], "to": carrier, "to_service": service,
                  "reason": reason, "at": utcnow().isoformat()}
        if not await _shipments.switch_carrier(self.conn, shipment_id, carrier=carrier, service=service,
                                               chosen=chosen, record=record):
            return False
        await _orders.add_event(self.conn, row["order_id"], "carrier_fallback", self.actor, reason=reason, data=record)
        return True

    async def note_label_uncertain(self, shipment_id: str, carrier: str, error: str) -> None:
        """A label request got no answer: one may exist with ``carrier``, so no other carrier may
        be given the shipment (one parcel, one label)."""
        await _shipments.note_uncertain(self.conn, shipment_id, carrier, error)

    async def record_label(self, shipment_id: str, label: Any) -> bool:
        """The label was bought: the shipment is created, the order shipped (its stock consumed),
        the tracking number queued for the channel. False if it was recorded already."""
        from orderhub.shipping.logistics import record_label

        return await record_label(self.conn, self.hub, shipment_id, label, self.notices)

    # -- the plugin's own tables ------------------------------------------------------------

    async def lock_keys(self, namespace: str, keys: Iterable[str]) -> None:
        """Serialize work on these keys across workers until this transaction ends: a second
        transaction locking one of them waits for the first to commit, then sees what it wrote
        (counts over a plugin's table stay exact with several workers). PostgreSQL advisory
        transaction locks, taken in one order (no deadlocks); a no-op on SQLite, whose writer is alone."""
        names = sorted({f"{namespace}:{k}" for k in keys})
        if self.conn.dialect.name != "postgresql" or not names:
            return
        await self.conn.execute(_LOCK_KEYS, {"keys": names})

    async def queue_push(self, *, store: str, kind: str, target: str, payload: dict[str, Any], key: str,
                         order_id: str | None = None) -> bool:
        """A durable push in this transaction, delivered after the commit with retries (at least
        once; ``key`` goes with it, and the same key is queued once): ``target`` "channel" (the
        store's connector, :meth:`Connector.deliver`) or "plugin:<name>" (``deliver_push``).
        Whether it was queued (False: that key was already)."""
        from orderhub.db.pushes import queue_push

        return await queue_push(self.conn, key=key, store=store, kind=kind, target=target, payload=payload,
                                order_id=order_id)

    async def insert_new(self, table: sa.Table, values: dict[str, Any] | list[dict[str, Any]], *keys: str) -> None:
        """Insert a row (or a list of rows, in one statement) unless one with the same ``keys``
        exists (``ON CONFLICT DO NOTHING``)."""
        if isinstance(values, dict):
            await self.conn.execute(insert_ignoring_conflicts(self.conn, table, *keys).values(**values))
        elif values:
            await self.conn.execute(insert_ignoring_conflicts(self.conn, table, *keys), values)
