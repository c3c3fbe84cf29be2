"""What the risk commands and routes do, shared: an order's risk section, outcomes, tuning, and
measuring the scores against a labelled set."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from orderhub.extend import ConfigError, StepData, core_tables

from . import outcomes as oc
from . import tune as tn
from .tables import outcomes, scores
from .step import summary


async def details(conn: Any, order_id: str) -> dict[str, Any] | None:
    """The ``risk`` section of an order's view."""
    row = (await conn.execute(sa.select(scores).where(scores.c.order_id == order_id))).mappings().first()
    if row is None:
        return None
    outcome = await oc.of_order(conn, order_id)
    return {"risk": {"score": row["score"], "level": row["level"], "signals": row["signals"],
                     "scored_at": row["scored_at"], "weights": row["weights"],
                     "outcome": {k: outcome[k] for k in ("outcome", "source", "actor", "note", "at")} if outcome else None,
                     "summary": summary(row["score"], row["level"], row["signals"])
                     + (f"; outcome: {outcome['outcome']}" if outcome else "")}}


async def mark(hub: Any, ref: str, outcome: str, *, actor: str, note: str | None) -> dict[str, Any]:
    async with hub.writing(actor=actor) as data:
        return await oc.mark(data, ref, outcome, actor=actor, note=note)


async def list_outcomes(hub: Any, *, limit: int = 100) -> list[dict[str, Any]]:
    async with hub.engine.begin() as conn:
        await oc.sweep(conn)
        rows = await conn.execute(sa.select(outcomes, scores.c.score, scores.c.level)
                                  .select_from(outcomes.outerjoin(scores, scores.c.order_id == outcomes.c.order_id))
                                  .order_by(outcomes.c.at.desc()).limit(limit))
        return [dict(r) for r in rows.mappings()]


async def tune(hub: Any, *, review_above: int, high_above: int, min_support: int, apply: bool,
               actor: str, settled_days: int = 60) -> dict[str, Any]:
    async with hub.engine.begin() as conn:
        history = await tn.history(conn, settled=timedelta(days=settled_days))
        current = await tn.current_points(conn)
        try:
            t = tn.fit(history, current, review_above=review_above, high_above=high_above, min_support=min_support)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        version = await tn.apply(conn, t, actor=actor, now=StepData.now()) if apply else None
    changed = {k: {"from": t.current.get(k), "to": v} for k, v in t.points.items() if t.current.get(k) != v}
    return {"fraud": t.fraud, "good": t.good, "before": t.before, "after": t.after, "points": t.points,
            "changed": changed, "fit": t.fit, "applied": version}


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """A labelled set: CSV with ``external_id`` and ``label`` (``fraud`` or ``clean``), and
    optionally ``kind`` (what sort of order it is, for the breakdown)."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    if not rows or not {"external_id", "label"} <= set(rows[0]):
        raise ConfigError(f"{path}: needs the columns external_id and label")
    bad = sorted({r["label"] for r in rows} - {"fraud", "clean"})
    if bad:
        raise ConfigError(f"{path}: unknown label {', '.join(bad)} (fraud or clean)")
    return {r["external_id"]: r for r in rows}


async def evaluate(hub: Any, labels: dict[str, dict[str, str]], *, store: str | None = None) -> dict[str, Any]:
    """Precision and recall of the stored scores against the labels: held (risk_review or
    risk_high) and high, overall and by kind; and which labelled orders were never scored."""
    o = core_tables.orders
    q = sa.select(o.c.external_id, scores.c.score, scores.c.level, scores.c.signals).join(
        scores, scores.c.order_id == o.c.id).where(o.c.external_id.in_(list(labels)))
    if store:
        q = q.where(o.c.store == store)
    async with hub.engine.connect() as conn:
        found = {r.external_id: r for r in await conn.execute(q)}
    kinds: dict[str, dict[str, int]] = {}
    totals = {"fraud": 0, "clean": 0, "fraud_held": 0, "clean_held": 0, "fraud_high": 0, "clean_high": 0}
    missed, false_alarms = [], []
    for ext, lab in labels.items():
        r = found.get(ext)
        if r is None:
            continue
        label = lab["label"]
        held, high = r.level in ("review", "high"), r.level == "high"
        k = kinds.setdefault(lab.get("kind") or label, {"label": label, "orders": 0, "held": 0, "high": 0})  # type: ignore[dict-item]
        k["orders"] += 1
        k["held"] += held
        k["high"] += high
        totals[label] += 1
        totals[f"{label}_held"] += held
        totals[f"{label}_high"] += high
        if label == "fraud" and not held:
            missed.append({"external_id": ext, "score": r.score, "signals": [s["name"] for s in r.signals]})
        if label == "clean" and held:
            false_alarms.append({"external_id": ext, "score": r.score, "signals": [s["name"] for s in r.signals]})

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    return {"labelled": len(labels), "scored": len(found), "not_scored": len(labels) - len(found),
            "held": {"precision": ratio(totals["fraud_held"], totals["fraud_held"] + totals["clean_held"]),
                     "recall": ratio(totals["fraud_held"], totals["fraud"]),
                     "clean_held_share": ratio(totals["clean_held"], totals["clean"])},
            "high": {"precision": ratio(totals["fraud_high"], totals["fraud_high"] + totals["clean_high"]),
                     "recall": ratio(totals["fraud_high"], totals["fraud"]),
                     "clean_high_share": ratio(totals["clean_high"], totals["clean"])},
            "counts": totals, "by_kind": kinds, "missed_fraud": missed[:20], "clean_held": false_alarms[:20]}
