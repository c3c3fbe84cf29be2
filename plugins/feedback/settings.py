"""The ``feedback`` plugin's table:

    [plugins.feedback]
    high_value = "200"                # an order at or above this (in any currency) raises a priority
    respond_within = { urgent = "4h", high = "24h", normal = "3d", low = "7d" }   # the SLA per priority
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


def settings(hub: Any) -> Settings:
    from orderhub.extend import parse_settings

    return parse_settings(Settings, hub.config.plugins.get("feedback", {}), key="plugins.feedback")
