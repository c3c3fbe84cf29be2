"""The ``reports`` plugin's table:

    [plugins.reports]
    ship_within = "24h"                      # the shipping SLA the process report measures
    daily = ["sales", "process"]             # the daemon's daily report (none without it)
    to = "file:/var/lib/orderhub/reports"    # a folder: report-YYYY-MM-DD.html; or an e-mail address
    at = "0 6 * * *"                         # when (cron, the workers' clock); the default
    tz = "Europe/Berlin"                     # the days it covers; default UTC
    smtp = { host = "127.0.0.1", port = 25, sender = "orderhub@example.com" }   # for an address

    [plugins.reports.stores.acme]
    ship_within = "12h"
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from orderhub.extend import SmtpSettings, parse_duration


class Smtp(SmtpSettings):
    timeout: float = 30.0  # a page of reports, not a one-line notice


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ship_within: float | None = None

    @field_validator("ship_within", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)


class Settings(StoreSettings):
    daily: list[str] = Field(default_factory=list)
    to: str | None = None
    at: str = "0 6 * * *"
    tz: str = "UTC"
    smtp: Smtp | None = None
    stores: dict[str, StoreSettings] = Field(default_factory=dict)

    @field_validator("daily")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from .service import names

        unknown = [n for n in value if n not in names()]
        if unknown:
            raise ValueError(f"no report named {', '.join(unknown)}; the reports are: {', '.join(names())}")
        return value

    @model_validator(mode="after")
    def _delivery(self) -> Settings:
        if self.daily and not self.to:
            raise ValueError("daily reports need 'to': a folder (\"file:/path\") or an e-mail address")
        if self.to and not self.to.startswith("file:") and self.smtp is None:
            raise ValueError(f"'to' is the address {self.to!r}: sending it needs 'smtp' (host, port, sender)")
        return self

    def ship_within_for(self, store: str) -> float | None:
        own = self.stores.get(store)
        return own.ship_within if own and own.ship_within is not None else self.ship_within
