from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, ClassVar

from orderhub.extend import (ChoiceFacts, Order, OrderStatus, Reason, Step, StepContext, StepResult, TransientError,
                             choose)


class SelectCarrier(Step):
    name: ClassVar[str] = "select_carrier"
    passes_to = OrderStatus.READY_TO_SHIP

    async def approve(self, order: Order, ctx: StepContext, reasons: list[Reason]) -> StepResult:
        """A shipment no carrier could take cannot pass without one: approval means the cause
        (a carrier's config, capacity, the address) was seen to, and the choice is made again."""
        return await self.run(order, ctx)

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        result = (await self.run_batch([order], ctx))[0]  # one path takes capacity and plans the shipment
        if isinstance(result, Exception):
            raise result
        return result

    async def run_batch(self, orders: list[Order], ctx: StepContext) -> list[StepResult | Exception]:
        """The batch's facts (catalog rows, capacity used today, on-time record) read once, each
        order's choice counted into them before the next one's; capacity taken per carrier and
        the plans saved together."""
        data, hub = ctx.data, ctx.hub or self.hub
        existing = await data.shipments_of([o.id for o in orders if o.id])
        facts = await ChoiceFacts.load(ctx.conn, orders, now=data.now())
        out: list[StepResult | Exception] = []
        plans = []
        for order in orders:
            try:
                result, plan = await self._decide(order, ctx, existing.get(order.id or ""), facts)
            except Exception as exc:  # noqa: BLE001 - the order's own failure, handled per policy
                out.append(exc)
                continue
            out.append(result)
            if plan is not None:
                facts.count(plan["carrier"])
                plans.append(plan)
        for (carrier, day), n in sorted(Counter((p["carrier"], p["day"]) for p in plans).items()):
            if not await data.take_carrier_capacity(carrier, day, hub.config.carriers[carrier].capacity_per_day, n):
                # Another worker took capacity since it was read: choose order by order instead.
                raise TransientError(f"carrier {carrier} filled its day while choosing", store=self.store)
        await data.plan_shipments([_shipment(p) for p in plans])
        return out

    async def _decide(self, order: Order, ctx: StepContext, existing: dict[str, Any] | None,
                      facts: ChoiceFacts | None) -> tuple[StepResult, dict[str, Any] | None]:
        """The result for the order, and the shipment to plan when a carrier was chosen."""
        if order.shipping_address is None or not order.shipping_address.country:
            return StepResult.hold(Reason("no_shipping_address", "the order has no shipping address to ship to")), None
        if existing and existing["state"] == "created":
            return StepResult.proceed(to=OrderStatus.READY_TO_SHIP, note="already shipped"), None
        now = ctx.data.now()
        choice = await choose(ctx.hub or self.hub, ctx.conn, order, now=now, facts=facts)
        best = choice["chosen"]
        if best is None:
            if choice["asked"] and choice["transient_failures"] == choice["asked"]:
                raise TransientError("every carrier's quote failed; retrying later", store=order.store,
                                     order_id=order.id)
            why = "; ".join(f"{c['carrier']}/{c['service']}: {c['rejected']}" for c in choice["candidates"]
                            if c["rejected"])
            return StepResult.hold(Reason("no_carrier", f"no carrier can take this shipment — "
                                                        f"{why or 'none configured'}")), None
        rate = best["rate"]
        plan = {"order_id": order.id, "store": order.store, "carrier": best["carrier"], "service": best["service"],
                "plan": choice["plan"], "choice": choice, "route": choice["route"], "day": now.date().isoformat(),
                "promised_at": datetime.fromisoformat(best["arrives"]) if best.get("arrives") else None}
        return StepResult.proceed(to=OrderStatus.READY_TO_SHIP,
                                  note=f"{best['carrier']} {best['service_name']} {rate['price']} {rate['currency']} "
                                       f"(score {best['score']})"), plan


def _shipment(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's arguments for ``plan_shipment`` (the day was only for capacity)."""
    return {k: v for k, v in plan.items() if k != "day"}
