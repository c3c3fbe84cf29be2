"""select_carrier on the sandbox's carriers and a CSV table carrier: fragile, hazmat, oversize,
deadline, heavy and international orders get what the filters and weights imply, and every
loser is on record with its reason."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orderhub.config import parse_config
from orderhub.hub import Hub
from orderhub.models import (Address, Customer, DeliveryWindow, LineItem, Order, Payment, PaymentStatus,
                             Requirements, Totals)
from orderhub.sandbox import Sandbox
from orderhub.shipping.choice import choose

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
RATES = """service,zone,max_weight_g,price,currency,transit_days
local-std,1,5000,4.10,USD,2
local-std,1,20000,8.90,USD,2
local-std,2,20000,12.00,USD,3
"""


def order(n, *, items, country="US", region="TX", postal="73301", window_days=None, fragile=False, total="80.00"):
    window = DeliveryWindow(latest=NOW + timedelta(days=window_days)) if window_days else None
    return Order(store="shop", channel="test", external_id=str(n), number=f"#{n}", created_at=NOW, updated_at=NOW,
                 currency="USD", customer=Customer(name="Ada Lovelace", email="ada@example.com"),
                 shipping_address=Address(name="Ada Lovelace", lines=["1 Main St"], city="Austin", region=region,
                                          postal_code=postal, country=country),
                 line_items=items, totals=Totals(subtotal=Decimal(total), total=Decimal(total)),
                 payment=Payment(status=PaymentStatus.PAID),
                 requirements=Requirements(fragile=fragile, delivery_window=window))


def item(weight_g=800, flags=(), qty=1):
    return LineItem(sku="SKU-1", title="Thing", quantity=qty, unit_price=Decimal("20.00"), weight_g=weight_g,
                    flags=list(flags))


@pytest.fixture
async def hub_for(tmp_path):
    sb = Sandbox(shopify=0, woocommerce=0, orders=0)
    sb.start()
    (tmp_path / "rates.csv").write_text(RATES)
    hubs = []

    def make(preset="balanced", **shipping):
        carriers = sb.carrier_configs(tmp_path / "secrets")
        carriers["local"] = {"connector": "table", "rates": str(tmp_path / "rates.csv"),
                             "zones": {"US-TX": "1", "US": "2"}, "countries": ["US"], "handling": 0.5}
        cfg = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'o.db'}"}, "carriers": carriers,
                            "stores": {"shop": {"connector": "files", "path": str(tmp_path), "shipping": {
                                "ship_from": {"city": "Austin", "region": "TX", "postal_code": "78701",
                                              "country": "US", "lines": ["1 Dock Rd"]},
                                "preset": preset, **shipping}}}})
        hub = Hub(cfg)
        hub.migrate()
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        await hub.aclose()
    sb.stop()


async def decide(hub, o):
    async with hub.engine.connect() as conn:
        return await choose(hub, conn, o, now=NOW)


def rejected(choice, carrier, service=None):
    return [c["rejected"] for c in choice["candidates"] if c["carrier"] == carrier
            and (service is None or c["service"] == service)]


async def test_presets_pick_the_cheapest_and_the_fastest(hub_for):
    cheap = await decide(hub_for("cheapest"), order(1, items=[item()]))
    assert cheap["chosen"]["carrier"] == "local" and cheap["chosen"]["rate"]["price"] == "4.10"
    fast = await decide(hub_for("fastest"), order(1, items=[item()]))
    assert fast["chosen"]["rate"]["transit_days"] == 1
    scored = [c for c in fast["candidates"] if c["score"] is not None]
    assert len(scored) >= 10 and scored == sorted(scored, key=lambda c: -c["score"])


async def test_hazmat_goes_only_to_services_that_take_it(hub_for):
    choice = await decide(hub_for(), order(2, items=[item(flags=["hazmat"])]))
    assert choice["chosen"]["carrier"] in ("usps", "fedex")
    assert (choice["chosen"]["carrier"], choice["chosen"]["service"]) in (
        ("usps", "USPS_GROUND_ADVANTAGE"), ("fedex", "PRIORITY_OVERNIGHT"))
    assert set(rejected(choice, "ups")) == {"cannot carry hazmat items", "international only"}
    assert rejected(choice, "local") == ["cannot carry hazmat items"]


async def test_fragile_is_padded_signed_and_weighs_handling(hub_for):
    cheap = await decide(hub_for("cheapest"), order(3, items=[item()], fragile=True))
    plan = cheap["plan"]
    assert plan["parcels"][0]["packaging"] == "padded_box" and "signature" in plan["flags"]
    assert plan["parcels"][0]["weight_g"] == 800 + 150  # the padding's weight
    assert cheap["chosen"]["carrier"] == "local"  # price rules: the local courier wins
    careful = await decide(hub_for(weights={"price": 0.3, "speed": 0, "reliability": 0, "handling": 0.7}),
                           order(3, items=[item()], fragile=True))
    assert careful["chosen"]["carrier"] != "local" and careful["chosen"]["parts"]["handling"] == 0.8
    local = next(c for c in careful["candidates"] if c["carrier"] == "local" and c["rejected"] is None)
    assert local["parts"]["handling"] == 0.5 and local["score"] < careful["chosen"]["score"]


async def test_oversize_rejects_services_without_it(hub_for):
    choice = await decide(hub_for(), order(4, items=[item(flags=["oversize"])]))
    assert (choice["chosen"]["carrier"], choice["chosen"]["service"]) in (
        ("ups", "03"), ("fedex", "FEDEX_GROUND"), ("local", "local-std"))
    assert rejected(choice, "usps") == ["cannot carry oversize items"] * 3


async def test_a_close_deadline_needs_express_and_late_arrivals_lose(hub_for):
    choice = await decide(hub_for("cheapest"), order(5, items=[item()], window_days=1.5))
    assert choice["plan"]["express"] is True
    chosen = choice["chosen"]
    assert chosen["rate"]["transit_days"] == 1
    assert "not express, and the delivery window needs express" in rejected(choice, "ups", "03")
    assert rejected(choice, "local") == ["not express, and the delivery window needs express"]


async def test_heavy_orders_split_and_overweight_parcels_are_refused(hub_for):
    split = await decide(hub_for(), order(6, items=[item(weight_g=6000, qty=5)]))
    assert len(split["plan"]["parcels"]) == 2 and "split into 2 parcels" in " ".join(split["plan"]["notes"])
    heavy = await decide(hub_for(), order(7, items=[item(weight_g=40_000)]))
    assert "parcel 1 weighs 40000 g, over the 31751 g limit" in rejected(heavy, "usps")
    assert heavy["chosen"]["carrier"] in ("ups", "fedex", "dhl")
    assert rejected(heavy, "local") == ["parcel 1 weighs 40000 g, over the 30000 g limit"]


async def test_international_orders_skip_domestic_services(hub_for):
    choice = await decide(hub_for(), order(8, items=[item()], country="DE", region=None, postal="10117"))
    assert choice["chosen"]["service"] in ("11", "65", "INTERNATIONAL_ECONOMY", "FEDEX_INTERNATIONAL_PRIORITY", "P")
    assert all(r.startswith("domestic only") or r.startswith("does not deliver") for r in rejected(choice, "usps"))


async def test_capacity_left_today_is_a_filter(hub_for, tmp_path):
    hub = hub_for("cheapest")
    hub.config.carriers["local"].capacity_per_day = 0
    choice = await decide(hub, order(9, items=[item()]))
    assert rejected(choice, "local") == ["no capacity left today (0/0)"]
    assert choice["chosen"]["carrier"] != "local"


def test_a_candidate_on_record_has_every_field_and_the_rate_in_json():
    """The choice document stores each candidate: every field, built field by field (no deep copy)."""
    from dataclasses import fields

    from orderhub.models import Rate
    from orderhub.shipping.selection import Candidate

    parts = {"price": 0.5}
    c = Candidate("local", "std", "Standard", rate=Rate(carrier="local", service="std", price=Decimal("6.50"),
                                                       currency="EUR", transit_days=2),
                  score=0.9, parts=parts, arrives=NOW)
    d = c.as_dict()
    assert set(d) == {f.name for f in fields(Candidate)}
    assert d["rate"]["price"] == "6.50" and d["arrives"] == NOW.isoformat() and d["parts"] == parts
    assert d["parts"] is not parts  # the document does not share the candidate's dict
