from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderhub.config import parse_duration
from orderhub.db.common import as_utc, insert_ignoring_conflicts
from orderhub.db.inventory import known_skus
from orderhub.db.schema import order_fingerprints, orders
from orderhub.lifecycle import OrderStatus
from orderhub.models import Order
from orderhub.steps import Reason, Step, StepContext, StepResult

from . import checks


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
        known = await known_skus(ctx.conn, {li.sku for li in order.line_items if li.sku})
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
        conn = ctx.conn
        await conn.execute(insert_ignoring_conflicts(conn, order_fingerprints, "order_id").values(
            order_id=order.id, store=order.store, fingerprint=fp, created_at=order.created_at))
        lo, hi = order.created_at - timedelta(seconds=window), order.created_at + timedelta(seconds=window)
        q = (sa.select(order_fingerprints.c.order_id, order_fingerprints.c.created_at, orders.c.number,
                       orders.c.status)
             .join(orders, orders.c.id == order_fingerprints.c.order_id)
             .where(order_fingerprints.c.store == order.store, order_fingerprints.c.fingerprint == fp,
                    order_fingerprints.c.order_id != order.id, order_fingerprints.c.created_at >= lo,
                    order_fingerprints.c.created_at <= hi, orders.c.status != OrderStatus.CANCELLED.value)
             .order_by(order_fingerprints.c.created_at).limit(1))
        other = (await conn.execute(q)).first()
        if other is None or as_utc(other.created_at) > order.created_at:  # the later of the two is the duplicate
            return []
        hours = (order.created_at - as_utc(other.created_at)).total_seconds() / 3600
        return [Reason("possible_duplicate", f"same customer, items and address as order {other.number or other.order_id} "
                                             f"({other.order_id}), {hours:.1f} h earlier")]
