"""The carrier connector interface: quote, create a shipment, track. Mapping is pure functions.

A carrier is a class registered by ``register_carriers``; ``[carriers.NAME]`` in the config picks it
by ``connector`` and gives it a base URL, credentials (named as the carrier names them) and
options. Each declares its services with their limits, so :mod:`orderhub.shipping.selection` can reject
what a service cannot carry *before* asking for a price.

Example::

    class Courier(Carrier):
        name = "courier"
        services = (Service("std", "Standard", max_weight_g=30_000, transit_days=2),)

        async def quote(self, req, services):
            body = (await self.api().post("/quote", json=...)).json()
            return [Rate(carrier=self.key, service="std", price=Decimal(body["price"]), currency="EUR")]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import httpx

from orderhub.account import Account
from orderhub.config import CarrierConfig
from orderhub.errors import CapabilityNotSupported, ConfigError, RecordError
from orderhub.models import Address, Parcel, Rate, TrackingEvent, TrackingStatus
from orderhub.shipping.tracking import StatusTable


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


class OAuthToken:
    """An OAuth client-credentials token: fetched when first needed, refreshed shortly before it
    expires or when the API says it is no longer valid. One fetch at a time."""

    def __init__(self, fetch: Callable[[], Awaitable[tuple[str, float]]], *, margin: float = 60.0) -> None:
        self._fetch = fetch
        self._margin = margin
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def get(self) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        async with self._lock:
            if not self._token or time.monotonic() >= self._expires:
                token, lifetime = await self._fetch()
                self.fetches += 1
                self._token = token
                self._expires = time.monotonic() + max(1.0, lifetime - min(self._margin, lifetime / 10))
        return self._token

    def invalidate(self) -> None:
        self._token, self._expires = None, 0.0


def expires_in(body: dict[str, Any], default: float = 3600.0) -> float:
    """``expires_in`` as seconds; UPS sends it as a string, FedEx and USPS as a number."""
    try:
        return float(body.get("expires_in", default))
    except (TypeError, ValueError):
        return default


class Carrier(Account):
    """Base class for carrier connectors. See the module docstring for an example."""

    section = "carriers"
    config_model = CarrierConfig
    services: ClassVar[tuple[Service, ...]] = ()
    #: Tracking numbers one tracking call may ask for.
    tracking_batch: ClassVar[int] = 1
    status_table: ClassVar[StatusTable | None] = None
    #: Public tracking page; ``{number}`` is replaced.
    tracking_url_template: ClassVar[str | None] = None

    def __init__(self, key: str, config: CarrierConfig, **kw: Any) -> None:
        super().__init__(key, config, **kw)  # key: the config name (``[carriers.<key>]``); rates carry it
        self.token: OAuthToken | None = None

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    def tracking_url(self, number: str) -> str | None:
        return self.tracking_url_template.format(number=number) if self.tracking_url_template else None

    # -- OAuth client credentials ---------------------------------------------------------

    async def fetch_token(self) -> tuple[str, float]:
        """Ask the carrier for a client-credentials token: ``(token, lifetime seconds)``."""
        raise CapabilityNotSupported(f"{self.name} does not use OAuth")

    async def authorized(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """A call with a bearer token; a 401 (token revoked or expired early) refreshes it once."""
        if self.token is None:
            self.token = OAuthToken(self.fetch_token)
        headers = dict(kw.pop("headers", None) or {})
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {await self.token.get()}"
            try:
                return await self.api().request(method, url, headers=headers, **kw)
            except ConfigError as exc:
                if attempt == 2 or exc.context.get("status") != 401:
                    raise
                self.token.invalidate()
        raise AssertionError("unreachable")

    # -- what a carrier does --------------------------------------------------------------

    async def quote(self, req: ShipmentRequest, services: list[Service]) -> list[Rate]:
        """Prices for ``services`` (those that passed the hard filters) to carry ``req``."""
        raise CapabilityNotSupported(f"{self.name} cannot quote rates")

    async def create_shipment(self, req: ShipmentRequest, rate: Rate, *, key: str) -> Label:
        """Buy the label. ``key`` is our idempotency key; send it as the shipment's reference."""
        raise CapabilityNotSupported(f"{self.name} cannot create shipments")

    async def track(self, numbers: list[str]) -> list[TrackingResult]:
        """Tracking for up to ``tracking_batch`` numbers, one result per number."""
        raise CapabilityNotSupported(f"{self.name} cannot track")

    async def track_each(self, numbers: list[str], fetch: Callable[[str], Awaitable[TrackingResult]]) -> list[TrackingResult]:
        """For APIs that track one number per call: ``fetch`` each; a 404 means the carrier does
        not know the number (yet), which is a result, not an error."""
        out = []
        for number in numbers:
            try:
                out.append(await fetch(number))
            except RecordError as exc:
                if exc.code != "not_found":
                    raise
                out.append(TrackingResult(number=number, status=TrackingStatus.PENDING, found=False,
                                          error=f"{self.name.upper()}: {exc.message}"))
        return out

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> list[TrackingResult]:
        """Verify and read a tracking webhook the carrier pushed."""
        raise CapabilityNotSupported(f"{self.name} does not send tracking webhooks")



# -- helpers the carrier mappings share ----------------------------------------------------


def kg(grams: int) -> str:
    return f"{max(grams, 1) / 1000:.3f}".rstrip("0").rstrip(".")


def lb(grams: int) -> Decimal:
    return (Decimal(max(grams, 1)) / Decimal("453.59237")).quantize(Decimal("0.01"))


def cm(mm: int | None) -> int:
    """Whole centimetres, at least 1 (an unknown side counts as 1 cm)."""
    return max(1, round((mm or 10) / 10))


def inches(mm: int | None) -> Decimal:
    return (Decimal(mm or 10) / Decimal("25.4")).quantize(Decimal("0.1"))


def street(address: Address) -> list[str]:
    return [line for line in address.lines if line] or ["-"]
