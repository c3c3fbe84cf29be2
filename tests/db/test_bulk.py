"""Statements compiled once and run with prebuilt rows write exactly what SQLAlchemy's own
``execute(table.insert(), rows)`` writes, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime

import orjson
import pytest
import sqlalchemy as sa

from orderhub.db.bulk import BulkStatement, bulk_insert
from orderhub.db.schema import order_events, orders

AT = datetime(2026, 12, 6, 23, 59, 58, 123456, tzinfo=UTC)


def events(prefix: str) -> list[dict]:
    return [
        {"order_id": f"{prefix}-1", "at": AT, "kind": "received", "from_status": None, "to_status": "received",
         "actor": "ingest", "reason": None, "data": {"version": 1, "note": "ünïcode 中文"}},
        {"order_id": f"{prefix}-2", "at": AT, "kind": "updated", "from_status": None, "to_status": None,
         "actor": "ingest", "reason": "r", "data": None},
        {"order_id": f"{prefix}-3", "at": datetime(2027, 1, 1, tzinfo=UTC), "kind": "transition",
         "from_status": "received", "to_status": "on_hold", "actor": "step:x", "reason": None,
         "data": orjson.Fragment(b'{"already":"serialized"}')},
    ]


async def stored(conn, prefix: str) -> list[tuple]:
    q = (sa.select(order_events.c.order_id, order_events.c.at, order_events.c.kind, order_events.c.from_status,
                   order_events.c.to_status, order_events.c.actor, order_events.c.reason,
                   sa.cast(order_events.c.data, sa.Text))
         .where(order_events.c.order_id.like(f"{prefix}-%")).order_by(order_events.c.order_id))
    return [tuple(r) for r in (await conn.execute(q)).all()]


async def test_a_bulk_insert_stores_what_sqlalchemy_stores(engine):
    insert = bulk_insert(order_events, "order_id", "at", "kind", "from_status", "to_status", "actor", "reason",
                         "data")
    async with engine.begin() as conn:
        await conn.execute(order_events.insert(), events("sa"))
        await insert.run(conn, events("bulk"))
        await insert.run(conn, [])  # nothing to write is a no-op
    async with engine.connect() as conn:
        by_sqlalchemy, by_bulk = await stored(conn, "sa"), await stored(conn, "bulk")
    assert len(by_bulk) == 3
    assert [r[1:] for r in by_bulk] == [r[1:] for r in by_sqlalchemy]  # same times, same JSON, same NULLs
    # a None in a JSON column is JSON null, as SQLAlchemy writes it (not SQL NULL)
    assert by_bulk[1][7] is not None and orjson.loads(by_bulk[1][7]) is None


async def test_a_bulk_update_takes_named_parameters_and_constants_as_sql(engine, make_ingested):
    from orderhub.db import orders as order_store

    async with engine.begin() as conn:
        up = await order_store.upsert_orders(conn, [make_ingested("B-1"), make_ingested("B-2")])
    leave = BulkStatement(orders.update().where(orders.c.id == sa.bindparam("b_id"))
                          .values(chain_pending=sa.false(), chain_step=sa.bindparam("b_step")))
    async with engine.begin() as conn:
        await leave.run(conn, [{"b_id": oid, "b_step": n} for n, oid in enumerate(up.inserted, start=3)])
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(orders.c.chain_pending, orders.c.chain_step)
                                   .where(orders.c.id.in_(up.inserted)).order_by(orders.c.chain_step))).all()
    assert [tuple(r) for r in rows] == [(False, 3), (False, 4)]


def test_a_constant_given_as_a_bound_value_is_refused_with_the_statement():
    from sqlalchemy.dialects import sqlite

    stmt = BulkStatement(orders.update().values(status="received"))
    with pytest.raises(ValueError, match="constants as SQL.*UPDATE orders SET status"):
        stmt._compiled(sqlite.dialect())


async def test_a_name_used_twice_is_bound_in_both_places_and_changed_rows_are_counted(engine, make_ingested):
    """The conditional stock take uses its quantity twice (``WHERE free >= :q`` and ``SET reserved =
    reserved + :q``); sqlite3's ``?`` get it in both places. The count is what a caller checks that
    every condition held, so both drivers must add up an executemany's rows."""
    from orderhub.db import orders as order_store

    async with engine.begin() as conn:
        up = await order_store.upsert_orders(conn, [make_ingested(f"C-{n}") for n in range(3)])
    bump = BulkStatement(orders.update().where(orders.c.id == sa.bindparam("b_id"),
                                               orders.c.chain_step < sa.bindparam("b_step"))
                         .values(chain_step=sa.bindparam("b_step")))
    async with engine.begin() as conn:
        changed = await bump.run(conn, [{"b_id": oid, "b_step": 5} for oid in up.inserted])
        again = await bump.run(conn, [{"b_id": oid, "b_step": 5 + n} for n, oid in enumerate(up.inserted)])
    assert changed == 3 and again == 2  # the first row's condition (5 < 5) did not hold
    async with engine.connect() as conn:
        steps = (await conn.execute(sa.select(orders.c.chain_step).where(orders.c.id.in_(up.inserted))
                                    .order_by(orders.c.chain_step))).scalars().all()
    assert steps == [5, 6, 7]
