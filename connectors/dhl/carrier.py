from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

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

from . import mapping


class DhlSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_number: str = ""
    #: MyDHL API (rates, labels) lives on another host than tracking in production.
    express_base_path: str = "/mydhlapi"
    #: The tracking API's published default is 250 calls a day, at most one every 5 seconds; raise it
    #: with the limit DHL granted your key.
    tracking_calls_per_second: float = 0.2


class Dhl(Carrier):
    name: ClassVar[str] = "dhl"
    Settings = DhlSettings
    credentials = ("api_key",)
    status_table = mapping.STATUS
    tracking_url_template = "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"
    services = (
        Service("N", "DHL Express Domestic", domestic=True, express=True, transit_days=1,
                max_weight_g=70_000, max_length_mm=1_200),
        Service("P", "DHL Express Worldwide", domestic=False, express=True, transit_days=3,
                max_weight_g=70_000, max_length_mm=1_200),
    )

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
        label.tracking_url = label.tracking_url or self.tracking_url(label.tracking_number)
        return label

    async def track(self, numbers: list[str]) -> list[TrackingResult]:
        async def one(number: str) -> TrackingResult:
            resp = await self.api().get("/track/shipments", params={"trackingNumber": number},
                                        headers={"DHL-API-Key": self.secret("api_key")})
            return mapping.tracking_from(decimal_json(resp.content), number)

        return await self.track_each(numbers, one)
