from orderhub.db import orders as store
from orderhub.db import review
from orderhub.db.pushes import list_pushes
from orderhub.errors import RecordError

import pytest


async def held(engine, make_ingested, ext, code="fraud_check", store_name="shop"):
    async with engine.begin() as conn:
        oid = (await store.upsert_orders(conn, [make_ingested(ext, store=store_name)])).inserted[0]
        order = make_ingested(ext, store=store_name).order
        notices = []
        await review.hold(conn, order, step="hold_rules", step_index=1,
                          reasons=[{"code": code, "message": f"{code} for {ext}"}], notices=notices)
    return oid, notices


async def test_hold_lists_oldest_first_filterable(engine, make_ingested):
    a, notices = await held(engine, make_ingested, "A-1", "total_above_limit")
    b, _ = await held(engine, make_ingested, "A-2", "country_not_allowed", store_name="other")
    assert [n.hook for n in notices] == ["on_order_state_changed", "on_order_held"]
    async with engine.connect() as conn:
        assert [r["order_id"] for r in await review.list_reviews(conn)] == [a, b]
        assert [r["order_id"] for r in await review.list_reviews(conn, store="other")] == [b]
        assert [r["order_id"] for r in await review.list_reviews(conn, reason="total_above_limit")] == [a]
        assert await review.list_reviews(conn, reason="total") == []  # codes match whole


async def test_approve_resumes_after_the_holding_step(engine, make_ingested):
    oid, _ = await held(engine, make_ingested, "A-1")
    async with engine.begin() as conn:
        approved = await review.approve(conn, oid, operator="maria", reason="called the customer", notices=[])
    assert (approved["resume_status"], approved["step"]) == ("received", "hold_rules")
    async with engine.connect() as conn:
        row = await store.load_order(conn, oid)
        events = await store.order_events_of(conn, oid)
        assert await review.list_reviews(conn) == []
    # pending at the holding step, which applies the approval at the chain's next pass
    assert (row["status"], row["chain_step"], row["chain_pending"], row["chain_approved"]) == (
        "received", 1, True, approved["id"])
    last = events[-1]
    assert (last["from_status"], last["to_status"], last["actor"], last["reason"]) == (
        "on_hold", "received", "operator:maria", "called the customer")


async def test_reject_cancels_and_queues_exactly_one_cancellation(engine, make_ingested):
    oid, _ = await held(engine, make_ingested, "A-1")
    async with engine.begin() as conn:
        await review.reject(conn, oid, operator="maria", reason="fraud", notices=[])
    with pytest.raises(RecordError, match="no open review"):
        async with engine.begin() as conn:
            await review.reject(conn, oid, operator="maria", reason="again", notices=[])
    async with engine.connect() as conn:
        row = await store.load_order(conn, oid)
        pushes = await list_pushes(conn, order_id=oid)
    assert row["status"] == "cancelled"
    assert [(p["kind"], p["target"], p["key"]) for p in pushes] == [("cancel", "channel", f"{oid}:cancel")]
