"""The risk step on a real database (SQLite and PostgreSQL): scores kept with their signals and
shown with the order, holds by threshold, velocity counted over the identities table — exact with
two workers scoring orders of one card at once — and a customer's history making a big order
ordinary."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from orderhub.chain.steps import StepContext
from orderhub.extend import StepData
from orderhub.db import orders as order_store
from orderhub.ops.actions import order_view
from orderhub_plugins.risk.signals import identities
from orderhub_plugins.risk.step import Risk
from orderhub_plugins.risk.velocity import facts_for
from tests.helpers import make_hub

T0 = datetime(2026, 11, 20, 10, tzinfo=UTC)


@pytest.fixture
async def hub(db_url):
    h = make_hub(db_url, [{"step": "risk"}])
    h.migrate()
    yield h
    await h.aclose()


def make(make_ingested, ext, *, at=T0, email="ada@example.com", card="card-1", total="78.90", **over):
    ing = make_ingested(ext, created_at=at.isoformat(), updated_at=at.isoformat(),
                        customer={"name": "Ada", "email": email, "phone": "+49 30 901820"},
                        payment={"status": "paid", "amount": total, "card_fingerprint": card},
                        totals={"subtotal": total, "total": total, "paid": total}, **over)
    return ing


async def store(hub, items):
    async with hub.engine.begin() as conn:
        await order_store.upsert_orders(conn, items)
    return [i.order for i in items]


async def run(hub, orders, **options):
    step = Risk.build("shop", options, key="stores.shop.chain[0]")
    async with hub.engine.begin() as conn:
        ctx = StepContext(store="shop", store_config=hub.store_config("shop"), conn=conn, step_name="risk", hub=hub)
        return await step.run_batch(orders, ctx)


async def test_scores_are_kept_shown_with_the_order_and_hold_by_threshold(hub, make_ingested):
    calm, risky = await store(hub, [make(make_ingested, "R-1"),
                                    make(make_ingested, "R-2", email="x@mailinator.com", card="card-2",
                                         total="950.00", billing_address={"lines": ["1 Rd"], "city": "Lagos",
                                                                           "country": "NG"})])
    ok, held = await run(hub, [calm, risky])
    assert ok.outcome == "continue" and "risk 0" in ok.note
    assert held.outcome == "hold" and held.reasons[0].code == "risk_high"
    doc = await order_view(hub, risky.id)
    risk = doc["risk"]
    assert risk["score"] == 30 + 20 + 20 + 15 and risk["level"] == "high"
    assert {s["name"] for s in risk["signals"]} == {"disposable_email", "billing_country_mismatch",
                                                     "first_order_high_value", "express_first_high_value"}
    assert all(s["points"] > 0 and s["evidence"] for s in risk["signals"])
    assert risk["summary"].startswith("risk 85 (high): disposable_email +30")
    (review,) = await run(hub, [risky], review_above=20, high_above=90)
    assert review.reasons[0].code == "risk_review", "thresholds are the store's"
    (quiet,) = await run(hub, [risky], points={"disposable_email": 0, "billing_country_mismatch": 0})
    assert quiet.outcome == "continue", "a store's own points win"


async def test_velocity_counts_orders_of_one_card_within_the_hour(hub, make_ingested):
    orders = await store(hub, [make(make_ingested, f"V-{k}", at=T0 + timedelta(minutes=10 * k), email=f"p{k}@example.com")
                               for k in range(4)])
    results = await run(hub, orders)
    assert [r.outcome for r in results] == ["continue", "continue", "hold", "hold"]  # a shared card alone: 30
    doc = await order_view(hub, orders[3].id)
    fired = {s["name"]: s["evidence"] for s in doc["risk"]["signals"]}
    assert fired["velocity_card_1h"].startswith("4 orders") and "4 customers" in fired["card_many_customers"]
    # scoring an order again gives the same counts (its identities are replaced, not added)
    again = await run(hub, [orders[3]])
    assert again[0].reasons == results[3].reasons
    # an order two hours later is outside the hour, inside the day
    (later,) = await store(hub, [make(make_ingested, "V-9", at=T0 + timedelta(hours=2), email="p0@example.com")])
    await run(hub, [later])
    fired = {s["name"] for s in (await order_view(hub, later.id))["risk"]["signals"]}
    assert "velocity_card_1h" not in fired and "card_many_customers" in fired


async def test_a_customer_with_history_is_no_first_order(hub, make_ingested):
    old, big = await store(hub, [make(make_ingested, "H-1", at=T0 - timedelta(days=20)),
                                 make(make_ingested, "H-2", total="900.00")])
    await run(hub, [old])
    (result,) = await run(hub, [big])
    assert result.outcome == "continue", (await order_view(hub, big.id))["risk"]
    (fresh,) = await store(hub, [make(make_ingested, "H-3", email="new@example.com", card="card-9", total="900.00")])
    await run(hub, [fresh])
    assert "first_order_high_value" in {s["name"] for s in (await order_view(hub, fresh.id))["risk"]["signals"]}


@pytest.mark.postgres
async def test_two_workers_scoring_one_card_at_once_count_each_other(pg_url, make_ingested):
    """Two transactions score orders of the same card concurrently: the second waits for the
    first's commit on the card's lock and counts its order. Without the lock both counted 1."""
    hub = make_hub(pg_url, [{"step": "risk"}])
    hub.migrate()
    try:
        a, b = await store(hub, [make(make_ingested, "C-1", email="a@example.com"),
                                 make(make_ingested, "C-2", at=T0 + timedelta(minutes=5), email="b@example.com")])
        first_in = asyncio.Event()

        async def score(order, *, hold_open):
            async with hub.engine.begin() as conn:
                data = StepData(conn, hub=hub)
                facts = await facts_for(data, [order], {order.id: identities(order)}, history_age=timedelta(days=7))
                if hold_open:
                    first_in.set()
                    await asyncio.sleep(0.5)  # the second worker arrives while this one is still open
                return facts[order.id].velocity["card_1h"]

        async def second():
            await first_in.wait()
            return await score(b, hold_open=False)

        counts = await asyncio.gather(score(a, hold_open=True), second())
        assert counts == [1, 2]
    finally:
        await hub.aclose()


async def test_tuned_weights_replace_the_defaults_and_a_stores_own_points_win(hub, make_ingested):
    from orderhub_plugins.risk.tables import weights

    (o,) = await store(hub, [make(make_ingested, "W-1", email="x@mailinator.com")])
    async with hub.engine.begin() as conn:
        await conn.execute(weights.insert().values(points={"disposable_email": 55}, fit={}, applied_by="test",
                                                   applied_at=T0))
    (held,) = await run(hub, [o])
    risk = (await order_view(hub, o.id))["risk"]
    assert held.reasons[0].code == "risk_review" and risk["score"] == 55 and risk["weights"] == 1
    (own,) = await run(hub, [o], points={"disposable_email": 10})
    assert own.outcome == "continue"
    (untuned,) = await run(hub, [o], use_tuned=False)
    assert (await order_view(hub, o.id))["risk"]["weights"] is None and untuned.outcome == "continue"
