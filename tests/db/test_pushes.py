from orderhub.db import pushes as p


async def test_queue_is_idempotent_by_key_and_failures_reschedule(engine):
    async with engine.begin() as conn:
        assert await p.queue_push(conn, key="k1", store="s", kind="cancel", target="channel", payload={})
        assert not await p.queue_push(conn, key="k1", store="s", kind="cancel", target="channel", payload={})
        assert await p.queue_push(conn, key="k2", store="s", kind="cancel", target="channel", payload={})
    async with engine.connect() as conn:
        due = await p.due_pushes(conn, store="s")
    assert [d["key"] for d in due] == ["k1", "k2"]
    async with engine.begin() as conn:
        await p.mark_delivered(conn, due[0]["id"], {"ok": True})
        await p.mark_failed(conn, due[1]["id"], "HTTP 503", retry_in=3600)
    async with engine.connect() as conn:
        assert await p.due_pushes(conn, store="s") == []
        rows = {r["key"]: r for r in await p.list_pushes(conn)}
    assert rows["k1"]["status"] == "delivered" and rows["k1"]["attempts"] == 1
    assert rows["k2"]["status"] == "pending" and rows["k2"]["last_error"] == "HTTP 503"
    async with engine.begin() as conn:
        await p.mark_failed(conn, due[1]["id"], "HTTP 400", retry_in=None)
        assert await p.requeue(conn, due[1]["id"])
    async with engine.connect() as conn:
        assert [d["key"] for d in await p.due_pushes(conn)] == ["k2"]
