import asyncio

from orderhub.ops import actions as operations
from orderhub.config import parse_config
from orderhub.db.inventory import upsert_catalog
from orderhub.hub import Hub

from ...helpers import RecordingReceiver


def test_low_stock_is_logged_and_posted_once_per_crossing(sqlite_url):
    receiver = RecordingReceiver()
    try:
        cfg = parse_config({"database": {"url": sqlite_url},
                            "stores": {"shop": {"connector": "files", "path": ".", "locations": ["main"]}},
                            "plugins": {"low_stock_alerts": {"webhook_url": receiver.url}}})

        async def run():
            hub = Hub(cfg)
            hub.migrate()
            async with hub.engine.begin() as conn:
                await upsert_catalog(conn, [{"sku": "MUG", "title": "Mug", "low_stock_threshold": 3}])
            for qty in (10, 3, 2, 1, 8, 2):
                await operations.set_stock(hub, "MUG", qty, "main", operator="t", reason=None)
            await hub.aclose()

        asyncio.run(run())
        assert len(receiver.requests) == 2  # 10 -> 3 crosses, 2 and 1 stay low, 8 recovers, 2 crosses again
    finally:
        receiver.close()
