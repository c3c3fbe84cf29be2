"""Each carrier against its sandbox emulator over real HTTP: OAuth tokens fetched once and
refreshed after the carrier revokes them, quote → label → tracking, unknown numbers."""

import pytest

from orderhub.config import parse_config
from orderhub.hub import Hub
from orderhub.models import Address, Parcel, TrackingStatus
from orderhub.shipping.carrier_types import ShipmentRequest
from orderhub.sandbox import Sandbox


@pytest.fixture
async def hub(tmp_path):
    with Sandbox(shopify=0, woocommerce=0, orders=0) as sb:
        h = Hub(parse_config({"database": {"url": f"sqlite:///{tmp_path / 'o.db'}"},
                              "carriers": sb.carrier_configs(tmp_path / "secrets")}))
        h.sandbox = sb
        yield h
        await h.aclose()


def request():
    return ShipmentRequest(order_id="o1", store="s", ship_from=Address(lines=["1 Dock"], city="Austin", region="TX",
                                                                       postal_code="78701", country="US"),
                           ship_to=Address(name="Ada L", lines=["2 Main"], city="Dallas", region="TX",
                                           postal_code="75201", country="US"),
                           parcels=[Parcel(weight_g=1200, length_mm=300, width_mm=200, height_mm=100)],
                           value=__import__("decimal").Decimal("50"), currency="USD")


@pytest.mark.parametrize("name", ["ups", "fedex", "dhl", "usps"])
async def test_quote_label_track_round_trip(hub, name):
    carrier = hub.carrier(name)
    req = request()
    services = [s for s in carrier.services if s.domestic is not False]
    rates = await carrier.quote(req, services)
    assert rates and all(r.carrier == name and r.price > 0 for r in rates)
    label = await carrier.create_shipment(req, rates[0], key="o1-s1:create")
    again = await carrier.create_shipment(req, rates[0], key="o1-s1:create")
    assert again.tracking_number == label.tracking_number  # the emulator reads back by reference
    (result,) = await carrier.track([label.tracking_number])
    assert result.found and result.status is TrackingStatus.INFO_RECEIVED
    hub.sandbox.advance(100)
    (result,) = await carrier.track([label.tracking_number])
    assert result.status in (TrackingStatus.DELIVERED, TrackingStatus.EXCEPTION)
    assert [e.raw_code for e in result.events][0] is not None
    (unknown,) = await carrier.track(["000000000000"])
    assert not unknown.found and unknown.status is TrackingStatus.PENDING and unknown.error


@pytest.mark.parametrize("name", ["ups", "fedex", "usps"])
async def test_oauth_token_is_reused_then_refreshed_after_revocation(hub, name):
    carrier = hub.carrier(name)
    req = request()
    services = [s for s in carrier.services if s.domestic is not False]
    await carrier.quote(req, services)
    await carrier.quote(req, services)
    assert carrier.token.fetches == 1
    hub.sandbox.carriers[name].revoke_tokens()
    assert await carrier.quote(req, services)  # 401 -> new token -> the call succeeds
    assert carrier.token.fetches == 2
