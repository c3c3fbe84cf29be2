"""Feedback pulled from a store (issue #18): the files connector's ``feedback_path`` read like its
orders, incrementally (a cursor per store) and idempotently (the store and the row's id); bad rows
and unreadable files quarantined with the row and the reason."""

import os
import time

from orderhub_plugins.feedback import store
from orderhub_plugins.feedback.pull import pull, pull_all
from tests.helpers import make_hub

HEADER = "id,order_ref,channel,kind,rating,text,created_at\n"


async def test_a_files_store_feedback_is_pulled_once_and_bad_rows_are_kept(tmp_path):
    inbox, desk = tmp_path / "orders", tmp_path / "desk"
    inbox.mkdir()
    desk.mkdir()
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], stores={
        "shop": {"connector": "files", "path": str(inbox), "feedback_path": str(desk)},
        "plain": {"connector": "files", "path": str(inbox)}})
    hub.migrate()
    (desk / "a.csv").write_text(HEADER + "H1,,,complaint,1,The parcel never arrived.,2026-12-01T10:00:00Z\n"
                                "H2,,,review,5,Great lamp!,2026-12-01T11:00:00Z\n"
                                "H3,,,rant,1,?,2026-12-01T11:00:00Z\n", encoding="utf-8")
    (desk / "b.json").write_bytes(b"\xff{ not json")
    first = (await pull_all(hub))
    assert set(first) == {"shop"}  # "plain" has no feedback: skipped, not an error
    got = first["shop"]
    assert (len(got.new), got.existing, len(got.quarantined)) == (2, 0, 2)
    assert {q["error"].split(":")[0] for q in got.quarantined} == {"row 3", "b.json"}
    again = await pull(hub, "shop")
    assert len(again.new) == 0  # files within the connector's overlap are read again: the same items
    time.sleep(0.01)
    (desk / "c.csv").write_text(HEADER + "H4,,,question,,Do you ship to Oslo?,2026-12-02T09:00:00Z\n"
                                "H1,,,complaint,1,The parcel never arrived.,2026-12-01T10:00:00Z\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(desk / "c.csv", (later, later))
    third = await pull(hub, "shop")
    assert [i for i in third.new] and len(third.new) == 1 and third.existing >= 1  # H1 again: the same item
    async with hub.engine.connect() as conn:
        items = await store.listing(conn, status="all")
        refused = await store.refused(conn)
    assert sorted(i["external_id"] for i in items) == ["H1", "H2", "H4"]
    assert {i["source"] for i in items} == {"shop"} and {i["channel"] for i in items} == {"files"}
    assert any(r["row"].get("kind") == "rant" for r in refused)
    await hub.aclose()
