"""``risk tune``: learn each signal's points from what became of the orders scored.

The history is every scored order with a known outcome: fraud (a ``fraud`` or ``chargeback``
outcome) or good (marked ``legit``; or shipped, or settled — placed ``settled`` days ago or more,
long enough for a chargeback to have come — with no fraud outcome and not cancelled). Each order is the set of
signals that fired when it was scored. A logistic regression (scikit-learn, L2, classes weighted
to balance) fits log-odds of fraud as a sum over the signals; its coefficients become points on
one scale, chosen so that a score at ``high_above`` is where the model finds fraud as likely as
not. A signal that fired on fewer than ``min_support`` orders keeps its points: one chargeback is
not evidence. Precision and recall of holding (score ≥ ``review_above``) and of a high hold are
shown before and after, on the same history; nothing changes until ``--apply``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa

from orderhub.extend import core_tables

from .outcomes import BAD, sweep
from .settings import DEFAULT_POINTS, SIGNALS
from .step import tuned_points
from .tables import outcomes, scores, weights

GOOD_STATUSES = ("shipped", "delivered", "exception", "returned")


@dataclass
class History:
    fired: list[set[str]] = field(default_factory=list)
    fraud: list[bool] = field(default_factory=list)

    @property
    def counts(self) -> tuple[int, int]:
        bad = sum(self.fraud)
        return bad, len(self.fraud) - bad


async def history(conn: Any, *, settled: timedelta = timedelta(days=60)) -> History:
    """The scored orders whose outcome is known, with the signals they fired."""
    await sweep(conn)
    o = core_tables.orders
    rows = await conn.execute(
        sa.select(scores.c.signals, outcomes.c.outcome, o.c.status)
        .select_from(scores.join(o, o.c.id == scores.c.order_id).outerjoin(outcomes, outcomes.c.order_id == scores.c.order_id))
        .where(sa.or_(outcomes.c.outcome.is_not(None), o.c.status.in_(GOOD_STATUSES),
                      sa.and_(o.c.status != "cancelled", o.c.created_at <= datetime.now(UTC) - settled))))
    h = History()
    for signals, outcome, _status in rows:
        h.fired.append({p["name"] for p in signals or []})
        h.fraud.append(outcome in BAD)
    return h


def measure(h: History, points: dict[str, int], review_above: int, high_above: int) -> dict[str, Any]:
    """Precision and recall of holding (≥ review_above) and of a high hold (≥ high_above)."""
    out: dict[str, Any] = {}
    totals = [min(100, sum(points.get(s, 0) for s in f)) for f in h.fired]
    bad = sum(h.fraud)
    for name, cut in (("hold", review_above), ("high", high_above)):
        held = [t >= cut for t in totals]
        caught = sum(1 for x, y in zip(held, h.fraud) if x and y)
        n_held = sum(held)
        out[name] = {"held": n_held, "fraud_held": caught,
                     "precision": round(caught / n_held, 3) if n_held else None,
                     "recall": round(caught / bad, 3) if bad else None,
                     "good_held": n_held - caught}
    return out


@dataclass
class Tuning:
    before: dict[str, Any]
    after: dict[str, Any]
    points: dict[str, int]
    current: dict[str, int]
    fit: dict[str, Any]
    fraud: int
    good: int


def fit(h: History, current: dict[str, int], *, review_above: int, high_above: int, min_support: int = 5,
        c: float = 1.0) -> Tuning:
    """Learn points from the history (raises ValueError when it is too thin to learn from)."""
    from sklearn.linear_model import LogisticRegression

    bad, good = h.counts
    if bad < min_support or good < min_support:
        raise ValueError(f"not enough outcomes to learn from: {bad} fraud and {good} good orders; "
                         f"at least {min_support} of each are needed")
    x = np.array([[1.0 if s in f else 0.0 for s in SIGNALS] for f in h.fired])
    y = np.array(h.fraud, dtype=int)
    model = LogisticRegression(C=c, max_iter=1000)
    model.fit(x, y)
    coef = model.coef_[0]
    intercept = float(model.intercept_[0])
    support = x.sum(axis=0)

    def points_at(scale: float) -> dict[str, int]:
        points = dict(current)
        for i, name in enumerate(SIGNALS):
            if support[i] >= min_support:
                points[name] = int(max(0, min(100, round(coef[i] * scale))))
        return points

    def f(figures: dict[str, Any], beta: float) -> float:
        p, r = figures["precision"] or 0.0, figures["recall"] or 0.0
        return round((1 + beta**2) * p * r / (beta**2 * p + r), 6) if p + r else 0.0

    def merit(scale: float) -> tuple[float, float]:
        m = measure(h, points_at(scale), review_above, high_above)
        return f(m["hold"], 2.0), f(m["high"], 1.0)

    scale = max(np.linspace(1.0, 60.0, 237), key=merit)  # points per unit of log-odds
    points = points_at(scale)
    return Tuning(before=measure(h, current, review_above, high_above),
                  after=measure(h, points, review_above, high_above), points=points, current=current,
                  fit={"coefficients": {n: round(float(coef[i]), 4) for i, n in enumerate(SIGNALS)},
                       "intercept": round(intercept, 4), "scale": round(float(scale), 3),
                       "support": {n: int(support[i]) for i, n in enumerate(SIGNALS)},
                       "fraud": bad, "good": good, "review_above": review_above, "high_above": high_above},
                  fraud=bad, good=good)


async def current_points(conn: Any) -> dict[str, int]:
    tuned, _ = await tuned_points(conn)
    return {**DEFAULT_POINTS, **tuned}


async def apply(conn: Any, t: Tuning, *, actor: str, now: Any) -> int:
    """Store the learned points; the risk step uses them from its next batch. The new version."""
    res = await conn.execute(weights.insert().values(points=t.points, fit={**t.fit, "before": t.before,
                                                                          "after": t.after},
                                                     applied_by=actor, applied_at=now))
    return int(res.inserted_primary_key[0])
