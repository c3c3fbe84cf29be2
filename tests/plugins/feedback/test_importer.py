"""Feedback in (issue #18): rows checked, linked to their order, classified, scored and stored once
per source and id; bad rows quarantined with the row and the reason; the hook hears of each new
item once. On SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest

from orderhub import hookimpl
from orderhub.db.schema import orders
from orderhub_plugins.feedback import store
from orderhub_plugins.feedback.importer import import_rows, read_file
from tests.helpers import make_hub

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class Heard:
    def __init__(self) -> None:
        self.items = []

    @hookimpl
    def on_feedback_received(self, feedback):
        self.items.append(feedback)


@pytest.fixture
async def hub(db_url):
    heard = Heard()
    hub = make_hub(db_url, [], plugin=heard)
    hub.config.plugins["feedback"] = {"high_value": "200"}
    hub.migrate()
    hub.heard = heard
    async with hub.engine.begin() as conn:
        await conn.execute(orders.insert(), [_order("ord_1", "1001", "450.00"), _order("ord_2", "1002", "19.00")])
    yield hub
    await hub.aclose()


def _order(oid: str, number: str, total: str) -> dict:
    t = NOW - timedelta(days=5)
    return {"id": oid, "store": "shop", "channel": "files", "external_id": f"E{number}", "number": number,
            "status": "shipped", "version": 1, "payload_hash": "h",
            "data": {"currency": "EUR", "totals": {"total": total}, "customer": {"email": f"{oid}@example.com"},
                     "line_items": [{"sku": "MUG-1", "quantity": 1}]},
            "created_at": t, "updated_at": t, "ingested_at": t, "modified_at": t}


ROWS = [
    {"id": "R1", "order_ref": "1001", "channel": "files", "kind": "complaint", "rating": "1",
     "text": "My parcel never arrived, tracking says delivered.", "created_at": "2026-12-02T10:00:00Z"},
    {"id": "R2", "order_ref": "1002", "channel": "files", "kind": "complaint", "rating": "1",
     "text": "My parcel never arrived, tracking says delivered.", "created_at": "2026-12-02T10:00:00Z"},
    {"id": "R3", "order_ref": "", "channel": "", "kind": "review", "rating": "5", "text": "非常满意，强烈推荐！",
     "created_at": "2026-12-02T11:00:00"},
    {"id": "R4", "order_ref": "1002", "kind": "complaint", "rating": "", "text": "Second time I write: still nothing.",
     "created_at": "2026-12-03T09:00:00Z"},
    {"id": "R5", "kind": "praise", "rating": "5", "text": "x", "created_at": "2026-12-02T11:00:00Z"},
    {"id": "", "kind": "review", "rating": "7", "text": "x", "created_at": "yesterday"},
]


async def test_rows_are_linked_classified_scored_and_stored_once(hub):
    first = await import_rows(hub, ROWS, source="helpdesk", now=NOW)
    again = await import_rows(hub, ROWS, source="helpdesk", now=NOW)
    assert (len(first.new), first.existing, len(first.quarantined)) == (4, 0, 2)
    assert (len(again.new), again.existing) == (0, 4)
    assert [f.external_id for f in hub.heard.items] == ["R1", "R2", "R3", "R4"]  # once each
    async with hub.engine.connect() as conn:
        queue = await store.listing(conn)
    by_id = {r["external_id"]: r for r in queue}
    r1, r2, r3, r4 = (by_id[k] for k in ("R1", "R2", "R3", "R4"))
    # linked by the order's number: the order's id, store, SKUs and customer
    assert (r1["order_id"], r1["store"], r1["skus"], r1["author"]) == ("ord_1", "shop", ["MUG-1"],
                                                                       "ord_1@example.com")
    assert (r1["category"], r1["language"], r3["category"], r3["language"]) == ("not_received", "en", "praise", "zh")
    # the same complaint about a 450 EUR order outranks one about a 19 EUR order
    assert r1["score"] - r2["score"] == 25 and (r1["priority"], r3["priority"]) == ("urgent", "low")
    # R4: the customer's second contact about order 1002
    from orderhub_plugins.feedback.settings import Settings

    assert "repeated" in r4["cues"] and r4["due_at"] == NOW + Settings().sla(r4["priority"])
    assert [r["external_id"] for r in queue][0] == "R1" and queue[-1]["external_id"] == "R3"  # most urgent first
    async with hub.engine.connect() as conn:
        refused = await store.refused(conn)
        timeline = await hub.plugin_timeline(conn, "ord_2")  # the order's timeline shows its feedback
    assert [(e["plugin"], e["kind"]) for e in timeline] == [("feedback", "feedback complaint")] * 2
    assert "not_received" in timeline[0]["text"] and timeline[0]["at"] < timeline[1]["at"]
    assert sorted(r["error"].split(":")[0] for r in refused) == ["row 5", "row 6"]
    row6 = next(r for r in refused if r["error"].startswith("row 6"))
    assert {"id", "rating", "created_at"} <= set(row6["error"].replace(";", " ").replace(":", " ").split())
    assert row6["row"]["rating"] == "7"  # the row itself is kept


def test_csv_and_json_files_are_read(tmp_path):
    (tmp_path / "a.csv").write_text("id,kind,text,created_at\nZ1,question,hi,2026-12-01\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('[{"id": "Z2", "kind": "review"}]', encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": "Z3"}\n{"id": "Z4"}\n', encoding="utf-8")
    assert read_file(tmp_path / "a.csv")[0]["id"] == "Z1"
    assert read_file(tmp_path / "b.json") == [{"id": "Z2", "kind": "review"}]
    assert [r["id"] for r in read_file(tmp_path / "c.jsonl")] == ["Z3", "Z4"]
    (tmp_path / "d.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="list of objects"):
        read_file(tmp_path / "d.json")
