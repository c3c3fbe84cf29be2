from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import ClassVar


from orderhub.extend import (
    Carrier,
    ConfigError,
    Label,
    Limiter,
    Rate,
    Service,
    ShipmentRequest,
    TokenBucket,
    TrackingResult,
    decimal_json,
)

from . import errors, mapping, units
from .settings import DhlSettings


class Dhl(Carrier):
    name: ClassVar[str] = "dhl"
    explain_error = staticmethod(errors.explain)  # a 4xx in the platform's own words
    Settings = DhlSettings
    credentials = ("api_key",)
    status_table = units.STATUS
    tracking_url_template = "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"
    services = units.SERVICES

    @classmethod
    def make_limiter(cls, settings: DhlSettings) -> Limiter:  # type: ignore[override]
        return TokenBucket(settings.tracking_calls_per_second, burst=1)

    @property
    def s(self) -> DhlSettings:
        return self.settings  # type: ignore[return-value]

    def _basic(self) -> dict[str, str]:
        """MyDHL API: HTTP Basic with the API key and its secret."""
        if "api_secret" not in self.secrets:
            raise ConfigError(f"carriers.{self.key}.credentials.api_secret: MyDHL API (rates, labels) needs it",
                              key=f"carriers.{self.key}.credentials")
        token = base64.b64encode(f"{self.secret('api_key')}:{self.secret('api_secret')}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    async def quote(self, req: ShipmentRequest, services: list[Service]) -> list[Rate]:
        resp = await self.api().get(f"{self.s.express_base_path}/rates", headers=self._basic(),
                                    params=mapping.rate_params(req, self.s.account_number, datetime.now(UTC)))
        return mapping.rates_from(decimal_json(resp.content), self.key, {s.code for s in services})

    async def create_shipment(self, req: ShipmentRequest, rate: Rate, *, key: str) -> Label:
        body = mapping.ship_request(req, rate.service, self.s.account_number, key, datetime.now(UTC))
        resp = await self.api().post(f"{self.s.express_base_path}/shipments", json=body, headers=self._basic())
        label = mapping.label_from(decimal_json(resp.content))
        label.tracking_url = self.tracking_url(label.tracking_number)
        return label

    async def track(self, numbers: list[str]) -> list[TrackingResult]:
        async def one(number: str) -> TrackingResult:
            resp = await self.api().get("/track/shipments", params={"trackingNumber": number},
                                        headers={"DHL-API-Key": self.secret("api_key")})
            return mapping.tracking_from(decimal_json(resp.content), number)

        return await self.track_each(numbers, one)
