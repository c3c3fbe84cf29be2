from orderhub.db import quarantine as q
from orderhub.errors import RecordError


async def test_same_payload_is_one_row_and_replay_failures_count(engine):
    err = RecordError("currency: unknown", code="invalid_field", field="currency", location="f.json")
    async with engine.begin() as conn:
        assert await q.quarantine_record(conn, "shop", {"a": 1}, err, external_id="A-1", location="f.json")
        assert not await q.quarantine_record(conn, "shop", {"a": 1}, err, external_id="A-1", location="f.json")
        assert await q.quarantine_record(conn, "other", {"a": 1}, err)
    async with engine.connect() as conn:
        rows = await q.list_quarantine(conn, store="shop")
    assert len(rows) == 1
    r = rows[0]
    assert (r["error_code"], r["error"], r["location"], r["attempts"]) == ("invalid_field", "currency: unknown", "f.json", 1)
    async with engine.begin() as conn:
        await q.record_failed_replay(conn, r["id"], RecordError("still bad", code="invalid_field"))
        await q.resolve(conn, r["id"], "dropped", by="maria")
    async with engine.connect() as conn:
        full = await q.get_quarantined(conn, r["id"])
        assert await q.list_quarantine(conn, store="shop") == []
    assert (full["attempts"], full["status"], full["resolved_by"], full["raw"]) == (2, "dropped", "maria", {"a": 1})
