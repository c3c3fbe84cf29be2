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
        return (await self.run_batch([order], ctx))[0]  # type: ignore[return-value]

    async def run_batch(self, orders: list[Order], ctx: StepContext) -> list[StepResult | Exception]:
        """The catalog and the fingerprints looked up once for the batch; the checks per order."""
        opts: ValidateOptions = self.options  # type: ignore[assignment]
        known = await ctx.data.known_skus({li.sku for o in orders for li in o.line_items if li.sku})
        duplicates = await self._duplicates(orders, ctx, opts.duplicate_window) if opts.check_duplicates else {}
        out: list[StepResult | Exception] = []
        for order in orders:
            reasons = [*checks.check_customer(order, require_phone=opts.require_phone), *checks.check_address(order),
                       *checks.check_items(order, known, require_catalog=opts.require_catalog),
                       *checks.check_payment(order, ctx.store_config.payment_rule), *duplicates.get(order.id, [])]
            out.append(StepResult.hold(*reasons) if reasons
                       else StepResult.proceed(to=OrderStatus.VALIDATED, note="all checks passed"))
        return out

    async def _duplicates(self, orders: list[Order], ctx: StepContext, window: float) -> dict[str, list[Reason]]:
        """Each order's fingerprint recorded, and the orders that look like an earlier order's
        duplicate: same fingerprint within the window, the other not cancelled. Of two at the same
        time the one with the higher id is the duplicate, as if they had come one after another."""
        fps = {o.id: fp for o in orders if (fp := checks.fingerprint(o)) is not None}
        if not fps:
            return {}
        data = ctx.data
        mine = [o for o in orders if o.id in fps]
        await data.insert_new(fingerprints, [{"order_id": o.id, "store": o.store, "fingerprint": fps[o.id],
                                              "created_at": o.created_at} for o in mine], "order_id")
        span = timedelta(seconds=window)
        q = (sa.select(fingerprints.c.order_id, fingerprints.c.fingerprint, fingerprints.c.created_at)
             .where(fingerprints.c.store == self.store, fingerprints.c.fingerprint.in_(sorted(set(fps.values()))),
                    fingerprints.c.created_at >= min(o.created_at for o in mine) - span,
                    fingerprints.c.created_at <= max(o.created_at for o in mine) + span))
        by_fp: dict[str, list[tuple[Any, str]]] = {}
        for r in await data.conn.execute(q):
            by_fp.setdefault(r.fingerprint, []).append((as_utc(r.created_at), r.order_id))
        if all(len(v) < 2 for v in by_fp.values()):
            return {}
        briefs = await data.order_briefs(oid for v in by_fp.values() if len(v) > 1 for _, oid in v)
        out = {}
        for o in mine:
            same = sorted((c, oid) for c, oid in by_fp.get(fps[o.id], [])
                          if oid != o.id and abs((c - o.created_at).total_seconds()) <= window)
            for created, oid in same:  # the earliest that is not cancelled; the later of the two is the duplicate
                if briefs.get(oid, {}).get("status") in (None, OrderStatus.CANCELLED.value):
                    continue
                if (created, oid) > (o.created_at, o.id):
                    break
                hours = (o.created_at - created).total_seconds() / 3600
                out[o.id] = [Reason("possible_duplicate", f"same customer, items and address as order "
                                                          f"{briefs[oid]['number'] or oid} ({oid}), {hours:.1f} h earlier")]
                break
        return out
