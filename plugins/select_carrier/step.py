from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from orderhub.extend import Order, OrderStatus, Reason, Step, StepContext, StepResult, TransientError, choose


class SelectCarrier(Step):
    name: ClassVar[str] = "select_carrier"
    passes_to = OrderStatus.READY_TO_SHIP

    async def approve(self, order: Order, ctx: StepContext, reasons: list[Reason]) -> StepResult:
        """A shipment no carrier could take cannot pass without one: approval means the cause
        (a carrier's config, capacity, the address) was seen to, and the choice is made again."""
        return await self.run(order, ctx)

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        hub = ctx.hub or self.hub
        assert order.id is not None
        if order.shipping_address is None or not order.shipping_address.country:
            return StepResult.hold(Reason("no_shipping_address", "the order has no shipping address to ship to"))
        data = ctx.data
        existing = await data.shipment_of(order.id)
        if existing and existing["state"] == "created":
            return StepResult.proceed(to=OrderStatus.READY_TO_SHIP, note="already shipped")
        now = data.now()
        choice = await choose(hub, ctx.conn, order, now=now)
        best = choice["chosen"]
        if best is None:
            if choice["asked"] and choice["transient_failures"] == choice["asked"]:
                raise TransientError("every carrier's quote failed; retrying later", store=order.store,
                                     order_id=order.id)
            why = "; ".join(f"{c['carrier']}/{c['service']}: {c['rejected']}" for c in choice["candidates"]
                            if c["rejected"])
            return StepResult.hold(Reason("no_carrier", f"no carrier can take this shipment — {why or 'none configured'}"))
        cc = hub.config.carriers[best["carrier"]]
        if not await data.take_carrier_capacity(best["carrier"], now.date().isoformat(), cc.capacity_per_day):
            raise TransientError(f"carrier {best['carrier']} filled its day while choosing", store=order.store)
        await data.plan_shipment(order_id=order.id, store=order.store, carrier=best["carrier"],
                                 service=best["service"], plan=choice["plan"], choice=choice, route=choice["route"],
                                 promised_at=datetime.fromisoformat(best["arrives"]) if best.get("arrives") else None)
        rate = best["rate"]
        return StepResult.proceed(to=OrderStatus.READY_TO_SHIP,
                                  note=f"{best['carrier']} {best['service_name']} {rate['price']} {rate['currency']} "
                                       f"(score {best['score']})")
