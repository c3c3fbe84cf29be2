"""The canonical model every connector maps into and every step reads.

Money is ``Decimal`` with an ISO 4217 currency, never a float; times are timezone-aware UTC.
Models refuse what they do not know (``extra="forbid"``) so a mapping bug shows up as a
quarantined record instead of silently lost data.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from orderhub.lifecycle import OrderStatus


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp must carry a timezone")
    return value.astimezone(UTC)


@cache
def _codes(table: str) -> frozenset[str]:
    """ISO codes from pycountry, read once: a lookup per address and amount was 4% of ingest."""
    if table == "currencies":
        return frozenset(c.alpha_3 for c in pycountry.currencies)
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _currency(value: str) -> str:
    code = value.upper()
    if code not in _codes("currencies"):
        raise ValueError(f"unknown ISO 4217 currency {value!r}")
    return code


def _country(value: str) -> str:
    code = value.upper()
    if code not in _codes("countries"):
        raise ValueError(f"unknown ISO 3166-1 alpha-2 country {value!r}")
    return code


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("money must be a decimal string or integer, never a float")
    return value


UTCDateTime = Annotated[datetime, AfterValidator(_utc)]
Currency = Annotated[str, AfterValidator(_currency)]
CountryCode = Annotated[str, AfterValidator(_country)]
# No max_digits/decimal_places: pydantic checks them digit by digit, which cost a third of ingest.
Amount = Annotated[Decimal, BeforeValidator(_no_float)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Customer(_Model):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None


class Address(_Model):
    name: str | None = None
    company: str | None = None
    lines: list[str] = Field(default_factory=list)
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: CountryCode | None = None
    phone: str | None = None


class Discount(_Model):
    code: str | None = None
    description: str | None = None
    amount: Amount


class TaxLine(_Model):
    title: str
    rate: Decimal | None = None
    amount: Amount


class LineItem(_Model):
    external_id: str | None = None
    sku: str | None
    title: str
    attributes: dict[str, str] = Field(default_factory=dict)
    quantity: int
    unit_price: Amount
    discount: Amount = Decimal("0")
    tax: Amount = Decimal("0")
    requires_shipping: bool = True
    fulfilled_quantity: int = 0
    #: Unit weight when the channel sends it (Shopify ``grams``); else the catalog's is used.
    weight_g: int | None = None
    #: Handling flags of the item: ``fragile``, ``hazmat``, ``oversize`` (the catalog adds its own).
    flags: list[str] = Field(default_factory=list)


class ShippingLine(_Model):
    code: str | None = None
    title: str
    price: Amount
    tax: Amount = Decimal("0")


class FeeLine(_Model):
    """An order-level charge that is neither goods nor shipping (gift wrapping, COD fee)."""

    title: str
    amount: Amount
    tax: Amount = Decimal("0")


class Totals(_Model):
    subtotal: Amount
    discounts: Amount = Decimal("0")
    shipping: Amount = Decimal("0")
    fees: Amount = Decimal("0")
    tax: Amount = Decimal("0")
    total: Amount
    paid: Amount = Decimal("0")
    refunded: Amount = Decimal("0")
    #: Prices already include tax (Shopify ``taxes_included``, WooCommerce ``prices_include_tax``).
    tax_included: bool = False


class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"


class Payment(_Model):
    status: PaymentStatus
    method: str | None = None
    amount: Amount | None = None
    gateway_reference: str | None = None
    #: The card network's address and security-code checks, as single letters (``Y``, ``N``, ``M``, …).
    avs_result: str | None = None
    cvv_result: str | None = None
    #: A hash of what the channel shows of the card (issuer number, last digits, expiry): the
    #: same card on two orders has the same fingerprint; the card itself is never stored.
    card_fingerprint: str | None = None


class DeliveryWindow(_Model):
    earliest: UTCDateTime | None = None
    latest: UTCDateTime | None = None


class Requirements(_Model):
    packaging: str | None = None
    gift: bool = False
    gift_message: str | None = None
    fragile: bool = False
    delivery_window: DeliveryWindow | None = None
    notes: str | None = None


class ReturnLine(_Model):
    """One returned line: which SKU, how many, and why in the channel's words."""

    sku: str | None = None
    quantity: int
    reason: str | None = None
    note: str | None = None


class OrderReturn(_Model):
    """A return the customer opened on the channel (kept for the feedback import)."""

    external_id: str
    name: str | None = None
    status: str
    lines: list[ReturnLine] = Field(default_factory=list)


class OrderRefund(_Model):
    """A refund on the channel, with the note staff wrote for it (kept for the feedback import)."""

    external_id: str
    note: str | None = None
    created_at: UTCDateTime | None = None


class RiskFact(_Model):
    description: str
    sentiment: str | None = None


class ChannelRisk(_Model):
    """The channel's own fraud assessment (Shopify: ``riskLevel`` and its recommendation), kept for
    the risk step to weigh; orderhub's own score is a separate thing."""

    level: str
    recommendation: str | None = None
    facts: list[RiskFact] = Field(default_factory=list)
    provider: str | None = None


class Order(_Model):
    """One order as orderhub sees it, whatever channel it came from.

    ``id`` is the hub's stable id, derived from ``(store, external_id)`` so replays and
    idempotency keys agree across processes. ``status`` is the hub lifecycle state;
    ``channel_status`` is the platform's own word for it, kept verbatim.
    """

    id: str | None = None
    store: str
    channel: str
    external_id: str
    number: str | None = None
    status: OrderStatus = OrderStatus.RECEIVED
    channel_status: str | None = None
    channel_target: OrderStatus | None = Field(
        default=None, description="Lifecycle state the channel asks for (e.g. cancelled on the marketplace)."
    )
    created_at: UTCDateTime
    updated_at: UTCDateTime
    currency: Currency
    customer: Customer = Field(default_factory=Customer)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    line_items: list[LineItem]
    shipping_lines: list[ShippingLine] = Field(default_factory=list)
    fee_lines: list[FeeLine] = Field(default_factory=list)
    discounts: list[Discount] = Field(default_factory=list)
    tax_lines: list[TaxLine] = Field(default_factory=list)
    totals: Totals
    payment: Payment
    requirements: Requirements = Field(default_factory=Requirements)
    tags: list[str] = Field(default_factory=list)
    returns: list[OrderReturn] = Field(default_factory=list)
    refunds: list[OrderRefund] = Field(default_factory=list)
    channel_risk: ChannelRisk | None = None

    def model_post_init(self, __context: Any) -> None:
        if self.id is None:
            self.id = order_id(self.store, self.external_id)


def card_fingerprint(*parts: object) -> str | None:
    """The fingerprint of a card from what a channel shows of it (issuer number, masked number's
    last digits, expiry, …): None when it shows nothing."""
    shown = [str(p).strip().lower() for p in parts if p not in (None, "")]
    if not shown:
        return None
    return hashlib.sha256("\x00".join(shown).encode()).hexdigest()[:24]


def order_id(store: str, external_id: str) -> str:
    """The hub id of an order: stable across runs, processes and databases."""
    digest = hashlib.sha256(f"{store}\x00{external_id}".encode()).hexdigest()[:20]
    return f"ord_{digest}"


class InventoryLevel(_Model):
    sku: str
    location: str
    on_hand: int
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Reservation(_Model):
    order_id: str
    sku: str
    location: str
    quantity: int
    created_at: UTCDateTime


class Parcel(_Model):
    weight_g: int
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    packaging: str | None = None


class Rate(_Model):
    """One carrier's price for one service. ``carrier`` is the carrier's config name."""

    carrier: str
    service: str
    service_name: str | None = None
    price: Amount
    currency: Currency
    transit_days: int | None = None
    estimated_delivery: UTCDateTime | None = None
    delivery_window: DeliveryWindow | None = None


class TrackingStatus(StrEnum):
    PENDING = "pending"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ATTEMPT_FAIL = "attempt_fail"
    DELIVERED = "delivered"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    EXCEPTION = "exception"
    EXPIRED = "expired"


class TrackingEvent(_Model):
    status: TrackingStatus
    raw_code: str | None = None
    description: str | None = None
    location: str | None = None
    occurred_at: UTCDateTime


class Shipment(_Model):
    id: str | None = None
    order_id: str
    store: str | None = None
    carrier: str
    service: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    label_ref: str | None = None
    parcels: list[Parcel] = Field(default_factory=list)
    status: TrackingStatus = TrackingStatus.PENDING
    events: list[TrackingEvent] = Field(default_factory=list)
    promised_at: UTCDateTime | None = None
    shipped_at: UTCDateTime | None = None
    delivered_at: UTCDateTime | None = None
    #: When the open delivery problem was scanned (``status`` stays where the parcel got to).
    exception_at: UTCDateTime | None = None


class Incident(_Model):
    """An entry of the risk register: something wrong with a store, a carrier, a SKU or the hub,
    since when, what it touches (counted), what was done, and when it cleared."""

    id: int
    kind: str
    subject: str
    title: str
    status: str  # open | resolved
    since: UTCDateTime
    opened_at: UTCDateTime
    resolved_at: UTCDateTime | None = None
    resolved_by: str | None = None
    impact: dict[str, Any] = Field(default_factory=dict)
    actions: list[dict[str, Any]] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)


class FeedbackKind(StrEnum):
    REVIEW = "review"
    COMPLAINT = "complaint"
    RETURN = "return"
    QUESTION = "question"


FEEDBACK_CATEGORIES = ("delivery_late", "not_received", "damaged", "wrong_item", "missing_item", "quality", "service",
                       "payment_refund", "praise", "other")
FEEDBACK_PRIORITIES = ("urgent", "high", "normal", "low")


class Feedback(_Model):
    """A review, complaint, return or question, from any source (a marketplace, the tracking
    page, a helpdesk export), once classified. ``(source, external_id)`` identifies it: the same
    item imported twice is one item."""

    source: str = Field(min_length=1, max_length=64)  # a store's name, "tracking_page", "import"
    external_id: str = Field(min_length=1, max_length=128)
    kind: FeedbackKind
    store: str | None = None
    channel: str | None = None
    order_id: str | None = None
    order_ref: str | None = Field(default=None, max_length=128)  # the order's number or id, as the source gave it
    rating: int | None = Field(default=None, ge=1, le=5)
    text: str | None = Field(default=None, max_length=5000)
    author: str | None = Field(default=None, max_length=320)  # the e-mail or name the source gives
    skus: list[str] = Field(default_factory=list)
    created_at: UTCDateTime
    # filled by classification
    category: str | None = None
    sentiment: float | None = Field(default=None, ge=-1, le=1)
    language: str | None = None
    priority: str | None = None
    score: float | None = None
    cues: list[str] = Field(default_factory=list)  # the urgency cues found: lawyer, chargeback, …
    id: int | None = None  # orderhub's, once stored


def order_json_schema() -> dict[str, Any]:
    """The JSON Schema integrators map their payloads against (``orderhub schema order``)."""
    return Order.model_json_schema()
