from __future__ import annotations

from typing import Any, ClassVar

from orderhub.db.inventory import lock_levels, reserve_order
from orderhub.lifecycle import OrderStatus
from orderhub.models import Order
from orderhub.steps import Reason, Step, StepContext, StepResult


class Reserve(Step):
    name: ClassVar[str] = "reserve"

    async def before_batch(self, conn: Any, orders: list[Order]) -> None:
        await lock_levels(conn, orders, self.hub.store_config(self.store).locations)

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        sc = ctx.store_config
        result = await reserve_order(ctx.conn, order, sc.locations, policy=sc.reserve_policy,
                                     actor=f"step:{self.name}", notices=ctx.notices,
                                     changed=ctx.stock_changed)
        if not result.ok:
            return StepResult.hold(*(Reason("insufficient_stock", f"{s['sku']}: {s['wanted']} wanted, "
                                            f"{s['available']} available in {', '.join(sc.locations)}")
                                     for s in result.shortages))
        note = "already reserved" if result.already else "reserved"
        if result.backordered:
            note += "; backordered " + ", ".join(f"{b['quantity']} × {b['sku']}" for b in result.backordered)
        return StepResult.proceed(to=OrderStatus.RESERVED, note=note)
