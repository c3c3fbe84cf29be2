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
    TransientError,
    get_logger,
    ship_request,
)

log = get_logger()

#: Failures after which the carrier surely made no label: it refused (429, 503), could not be
#: reached, or was not asked (its circuit is open). Any other failure (a timeout, a 500 or 502
#: after the request went out) may hide a label, and the shipment stays with that carrier.
REFUSED = frozenset({"circuit_open", "connect_error", "rate_limited"})
REFUSED_STATUS = frozenset({429, 503})


def refused(exc: TransientError) -> bool:
    return exc.code in REFUSED or (exc.code == "server_error" and exc.context.get("status") in REFUSED_STATUS)


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
        """Buy the label with the shipment's carrier; when that carrier is paused, its circuit is
        open or it refused past its retry budget, give the shipment to the next carrier of the
        same selection (recorded first, so a repeat of this push goes to the same one) and buy
        there. Never from a second carrier after a request that may have made a label."""
        if kind != "shipment" or order is None:
            raise RecordError(f"fulfil cannot deliver {kind!r}", code="unknown_push")
        sid = payload["shipment_id"]
        while True:
            async with self.hub.reading() as data:
                row = await data.shipment(sid)
                paused = await data.paused_carriers()
            if row is None:
                raise RecordError(f"shipment {sid} is gone", code="unknown_shipment")
            if row["state"] == "created":  # bought before a crash lost the receipt: do not buy twice
                return {"tracking_number": row["tracking_number"], "label_ref": row["label_ref"],
                        "tracking_url": row["tracking_url"], "repeat": True}
            name = row["carrier"]
            carrier = self.hub.carrier(name)
            reason = f"carrier {name} paused: {paused[name]}" if name in paused else (
                f"carrier {name}: circuit open" if carrier.circuit_open() else None)
            if reason is None:
                try:
                    return await self._buy(order, row, carrier, key)
                except TransientError as exc:
                    if not refused(exc):
                        async with self.hub.writing(actor="step:fulfil") as data:
                            await data.note_label_uncertain(sid, name, f"{exc.code}: {exc.message}")
                        raise
                    reason = f"carrier {name} refused: {exc.code}: {exc.message}"
            await self._fall_back(order, row, paused, reason)

    async def _buy(self, order: Order, row: dict[str, Any], carrier: Any, key: str) -> dict[str, Any]:
        chosen = row["choice"]["chosen"]
        cfg = self.hub.store_config(order.store).shipping
        req = ship_request(order, Plan.from_dict(row["plan"]), Address(**cfg.ship_from.model_dump()))
        # the first carrier gets the push's own key; a fallback its own, so each carrier sees one key
        own_key = key if not row["choice"].get("fallbacks") else f"{key}:{row['carrier']}"
        label = await carrier.create_shipment(req, Rate.model_validate(chosen["rate"]), key=own_key)
        return {"tracking_number": label.tracking_number, "label_ref": label.label_ref,
                "tracking_url": label.tracking_url or carrier.tracking_url(label.tracking_number),
                "price": str(label.price) if label.price is not None else None, "currency": label.currency,
                "carrier": row["carrier"], "service": row["service"]}

    async def _fall_back(self, order: Order, row: dict[str, Any], paused: dict[str, str], reason: str) -> None:
        """Give the shipment to the best remaining candidate, or wait (a transient error)."""
        choice = row["choice"]
        uncertain = choice.get("uncertain") or {}
        if uncertain:
            raise TransientError(f"{reason}; a label may exist with {', '.join(sorted(uncertain))} (a request "
                                 "there got no answer), so no other carrier is asked: retrying it",
                                 code="label_uncertain", store=order.store)
        tried = {row["carrier"]} | {f["from"] for f in choice.get("fallbacks", [])}
        for cand in choice.get("candidates", []):
            name = cand.get("carrier")
            if cand.get("rejected") or not cand.get("rate") or name in tried or name in paused:
                continue
            if self.hub.carrier(name).circuit_open():
                continue
            async with self.hub.writing(actor="step:fulfil") as data:
                switched = await data.switch_carrier(row["id"], carrier=name, service=cand["service"],
                                                     chosen=cand, reason=reason)
            log.warning("carrier_fallback", store=order.store, order_id=order.id, shipment=row["id"],
                        carrier=row["carrier"], to=name, reason=reason, switched=switched)
            return
        raise TransientError(f"{reason}; no other carrier of this order's selection can take it now "
                             f"(tried {', '.join(sorted(tried))})", code="no_fallback", store=order.store)

    async def after_delivery(self, conn: Any, kind: str, order: Order | None, payload: dict[str, Any],
                             receipt: Any, notices: list[Any]) -> None:
        if kind == "shipment":
            await StepData(conn, hub=self.hub, notices=notices).record_label(
                payload["shipment_id"], Label(tracking_number=receipt["tracking_number"],
                                              label_ref=receipt.get("label_ref"), tracking_url=receipt.get("tracking_url")))
