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
    assert set(first) == {"shop", "returns"}  # "plain" has no feedback: skipped, not an error
    got = first["shop"]
    assert (len(got.new), got.existing, len(got.quarantined)) == (2, 0, 2)
    assert {q["error"].split(":")[0] for q in got.quarantined} == {"row 3", "b.json"}
    from orderhub_plugins.feedback.pull import store_task

    assert await store_task(hub, "shop") is None  # pulled moments ago: the sync's task waits pull_every
    assert await store_task(hub, "plain") is None  # no feedback_path: nothing to pull, ever
    hub.config.plugins["feedback"] = {"pull_every": "0s"}
    assert (await store_task(hub, "shop"))["new"] == 0
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


async def test_returns_on_orders_become_items_once_with_the_channels_reason(tmp_path):
    """Shopify's Order.returns (returnReason, the customer's note, the line's SKU) and refunds with
    a note, as the canonical order keeps them: each return line an item of kind return, each
    refund note a complaint."""
    from datetime import UTC, datetime, timedelta

    from orderhub.db.schema import orders
    from orderhub_plugins.feedback.returns import import_returns

    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [])
    hub.migrate()
    t = datetime.now(UTC) - timedelta(hours=1)

    def order(oid, returns, refunds=()):
        return {"id": oid, "store": "shop", "channel": "shopify", "external_id": oid, "status": "shipped", "version": 1,
                "payload_hash": "h", "data": {"currency": "EUR", "returns": returns, "refunds": list(refunds),
                                              "line_items": [], "totals": {"total": "10.00"}},
                "created_at": t, "updated_at": t, "ingested_at": t, "modified_at": t}
    async with hub.engine.begin() as conn:
        await conn.execute(orders.insert(), [
            order("o1", [{"external_id": "71", "status": "open", "lines": [
                {"sku": "MUG", "quantity": 1, "reason": "defective", "note": "The handle came off."},
                {"sku": "CUP", "quantity": 1, "reason": "size_too_small", "note": None}]}]),
            order("o2", [{"external_id": "72", "status": "open", "lines": [
                {"sku": "LAMP", "quantity": 1, "reason": "other", "note": "包裹破损，灯罩碎了。"}]}],
                  refunds=[{"external_id": "509562969", "note": "it broke during shipping",
                            "created_at": "2008-01-11T15:00:00+00:00"}, {"external_id": "9", "note": None}]),
            order("o3", [])])
    first = await import_returns(hub)
    again = await import_returns(hub)
    assert (len(first.new), len(again.new)) == (4, 0)  # three return lines, one refund with a note
    async with hub.engine.connect() as conn:
        items = {i["external_id"]: i for i in await store.listing(conn, status="all")}
    assert (items["return-71-0"]["category"], items["return-71-0"]["classified_by"]) == ("quality", "customer")
    assert items["return-71-1"]["text"] == "size too small" and items["return-71-1"]["skus"] == ["CUP"]
    assert items["return-72-0"]["category"] == "damaged" and items["return-72-0"]["language"] == "zh"
    assert items["return-72-0"]["order_id"] == "o2" and items["return-71-0"]["kind"] == "return"
    refund = items["refund-509562969"]  # Shopify's documented example refund, with its note
    assert (refund["kind"], refund["text"], refund["order_id"]) == ("complaint", "it broke during shipping", "o2")
    assert refund["created_at"].year == 2008 and refund["classified_by"] in ("rules", "model")
    await hub.aclose()
