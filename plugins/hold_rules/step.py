from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import Order, Reason, Step, StepContext, StepResult


class HoldRulesOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_total: Decimal | None = Field(default=None, description="Hold orders whose total is above this amount.")
    countries: list[str] | None = Field(default=None, description="Allowed ISO country codes; others are held.")
    review_tags: list[str] = Field(default_factory=list, description="Hold orders carrying any of these tags.")

    @field_validator("countries")
    @classmethod
    def _upper(cls, v: list[str] | None) -> list[str] | None:
        return [c.upper() for c in v] if v is not None else None


class HoldRules(Step):
    name: ClassVar[str] = "hold_rules"
    Options = HoldRulesOptions

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        opts: HoldRulesOptions = self.options  # type: ignore[assignment]
        reasons = []
        if opts.max_total is not None and order.totals.total > opts.max_total:
            reasons.append(Reason("total_above_limit",
                                  f"total {order.totals.total} {order.currency} is above {opts.max_total}"))
        country = order.shipping_address.country if order.shipping_address else None
        if opts.countries is not None and country not in opts.countries:
            reasons.append(Reason("country_not_allowed", f"ships to {country or 'no country'}, allowed: "
                                  f"{', '.join(opts.countries)}"))
        tagged = sorted(set(order.tags) & set(opts.review_tags))
        if tagged:
            reasons.append(Reason("tag_requires_review", f"tagged {', '.join(tagged)}"))
        return StepResult.hold(*reasons) if reasons else StepResult.proceed()
