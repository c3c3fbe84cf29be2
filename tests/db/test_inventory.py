"""Stock levels, low-stock crossings and coalesced stock pushes."""

import sqlalchemy as sa

from orderhub.db import inventory as inv
from orderhub.db.pushes import list_pushes
from orderhub.db.schema import stock_movements


async def test_low_stock_fires_once_per_crossing(engine):
    notices = []
    async with engine.begin() as conn:
        await inv.upsert_catalog(conn, [{"sku": "MUG", "title": "Mug", "reorder_point": 5}])
        await inv.set_on_hand(conn, "MUG", "main", 10, actor="t", reason=None, notices=notices)
        for _ in range(4):  # 10 -> 6: still above the reorder point
            await inv.adjust_on_hand(conn, "MUG", "main", -1, actor="t", reason="sale", notices=notices)
        assert notices == []
        for _ in range(3):  # 6 -> 3: crosses once, stays low
            await inv.adjust_on_hand(conn, "MUG", "main", -1, actor="t", reason="sale", notices=notices)
        assert [n.hook for n in notices] == ["on_low_stock"]
        assert notices[0].level.available == 5 and notices[0].threshold == 5
        await inv.adjust_on_hand(conn, "MUG", "main", 10, actor="t", reason="restock", notices=notices)
        await inv.adjust_on_hand(conn, "MUG", "main", -9, actor="t", reason="sale", notices=notices)
    assert [n.hook for n in notices] == ["on_low_stock", "on_low_stock"]  # recovered, then crossed again


async def test_a_burst_of_changes_queues_one_stock_push_per_store(engine):
    async with engine.begin() as conn:
        await inv.record_store_skus(conn, "shop1", {"MUG", "CAP"})
        await inv.record_store_skus(conn, "woo1", {"MUG"})
        for q in (5, 6, 7, 8):
            await inv.set_on_hand(conn, "MUG", "main", q, actor="t", reason=None, notices=[])
        await inv.set_on_hand(conn, "CAP", "main", 1, actor="t", reason=None, notices=[])
        pushes = await list_pushes(conn, status="pending")
        moves = (await conn.execute(sa.select(sa.func.count()).select_from(stock_movements))).scalar_one()
    assert sorted((p["store"], p["key"].split(":")[2]) for p in pushes) == [("shop1", "CAP"), ("shop1", "MUG"),
                                                                            ("woo1", "MUG")]
    assert moves == 5  # every change audited, however coalesced the pushes


async def test_adjust_refuses_negative_stock(engine):
    import pytest

    async with engine.begin() as conn:
        await inv.set_on_hand(conn, "MUG", "main", 2, actor="t", reason=None, notices=[])
        with pytest.raises(ValueError, match="negative"):
            await inv.adjust_on_hand(conn, "MUG", "main", -3, actor="t", reason="oops", notices=[])


class StockMovesMidway:
    """A connection on which someone else takes stock right after the batch read the levels."""

    def __init__(self, conn, sku, location):
        self.conn, self.sku, self.location = conn, sku, location
        self.dialect = conn.dialect

    async def execute(self, stmt, *args):
        result = await self.conn.execute(stmt, *args)
        if stmt is inv._LEVELS:
            rows = result.all()
            await self.conn.execute(sa.update(inv.inventory).where(inv.inventory.c.sku == self.sku,
                                                                   inv.inventory.c.location == self.location)
                                    .values(reserved=inv.inventory.c.on_hand))
            return rows
        return result

    async def exec_driver_sql(self, *args):
        return await self.conn.exec_driver_sql(*args)


async def test_a_batch_reservation_refuses_stock_that_moved_after_it_was_read(engine, make_ingested):
    """``reserve_orders`` allocates from levels read once; if a level changed before the take (a
    writer that did not wait for the batch's locks), the conditional take says so and nothing
    may be kept: it raises, and the runner rolls the batch back and reserves order by order."""
    import pytest

    from orderhub.db import orders as order_store

    async with engine.begin() as conn:
        await inv.upsert_catalog(conn, [{"sku": "MUG-001", "title": "Mug"}, {"sku": "VASE-GLS", "title": "Vase"}])
        for sku in ("MUG-001", "VASE-GLS"):
            await inv.set_on_hand(conn, sku, "main", 10, actor="t", reason=None, notices=[])
        up = await order_store.upsert_orders(conn, [make_ingested("R-1"), make_ingested("R-2")])
    batch = up.to_chain
    async with engine.begin() as conn:
        ok = await inv.reserve_orders(conn, batch[:1], ["main"], policy="hold", actor="t", changed=set())
        assert [r.ok for r in ok] == [True]
        with pytest.raises(inv.StockRaced):
            await inv.reserve_orders(StockMovesMidway(conn, "VASE-GLS", "main"), batch[1:], ["main"],
                                     policy="hold", actor="t", changed=set())
