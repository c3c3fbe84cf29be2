"""Working the queue: ``new → assigned → responded → resolved`` (or ``dismissed``), each move
recorded with the operator and the time; and the deadline to respond, escalated once when missed.

    assign   new, assigned, responded → assigned    (the operator takes it, or hands it to ``to``)
    respond  new, assigned            → responded   (the reply is kept, and posted on the channel
                                                   where its connector can: a durable push)
    resolve  new, assigned, responded → resolved    (``text``: the reason)
    dismiss  new, assigned, responded → dismissed   (``text``: the reason)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from orderhub.extend import FeedbackEscalated, RecordError, StepData, get_logger

from . import store
from .tables import items, moves

log = get_logger()

ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": (("new", "assigned", "responded"), "assigned"),
    "respond": (("new", "assigned"), "responded"),
    "resolve": (("new", "assigned", "responded"), "resolved"),
    "dismiss": (("new", "assigned", "responded"), "dismissed"),
}
NEEDS_TEXT = {"respond": "the reply", "resolve": "the reason", "dismiss": "the reason"}


class NotFound(RecordError):
    code = "not_found"
    http = 404


class Refused(RecordError):
    """The move lacks what it needs (422), or is not allowed from the item's state (409)."""

    code = "refused"
    http = 422


class WrongState(Refused):
    code = "wrong_state"
    http = 409


async def act(hub: Any, item_id: int, action: str, operator: str, *, text: str | None = None,
              to: str | None = None) -> dict[str, Any]:
    """Make the move; the item as it is after it."""
    if action not in ACTIONS:
        raise Refused(f"unknown action {action!r}; the actions are {', '.join(ACTIONS)}")
    operator = (operator or "").strip()
    if not operator:
        raise Refused("--operator is required: who makes the move")
    text = (text or "").strip() or None
    if action in NEEDS_TEXT and not text:
        raise Refused(f"{action} needs {NEEDS_TEXT[action]} (--text or --reason)")
    if text and len(text) > 5000:
        raise Refused(f"the text is {len(text)} characters; at most 5000")
    allowed, to_status = ACTIONS[action]
    now = datetime.now(UTC)
    async with hub.engine.begin() as conn:
        item = (await conn.execute(sa.select(items.c.status, items.c.source, items.c.external_id)
                                   .where(items.c.id == item_id).with_for_update())).first()
        if item is None:
            raise NotFound(f"no feedback item {item_id}")
        if item.status not in allowed:
            raise WrongState(f"item {item_id} is {item.status}: {action} applies to {', '.join(allowed)} items")
        values: dict[str, Any] = {"status": to_status, "updated_at": now}
        if action == "assign":
            values["assignee"] = (to or operator).strip()
        elif action == "respond":
            values.update(reply=text, responded_at=now)
        else:
            values.update(resolution=text, closed_at=now)
        await conn.execute(items.update().where(items.c.id == item_id).values(**values))
        if action == "respond":  # whoever responds holds it, unless someone does already
            await conn.execute(items.update().where(items.c.id == item_id, items.c.assignee.is_(None))
                               .values(assignee=operator))
            if _replies(hub, item.source):  # posted on the channel too: a durable push, after the commit
                await StepData(conn, hub=hub, actor=operator).queue_push(
                    store=item.source, kind="feedback_reply", target="channel", key=f"feedback:{item_id}:reply",
                    payload={"external_id": item.external_id, "text": text, "item": item_id})
        await conn.execute(moves.insert().values(item_id=item_id, from_status=item.status, to_status=to_status,
                                                 operator=operator, at=now, note=text if action != "assign" else
                                                 f"assigned to {values['assignee']}"))
        after = await store.get(conn, item_id)
    log.info("feedback_moved", item=item_id, action=action, operator=operator, to_status=to_status)
    assert after is not None
    return after


def _replies(hub: Any, source: str) -> bool:
    """Whether the item came from a store whose connector posts replies (WooCommerce reviews)."""
    if source not in hub.config.stores:
        return False
    try:
        return bool(hub.connector(source).replies_to_feedback())
    except Exception:  # a store whose connector cannot be built now: the reply stays recorded here
        log.warning("feedback_reply_not_pushed", store=source, exc_info=True)
        return False


async def escalate_due(hub: Any, now: datetime | None = None) -> list[int]:
    """Items not responded to by their deadline, escalated once each: the hook hears of them."""
    now = now or datetime.now(UTC)
    async with hub.engine.begin() as conn:
        due = [store.row(r) for r in await conn.execute(
            sa.select(items).where(items.c.status.in_(("new", "assigned")), items.c.due_at < now,
                                   items.c.escalated_at.is_(None)).order_by(items.c.due_at).limit(500))]
        if due:
            await conn.execute(items.update().where(items.c.id.in_([d["id"] for d in due]),
                                                    items.c.escalated_at.is_(None)).values(escalated_at=now))
    for d in due:
        log.warning("feedback_sla_breached", item=d["id"], source=d["source"], order=d["order_id"],
                    priority=d["priority"], due_at=d["due_at"].isoformat())
    await hub.notify([FeedbackEscalated(feedback=store.feedback(d), due_at=d["due_at"]) for d in due])
    return [d["id"] for d in due]
