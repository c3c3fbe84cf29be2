"""The ``risk`` step: score each order 0–100 from named signals and hold the risky ones.

Below ``review_above`` the order goes on; at or above it, it is held with ``risk_review``; at or
above ``high_above``, with ``risk_high``. The score and every signal's points and evidence are
kept (``risk_scores``) and shown with the order. An operator's approval lets the order pass;
a reject with reason ``fraud`` becomes an outcome that ``risk tune`` learns from.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import sqlalchemy as sa

from orderhub.extend import Order, Reason, Step, StepContext, StepResult

from . import signals as sig
from .settings import DEFAULT_POINTS, RiskOptions
from .tables import scores, weights
from .velocity import facts_for


async def tuned_points(conn: Any) -> tuple[dict[str, int], int | None]:
    """The weights ``risk tune --apply`` stored last, and their version (empty, None: none)."""
    row = (await conn.execute(sa.select(weights.c.version, weights.c.points)
                              .order_by(weights.c.version.desc()).limit(1))).first()
    return (dict(row.points), row.version) if row else ({}, None)


def summary(points: int, level: str, parts: list[dict[str, Any]], limit: int = 4) -> str:
    named = ", ".join(f"{p['name']} +{p['points']}" for p in parts[:limit] if p["points"])
    more = len([p for p in parts if p["points"]]) - limit
    return f"risk {points} ({level})" + (f": {named}" if named else "") + (f", +{more} more" if more > 0 else "")


class Risk(Step):
    name: ClassVar[str] = "risk"
    Options = RiskOptions

    def __init__(self, store: str, options: Any) -> None:
        super().__init__(store, options)
        self.patterns = options.compiled()

    async def run(self, order: Order, ctx: StepContext) -> StepResult:
        return (await self.run_batch([order], ctx))[0]  # type: ignore[return-value]

    async def run_batch(self, orders: list[Order], ctx: StepContext) -> list[StepResult | Exception]:
        """The batch's identities recorded and counted in a few statements; each order scored."""
        opts: RiskOptions = self.options  # type: ignore[assignment]
        data = ctx.data
        tuned, version = await tuned_points(data.conn) if opts.use_tuned else ({}, None)
        points_of = {**DEFAULT_POINTS, **tuned, **opts.points}  # a store's own points win over tuned ones
        keys = {o.id: sig.identities(o) for o in orders}
        facts = await facts_for(data, orders, keys, history_age=timedelta(seconds=opts.history_age))
        now = data.now()
        rows, out = [], []
        for o in orders:
            fired = sig.detect(o, opts, self.patterns, facts[o.id])
            points, parts = sig.score(fired, points_of)
            level = sig.level(points, opts)
            rows.append({"order_id": o.id, "store": o.store, "score": points, "level": level, "signals": parts,
                         "weights": version if tuned else None, "scored_at": now})
            text = summary(points, level, parts)
            if level == "high":
                out.append(StepResult.hold(Reason("risk_high", f"{text} (≥ {opts.high_above})")))
            elif level == "review":
                out.append(StepResult.hold(Reason("risk_review", f"{text} (≥ {opts.review_above})")))
            else:
                out.append(StepResult.proceed(note=text))
        await data.conn.execute(scores.delete().where(scores.c.order_id.in_([o.id for o in orders])))
        await data.insert_new(scores, rows, "order_id")
        return out
