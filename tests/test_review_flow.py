"""An operator's approval resumes the chain after the step that held the order, in the state that
step would have moved it to; nothing is reserved twice, nothing stays reserved for an order that is
held without stock or rejected. One case per built-in step that holds, on SQLite and PostgreSQL,
through ``orderhub.ops.actions`` (what both the CLI and the admin API call)."""

import orjson
import pytest
import sqlalchemy as sa

from orderhub.ops import actions as operations
from orderhub.chain.runner import run_chain_batch
from orderhub.db import orders as store
from orderhub.db import doctor
from orderhub.db.common import payload_hash
from orderhub.db.inventory import set_on_hand, upsert_catalog
from orderhub.db.orders import Ingested
from orderhub.db.schema import inventory, orders, pushes, reservations, reviews
from orderhub.models import Order

from .conftest import FIXTURE
from .helpers import make_hub

SKUS = {"MUG-001": 2, "VASE-GLS": 1}


def ingested(ext, **changes):
    raw = orjson.loads(FIXTURE.read_bytes())
    raw["external_id"] = ext
    for key, value in changes.items():
        raw[key] = value
    return Ingested(Order.model_validate({**raw, "store": "shop", "channel": "files"}), raw, payload_hash(raw))


async def setup(engine, db_url, chain, stock, *items):
    hub = make_hub(db_url, [], engine=engine, stores={"shop": {
        "connector": "files", "path": "/x", "chain": chain, "locations": ["main"]}})
    async with engine.begin() as conn:
        await upsert_catalog(conn, [{"sku": s, "title": s} for s in SKUS])
        for sku, qty in stock.items():
            await set_on_hand(conn, sku, "main", qty, actor="test", reason="seed", notices=[])
        up = await store.upsert_orders(conn, list(items))
    return hub, up.inserted


async def chain_pass(hub, engine):
    async with engine.begin() as conn:
        await run_chain_batch(conn, hub, "shop", limit=100)
    async with engine.connect() as conn:  # after every pass, every invariant holds
        assert await doctor.check(conn) == []


async def state(engine, oid):
    async with engine.connect() as conn:
        status = (await conn.execute(sa.select(orders.c.status).where(orders.c.id == oid))).scalar_one()
        held = (await conn.execute(sa.select(reservations.c.sku, reservations.c.quantity, reservations.c.status)
                                   .where(reservations.c.order_id == oid,
                                          reservations.c.status.in_(("held", "backorder")))
                                   .order_by(reservations.c.sku, reservations.c.status))).all()
        open_reviews = (await conn.execute(sa.select(sa.func.count()).select_from(reviews).where(
            reviews.c.order_id == oid, reviews.c.resolved_at.is_(None)))).scalar_one()
        reserved = dict((await conn.execute(sa.select(inventory.c.sku, inventory.c.reserved))).all())
    return status, [tuple(r) for r in held], open_reviews, reserved


async def approve(hub, oid):
    out = await operations.approve(hub, oid, operator="ops1", reason="checked")
    assert out["next"].startswith("the chain resumes at")
    return out


async def test_a_validate_hold_approved_is_validated_then_reserved(engine, db_url):
    hub, (oid,) = await setup(engine, db_url, ["validate", "reserve"], SKUS,
                              ingested("V-1", customer={"name": "Ada", "email": "not-an-email"}))
    await chain_pass(hub, engine)
    assert await state(engine, oid) == ("on_hold", [], 1, {"MUG-001": 0, "VASE-GLS": 0})
    out = await approve(hub, oid)
    assert (out["status"], out["step"]) == ("received", "validate")
    await chain_pass(hub, engine)
    assert await state(engine, oid) == ("reserved", [("MUG-001", 2, "held"), ("VASE-GLS", 1, "held")], 0,
                                        {"MUG-001": 2, "VASE-GLS": 1})
    await chain_pass(hub, engine)  # nothing pending, nothing reserved twice
    assert (await state(engine, oid))[3] == {"MUG-001": 2, "VASE-GLS": 1}


async def test_a_stock_hold_approved_reserves_what_there_is_and_backorders_the_rest(engine, db_url):
    hub, (oid,) = await setup(engine, db_url, ["validate", "reserve"], {"MUG-001": 1, "VASE-GLS": 1},
                              ingested("R-1"))
    await chain_pass(hub, engine)
    assert await state(engine, oid) == ("on_hold", [], 1, {"MUG-001": 0, "VASE-GLS": 0})
    await approve(hub, oid)
    await chain_pass(hub, engine)
    assert await state(engine, oid) == ("reserved", [("MUG-001", 1, "backorder"), ("MUG-001", 1, "held"),
                                                     ("VASE-GLS", 1, "held")], 0, {"MUG-001": 1, "VASE-GLS": 1})


async def test_a_hold_after_reserve_keeps_its_stock_and_a_rejection_releases_it(engine, db_url):
    chain = [{"step": "validate", "check_duplicates": False}, "reserve", {"step": "hold_rules", "max_total": "10"}]
    hub, (a, b) = await setup(engine, db_url, chain, {"MUG-001": 4, "VASE-GLS": 2}, ingested("H-1"), ingested("H-2"))
    await chain_pass(hub, engine)
    assert (await state(engine, a))[:3] == ("on_hold", [("MUG-001", 2, "held"), ("VASE-GLS", 1, "held")], 1)
    await approve(hub, a)
    await operations.reject(hub, b, operator="ops1", reason="fraud")
    await chain_pass(hub, engine)
    assert await state(engine, a) == ("reserved", [("MUG-001", 2, "held"), ("VASE-GLS", 1, "held")], 0,
                                      {"MUG-001": 2, "VASE-GLS": 1})
    assert (await state(engine, b))[:3] == ("cancelled", [], 0)


async def test_a_carrier_hold_approved_chooses_again(engine, db_url):
    hub, (oid,) = await setup(engine, db_url, ["select_carrier"], SKUS, ingested("C-1", shipping_address=None))
    await chain_pass(hub, engine)
    assert (await state(engine, oid))[:3] == ("on_hold", [], 1)
    await approve(hub, oid)
    await chain_pass(hub, engine)  # still no address: held again, with one open review
    assert (await state(engine, oid))[:3] == ("on_hold", [], 1)


async def test_a_step_out_of_order_is_held_without_leaving_stock_reserved(engine, db_url):
    """The reported case: reserve before validate reserves, then cannot move a received order."""
    hub, (oid,) = await setup(engine, db_url, ["reserve", "validate"], SKUS, ingested("L-1"))
    await chain_pass(hub, engine)
    assert await state(engine, oid) == ("on_hold", [], 1, {"MUG-001": 0, "VASE-GLS": 0})
    await approve(hub, oid)
    await chain_pass(hub, engine)  # the step is run again (the chain is still wrong): held again, nothing kept
    assert await state(engine, oid) == ("on_hold", [], 1, {"MUG-001": 0, "VASE-GLS": 0})


async def test_a_held_order_changed_on_the_channel_supersedes_its_review(engine, db_url):
    hub, (oid,) = await setup(engine, db_url, ["validate", "reserve"], SKUS,
                              ingested("S-1", customer={"name": "Ada", "email": "not-an-email"}))
    await chain_pass(hub, engine)
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [ingested("S-1")])  # the customer fixed the email
    await chain_pass(hub, engine)
    assert await state(engine, oid) == ("reserved", [("MUG-001", 2, "held"), ("VASE-GLS", 1, "held")], 0,
                                        {"MUG-001": 2, "VASE-GLS": 1})
    with pytest.raises(Exception, match="no open review"):
        await operations.approve(hub, oid, operator="ops1", reason="late")


async def test_doctor_names_what_is_wrong(engine, db_url):
    hub, (oid,) = await setup(engine, db_url, ["validate", "reserve"], SKUS, ingested("D-1"))
    await chain_pass(hub, engine)
    async with engine.begin() as conn:  # break three invariants by hand
        await conn.execute(orders.update().where(orders.c.id == oid).values(status="cancelled", chain_pending=True))
        await conn.execute(inventory.update().where(inventory.c.sku == "MUG-001").values(reserved=5))
    async with engine.connect() as conn:
        found = {(f["check"], f["subject"]) for f in await doctor.check(conn)}
    assert found == {("reservation_without_stock_state", oid), ("reserved_count_mismatch", "MUG-001@main"),
                     ("final_order_pending", oid)}


async def test_two_workers_deciding_the_same_orders_at_once_decide_each_once(pg_url):
    """PostgreSQL with two workers (two hubs, two connection pools): for every held order an
    approval through one and a rejection through the other race; exactly one wins per order,
    the other is told the order is no longer held, and the state stays sound through the next pass."""
    import asyncio

    from orderhub.db.engine import make_async_engine, migrate
    from orderhub.errors import RecordError

    migrate(pg_url)
    engines = [make_async_engine(pg_url), make_async_engine(pg_url)]
    try:
        items = [ingested(f"R-{i}", customer={"name": "Ada", "email": f"bad-{i}@@x"}) for i in range(12)]
        hub_a, oids = await setup(engines[0], pg_url, ["validate", "reserve"], {"MUG-001": 24, "VASE-GLS": 12}, *items)
        hub_b = make_hub(pg_url, [], engine=engines[1], stores={"shop": {
            "connector": "files", "path": "/x", "chain": ["validate", "reserve"], "locations": ["main"]}})
        await chain_pass(hub_a, engines[0])

        async def decide(hub, fn, oid):
            try:
                return await fn(hub, oid, operator=f"op-{id(hub) % 97}", reason="race")
            except RecordError as exc:
                return exc
        outcomes = await asyncio.gather(*(
            asyncio.gather(decide(hub_a, operations.approve, oid), decide(hub_b, operations.reject, oid))
            for oid in oids))
        won = {}
        for oid, (approved, rejected) in zip(oids, outcomes):
            errors = [o for o in (approved, rejected) if isinstance(o, RecordError)]
            assert len(errors) == 1 and errors[0].code == "not_held", (oid, approved, rejected)
            won[oid] = "approved" if not isinstance(approved, RecordError) else "rejected"
        async with engines[0].connect() as conn:
            resolutions = dict((await conn.execute(sa.select(reviews.c.order_id, reviews.c.resolution))).all())
            cancels = set((await conn.execute(sa.select(pushes.c.order_id).where(pushes.c.kind == "cancel"))).scalars())
        assert resolutions == won
        assert cancels == {oid for oid, w in won.items() if w == "rejected"}
        await chain_pass(hub_b, engines[1])  # the other worker runs the store's next pass (one at a time per store)
        for oid, w in won.items():
            status, held, open_reviews, _ = await state(engines[0], oid)
            assert (status, open_reviews) == (("reserved", 0) if w == "approved" else ("cancelled", 0)), (oid, status)
            assert bool(held) == (w == "approved")
    finally:
        for e in engines:
            await e.dispose()


async def test_the_admin_api_decides_as_the_cli_does(engine, db_url, monkeypatch):
    """The same flow through ``/api/v1/review/{ref}/approve|reject`` (the first-hour report: the
    admin API's approve broke a validate hold just as the CLI's did)."""
    import httpx

    from orderhub.web.app import create_app

    monkeypatch.setenv("T_REVIEW_ADMIN", "tok")
    bad = {"name": "Ada", "email": "not-an-email"}
    hub, (a, b) = await setup(engine, db_url, ["validate", "reserve"], SKUS,
                              ingested("API-1", customer=bad), ingested("API-2", customer=bad))
    hub.config.server.admin_token = "env:T_REVIEW_ADMIN"
    await chain_pass(hub, engine)
    auth = {"Authorization": "Bearer tok"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hub)), base_url="http://hub") as api:
        ok = await api.post(f"/api/v1/review/{a}/approve", json={"operator": "ops1", "reason": "called"}, headers=auth)
        assert ok.status_code == 200 and (ok.json()["step"], ok.json()["status"]) == ("validate", "received"), ok.text
        no = await api.post(f"/api/v1/review/{b}/reject", json={"operator": "ops1"}, headers=auth)
        assert no.status_code == 200 and no.json()["status"] == "cancelled"
        late = await api.post(f"/api/v1/review/{b}/approve", json={"operator": "ops2"}, headers=auth)
        assert late.status_code == 409 and late.json()["error"] == "not_held"
    await chain_pass(hub, engine)
    assert await state(engine, a) == ("reserved", [("MUG-001", 2, "held"), ("VASE-GLS", 1, "held")], 0,
                                      {"MUG-001": 2, "VASE-GLS": 1})
    assert await state(engine, b) == ("cancelled", [], 0, {"MUG-001": 2, "VASE-GLS": 1})
