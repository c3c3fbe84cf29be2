"""Reading and writing feedback items and their moves."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from orderhub.extend import FEEDBACK_PRIORITIES, Feedback, as_utc, dialect_insert

from .tables import cursors, items, moves, quarantine

#: The queue's order: the most urgent first, then the highest score, then the oldest.
RANK = sa.case({p: i for i, p in enumerate(FEEDBACK_PRIORITIES)}, value=items.c.priority, else_=len(FEEDBACK_PRIORITIES))
STATUSES = ("new", "assigned", "responded", "resolved", "dismissed")
OPEN = STATUSES[:3]
TIMES = ("created_at", "received_at", "due_at", "escalated_at", "responded_at", "closed_at", "updated_at")


async def add(conn: Any, fb: Feedback, *, by: str, due_at: datetime, now: datetime) -> int | None:
    """Store a classified item; its id, or None when ``(source, external_id)`` is already here."""
    values = {"source": fb.source, "external_id": fb.external_id, "kind": fb.kind.value, "store": fb.store,
              "channel": fb.channel, "order_id": fb.order_id, "order_ref": fb.order_ref, "rating": fb.rating,
              "text": fb.text, "author": fb.author, "skus": fb.skus, "language": fb.language,
              "sentiment": fb.sentiment, "category": fb.category, "classified_by": by, "priority": fb.priority,
              "score": fb.score, "cues": fb.cues, "status": "new", "created_at": fb.created_at, "received_at": now,
              "due_at": due_at, "updated_at": now}
    stmt = dialect_insert(conn, items).values(values).on_conflict_do_nothing(
        index_elements=["source", "external_id"]).returning(items.c.id)
    item_id = (await conn.execute(stmt)).scalar()
    if item_id is not None:
        await conn.execute(moves.insert().values(item_id=item_id, from_status=None, to_status="new", operator=by,
                                                 at=now, note=f"{fb.category}, {fb.priority} ({fb.score})"))
    return item_id


def plain(r: Any) -> dict[str, Any]:
    """A result row as a dict with plain ``str`` keys (SQLAlchemy's are a subclass JSON encoders refuse)."""
    return {str(k): v for k, v in r._mapping.items()}


def row(r: Any) -> dict[str, Any]:
    d = plain(r)
    for k in TIMES:
        if d.get(k) is not None:
            d[k] = as_utc(d[k])
    return d


def feedback(d: dict[str, Any]) -> Feedback:
    """An item's row as the public model (what hooks receive)."""
    return Feedback(id=d["id"], source=d["source"], external_id=d["external_id"], kind=d["kind"], store=d["store"],
                    channel=d["channel"], order_id=d["order_id"], order_ref=d["order_ref"], rating=d["rating"],
                    text=d["text"], author=d["author"], skus=d["skus"] or [], created_at=d["created_at"],
                    category=d["category"], sentiment=d["sentiment"], language=d["language"],
                    priority=d["priority"], score=d["score"], cues=d["cues"] or [])


async def get(conn: Any, item_id: int) -> dict[str, Any] | None:
    found = (await conn.execute(sa.select(items).where(items.c.id == item_id))).first()
    return row(found) if found else None


async def history(conn: Any, item_id: int) -> list[dict[str, Any]]:
    result = await conn.execute(sa.select(moves.c.from_status, moves.c.to_status, moves.c.operator, moves.c.at,
                                          moves.c.note).where(moves.c.item_id == item_id).order_by(moves.c.id))
    return [{**plain(r), "at": as_utc(r.at)} for r in result]


async def listing(conn: Any, *, status: str | None = None, priority: str | None = None, category: str | None = None,
                  order_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The queue: open items unless ``status`` says otherwise (``all`` for every item), most
    urgent first."""
    q = sa.select(items)
    if status is None:
        q = q.where(items.c.status.in_(OPEN))
    elif status != "all":
        q = q.where(items.c.status == status)
    if priority:
        q = q.where(items.c.priority == priority)
    if category:
        q = q.where(items.c.category == category)
    if order_id:
        q = q.where(items.c.order_id == order_id)
    q = q.order_by(RANK, items.c.score.desc(), items.c.received_at, items.c.id).limit(limit)
    return [row(r) for r in await conn.execute(q)]


async def refused(conn: Any, limit: int = 500) -> list[dict[str, Any]]:
    """Rows quarantined on import, newest first."""
    result = await conn.execute(sa.select(quarantine.c.id, quarantine.c.source, quarantine.c.external_id,
                                          quarantine.c.error, quarantine.c.created_at, quarantine.c.row)
                                .order_by(quarantine.c.id.desc()).limit(limit))
    return [{**plain(r), "created_at": as_utc(r.created_at)} for r in result]


async def timeline(conn: Any, order_id: str) -> list[dict[str, Any]]:
    """The order's feedback, for its timeline: each item when it was written, what it is and where
    it stands."""
    result = await conn.execute(sa.select(items.c.id, items.c.created_at, items.c.kind, items.c.category,
                                          items.c.priority, items.c.status, items.c.text, items.c.source)
                                .where(items.c.order_id == order_id).order_by(items.c.created_at, items.c.id))
    return [{"at": as_utc(r.created_at), "kind": f"feedback {r.kind}",
             "text": f"#{r.id} {r.category}, {r.priority}, {r.status} ({r.source}): {(r.text or '')[:120]}",
             "feedback_id": r.id} for r in result]


async def gauges(conn: Any) -> list[dict[str, Any]]:
    """For ``/metrics``: open items and those past their deadline to respond, by priority."""
    now = datetime.now(UTC)
    result = await conn.execute(sa.select(items.c.priority, sa.func.count(),
                                          sa.func.count().filter(items.c.status.in_(("new", "assigned")),
                                                                 items.c.due_at < now))
                                .where(items.c.status.in_(OPEN)).group_by(items.c.priority))
    found = {p: (n, late) for p, n, late in result}
    out = []
    for p in FEEDBACK_PRIORITIES:
        n, late = found.get(p, (0, 0))
        out.append({"name": "orderhub_feedback_open", "help": "Feedback items not resolved or dismissed",
                    "labels": {"priority": p}, "value": n})
        out.append({"name": "orderhub_feedback_overdue", "help": "Feedback items past their deadline to respond",
                    "labels": {"priority": p}, "value": late})
    return out


async def cursor(conn: Any, name: str) -> tuple[str | None, datetime | None]:
    """A pull's cursor (a store's, or the returns pass's) and when it was last saved."""
    found = (await conn.execute(sa.select(cursors.c.value, cursors.c.updated_at)
                                .where(cursors.c.store == name))).first()
    return (found.value or None, as_utc(found.updated_at)) if found else (None, None)


async def save_cursor(hub: Any, name: str, value: str | None) -> None:
    async with hub.engine.begin() as conn:
        now = datetime.now(UTC)
        stmt = dialect_insert(conn, cursors).values(store=name, value=value or "", updated_at=now)
        await conn.execute(stmt.on_conflict_do_update(index_elements=["store"],
                                                      set_={"value": value or "", "updated_at": now}))
