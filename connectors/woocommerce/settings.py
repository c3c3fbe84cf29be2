from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import parse_duration


class WooCommerceSettings(BaseModel):
    """Options of a ``woocommerce`` store (besides ``base_url`` and ``credentials``)."""

    model_config = ConfigDict(extra="forbid")
    page_size: int = Field(default=100, ge=1, le=100, description="Orders per page (the API's maximum is 100).")
    overlap: float = Field(default=300.0, description="Re-read orders modified this long before the cursor.")
    initial_after: str = Field(default="2000-01-01T00:00:00", description="modified_after of the very first pull (GMT).")
    rate_limit: float | None = Field(default=None, gt=0, description="Requests per second; WooCommerce publishes "
                                     "none, hosts often impose one.")
    complete_on_fulfilment: bool = Field(default=True, description="Set the order to completed when it ships.")

    @field_validator("overlap", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)
