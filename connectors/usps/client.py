from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import orjson

from orderhub.extend import (
    Carrier,
    Label,
    Limiter,
    OAuthToken,
    Rate,
    Service,
    ShipmentRequest,
    TokenBucket,
    TrackingResult,
    decimal_json,
    expires_in,
)

from . import errors, mapping, units
from .settings import UspsSettings


class Usps(Carrier):
    name: ClassVar[str] = "usps"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = UspsSettings
    credentials = ("client_id", "client_secret")
    status_table = units.STATUS
    tracking_url_template = "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"
    services = units.SERVICES

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.payment = OAuthToken(self._payment_token)

    @classmethod
    def make_limiter(cls, settings: UspsSettings) -> Limiter:  # type: ignore[override]
        return TokenBucket(settings.requests_per_second)

    @property
    def s(self) -> UspsSettings:
        return self.settings  # type: ignore[return-value]

    async def fetch_token(self) -> tuple[str, float]:
        """``POST /oauth2/v3/token`` with a JSON body."""
        resp = await self.api().post("/oauth2/v3/token", idempotent=True, json={
            "grant_type": "client_credentials", "client_id": self.secret("client_id"),
            "client_secret": self.secret("client_secret")})
        body = orjson.loads(resp.content)
        return body["access_token"], expires_in(body)

    async def _payment_token(self) -> tuple[str, float]:
        """``POST /payments/v3/payment-authorization``: the token labels are paid with (8 hours)."""
        roles = [{"roleName": role, "CRID": self.s.crid, "MID": self.s.mid, "manifestMID": self.s.mid,
                  "accountType": self.s.account_type, "accountNumber": self.s.account_number}
                 for role in ("PAYER", "LABEL_OWNER")]
        resp = await self.authorized("POST", "/payments/v3/payment-authorization", json={"roles": roles},
                                     idempotent=True)
        return orjson.loads(resp.content)["paymentAuthorizationToken"], 8 * 3600.0

    async def quote(self, req: ShipmentRequest, services: list[Service]) -> list[Rate]:
        out = []
        for svc in services:
            resp = await self.authorized("POST", "/prices/v3/base-rates/search",
                                         json=mapping.price_request(req, svc.code), idempotent=True)
            out.append(mapping.rate_from(decimal_json(resp.content), self.key, svc.code, len(req.parcels)))
        return out

    async def create_shipment(self, req: ShipmentRequest, rate: Rate, *, key: str) -> Label:
        resp = await self.authorized("POST", "/labels/v3/label",
                                     json=mapping.label_request(req, rate.service, key, datetime.now(UTC)),
                                     headers={"X-Payment-Authorization-Token": await self.payment.get()})
        label = mapping.label_from(mapping.label_metadata(resp.content, resp.headers.get("content-type", "")))
        label.tracking_url = self.tracking_url(label.tracking_number)
        return label

    async def track(self, numbers: list[str]) -> list[TrackingResult]:
        async def one(number: str) -> TrackingResult:
            resp = await self.authorized("GET", f"/tracking/v3/tracking/{number}", params={"expand": "DETAIL"})
            return mapping.tracking_from(decimal_json(resp.content), number)

        return await self.track_each(numbers, one)
