"""The store's guarantees, on SQLite and on PostgreSQL alike."""

import pytest
import sqlalchemy as sa

from orderhub.db import orders as store
from orderhub.db.engine import downgrade, migrate
from orderhub.db.schema import order_events, order_versions, orders
from orderhub.errors import IllegalTransition
from orderhub.lifecycle import OrderStatus


async def count(engine, table):
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()


async def test_same_payload_twice_is_a_no_op(engine, make_ingested):
    items = [make_ingested("A-1"), make_ingested("A-2")]
    async with engine.begin() as conn:
        first = await store.upsert_orders(conn, items)
    async with engine.begin() as conn:
        again = await store.upsert_orders(conn, items)
    assert len(first.inserted) == 2 and again.inserted == [] and again.updated == [] and again.unchanged == 2
    assert await count(engine, orders) == 2
    assert await count(engine, order_versions) == 2
    assert await count(engine, order_events) == 2


async def test_changed_payload_is_a_new_version_and_an_event(engine, make_ingested):
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [make_ingested("A-1")])
    async with engine.begin() as conn:
        res = await store.upsert_orders(conn, [make_ingested("A-1", number="#1001-b")])
    assert len(res.updated) == 1
    oid = res.updated[0]
    async with engine.connect() as conn:
        row = await store.load_order(conn, oid)
        events = await store.order_events_of(conn, oid)
        versions = await store.order_versions_of(conn, oid)
    assert row["version"] == 2 and row["number"] == "#1001-b"
    assert [v["version"] for v in versions] == [1, 2]
    assert [e["kind"] for e in events] == ["received", "updated"]


async def test_key_order_does_not_make_a_new_version(engine, make_ingested):
    a = make_ingested("A-1")
    b = make_ingested("A-1")
    b.raw = dict(reversed(list(b.raw.items())))
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [a])
        res = await store.upsert_orders(conn, [b])
    assert res.unchanged == 1


async def test_store_and_external_id_are_unique(engine, make_ingested):
    async with engine.begin() as conn:
        await store.upsert_orders(conn, [make_ingested("A-1", store="s1"), make_ingested("A-1", store="s2")])
    assert await count(engine, orders) == 2
    with pytest.raises(sa.exc.IntegrityError):
        async with engine.begin() as conn:
            row = await store.load_order(conn, make_ingested("A-1", store="s1").order.id)
            row["id"] = "ord_other"
            await conn.execute(orders.insert().values(**row))


async def test_transitions_follow_the_table_and_are_logged(engine, make_ingested):
    async with engine.begin() as conn:
        oid = (await store.upsert_orders(conn, [make_ingested("A-1")])).inserted[0]
    notices = []
    async with engine.begin() as conn:
        await store.transition(conn, oid, OrderStatus.VALIDATED, actor="step:validate", reason="ok", notices=notices)
    with pytest.raises(IllegalTransition, match="validated -> delivered"):
        async with engine.begin() as conn:
            await store.transition(conn, oid, OrderStatus.DELIVERED, actor="test")
    async with engine.connect() as conn:
        events = await store.order_events_of(conn, oid)
    t = events[-1]
    assert (t["from_status"], t["to_status"], t["actor"], t["reason"]) == ("received", "validated", "step:validate", "ok")
    assert t["at"].tzinfo is not None
    assert notices[0].hook == "on_order_state_changed" and notices[0].to_status == "validated"


async def test_channel_cancellation_moves_the_order(engine, make_ingested):
    async with engine.begin() as conn:
        oid = (await store.upsert_orders(conn, [make_ingested("A-1")])).inserted[0]
    cancelled = make_ingested("A-1", channel_status="cancelled")
    cancelled.order.channel_target = OrderStatus.CANCELLED
    async with engine.begin() as conn:
        res = await store.upsert_orders(conn, [cancelled])
    async with engine.connect() as conn:
        row = await store.load_order(conn, oid)
    assert row["status"] == "cancelled" and row["chain_pending"] is False
    assert any(n.to_status == "cancelled" for n in res.notices)


async def test_an_order_cancelled_before_we_first_saw_it_arrives_cancelled(engine, make_ingested):
    """Stored straight at the channel's status, with the same events and notice as a later move."""
    first_seen = make_ingested("A-1", channel_status="cancelled")
    first_seen.order.channel_target = OrderStatus.CANCELLED
    refused = make_ingested("A-2", channel_status="shipped")
    refused.order.channel_target = OrderStatus.DELIVERED  # received -> delivered skips the lifecycle
    async with engine.begin() as conn:
        res = await store.upsert_orders(conn, [first_seen, refused])
    async with engine.connect() as conn:
        rows = {r["external_id"]: r for r in [await store.load_order(conn, oid) for oid in res.inserted]}
        events = (await conn.execute(sa.select(order_events.c.order_id, order_events.c.kind, order_events.c.from_status,
                                               order_events.c.to_status).order_by(order_events.c.id))).all()
    assert rows["A-1"]["status"] == "cancelled" and rows["A-1"]["chain_pending"] is False
    assert rows["A-2"]["status"] == "received" and rows["A-2"]["chain_pending"] is True
    by_order = {oid: [(k, f, t) for o, k, f, t in events if o == oid] for oid in res.inserted}
    assert by_order[rows["A-1"]["id"]] == [("received", None, "received"), ("transition", "received", "cancelled")]
    assert by_order[rows["A-2"]["id"]] == [("received", None, "received"), ("channel_conflict", "received", "delivered")]
    assert [(n.from_status, n.to_status, n.actor) for n in res.notices] == [
        ("received", "cancelled", "channel")]


async def test_cursors_per_store_and_stream(engine):
    async with engine.begin() as conn:
        await store.save_cursor(conn, "s1", "orders", "c1")
        await store.save_cursor(conn, "s1", "orders", "c2")
        await store.save_cursor(conn, "s2", "orders", "x")
    async with engine.connect() as conn:
        assert await store.get_cursor(conn, "s1", "orders") == "c2"
        assert await store.get_cursor(conn, "s2", "orders") == "x"
        assert await store.get_cursor(conn, "s1", "feedback") is None


def test_migrations_match_the_tables(db_url):
    """Alembic's autogenerate finds nothing to add: the core's and the plugins' migrations agree
    with schema.py and the plugins' own tables (``register_migrations``)."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from orderhub.db.engine import make_sync_engine
    from orderhub.db.schema import metadata
    from orderhub.plugin_manager import PluginManager

    everything = sa.MetaData()
    for md in [metadata, *(m for _, m in PluginManager().migrations() if m is not None)]:
        for table in md.tables.values():
            table.to_metadata(everything)
    migrate(db_url)
    migrate(db_url)  # idempotent
    eng = make_sync_engine(db_url)
    with eng.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "orderhub_alembic_version"})
        diff = compare_metadata(ctx, everything)
    eng.dispose()
    assert diff == []


@pytest.mark.postgres
def test_payload_columns_are_lz4_compressed_on_postgresql_and_the_migration_goes_both_ways(pg_url):
    """Raw payloads and order JSON are over the TOAST threshold: lz4 costs the server a quarter less
    CPU per order than pglz (migration 0007). Downgrading puts the server's default back."""
    from orderhub.db.engine import make_sync_engine

    def methods():
        eng = make_sync_engine(pg_url)
        with eng.connect() as conn:
            rows = conn.execute(sa.text(
                "select attrelid::regclass::text, attname, attcompression from pg_attribute where "
                "(attrelid, attname) in (('order_versions'::regclass, 'raw'), ('orders'::regclass, 'data'), "
                "('quarantine'::regclass, 'raw'))")).all()
        eng.dispose()
        return {(t, c): m for t, c, m in rows}

    migrate(pg_url)
    assert set(methods().values()) == {"l"}
    downgrade(pg_url, "0006")
    assert set(methods().values()) == {""}
    migrate(pg_url)
    assert set(methods().values()) == {"l"}
