"""The reserve step: all or nothing, never oversold, with one or several workers at once."""

import asyncio

import orjson
import pytest
import sqlalchemy as sa

from orderhub.chain.runner import run_chain_batch
from orderhub.db import orders as store
from orderhub.db import review
from orderhub.db.common import payload_hash
from orderhub.db.engine import make_async_engine, migrate
from orderhub.db.inventory import list_levels, reservations_of, set_on_hand, upsert_catalog
from orderhub.db.orders import Ingested
from orderhub.db.schema import inventory, reservations
from orderhub.lifecycle import OrderStatus
from orderhub.models import Order

from ...conftest import FIXTURE
from ...helpers import make_hub


def order(ext, store_name, lines):
    raw = orjson.loads(FIXTURE.read_bytes())
    raw["external_id"] = ext
    raw["line_items"] = [{"sku": sku, "title": sku, "quantity": q, "unit_price": "10.00"} for sku, q in lines]
    return Order.model_validate({**raw, "store": store_name, "channel": "files"}), raw


async def seed(engine, stock, orders):
    async with engine.begin() as conn:
        await upsert_catalog(conn, [{"sku": s, "title": s} for s in {s for s, _, _ in stock}])
        for sku, loc, qty in stock:
            await set_on_hand(conn, sku, loc, qty, actor="test", reason="seed", notices=[])
        await store.upsert_orders(conn, [Ingested(o, raw, payload_hash(raw)) for o, raw in orders])


def stores(**policy):
    return {name: {"connector": "files", "path": "/x", "chain": ["t_validate", "reserve"], "locations": ["main", "backup"],
                   **policy} for name in ("web", "pos")}


async def run_store(hub, engine, name):
    after = ""
    while True:
        async with engine.begin() as conn:
            result, after = await run_chain_batch(conn, hub, name, limit=10, after=after)
        if result.processed == 0:
            return


async def test_all_or_nothing_across_lines_and_locations(engine, db_url):
    hub = make_hub(db_url, [], engine=engine, stores=stores())
    fits = order("A-1", "web", [("MUG", 3), ("VASE", 1)])
    short = order("A-2", "web", [("MUG", 2), ("VASE", 5)])
    await seed(engine, [("MUG", "main", 2), ("MUG", "backup", 3), ("VASE", "main", 2)], [fits])
    await run_store(hub, engine, "web")
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [Ingested(short[0], short[1], payload_hash(short[1]))])
    await run_store(hub, engine, "web")
    async with engine.connect() as conn:
        levels = {(r["sku"], r["location"]): (r["on_hand"], r["reserved"]) for r in await list_levels(conn)}
        a1 = await store.load_order(conn, fits[0].id)
        a2 = await store.load_order(conn, short[0].id)
        held = await review.list_reviews(conn)
        res = sorted((r["sku"], r["location"], r["quantity"]) for r in await reservations_of(conn, fits[0].id))
    assert a1["status"] == "reserved" and a2["status"] == "on_hold"
    assert res == [("MUG", "backup", 1), ("MUG", "main", 2), ("VASE", "main", 1)]  # main first, then backup
    # the short order took nothing: its MUG units were given back when VASE fell short
    assert levels[("MUG", "main")] == (2, 2) and levels[("MUG", "backup")] == (3, 1)
    assert levels[("VASE", "main")] == (2, 1)
    assert held[0]["reasons"] == [{"code": "insufficient_stock",
                                   "message": "VASE: 5 wanted, 1 available in main, backup"}]


async def test_cancel_releases_and_shipping_consumes(engine, db_url):
    hub = make_hub(db_url, [], engine=engine, stores=stores())
    a, b = order("A-1", "web", [("MUG", 2)]), order("A-2", "web", [("MUG", 1)])
    await seed(engine, [("MUG", "main", 5)], [a, b])
    await run_store(hub, engine, "web")
    async with engine.begin() as conn:
        await store.transition(conn, a[0].id, OrderStatus.CANCELLED, actor="channel")
        await store.transition(conn, b[0].id, OrderStatus.READY_TO_SHIP, actor="test")
        await store.transition(conn, b[0].id, OrderStatus.SHIPPED, actor="test")
    async with engine.connect() as conn:
        (lvl,) = await list_levels(conn)
        ra, rb = await reservations_of(conn, a[0].id), await reservations_of(conn, b[0].id)
    assert (lvl["on_hand"], lvl["reserved"]) == (4, 0)
    assert [r["status"] for r in ra] == ["released"] and [r["status"] for r in rb] == ["consumed"]


async def test_backorder_policy_reserves_what_there_is(engine, db_url):
    hub = make_hub(db_url, [], engine=engine, stores=stores(reserve_policy="backorder"))
    a = order("A-1", "web", [("MUG", 5)])
    await seed(engine, [("MUG", "main", 3)], [a])
    await run_store(hub, engine, "web")
    async with engine.connect() as conn:
        row = await store.load_order(conn, a[0].id)
        res = sorted((r["status"], r["quantity"]) for r in await reservations_of(conn, a[0].id))
        (lvl,) = await list_levels(conn)
    assert row["status"] == "reserved" and res == [("backorder", 2), ("held", 3)]
    assert (lvl["on_hand"], lvl["reserved"]) == (3, 3)


async def _contend(db_url, workers):
    """200 orders in two stores competing for 50 units of one SKU."""
    migrate(db_url)
    setup = make_async_engine(db_url)
    orders = [order(f"{s}-{i}", s, [("HOT-1", 1)]) for s in ("web", "pos") for i in range(100)]
    await seed(setup, [("HOT-1", "main", 50)], orders)
    await setup.dispose()
    engines = [make_async_engine(db_url) for _ in range(workers)]
    hubs = [make_hub(db_url, [], engine=e, stores=stores()) for e in engines]
    if workers == 2:  # two workers at once, one store each, both reserving from the same shelf
        await asyncio.gather(run_store(hubs[0], engines[0], "web"), run_store(hubs[1], engines[1], "pos"))
    else:
        for name in ("web", "pos"):
            await run_store(hubs[0], engines[0], name)
    async with engines[0].connect() as conn:
        lvl = (await conn.execute(sa.select(inventory))).mappings().one()
        held_units = (await conn.execute(sa.select(sa.func.coalesce(sa.func.sum(reservations.c.quantity), 0))
                                         .where(reservations.c.status == "held"))).scalar_one()
        statuses = [o["status"] for o in await store.list_orders(conn, limit=500)]
    for e in engines:
        await e.dispose()
    return lvl, held_units, statuses


@pytest.mark.postgres
async def test_two_workers_on_postgres_never_oversell(pg_url):
    lvl, held_units, statuses = await _contend(pg_url, workers=2)
    assert (lvl["on_hand"], lvl["reserved"], held_units) == (50, 50, 50)
    assert statuses.count("reserved") == 50 and statuses.count("on_hold") == 150
    print(f"\n2 workers, 200 orders for 50 units: {statuses.count('reserved')} reserved, "
          f"{statuses.count('on_hold')} held, reserved units {lvl['reserved']}")


async def test_one_worker_on_sqlite_never_oversells(sqlite_url):
    lvl, held_units, statuses = await _contend(sqlite_url, workers=1)
    assert (lvl["on_hand"], lvl["reserved"], held_units) == (50, 50, 50)
    assert statuses.count("reserved") == 50 and statuses.count("on_hold") == 150
