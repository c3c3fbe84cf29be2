"""The marketplace connector interface. A connector is a small class; mapping is pure functions.

Subclass :class:`Connector`, give it a ``name`` and a ``Settings`` model for its store options,
and implement what the platform can do. What it cannot do raises
:class:`~orderhub.errors.CapabilityNotSupported` from this base class.

Example::

    class MyShop(Connector):
        name = "myshop"

        async def fetch_orders(self, cursor):
            resp = await self.http.get("/orders", params={"since": cursor or "1970-01-01"})
            body = resp.json()
            return Page(records=[RawRecord(o, external_id=str(o["id"])) for o in body["orders"]],
                        cursor=body["next"], has_more=bool(body["more"]))

        def normalize(self, record):
            return mapping.order_from_myshop(record.raw, store=self.store)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson

from orderhub.account import Account
from orderhub.config import StoreConfig
from orderhub.errors import CapabilityNotSupported, RecordError
from orderhub.models import Order


@dataclass(slots=True)
class RawRecord:
    """One raw payload as the platform sent it, and where it came from (for quarantine)."""

    raw: dict[str, Any]
    external_id: str | None = None
    location: str | None = None


@dataclass
class Page:
    """One page of a pull. ``cursor`` is saved with the page's orders; ``has_more`` asks for the next.
    Intake consumes ``records`` (the list is emptied as each is stored): give each page a list of its own."""

    records: list[RawRecord]
    cursor: str | None
    has_more: bool
    #: Records already known to be bad at read time (unparseable rows), with their error.
    rejects: list[tuple[RawRecord, RecordError]] = field(default_factory=list)


@dataclass(slots=True)
class WebhookDelivery:
    delivery_id: str
    topic: str
    records: list[RawRecord]


class Connector(Account):
    """Base class for marketplace connectors. See the module docstring for an example."""

    section = "stores"
    config_model = StoreConfig
    base_url_is = "the shop's URL"
    #: The channel name orders carry; defaults to ``name``.
    channel: ClassVar[str | None] = None
    #: The hub asks for the next page while it stores the current one (``fetch_orders`` must then
    #: depend on its cursor only). Set False for a source that cannot take an early request.
    read_ahead: ClassVar[bool] = True

    @classmethod
    def _where(cls, key: str) -> dict[str, str]:
        return {"store": key}

    @property
    def store(self) -> str:
        """The store's name (``[stores.<store>]``)."""
        return self.key

    @property
    def channel_name(self) -> str:
        return self.channel or self.name

    # -- intake ---------------------------------------------------------------------------

    async def fetch_orders(self, cursor: str | None) -> Page:
        """Pull the next page of orders changed since ``cursor`` (``None``: from the beginning)."""
        raise CapabilityNotSupported(f"{self.name} cannot pull orders", store=self.store)

    def normalize(self, record: RawRecord) -> Order:
        """Map one raw payload to the canonical :class:`Order`. Pure; raises RecordError on bad data."""
        raise CapabilityNotSupported(f"{self.name} cannot normalize orders", store=self.store)

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> WebhookDelivery:
        """Verify a webhook's signature and parse it; raise ConfigError-free RecordError when forged."""
        raise CapabilityNotSupported(f"{self.name} does not take webhooks", store=self.store)

    def signed_order_webhook(self, body: bytes, *, signature: str | None, delivery_id: str | None,
                             id_header: str, topic: str, order_topics: frozenset[str]) -> WebhookDelivery:
        """The common shape of a platform webhook signed with base64(HMAC-SHA256(webhook_secret, body)):
        verify it, require its delivery id, and read the order it carries when the topic is an
        order topic (other topics are acknowledged with no records)."""
        from orderhub.intake.mapping import verify_base64_hmac

        secret = self.secrets.get("webhook_secret")
        if secret is None:
            raise CapabilityNotSupported(f"stores.{self.store}.credentials.webhook_secret is not set", store=self.store)
        if not verify_base64_hmac(secret.get_secret_value(), body, signature):
            raise RecordError("webhook signature does not match", code="forged_webhook", store=self.store)
        if not delivery_id:
            raise RecordError(f"webhook has no {id_header}", code="invalid_webhook", store=self.store)
        records = []
        if topic in order_topics:
            try:
                order = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise RecordError(f"webhook body is not JSON: {exc}", code="invalid_webhook",
                                  store=self.store) from None
            if not isinstance(order, dict):
                raise RecordError(f"webhook body is JSON {type(order).__name__}, not an order object",
                                  code="invalid_webhook", store=self.store)
            records.append(RawRecord(order, external_id=str(order.get("id")), location=f"webhook {topic} {delivery_id}"))
        return WebhookDelivery(delivery_id=delivery_id, topic=topic, records=records)

    # -- pushes (each receives the idempotency key it must send or read back) ---------------

    async def push_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """The order shipped: ``payload`` has ``tracking_number``, ``carrier`` (display name),
        ``tracking_url`` (may be None) and ``shipment_id``. ``key`` is the push's idempotency key:
        send it (``Idempotency-Key``) or check the platform before writing, so a repeat after a
        lost response applies once. Raise ``TransientError`` to be retried later."""
        raise CapabilityNotSupported(f"{self.name} cannot push fulfilments", store=self.store)

    async def push_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """The order was cancelled in review: ``payload["reason"]``."""
        raise CapabilityNotSupported(f"{self.name} cannot push cancellations", store=self.store)

    async def push_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        """A SKU's stock changed: ``payload`` has ``sku`` and ``available`` (the level across the
        store's locations at the moment of sending)."""
        raise CapabilityNotSupported(f"{self.name} cannot push stock", store=self.store)

    async def push_tracking(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        """A shipment's new tracking status (``payload["status"]``, a TrackingStatus value)."""
        raise CapabilityNotSupported(f"{self.name} cannot push tracking updates", store=self.store)

    async def fetch_feedback(self, cursor: str | None) -> Page:
        """Reviews, complaints, returns and questions since ``cursor``, a page at a time, as the
        platform sends them (the feedback plugin pulls them every minute and stores the cursor)."""
        raise CapabilityNotSupported(f"{self.name} cannot pull feedback", store=self.store)

    def replies_to_feedback(self) -> bool:
        """Whether :meth:`push_feedback_reply` can post a reply to this store's feedback (the
        feedback plugin queues one when an operator responds)."""
        return False

    async def push_feedback_reply(self, payload: dict[str, Any], *, key: str) -> Any:
        """Post an operator's reply under a feedback item of this store: ``payload`` has
        ``external_id`` (the item's, as :meth:`feedback_row` gave it) and ``text``. Read back
        before writing, so a repeat after a lost response posts once."""
        raise CapabilityNotSupported(f"{self.name} cannot reply to feedback", store=self.store)

    def feedback_row(self, record: RawRecord) -> dict[str, Any]:
        """One record of :meth:`fetch_feedback` as a feedback row: ``id`` (the platform's, stable),
        ``kind`` (review, complaint, return or question), ``created_at`` (ISO 8601), and as known
        ``order_ref`` (the order's number or id), ``channel``, ``rating`` (1–5), ``text``,
        ``author`` (e-mail or name), ``sku``. Raise RecordError for a record that cannot be one."""
        raise CapabilityNotSupported(f"{self.name} cannot read feedback", store=self.store)

    async def deliver(self, kind: str, order: Order | None, payload: dict[str, Any], *, key: str) -> Any:
        """Dispatch a queued push to the method for its kind."""
        if kind == "fulfilment" and order is not None:
            return await self.push_fulfilment(order, payload, key=key)
        if kind == "cancel" and order is not None:
            return await self.push_cancel(order, payload, key=key)
        if kind == "stock":
            return await self.push_stock(payload, key=key)
        if kind == "tracking" and order is not None:
            return await self.push_tracking(order, payload, key=key)
        if kind == "feedback_reply":
            return await self.push_feedback_reply(payload, key=key)
        raise CapabilityNotSupported(f"{self.name} has no push of kind {kind!r}", store=self.store)

