from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import parse_duration


class ShopifySettings(BaseModel):
    """Options of a ``shopify`` store (besides ``base_url`` and ``credentials``)."""

    model_config = ConfigDict(extra="forbid")
    api: Literal["graphql", "rest"] = Field(
        default="graphql", description="Admin API to use: GraphQL (current) or REST (legacy since 2024-10).")
    plan: Literal["standard", "advanced", "plus", "enterprise"] = Field(
        default="standard", description="The shop's plan: GraphQL pacing starts from its published restore rate.")
    line_items_per_query: int = Field(
        default=10, ge=1, le=250, description="GraphQL: line items read with each order (the rest in follow-ups).")
    bulk_threshold: int | None = Field(default=None, ge=0, description=(
        "GraphQL: a pass with at least this many changed orders runs as a bulk operation (0: never). "
        "Unset: what pages would take half a minute to read at the plan's restore rate."))
    bulk_poll_interval: float = Field(default=2.0, gt=0, description="Seconds between polls of a running bulk operation.")
    api_version: str = Field(default="2025-01", pattern=r"^\d{4}-\d{2}$", description="Admin API version.")
    page_size: int = Field(default=250, ge=1, le=250, description=(
        "Orders per page (Shopify's maximum is 250); GraphQL pages are also kept under the 1,000-point query cost."))
    overlap: float = Field(default=300.0, description="Re-read orders updated this long before the cursor.")
    initial_since: str = Field(default="2000-01-01T00:00:00Z", description="updated_at_min of the very first pull.")
    bucket_size: float = Field(default=40.0, gt=0, description="REST leaky bucket size (40; Plus: 400).")
    leak_rate: float = Field(default=2.0, gt=0, description="REST requests per second the bucket leaks (Plus: 20).")
    location_id: int | None = Field(default=None, description="Inventory location that stock pushes set.")
    notify_customer: bool = Field(default=True, description="Let Shopify email the customer on fulfilment.")

    @field_validator("overlap", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)
