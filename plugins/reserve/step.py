from __future__ import annotations

from typing import Any, ClassVar

from orderhub.extend import Order, OrderStatus, Reason, ReserveResult, Step, StepContext, StepData, StepResult


class Reserve(Step):
    name: ClassVar[str] = "reserve"
    passes_to = OrderStatus.RESERVED

    async def before_batch(self, conn: Any, orders: list[Order]) -> None:
        await StepData(conn, hub=self.hub).lock_stock(orders, self.hub.store_config(self.store).locations)

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        return await self._reserve(order, ctx, ctx.store_config.reserve_policy)

    async def approve(self, order: Order, ctx: StepContext, reasons: list[Reason]) -> StepResult:
        """An approved stock hold goes on with what there is: reserved where stock is free now,
        the rest backordered (never more than is available)."""
        return await self._reserve(order, ctx, "backorder", approved=True)

    async def run_batch(self, orders: list[Order], ctx: StepContext) -> list[StepResult | Exception]:
        sc = ctx.store_config
        results = await ctx.data.reserve_many(orders, sc.locations, policy=sc.reserve_policy)
        return [self._decide(r, sc.locations) for r in results]

    async def _reserve(self, order: Order, ctx: StepContext, policy: str, *, approved: bool = False) -> StepResult:
        result = await ctx.data.reserve(order, ctx.store_config.locations, policy=policy)
        return self._decide(result, ctx.store_config.locations, approved=approved)

    @staticmethod
    def _decide(result: ReserveResult, locations: list[str], *, approved: bool = False) -> StepResult:
        if not result.ok:
            return StepResult.hold(*(Reason("insufficient_stock", f"{s['sku']}: {s['wanted']} wanted, "
                                            f"{s['available']} available in {', '.join(locations)}")
                                     for s in result.shortages))
        note = "already reserved" if result.already else "reserved"
        if result.backordered:
            note += "; backordered " + ", ".join(f"{b['quantity']} × {b['sku']}" for b in result.backordered)
        return StepResult.proceed(to=OrderStatus.RESERVED, note=("approved in review: " if approved else "") + note)
