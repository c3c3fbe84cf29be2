from __future__ import annotations

from typing import Any, ClassVar

from orderhub.extend import (
    Address,
    Label,
    Order,
    Plan,
    Rate,
    Reason,
    RecordError,
    Step,
    StepContext,
    StepData,
    StepResult,
    ship_request,
)


class Fulfil(Step):
    name: ClassVar[str] = "fulfil"

    async def approve(self, order: Order, ctx: StepContext, reasons: list[Reason]) -> StepResult:
        """No label can be bought without a chosen carrier: approval tries again."""
        return await self.run(order, ctx)

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        assert order.id is not None
        row = await ctx.data.shipment_of(order.id)
        if row is None:
            return StepResult.hold(Reason("no_carrier_chosen", "no carrier chosen: put select_carrier before fulfil"))
        if row["state"] == "created":
            return StepResult.proceed(note=f"label exists: {row['tracking_number']}")
        ctx.push("shipment", {"shipment_id": row["id"]}, key=f"{row['id']}:create")
        return StepResult.proceed(note=f"label queued with {row['carrier']} {row['service']}")

    async def deliver(self, kind: str, order: Order | None, payload: dict[str, Any], *, key: str) -> Any:
        if kind != "shipment" or order is None:
            raise RecordError(f"fulfil cannot deliver {kind!r}", code="unknown_push")
        async with self.hub.reading() as data:
            row = await data.shipment(payload["shipment_id"])
        if row is None:
            raise RecordError(f"shipment {payload['shipment_id']} is gone", code="unknown_shipment")
        if row["state"] == "created":  # bought before a crash lost the receipt: do not buy twice
            return {"tracking_number": row["tracking_number"], "label_ref": row["label_ref"],
                    "tracking_url": row["tracking_url"], "repeat": True}
        chosen = row["choice"]["chosen"]
        cfg = self.hub.store_config(order.store).shipping
        req = ship_request(order, Plan.from_dict(row["plan"]), Address(**cfg.ship_from.model_dump()))
        carrier = self.hub.carrier(row["carrier"])
        label = await carrier.create_shipment(req, Rate.model_validate(chosen["rate"]), key=key)
        return {"tracking_number": label.tracking_number, "label_ref": label.label_ref,
                "tracking_url": label.tracking_url or carrier.tracking_url(label.tracking_number),
                "price": str(label.price) if label.price is not None else None, "currency": label.currency}

    async def after_delivery(self, conn: Any, kind: str, order: Order | None, payload: dict[str, Any],
                             receipt: Any, notices: list[Any]) -> None:
        if kind == "shipment":
            await StepData(conn, hub=self.hub, notices=notices).record_label(
                payload["shipment_id"], Label(tracking_number=receipt["tracking_number"],
                                              label_ref=receipt.get("label_ref"), tracking_url=receipt.get("tracking_url")))
