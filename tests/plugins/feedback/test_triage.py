"""Working the queue (issue #18): new → assigned → responded → resolved or dismissed, each move kept
with the operator and time; moves refused from the wrong state or without what they need; an item
past its deadline escalated once, and the hook hears of it."""

from datetime import UTC, datetime, timedelta

import pytest

from orderhub import hookimpl
from orderhub_plugins.feedback import store
from orderhub_plugins.feedback.importer import import_rows
from orderhub_plugins.feedback.triage import NotFound, Refused, WrongState, act, escalate_due
from tests.helpers import make_hub


class Pager:
    def __init__(self) -> None:
        self.paged = []

    @hookimpl
    def on_feedback_escalated(self, feedback, due_at):
        self.paged.append((feedback.external_id, feedback.priority, due_at))


@pytest.fixture
async def hub(db_url):
    pager = Pager()
    hub = make_hub(db_url, [], plugin=pager)
    hub.config.plugins["feedback"] = {"respond_within": {"urgent": "1h"}}
    hub.migrate()
    hub.pager = pager
    yield hub
    await hub.aclose()


async def _two(hub, now):
    rows = [{"id": "A", "kind": "complaint", "rating": 1, "created_at": now.isoformat(),
             "text": "The charger caught fire, I was nearly hurt."},
            {"id": "B", "kind": "review", "rating": 5, "created_at": now.isoformat(), "text": "Love it!"}]
    result = await import_rows(hub, rows, source="t", now=now)
    return result.new


async def test_moves_are_recorded_and_refused_where_they_do_not_apply(hub):
    a, b = await _two(hub, datetime.now(UTC))
    item = await act(hub, a, "assign", "ana")
    assert (item["status"], item["assignee"]) == ("assigned", "ana")
    item = await act(hub, a, "assign", "ana", to="bo")
    assert item["assignee"] == "bo"
    with pytest.raises(Refused, match="respond needs the reply"):
        await act(hub, a, "respond", "bo")
    item = await act(hub, a, "respond", "bo", text="So sorry: a replacement and a refund are on their way.")
    assert (item["status"], item["reply"][:8], item["responded_at"] is not None) == ("responded", "So sorry", True)
    with pytest.raises(WrongState, match="item .* is responded: respond applies to new, assigned"):
        await act(hub, a, "respond", "bo", text="again")
    item = await act(hub, a, "resolve", "bo", text="replaced")
    assert (item["status"], item["resolution"]) == ("resolved", "replaced")
    with pytest.raises(WrongState):
        await act(hub, a, "dismiss", "bo", text="late")
    await act(hub, b, "dismiss", "cy", text="praise, nothing to do")
    with pytest.raises(NotFound):
        await act(hub, 99999, "assign", "ana")
    with pytest.raises(Refused, match="--operator"):
        await act(hub, b, "assign", " ")
    async with hub.engine.connect() as conn:
        moves = await store.history(conn, a)
        closed = await store.listing(conn)
    assert moves[0]["to_status"] == "new" and moves[0]["operator"] in ("model", "rules")  # who classified it
    assert [(m["from_status"], m["to_status"], m["operator"]) for m in moves[1:]] == [
        ("new", "assigned", "ana"), ("assigned", "assigned", "ana"), ("assigned", "responded", "bo"),
        ("responded", "resolved", "bo")]
    assert moves[2]["note"] == "assigned to bo" and moves[4]["note"] == "replaced"
    assert closed == []  # both closed: the default listing is the open queue


async def test_an_item_past_its_deadline_is_escalated_once(hub):
    start = datetime.now(UTC) - timedelta(hours=2)
    a, b = await _two(hub, start)  # A is urgent (safety): due within the hour; B low: a week
    assert await escalate_due(hub) == [a]
    assert await escalate_due(hub) == []
    assert [(x, p) for x, p, _ in hub.pager.paged] == [("A", "urgent")]
    assert hub.pager.paged[0][2] == start + timedelta(hours=1)
    await hub.metrics.refresh()  # what the operator's dashboard shows: the queue and what is late
    metrics = hub.metrics.render().decode()
    assert 'orderhub_feedback_overdue{priority="urgent"} 1.0' in metrics
    assert 'orderhub_feedback_open{priority="low"} 1.0' in metrics
    await act(hub, b, "respond", "ana", text="Thank you!")
    assert await escalate_due(hub, datetime.now(UTC) + timedelta(days=30)) == []  # responded: not due
