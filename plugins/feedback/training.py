"""The classifier a process uses: trained once from the shipped labelled set and ops' labels, and
again when ops add labels (``orderhub feedback train FILE``), which every process notices at its
next import by the labels' count and newest id."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from orderhub.extend import FEEDBACK_CATEGORIES, get_logger

from .classify import Classifier
from .tables import labels

log = get_logger()
_trained: dict[tuple[int, int], Classifier] = {}


async def current(conn: Any) -> Classifier:
    n, newest = (await conn.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(labels.c.id), 0)))).one()
    key = (int(n), int(newest))
    if key not in _trained:
        extra = [(t, c) for t, c in await conn.execute(sa.select(labels.c.text, labels.c.category))]
        _trained.clear()
        # in a thread: training takes seconds of CPU, which on the event loop would stall the
        # worker's syncs, heartbeats and leases (another worker would take its stores over)
        _trained[key] = await asyncio.to_thread(Classifier.trained, extra)
        log.info("feedback_classifier_trained", labelled=_trained[key].model.size if _trained[key].model else 0,
                 ops_labels=len(extra))
    return _trained[key]


def read_labels(path: Path) -> list[tuple[str, str]]:
    """``text,category`` rows of a CSV; a ValueError naming the row for an unknown category or an
    empty text."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    if rows and not {"text", "category"} <= set(rows[0]):
        raise ValueError(f"{path.name}: the header must name the columns text and category")
    out = []
    for n, r in enumerate(rows, start=2):
        text, category = (r.get("text") or "").strip(), (r.get("category") or "").strip()
        if not text:
            raise ValueError(f"{path.name} line {n}: empty text")
        if category not in FEEDBACK_CATEGORIES:
            raise ValueError(f"{path.name} line {n}: unknown category {category!r}; the categories are "
                             f"{', '.join(FEEDBACK_CATEGORIES)}")
        out.append((text[:5000], category))
    return out


async def add_labels(conn: Any, rows: list[tuple[str, str]], operator: str) -> int:
    if rows:
        now = datetime.now(UTC)
        await conn.execute(labels.insert(), [{"text": t, "category": c, "added_by": operator, "added_at": now}
                                             for t, c in rows])
    return len(rows)
