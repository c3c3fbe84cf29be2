from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.extend import Order, OrderStatus, Reason, Step, StepContext, StepResult, as_utc, parse_duration

from . import checks
from .tables import fingerprints


class ValidateOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    require_phone: bool = Field(default=False, description="Hold orders without a phone number.")
    require_catalog: bool = Field(default=True, description="Hold lines whose SKU is not in the catalog.")
    duplicate_window: float = Field(default=86400.0, description="How far apart two identical orders look duplicate.")
    check_duplicates: bool = True

    @field_validator("duplicate_window", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)


class Validate(Step):
    name: ClassVar[str] = "validate"
    Options = ValidateOptions
    passes_to = OrderStatus.VALIDATED

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        opts: ValidateOptions = self.options  # type: ignore[assignment]
        known = await ctx.data.known_skus({li.sku for li in order.line_items if li.sku})
        reasons = [*checks.check_customer(order, require_phone=opts.require_phone), *checks.check_address(order),
                   *checks.check_items(order, known, require_catalog=opts.require_catalog),
                   *checks.check_payment(order, ctx.store_config.payment_rule)]
        if opts.check_duplicates:
            reasons += await self._duplicates(order, ctx, opts.duplicate_window)
        if reasons:
            return StepResult.hold(*reasons)
        return StepResult.proceed(to=OrderStatus.VALIDATED, note="all checks passed")

    async def _duplicates(self, order: Order, ctx: StepContext, window: float) -> list[Reason]:
        fp = checks.fingerprint(order)
        if fp is None:
            return []
        data = ctx.data
        await data.insert_new(fingerprints, {"order_id": order.id, "store": order.store, "fingerprint": fp,
                                             "created_at": order.created_at}, "order_id")
        lo, hi = order.created_at - timedelta(seconds=window), order.created_at + timedelta(seconds=window)
        q = (sa.select(fingerprints.c.order_id, fingerprints.c.created_at)
             .where(fingerprints.c.store == order.store, fingerprints.c.fingerprint == fp,
                    fingerprints.c.order_id != order.id, fingerprints.c.created_at >= lo,
                    fingerprints.c.created_at <= hi)
             .order_by(fingerprints.c.created_at))
        same = [(r.order_id, as_utc(r.created_at)) for r in await data.conn.execute(q)]
        briefs = await data.order_briefs(oid for oid, _ in same)
        for oid, created in same:  # the earliest that is not cancelled; the later of the two is the duplicate
            if briefs.get(oid, {}).get("status") in (None, OrderStatus.CANCELLED.value):
                continue
            if created > order.created_at:
                return []
            hours = (order.created_at - created).total_seconds() / 3600
            number = briefs[oid]["number"] or oid
            return [Reason("possible_duplicate", f"same customer, items and address as order {number} "
                                                 f"({oid}), {hours:.1f} h earlier")]
        return []
