"""The ``incidents`` plugin's table:

    [plugins.incidents]
    every = "15s"                  # how often the detectors look (a durable schedule, once across workers)
    window = "15m"                 # the rates below are over this window
    clear_after = "1m"             # a condition gone this long resolves its incident (no flapping)
    quarantine_share = 0.2         # a store's payloads quarantined, of all it sent (at least min_events)
    rate_limited_share = 0.2       # a store's requests answered 429
    push_failure_share = 0.2       # a store's pushes queued in the window that failed at least once
    min_events = 10                # fewer events than this in the window decide nothing
    webhooks_refused = 20          # refused (forged) webhook deliveries of a store in the window
    carrier_fallbacks = 3          # shipments given away from a carrier in the window: it is failing
    delay_share = 0.25             # a carrier's shipments delayed in the last day, and at least twice its week
    stockout_share = 0.8           # the SKUs making this share of the last 30 days' stock value are class A
    webhook_url = "https://ops.example.com/hooks/orderhub"     # alerts: a JSON POST per opening and resolution
    email_to = ["oncall@example.com"]                          # alerts: a mail, through [plugins.incidents.smtp]
    smtp = { host = "127.0.0.1", port = 25, sender = "orderhub@example.com" }
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import SmtpSettings, parse_duration


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every: float = 15.0
    window: float = 900.0
    clear_after: float = 60.0
    quarantine_share: float = Field(default=0.2, gt=0, le=1)
    rate_limited_share: float = Field(default=0.2, gt=0, le=1)
    push_failure_share: float = Field(default=0.2, gt=0, le=1)
    min_events: int = Field(default=10, ge=1)
    webhooks_refused: int = Field(default=20, ge=1)
    carrier_fallbacks: int = Field(default=3, ge=1)
    delay_share: float = Field(default=0.25, gt=0, le=1)
    min_delayed: int = Field(default=5, ge=1)
    stockout_share: float = Field(default=0.8, gt=0, le=1)
    webhook_url: str | None = None
    email_to: list[str] = Field(default_factory=list)
    smtp: SmtpSettings | None = None

    @field_validator("every", "window", "clear_after", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    @field_validator("every")
    @classmethod
    def _whole_seconds(cls, v: float) -> float:
        if v < 1 or v > 3600 or (v < 60 and 60 % int(v)) or (v >= 60 and v % 60):
            raise ValueError("every divides a minute (1s … 30s) or is whole minutes up to 1h")
        return v

    def cron(self) -> str:
        """The schedule of the detector job."""
        s = int(self.every)
        return f"*/{s} * * * * *" if s < 60 else f"0 */{s // 60} * * * *"


def settings(hub: Any) -> Settings:
    from orderhub.extend import parse_settings

    return parse_settings(Settings, hub.config.plugins.get("incidents", {}), key="plugins.incidents")
