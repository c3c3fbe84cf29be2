"""Webhook intake: verify with the store's connector, deduplicate by the platform's delivery id,
store the orders it carries in the same transaction as the delivery record.

A forged delivery raises RecordError(code="forged_webhook") and stores nothing; a replayed one is
acknowledged and ignored; a malformed order in a genuine delivery is quarantined like any other.
The HTTP endpoint (``POST /webhooks/{store}``) is a thin shell around :func:`receive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .db.common import insert_ignoring_conflicts, inserted, utcnow
from .db.schema import webhook_deliveries
from .hub import Hub
from .ingest import ingest_records
from .logging import get_logger

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
    connector = hub.connector(store)
    delivery = connector.parse_webhook(headers, body)  # raises on a forged signature
    async with hub.engine.begin() as conn:
        stmt = insert_ignoring_conflicts(conn, webhook_deliveries, "store", "delivery_id").values(
            store=store, delivery_id=delivery.delivery_id[:200], topic=delivery.topic[:64], received_at=utcnow(),
            orders=len(delivery.records))
        if not await inserted(conn, stmt, webhook_deliveries):
            log.info("webhook_duplicate", store=store, delivery_id=delivery.delivery_id, topic=delivery.topic)
            return WebhookResult("duplicate", delivery.delivery_id, delivery.topic)
        if not delivery.records:
            return WebhookResult("ignored", delivery.delivery_id, delivery.topic)
        result = await ingest_records(conn, connector, delivery.records, actor=f"webhook:{delivery.topic}")
    await hub.notify(result.notices)
    log.info("webhook_stored", store=store, delivery_id=delivery.delivery_id, topic=delivery.topic,
             inserted=result.inserted, updated=result.updated, quarantined=result.quarantined)
    return WebhookResult("stored", delivery.delivery_id, delivery.topic, result.inserted, result.updated,
                         result.quarantined)


def as_dict(result: WebhookResult) -> dict[str, Any]:
    return dict(result.__dict__)
