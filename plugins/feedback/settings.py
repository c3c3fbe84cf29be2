"""The ``feedback`` plugin's table:

    [plugins.feedback]
    high_value = "200"                # an order at or above this (in any currency) raises a priority
    respond_within = { urgent = "4h", high = "24h", normal = "3d", low = "7d" }   # the SLA per priority
    tracking_key = "env:ORDERHUB_TRACKING_KEY"   # signs the customers' tracking links (env: or file:)
    public_url = "https://track.example.com"     # where customers reach the daemon's /t/ pages
    link_days = 60                               # how long a link works
    pull_every = "5m"                            # a store's feedback pulled at the end of its syncs, this often
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import FEEDBACK_PRIORITIES, parse_duration

DEFAULT_SLA = {"urgent": "4h", "high": "24h", "normal": "3d", "low": "7d"}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    high_value: Decimal | None = Field(default=None, gt=0)
    respond_within: dict[str, float] = Field(default_factory=lambda: {k: parse_duration(v)
                                                                      for k, v in DEFAULT_SLA.items()})
    tracking_key: str | None = None
    public_url: str = "http://127.0.0.1:8080"
    link_days: int = Field(default=60, ge=1, le=3650)
    pull_every: float = 300.0  # seconds between two pulls of a store's feedback, at the end of its syncs

    @field_validator("pull_every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("respond_within", mode="before")
    @classmethod
    def _durations(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("respond_within is a table: { urgent = \"4h\", high = \"24h\", … }")
        unknown = sorted(set(value) - set(FEEDBACK_PRIORITIES))
        if unknown:
            raise ValueError(f"unknown priority {', '.join(unknown)}: the priorities are "
                             f"{', '.join(FEEDBACK_PRIORITIES)}")
        merged = {**DEFAULT_SLA, **value}
        return {k: parse_duration(v) for k, v in merged.items()}

    def sla(self, priority: str) -> timedelta:
        return timedelta(seconds=self.respond_within[priority])

    def key(self) -> bytes | None:
        """The tracking links' signing key (None: no tracking page)."""
        if not self.tracking_key:
            return None
        from orderhub.extend import resolve_secret

        value = resolve_secret(self.tracking_key, key="plugins.feedback.tracking_key").get_secret_value()
        if len(value) < 16:
            from orderhub.extend import ConfigError

            raise ConfigError("plugins.feedback.tracking_key: at least 16 characters (a random secret)")
        return value.encode()


def settings(hub: Any) -> Settings:
    from orderhub.extend import parse_settings

    return parse_settings(Settings, hub.config.plugins.get("feedback", {}), key="plugins.feedback")
