"""Push delivery: receipts, retries with backoff, dead letters, and the send lease."""

import sqlalchemy as sa

from orderhub.chain.runner import run_chain_batch
from orderhub.db import orders as store
from orderhub.db.pushes import queue_push
from orderhub.db.schema import pushes
from orderhub.outbox.delivery import deliver_due

from .helpers import Notify, make_hub


async def test_delivery_records_receipts_retries_transients_and_dead_letters(engine, make_ingested, db_url, tmp_path):
    Notify.delivered, Notify.failed_once = [], set()
    hub = make_hub(db_url, ["t_notify"], engine=engine,
                   stores={"shop": {"connector": "files", "path": str(tmp_path), "chain": ["t_notify"]}})
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [make_ingested("A-1"), make_ingested("A-2", tags=["flaky"])])
        await run_chain_batch(conn, hub, "shop", limit=10)
        # a cancellation for a store whose files connector has no outbox: cannot be delivered, ever
        oid = make_ingested("A-1").order.id
        await queue_push(conn, key=f"{oid}:cancel", store="shop", kind="cancel", target="channel", payload={},
                         order_id=oid)
    first = await deliver_due(hub, "shop")
    assert first.summary() == {"delivered": 1, "failed": 1, "dead": 1}
    second = await deliver_due(hub, "shop")  # Retry-After: 0 made the flaky one due again
    assert second.summary() == {"delivered": 1, "failed": 0, "dead": 0}
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(pushes.c.key, pushes.c.receipt, pushes.c.status,
                                             pushes.c.attempts, pushes.c.last_error))).all()
    by_status = {r.status: [x for x in rows if x.status == r.status] for r in rows}
    assert sorted(r.status for r in rows) == ["dead", "delivered", "delivered"]
    assert sorted(Notify.delivered) == sorted(r.key for r in by_status["delivered"])
    assert all(r.receipt == {"ok": r.key} for r in by_status["delivered"])
    assert sorted(r.attempts for r in by_status["delivered"]) == [1, 2]
    assert "capability_not_supported" in by_status["dead"][0].last_error
    assert (await deliver_due(hub, "shop")).summary() == {"delivered": 0, "failed": 0, "dead": 0}
