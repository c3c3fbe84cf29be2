"""Webhook intake: verify with the store's connector, deduplicate by the platform's delivery id,
store the orders it carries in the same transaction as the delivery record.

A forged delivery raises RecordError(code="forged_webhook") and stores nothing; a replayed one is
acknowledged and ignored; a malformed order in a genuine delivery is quarantined like any other.
The HTTP endpoint (``POST /webhooks/{store}``) is a thin shell around :func:`receive`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orderhub.db.common import insert_ignoring_conflicts, inserted, utcnow
from orderhub.db.schema import webhook_deliveries
from orderhub.intake.ingest import ingest_records
from orderhub.logging import get_logger

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()


@dataclass
class WebhookResult:
    status: str  # "stored", "duplicate" or "ignored" (a topic that carries no order)
    delivery_id: str
    topic: str
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0


async def receive(hub: Hub, store: str, headers: dict[str, str], body: bytes) -> WebhookResult:
    """Verify, deduplicate and store one delivery in its own transaction."""
    delivery = hub.connector(store).parse_webhook(headers, body)  # raises on a forged signature
    (result,) = await store_deliveries(hub, store, [delivery])
    if result.status == "duplicate":
        log.info("webhook_duplicate", store=store, delivery_id=delivery.delivery_id, topic=delivery.topic)
    return result


class WebhookIntake:
    """Group commit for webhooks: deliveries that arrive together are stored in one transaction.

    Verification happens at once (a forged delivery is refused without touching the database); the
    acknowledgement waits for the commit, so an acknowledged delivery is never lost. Under a burst
    this turns hundreds of small transactions a second into a few larger ones.
    """

    def __init__(self, hub: Hub, *, max_batch: int = 200, max_wait: float = 0.01) -> None:
        self.hub, self.max_batch, self.max_wait = hub, max_batch, max_wait
        self._queues: dict[str, asyncio.Queue[tuple[Any, asyncio.Future[WebhookResult]]]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def submit(self, store: str, headers: dict[str, str], body: bytes) -> WebhookResult:
        delivery = self.hub.connector(store).parse_webhook(headers, body)  # raises on a forged signature
        fut: asyncio.Future[WebhookResult] = asyncio.get_running_loop().create_future()
        if store not in self._queues:
            self._queues[store] = asyncio.Queue()
            self._tasks[store] = asyncio.create_task(self._drain(store))
        await self._queues[store].put((delivery, fut))
        return await fut

    async def _drain(self, store: str) -> None:
        queue = self._queues[store]
        while True:
            batch = [await queue.get()]
            deadline = asyncio.get_running_loop().time() + self.max_wait
            while len(batch) < self.max_batch:
                timeout = deadline - asyncio.get_running_loop().time()
                if timeout <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(queue.get(), timeout))
                except asyncio.TimeoutError:
                    break
            try:
                results = await store_deliveries(self.hub, store, [d for d, _ in batch])
            except Exception as exc:  # nothing was committed: every waiting delivery gets the error
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for (_, fut), result in zip(batch, results):
                if not fut.done():
                    fut.set_result(result)

    async def aclose(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)


async def store_deliveries(hub: Hub, store: str, deliveries: list[Any]) -> list[WebhookResult]:
    """Record and ingest several verified deliveries in one transaction (duplicates ignored)."""
    connector = hub.connector(store)
    results: list[WebhookResult] = []
    notices: list[Any] = []
    async with hub.engine.begin() as conn:
        for delivery in deliveries:
            stmt = insert_ignoring_conflicts(conn, webhook_deliveries, "store", "delivery_id").values(
                store=store, delivery_id=delivery.delivery_id[:200], topic=delivery.topic[:64], received_at=utcnow(),
                orders=len(delivery.records))
            if not await inserted(conn, stmt, webhook_deliveries):
                results.append(WebhookResult("duplicate", delivery.delivery_id, delivery.topic))
            elif not delivery.records:
                results.append(WebhookResult("ignored", delivery.delivery_id, delivery.topic))
            else:
                r = await ingest_records(conn, connector, delivery.records, actor=f"webhook:{delivery.topic}")
                notices += r.notices
                results.append(WebhookResult("stored", delivery.delivery_id, delivery.topic, r.inserted, r.updated,
                                             r.quarantined))
    await hub.notify(notices)
    stored = [r for r in results if r.status == "stored"]
    if stored:
        log.info("webhooks_stored", store=store, deliveries=len(stored), inserted=sum(r.inserted for r in stored),
                 updated=sum(r.updated for r in stored), quarantined=sum(r.quarantined for r in stored))
    return results
