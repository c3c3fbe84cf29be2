"""The chain runner: order of steps, holds, error policies, timings, pushes."""

import pytest
import sqlalchemy as sa

from orderhub.chain.runner import run_chain_batch
from orderhub.db import orders as store
from orderhub.db.pushes import list_pushes
from orderhub.db.review import list_reviews
from orderhub.db.schema import step_runs
from orderhub.errors import ConfigError

from .helpers import Explode, TestPlugin, make_hub


async def ingest(engine, make_ingested, *specs):
    async with engine.begin() as conn:
        res = await store.upsert_orders(conn, [make_ingested(ext, tags=tags) for ext, tags in specs])
    return res.inserted


async def run(hub, engine):
    async with engine.begin() as conn:
        result, _ = await run_chain_batch(conn, hub, "shop", limit=100)
    await hub.notify(result.notices)
    return result


async def status(engine, oid):
    async with engine.connect() as conn:
        return (await store.load_order(conn, oid))["status"]


async def test_steps_run_in_order_and_holds_go_to_review(engine, make_ingested, db_url):
    plugin = TestPlugin()
    plugin.notices = []
    hub = make_hub(db_url, ["t_validate", "t_notify"], engine=engine, plugin=plugin)
    good, bad = await ingest(engine, make_ingested, ("A-1", []), ("A-2", ["bad"]))
    result = await run(hub, engine)
    assert result.summary() == {"processed": 2, "completed": 1, "held": 1, "retry_later": 0, "pushes_queued": 1}
    assert await status(engine, good) == "validated" and await status(engine, bad) == "on_hold"
    async with engine.connect() as conn:
        reviews = await list_reviews(conn)
        timings = (await conn.execute(sa.select(step_runs.c.step, step_runs.c.outcome))).all()
        pushes = await list_pushes(conn)
    assert [(r["order_id"], r["reasons"][0]["code"]) for r in reviews] == [(bad, "tagged_bad")]
    assert sorted(timings) == [("t_notify", "continue"), ("t_validate", "continue"), ("t_validate", "hold")]
    assert [p["key"] for p in pushes] == [f"note:{good}"]
    assert ("on_order_held", {"order": bad, "codes": ["tagged_bad"]}) in plugin.notices
    # nothing pending any more: a second pass does nothing
    assert (await run(hub, engine)).processed == 0


@pytest.mark.parametrize("mode,policy,expect", [
    ("system", "hold", ("on_hold", "step_failed")),
    ("record", "hold", ("on_hold", "bad_address")),
    ("record", "skip", ("validated", None)),
    ("transient", "hold", ("validated", None)),
    ("system", "retry", ("validated", None)),
])
async def test_error_policies(engine, make_ingested, db_url, mode, policy, expect, monkeypatch):
    monkeypatch.setattr(Explode, "mode", mode)
    hub = make_hub(db_url, ["t_validate", {"step": "t_explode", "on_error": policy}], engine=engine)
    (oid,) = await ingest(engine, make_ingested, ("A-1", []))
    result = await run(hub, engine)
    assert await status(engine, oid) == expect[0]
    async with engine.connect() as conn:
        reviews = await list_reviews(conn)
        row = await store.load_order(conn, oid)
    if expect[1]:
        assert reviews[0]["reasons"][0]["code"] == expect[1] and "t_explode" in reviews[0]["reasons"][0]["message"]
    elif policy == "skip":
        assert result.completed == 1 and row["chain_pending"] is False
    else:  # retried on the next pass, from the failing step
        assert result.retry_later == 1 and row["chain_pending"] is True and row["chain_step"] == 1


async def test_config_error_stops_the_batch_and_keeps_orders_pending(engine, make_ingested, db_url, monkeypatch):
    monkeypatch.setattr(Explode, "mode", "config")
    hub = make_hub(db_url, ["t_explode"], engine=engine)
    (oid,) = await ingest(engine, make_ingested, ("A-1", []))
    with pytest.raises(ConfigError):
        await run(hub, engine)
    async with engine.connect() as conn:
        row = await store.load_order(conn, oid)
    assert row["chain_pending"] is True and row["status"] == "received"


async def test_unknown_step_is_a_config_error_naming_the_key(db_url):
    hub = make_hub(db_url, ["t_validate", "nope"])
    with pytest.raises(ConfigError, match=r"stores.shop.chain\[1\]: unknown step 'nope'"):
        hub.chain("shop")
