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

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import httpx

from orderhub.account import Account
from orderhub.config import CarrierConfig
from orderhub.errors import CapabilityNotSupported, ConfigError, RecordError
from orderhub.models import Rate, TrackingStatus
from orderhub.shipping.carrier_types import Label, Service, ShipmentRequest, TrackingResult
from orderhub.shipping.oauth import OAuthToken
from orderhub.shipping.tracking import StatusTable


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

    def circuit_open(self) -> bool:
        """Whether the account's circuit breaker is open (too many failures in a row): calls fail
        at once without reaching the carrier until its trial call."""
        return self.http is not None and self.http.breaker.state == "open"

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
