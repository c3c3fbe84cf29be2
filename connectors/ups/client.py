from __future__ import annotations

import base64
import uuid
from typing import ClassVar

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
    expires_in,
)

from . import errors, mapping, units
from .settings import UpsSettings


class Ups(Carrier):
    name: ClassVar[str] = "ups"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = UpsSettings
    credentials = ("client_id", "client_secret")
    status_table = units.STATUS
    tracking_url_template = "https://www.ups.com/track?tracknum={number}"
    services = units.SERVICES

    @classmethod
    def make_limiter(cls, settings: UpsSettings) -> Limiter:  # type: ignore[override]
        return TokenBucket(settings.requests_per_second)

    @property
    def s(self) -> UpsSettings:
        return self.settings  # type: ignore[return-value]

    async def fetch_token(self) -> tuple[str, float]:
        """``POST /security/v1/oauth/token`` with HTTP Basic client credentials (client_secret_basic)."""
        basic = base64.b64encode(f"{self.secret('client_id')}:{self.secret('client_secret')}".encode()).decode()
        resp = await self.api().post("/security/v1/oauth/token", content=b"grant_type=client_credentials",
                                     headers={"Authorization": f"Basic {basic}",
                                              "Content-Type": "application/x-www-form-urlencoded"}, idempotent=True)
        body = orjson.loads(resp.content)
        return body["access_token"], expires_in(body)

    async def quote(self, req: ShipmentRequest, services: list[Service]) -> list[Rate]:
        resp = await self.authorized("POST", f"/api/rating/{self.s.api_version}/Shop",
                                     json=mapping.rate_request(req, self.s.account_number), idempotent=True,
                                     headers={"transId": uuid.uuid4().hex, "transactionSrc": self.s.transaction_src})
        return mapping.rates_from(orjson.loads(resp.content), self.key, {s.code for s in services})

    async def create_shipment(self, req: ShipmentRequest, rate: Rate, *, key: str) -> Label:
        resp = await self.authorized("POST", f"/api/shipments/{self.s.api_version}/ship",
                                     json=mapping.ship_request(req, rate.service, self.s.account_number, key),
                                     headers={"transId": uuid.uuid4().hex, "transactionSrc": self.s.transaction_src})
        label = mapping.label_from(orjson.loads(resp.content))
        label.tracking_url = self.tracking_url(label.tracking_number)
        return label

    async def track(self, numbers: list[str]) -> list[TrackingResult]:
        async def one(number: str) -> TrackingResult:
            resp = await self.authorized("GET", f"/api/track/v1/details/{number}",
                                         params={"locale": "en_US", "returnSignature": "false"},
                                         headers={"transId": uuid.uuid4().hex, "transactionSrc": self.s.transaction_src})
            return mapping.tracking_from(orjson.loads(resp.content), number)

        return await self.track_each(numbers, one)

