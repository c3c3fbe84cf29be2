"""Steps that decide in batches (``Step.run_batch``) decide as if the orders came one by one.

The built-in validate, reserve and select_carrier read and write a batch in a few statements. The
same 60 orders — duplicates (two at the same second), unknown SKUs, incomplete addresses, more
wanted than is in stock, more shipments than the carrier's day holds — go through the full chain
once in batches and once order by order, on fresh databases; every table the chain writes must
end the same. And a batch that fails is rolled back and decided order by order, with nothing of it
left behind."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import orjson
import pytest
import sqlalchemy as sa

from orderhub.chain import runner
from orderhub.chain.runner import run_chain_batch
from orderhub.chain.steps import Step
from orderhub.config import parse_config
from orderhub.db import inventory as inventory_db
from orderhub.db import orders as store
from orderhub.db.common import payload_hash
from orderhub.db.engine import make_async_engine, migrate
from orderhub.db.inventory import set_on_hand, upsert_catalog
from orderhub.db.orders import Ingested
from orderhub.db.schema import (carrier_usage, inventory, order_events, orders, reservations, reviews, shipments,
                                stock_movements)
from orderhub.hub import Hub
from orderhub.models import Order
from orderhub.plugin_manager import PluginManager

from .conftest import FIXTURE, create_pg_database, drop_pg_database
from .helpers import builtin_plugins

CHAIN = ["validate", "reserve", {"step": "hold_rules", "max_total": 25}, "select_carrier"]
RATES = "service,zone,max_weight_g,price,currency,transit_days\nstd,1,30000,6.50,EUR,2\nexp,1,30000,14.00,EUR,1\n"
T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def orders_to_ingest() -> list[Ingested]:
    base = orjson.loads(FIXTURE.read_bytes())
    out = []
    for n in range(60):
        raw = orjson.loads(orjson.dumps(base))
        sku = ("MUG-001", "VASE-GLS", "PLATE-9")[n % 3] if n % 7 else "NOT-IN-CATALOG"
        qty = 1 + n % 3
        raw.update(external_id=f"B-{n:03d}", number=f"#{n}", tags=[],
                   created_at=(T0 + timedelta(minutes=n // 4 * 10)).isoformat())
        raw["customer"]["email"] = f"buyer{n % 25}@example.com"  # the same buyer again, some the same items
        raw["line_items"] = [{"sku": sku, "title": sku, "quantity": qty, "unit_price": "10.00"}]
        raw["shipping_lines"], raw["discounts"] = [], []
        total = f"{10 * qty}.00"
        raw["totals"] = {"subtotal": total, "total": total, "paid": total}
        raw["payment"]["amount"] = total
        raw["requirements"] = {}
        if n % 11 == 5:
            raw["shipping_address"]["postal_code"] = None  # incomplete: held by validate
        if n in (10, 30, 50):  # the same order again, later: 30 and 50 are duplicates of 10
            raw["customer"]["email"] = "again@example.com"
            raw["line_items"] = [{"sku": "PLATE-9", "title": "plate", "quantity": 1, "unit_price": "10.00"}]
            raw["totals"] = {"subtotal": "10.00", "total": "10.00", "paid": "10.00"}
        if n in (40, 41):  # the same order twice at the same second: the later id is the duplicate
            raw["customer"]["email"] = "twice@example.com"
            raw["created_at"] = T0.isoformat()
            raw["line_items"] = [{"sku": "MUG-001", "title": "mug", "quantity": 1, "unit_price": "10.00"}]
            raw["totals"] = {"subtotal": "10.00", "total": "10.00", "paid": "10.00"}
        order = Order.model_validate({**raw, "store": "shop", "channel": "files"})
        out.append(Ingested(order, raw, payload_hash(raw)))
    return out


def make_hub(db_url: str, tmp_path) -> Hub:
    (tmp_path / "rates.csv").write_text(RATES)
    cfg = parse_config({
        "database": {"url": db_url},
        "carriers": {"local": {"connector": "table", "rates": str(tmp_path / "rates.csv"), "zones": {"DE": "1"},
                               "countries": ["DE"], "capacity_per_day": 12}},
        "stores": {"shop": {"connector": "files", "path": "/nonexistent", "chain": CHAIN,
                            "locations": ["main", "backup"],
                            "shipping": {"ship_from": {"city": "Berlin", "postal_code": "10115", "country": "DE",
                                                       "lines": ["Lager 1"]}}}}})
    return Hub(cfg, PluginManager(load_entry_points=False, extra=builtin_plugins()))


async def run_all(db_url: str, tmp_path) -> dict[str, list]:
    migrate(db_url)
    hub = make_hub(db_url, tmp_path)
    hub.migrate()
    engine = make_async_engine(db_url)
    try:
        async with engine.begin() as conn:
            await upsert_catalog(conn, [{"sku": s, "title": s, "weight_g": 500} for s in ("MUG-001", "VASE-GLS", "PLATE-9")])
            for sku, loc, qty in (("MUG-001", "main", 9), ("MUG-001", "backup", 4), ("VASE-GLS", "main", 12),
                                  ("PLATE-9", "backup", 30)):
                await set_on_hand(conn, sku, loc, qty, actor="test", reason="seed", notices=[])
            await store.upsert_orders(conn, orders_to_ingest())
        after = ""
        while True:  # batches of 25: the later batches see what the earlier took
            async with engine.begin() as conn:
                result, after = await run_chain_batch(conn, hub, "shop", limit=25, after=after)
            if result.processed == 0:
                break
        async with engine.connect() as conn:
            async def rows(q):
                return sorted(tuple(r) for r in (await conn.execute(q)).all())

            return {
                "orders": await rows(sa.select(orders.c.id, orders.c.status, orders.c.chain_pending)),
                "reviews": await rows(sa.select(orders.c.external_id, reviews.c.step, reviews.c.reason_codes)
                                      .join(orders, orders.c.id == reviews.c.order_id)),
                "reservations": await rows(sa.select(reservations.c.order_id, reservations.c.sku,
                                                     reservations.c.location, reservations.c.quantity,
                                                     reservations.c.status)),
                "inventory": await rows(sa.select(inventory.c.sku, inventory.c.location, inventory.c.on_hand,
                                                  inventory.c.reserved, inventory.c.low)),
                "movements": await rows(sa.select(stock_movements.c.sku, stock_movements.c.location,
                                                  stock_movements.c.kind, stock_movements.c.reserved_delta,
                                                  stock_movements.c.order_id)),
                "shipments": await rows(sa.select(shipments.c.order_id, shipments.c.carrier, shipments.c.service,
                                                  shipments.c.state)),
                "usage": await rows(sa.select(carrier_usage.c.carrier, carrier_usage.c.shipments)),
                "events": await rows(sa.select(order_events.c.order_id, order_events.c.kind,
                                               order_events.c.from_status, order_events.c.to_status)),
            }
    finally:
        await engine.dispose()


@pytest.fixture
def second_db_url(db_url, request, tmp_path):
    """Another fresh database of the same kind, for the run to compare with."""
    if not db_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    admin = request.getfixturevalue("pg_server")
    url = create_pg_database(admin)
    yield url
    drop_pg_database(admin, url)


class Logged:
    """Stands in for the runner's logger: what it was told."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def __getattr__(self, level):
        return lambda event, **kw: self.events.append(event)


async def test_batches_decide_as_one_by_one(db_url, second_db_url, tmp_path, monkeypatch):
    logged = Logged()
    monkeypatch.setattr(runner, "log", logged)
    batched = await run_all(db_url, tmp_path)
    assert "step_batch_failed" not in logged.events  # the batches decided, not the fallback
    monkeypatch.setattr(Step, "decides_in_batches", classmethod(lambda cls: False))
    alone = await run_all(second_db_url, tmp_path)
    for table in batched:
        assert batched[table] == alone[table], table
    statuses = Counter(s for _, s, _ in batched["orders"])
    codes = Counter(c for _, _, r in batched["reviews"] for c in r.split())
    # every kind of outcome happened, so the comparison compared something
    assert statuses["ready_to_ship"] == 12 and statuses["on_hold"] > 20, statuses
    assert {"unknown_sku", "incomplete_address", "possible_duplicate", "insufficient_stock", "no_carrier",
            "total_above_limit"} <= set(codes), codes
    duplicates = sorted(ext for ext, _, r in batched["reviews"] if "possible_duplicate" in r)
    assert duplicates == ["B-030", "B-041", "B-050"], duplicates


async def test_a_failed_batch_is_rolled_back_and_decided_order_by_order(db_url, second_db_url, tmp_path,
                                                                         monkeypatch):
    real = inventory_db.reserve_orders
    failed = []

    async def reserve_then_fail(conn, batch, *args, **kwargs):
        await real(conn, batch, *args, **kwargs)  # it wrote reservations, movements and levels: all undone
        failed.append(len(batch))
        raise RuntimeError("a bug in the batch code")

    expected = await run_all(db_url, tmp_path)
    monkeypatch.setattr(inventory_db, "reserve_orders", reserve_then_fail)
    logged = Logged()
    monkeypatch.setattr(runner, "log", logged)
    got = await run_all(second_db_url, tmp_path)
    assert failed and logged.events.count("step_batch_failed") == len(failed)
    assert got == expected
