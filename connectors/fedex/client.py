from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

import orjson

from orderhub.extend import (
    Carrier,
    Label,
    Limiter,
    Rate,
    Service,
    ShipmentRequest,
    TokenBucket,
    TrackingResult,
    decimal_json,
    expires_in,
)

from . import errors, mapping, units
from .settings import FedexSettings


class Fedex(Carrier):
    name: ClassVar[str] = "fedex"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = FedexSettings
    credentials = ("client_id", "client_secret")
    status_table = units.STATUS
    tracking_batch = 30
    tracking_url_template = "https://www.fedex.com/fedextrack/?trknbr={number}"
    services = units.SERVICES

    @classmethod
    def make_limiter(cls, settings: FedexSettings) -> Limiter:  # type: ignore[override]
        return TokenBucket(settings.requests_per_second)

    @property
    def s(self) -> FedexSettings:
        return self.settings  # type: ignore[return-value]

    async def fetch_token(self) -> tuple[str, float]:
        """``POST /oauth/token`` with the credentials in the form body."""
        form = urlencode({"grant_type": "client_credentials", "client_id": self.secret("client_id"),
                          "client_secret": self.secret("client_secret")}).encode()
        resp = await self.api().post("/oauth/token", content=form, idempotent=True,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        body = orjson.loads(resp.content)
        return body["access_token"], expires_in(body)

    async def quote(self, req: ShipmentRequest, services: list[Service]) -> list[Rate]:
        resp = await self.authorized("POST", "/rate/v1/rates/quotes", json=mapping.rate_request(req, self.s.account_number),
                                     idempotent=True, headers={"X-locale": "en_US"})
        return mapping.rates_from(decimal_json(resp.content), self.key, {s.code for s in services})

    async def create_shipment(self, req: ShipmentRequest, rate: Rate, *, key: str) -> Label:
        resp = await self.authorized("POST", "/ship/v1/shipments",
                                     json=mapping.ship_request(req, rate.service, self.s.account_number, key))
        label = mapping.label_from(decimal_json(resp.content))
        label.tracking_url = self.tracking_url(label.tracking_number)
        return label

    async def track(self, numbers: list[str]) -> list[TrackingResult]:
        resp = await self.authorized("POST", "/track/v1/trackingnumbers", json=mapping.track_request(numbers),
                                     idempotent=True)
        return mapping.tracking_from(decimal_json(resp.content))
