"""What a carrier is asked and what it answers: a service it offers (with the limits checked
before asking for a price), a shipment to quote or buy, the label bought, a tracking result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from orderhub.models import Address, Parcel, TrackingEvent, TrackingStatus


@dataclass(frozen=True)
class Service:
    """One service of a carrier and what it can carry. ``None`` means no limit of that kind."""

    code: str
    name: str
    max_weight_g: int | None = None
    max_length_mm: int | None = None
    #: Length + 2 × (width + height), the usual parcel-size limit.
    max_girth_mm: int | None = None
    #: ISO countries it delivers to; ``None`` = anywhere. ``domestic`` = same country as origin only.
    countries: frozenset[str] | None = None
    domestic: bool | None = None
    #: Item flags it accepts: fragile, hazmat, oversize, signature, insurance.
    supports: frozenset[str] = frozenset({"fragile", "signature", "insurance"})
    express: bool = False
    transit_days: int | None = None


@dataclass
class ShipmentRequest:
    """What to ship: the planned parcels, from where to where, and what they need."""

    order_id: str
    store: str
    ship_from: Address
    ship_to: Address
    parcels: list[Parcel]
    value: Decimal
    currency: str
    flags: frozenset[str] = frozenset()
    deadline: datetime | None = None
    insured_value: Decimal | None = None
    reference: str | None = None
    recipient_email: str | None = None
    recipient_phone: str | None = None

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g for p in self.parcels)


@dataclass
class Label:
    """What creating a shipment returned."""

    tracking_number: str
    label_ref: str | None = None
    tracking_url: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    estimated_delivery: datetime | None = None


@dataclass
class TrackingResult:
    """One tracking number's normalized history. ``found`` is False when the carrier does not know
    the number (yet): status stays ``pending`` and ``error`` says what the carrier said."""

    number: str
    status: TrackingStatus
    events: list[TrackingEvent] = field(default_factory=list)
    found: bool = True
    estimated_delivery: datetime | None = None
    error: str | None = None
