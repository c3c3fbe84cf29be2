"""Stock back to the channels: a burst of changes reaches every store selling the SKU once, latest level."""

import asyncio

from orderhub.ops import actions as operations
from orderhub.config import parse_config
from orderhub.db.inventory import record_store_skus, upsert_catalog
from orderhub.outbox.delivery import deliver_due
from orderhub.hub import Hub
from orderhub.sandbox import Sandbox


def test_burst_of_stock_changes_sends_the_latest_level_once_per_store(tmp_path, sqlite_url):
    with Sandbox(shopify=1, woocommerce=1, orders=0, malformed=0.0, woo_rate=0) as sb:
        stores = sb.store_configs(tmp_path / "secrets")
        stores["shop1"].update(stock_sync=True, location_id=24826418, locations=["main"])
        stores["woo1"].update(stock_sync=True, locations=["main"])
        cfg = parse_config({"database": {"url": sqlite_url}, "stores": stores})

        async def run():
            hub = Hub(cfg)
            hub.migrate()
            async with hub.engine.begin() as conn:
                await upsert_catalog(conn, [{"sku": "MUG-CER-01", "title": "Mug"}])
                await record_store_skus(conn, "shop1", {"MUG-CER-01"})
                await record_store_skus(conn, "woo1", {"MUG-CER-01"})
            for qty in (10, 12, 9, 7):
                await operations.set_stock(hub, "MUG-CER-01", qty, "main", operator="t", reason="burst")
            results = [await deliver_due(hub, s) for s in ("shop1", "woo1")]
            await hub.aclose()
            return results

        results = asyncio.run(run())
        assert [r.delivered for r in results] == [1, 1]
        shop_pushes = [p for p in sb.shops["shop1"].pushes if p["kind"] == "stock"]
        woo_pushes = [p for p in sb.shops["woo1"].pushes if p["kind"] == "stock"]
        assert [(p["inventory_item_id"], p["available"]) for p in shop_pushes] == [(80_000_002, 7)]
        assert [(p["product_id"], p["stock_quantity"]) for p in woo_pushes] == [(102, 7)]
