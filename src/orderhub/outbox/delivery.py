"""Delivery of queued pushes: at least once, with the idempotency key, receipt recorded.

A push is claimed before it is sent (its ``next_attempt_at`` moved forward by a lease, only while it
is still due), so two workers never send the same push at the same moment; a crash between sending and
recording sends it again with the same key, which the far side uses to ignore the repeat.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import orjson

from orderhub.db import orders as order_store
from orderhub.db.common import utcnow
from orderhub.db.inventory import available
from orderhub.db.pushes import due_pushes, mark_blocked, mark_delivered, mark_failed
from orderhub.db.schema import pushes
from orderhub.errors import CapabilityNotSupported, ConfigError, RecordError, TransientError
from orderhub.logging import get_logger
from orderhub.models import Order

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()
LEASE = timedelta(seconds=120)


@dataclass
class DeliveryResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    def summary(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "dead": self.dead}


def backoff(attempts: int) -> float:
    return min(2.0 ** attempts, 3600.0)


def _jsonable(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, default=str))


async def _claim(hub: Hub, row: dict[str, Any]) -> bool:
    """Take the send lease if the push is still due (another worker's claim makes it not due)."""
    now = utcnow()
    async with hub.engine.begin() as conn:
        res = await conn.execute(pushes.update().where(
            pushes.c.id == row["id"], pushes.c.status == "pending",
            pushes.c.next_attempt_at <= now).values(
                next_attempt_at=now + LEASE, claimed_by=hub.config.runtime.executor_id))
        return res.rowcount == 1


class PluginTarget:
    """Pushes a plugin queued from a durable hook, delivered through its ``deliver_push`` hook."""

    def __init__(self, hub: Hub, store: str, target: str) -> None:
        self.hub, self.store, self.target = hub, store, target

    async def deliver(self, kind: str, order: Order | None, payload: dict[str, Any], *, key: str) -> Any:
        receipt = self.hub.plugins.hook.deliver_push(store=self.store, target=self.target, kind=kind, order=order,
                                                     payload=payload, key=key)
        if inspect.isawaitable(receipt):
            receipt = await receipt
        if receipt is None:
            raise CapabilityNotSupported(f"no installed plugin delivers pushes for {self.target!r}", store=self.store)
        return receipt


def _handler(hub: Hub, store: str, target: str) -> Any:
    if target == "channel":
        return hub.connector(store)
    if target.startswith("plugin:"):
        return PluginTarget(hub, store, target)
    if target.startswith("step:"):
        name = target[5:]
        for link in hub.chain(store):
            if link.entry.step == name:
                return link.step
        raise ConfigError(f"push target {target!r}: step not in the chain of store {store!r}", store=store)
    raise ConfigError(f"unknown push target {target!r}", store=store)


async def deliver_due(hub: Hub, store: str, *, limit: int = 500) -> DeliveryResult:
    """Send every due push of ``store`` once; failures are rescheduled or marked dead. A
    ConfigError (a secret not set, a push target gone from the chain) leaves the push pending and
    is raised: the store is paused until the config is fixed."""
    result = DeliveryResult()
    tried: set[int] = set()  # each push at most once per call, even if it failed with Retry-After: 0
    while True:
        async with hub.engine.connect() as conn:
            rows = [r for r in await due_pushes(conn, store=store, limit=limit + len(tried)) if r["id"] not in tried]
        if not rows:
            return result
        progressed = False
        for row in rows[:limit]:
            tried.add(row["id"])
            if not await _claim(hub, row):
                continue
            progressed = True
            await _deliver_one(hub, store, row, result)
        if not progressed:  # a delivery may queue follow-ups (a label → the channel's fulfilment): go on
            return result


async def _deliver_one(hub: Hub, store: str, row: dict[str, Any], result: DeliveryResult) -> None:
    bound = log.bind(store=store, order_id=row["order_id"], push=row["kind"], key=row["key"])
    order = None
    retry_in: float | None
    try:
        if row["order_id"]:
            async with hub.engine.connect() as conn:
                order = await order_store.get_order(conn, row["order_id"])
        payload = row["payload"]
        if row["kind"] == "stock":  # the level at the moment of sending: a burst sends the latest once
            async with hub.engine.connect() as conn:
                level = await available(conn, payload["sku"], hub.store_config(store).locations)
            payload = {**payload, "available": level}
        handler = _handler(hub, store, row["target"])
        receipt = await handler.deliver(row["kind"], order, payload, key=row["key"])
    except TransientError as exc:
        retry_in = exc.retry_after if exc.retry_after is not None else backoff(row["attempts"])
        error = f"{exc.code}: {exc.message}"
    except ConfigError as exc:  # the config, not this push, is wrong: keep it, stop the store
        async with hub.engine.begin() as conn:
            await mark_blocked(conn, row["id"], f"{exc.code}: {exc.message}")
        bound.error("push_blocked", error=exc.message)
        raise
    except (CapabilityNotSupported, RecordError) as exc:
        retry_in = None
        error = f"{exc.code}: {exc.message}"
    except Exception as exc:  # a bug in a plugin: keep the push, retry later, say so loudly
        bound.exception("push_crashed")
        retry_in = backoff(row["attempts"])
        error = f"{type(exc).__name__}: {exc}"
    else:
        notices: list[Any] = []
        async with hub.engine.begin() as conn:
            await mark_delivered(conn, row["id"], _jsonable(receipt))
            if row["order_id"]:
                await order_store.add_event(conn, row["order_id"], "pushed", row["target"],
                                            data={"kind": row["kind"], "key": row["key"]})
            after = getattr(handler, "after_delivery", None)
            if after is not None:
                await after(conn, row["kind"], order, payload, receipt, notices)
        await hub.notify(notices)
        result.delivered += 1
        hub.metrics.pushes.labels(store, row["kind"], "delivered").inc()
        bound.info("pushed")
        return
    async with hub.engine.begin() as conn:
        await mark_failed(conn, row["id"], error, retry_in=retry_in)
    hub.metrics.pushes.labels(store, row["kind"], "dead" if retry_in is None else "failed").inc()
    if retry_in is None:
        result.dead += 1
        bound.error("push_dead", error=error)
    else:
        result.failed += 1
        bound.warning("push_failed", error=error, retry_in=retry_in)
