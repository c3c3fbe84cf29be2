"""Feedback in: rows from a file, a connector or the tracking page, each checked, linked to its
order, classified, scored and stored once per ``(source, external_id)``; a row that cannot be read
is quarantined with its reason, never dropped.

A row (CSV header or JSON keys): ``id, order_ref, channel, kind, rating, text, created_at``, and
optionally ``store``, ``author`` (an e-mail or name) and ``sku``. ``kind`` is one of review,
complaint, return, question; ``rating`` 1–5 or empty; ``created_at`` ISO 8601 (UTC when it names no
offset).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from orderhub.extend import (FEEDBACK_CATEGORIES, Feedback, FeedbackKind, FeedbackReceived, core_tables, dialect_insert,
                             get_logger)

from . import priority as prio
from . import store, training
from .settings import Settings, settings
from .tables import items, quarantine

log = get_logger()
CHUNK = 500


class Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    id: str = Field(min_length=1, max_length=128)
    kind: FeedbackKind
    created_at: datetime
    order_ref: str | None = Field(default=None, max_length=128)
    channel: str | None = Field(default=None, max_length=64)
    store: str | None = Field(default=None, max_length=64)
    rating: int | None = Field(default=None, ge=1, le=5)
    text: str | None = Field(default=None, max_length=5000)
    author: str | None = Field(default=None, max_length=320)
    sku: list[str] = Field(default_factory=list)
    category: str | None = None  # the sender's own choice (the tracking page's form): kept as it is

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        if value is not None and value not in FEEDBACK_CATEGORIES:
            raise ValueError(f"one of {', '.join(FEEDBACK_CATEGORIES)}")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("sku", mode="before")
    @classmethod
    def _skus(cls, value: Any) -> Any:
        if value is None:
            return []
        return [s.strip() for s in value.split(",") if s.strip()] if isinstance(value, str) else value

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass
class Result:
    new: list[int] = field(default_factory=list)
    existing: int = 0
    quarantined: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Result) -> None:
        self.new += other.new
        self.existing += other.existing
        self.quarantined += other.quarantined

    def as_json(self) -> dict[str, Any]:
        return {"new": len(self.new), "existing": self.existing, "quarantined": len(self.quarantined),
                "ids": self.new, "errors": self.quarantined}


def read_file(path: Path) -> list[dict[str, Any]]:
    """The rows of a CSV (with a header) or JSON (a list of objects, or one object per line) file."""
    data = path.read_bytes()
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        text = data.decode("utf-8-sig").strip()
        if text.startswith("["):
            rows = orjson.loads(text)
        else:
            rows = [orjson.loads(line) for line in text.splitlines() if line.strip()]
        if not all(isinstance(r, dict) for r in rows):
            raise ValueError(f"{path.name}: a JSON file of feedback is a list of objects")
        return rows
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _problem(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors())


async def import_rows(hub: Any, rows: list[dict[str, Any]], *, source: str, now: datetime | None = None) -> Result:
    """Check, link, classify and store ``rows`` from ``source``; hooks hear of each new item once
    its chunk has committed."""
    s, result = settings(hub), Result()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        async with hub.engine.begin() as conn:
            stored = await _chunk(conn, s, chunk, start, source, now or datetime.now(UTC), result)
        await hub.notify([FeedbackReceived(feedback=fb) for fb in stored])
    log.info("feedback_imported", source=source, new=len(result.new), existing=result.existing,
             quarantined=len(result.quarantined))
    return result


async def _chunk(conn: Any, s: Settings, rows: list[dict[str, Any]], offset: int, source: str, now: datetime,
                 result: Result) -> list[Feedback]:
    good: list[tuple[Row, dict[str, Any]]] = []
    for n, raw in enumerate(rows, start=offset + 1):
        try:
            good.append((Row.model_validate(raw), raw))
        except ValidationError as exc:
            await _quarantine(conn, source, raw, f"row {n}: {_problem(exc)}", now, result)
    if not good:
        return []
    known = set((await conn.execute(sa.select(items.c.external_id).where(
        items.c.source == source, items.c.external_id.in_([r.id for r, _ in good])))).scalars())
    fresh = [(r, raw) for r, raw in good if r.id not in known]
    result.existing += len(good) - len(fresh)
    if not fresh:
        return []
    classifier = await training.current(conn)
    found = await asyncio.to_thread(classifier.classify, [(r.text, r.rating) for r, _ in fresh])  # CPU: off the loop
    stored = []
    for (r, raw), c in zip(fresh, found):
        if r.category:
            c = replace(c, category=r.category, by="customer")
        order = await _order(conn, r)
        fb = Feedback(source=source, external_id=r.id, kind=r.kind, store=order.get("store") or r.store,
                      channel=order.get("channel") or r.channel, order_id=order.get("id"), order_ref=r.order_ref,
                      rating=r.rating, text=r.text, author=r.author or order.get("email"),
                      skus=r.sku or order.get("skus", []), created_at=r.created_at, category=c.category,
                      sentiment=c.sentiment, language=c.language)
        facts = prio.Facts(category=c.category, kind=r.kind.value, sentiment=c.sentiment, rating=r.rating,
                           order_value=order.get("total"), high_value=s.high_value,
                           earlier_contacts=await _earlier(conn, fb))
        cues = prio.cues(r.text)
        points = prio.score(facts, cues)
        level = prio.priority(facts, cues, points)
        fb = fb.model_copy(update={"priority": level, "score": points, "cues": cues})
        item_id = await store.add(conn, fb, by=c.by, due_at=now + s.sla(level), now=now)
        if item_id is None:  # another importer stored it since we looked
            result.existing += 1
            continue
        result.new.append(item_id)
        stored.append(fb.model_copy(update={"id": item_id}))
    return stored


async def quarantine_row(conn: Any, source: str, raw: Any, error: str, result: Result,
                         now: datetime | None = None) -> None:
    """Keep a row that cannot be imported, with its reason (once per source and content)."""
    await _quarantine(conn, source, raw if isinstance(raw, dict) else {"row": raw}, error, now or datetime.now(UTC),
                      result)


def _storable(value: Any) -> Any:
    """A row as JSON can keep it: keys as text, integers beyond 64 bits and other types as text."""
    if isinstance(value, dict):
        return {str(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    return str(value)


async def _quarantine(conn: Any, source: str, raw: dict[str, Any], error: str, now: datetime, result: Result) -> None:
    body = orjson.dumps(_storable(raw), option=orjson.OPT_SORT_KEYS)
    external_id = raw.get("id")
    stmt = dialect_insert(conn, quarantine).values(
        source=source, external_id=str(external_id)[:128] if external_id not in (None, "") else None,
        row_hash=hashlib.sha256(body).hexdigest(), row=orjson.loads(body), error=error, created_at=now,
    ).on_conflict_do_nothing(index_elements=["source", "row_hash"])
    await conn.execute(stmt)
    result.quarantined.append({"id": None if external_id is None else str(external_id)[:128], "error": error})
    log.warning("feedback_row_quarantined", source=source, external_id=external_id, error=error)


#: A review names no order: its author's order of the product is looked for this far back.
LINK_WINDOW = timedelta(days=180)


async def _order(conn: Any, r: Row) -> dict[str, Any]:
    """The order a row names (its external id, number or orderhub id; in its channel when it
    names one) or, for a row from a store that names none (a product review), the latest order
    of that store by the author's e-mail holding one of the row's SKUs within ``LINK_WINDOW``:
    id, store, channel, total, SKUs and the customer's e-mail. Empty when none or several match."""
    o = core_tables.orders
    if r.order_ref:
        q = sa.select(o.c.id, o.c.store, o.c.channel, o.c.data).where(
            sa.or_(o.c.external_id == r.order_ref, o.c.number == r.order_ref, o.c.id == r.order_ref))
        if r.channel:
            q = q.where(o.c.channel == r.channel)
        if r.store:
            q = q.where(o.c.store == r.store)
        found = (await conn.execute(q.limit(2))).all()
        if len(found) != 1:
            return {}
        return _order_facts(*found[0])
    if not (r.store and r.sku and r.author and "@" in r.author):
        return {}
    email = sa.func.lower(o.c.data["customer"]["email"].as_string())
    candidates = await conn.execute(
        sa.select(o.c.id, o.c.store, o.c.channel, o.c.data)
        .where(o.c.store == r.store, o.c.modified_at >= r.created_at - LINK_WINDOW,
               o.c.created_at <= r.created_at, email == r.author.lower())
        .order_by(o.c.created_at.desc()).limit(50))
    for row in candidates:
        facts = _order_facts(*row)
        if set(r.sku) & set(facts["skus"]):
            return facts
    return {}


def _order_facts(oid: str, st: str, channel: str, data: Any) -> dict[str, Any]:
    data = data if isinstance(data, dict) else orjson.loads(data)
    try:
        total = Decimal(str((data.get("totals") or {}).get("total")))
    except (InvalidOperation, TypeError):
        total = None
    skus = [li["sku"] for li in data.get("line_items") or [] if li.get("sku")]
    return {"id": oid, "store": st, "channel": channel, "total": total, "skus": skus,
            "email": (data.get("customer") or {}).get("email")}


async def _earlier(conn: Any, fb: Feedback) -> int:
    """Items about the same order, or from the same author, before this one."""
    same = []
    if fb.order_id:
        same.append(items.c.order_id == fb.order_id)
    if fb.author:
        same.append(items.c.author == fb.author)
    if not same:
        return 0
    return (await conn.execute(sa.select(sa.func.count()).where(sa.or_(*same),
                                                                items.c.created_at < fb.created_at))).scalar_one()
