"""The carrier conformance kit: the tests every carrier connector must pass, against its emulator.

    import pytest
    from orderhub.testing import CarrierConformance, CarrierHarness

    class TestMyCarrier(CarrierConformance):
        @pytest.fixture
        def harness(self, tmp_path):
            h = MyCarrierHarness(tmp_path)
            yield h
            h.close()

It checks that a quote prices the carrier's services; that a label bought under a request whose
answer was lost is bought once (the retry with the same key reads it back, or the connector
raises ``TransientError`` and the hub's retry does); that tracking is mapped to canonical statuses,
in order, never moving backwards, with the carrier's raw codes kept; that an unknown number is
"not found", not an error; that an OAuth token is reused and refreshed after the carrier revokes
it; and that a 429 with ``Retry-After`` is waited, never retried early.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from orderhub.shipping.carrier import Carrier
from orderhub.shipping.carrier_types import ShipmentRequest
from orderhub.config import parse_config
from orderhub.errors import TransientError
from orderhub.hub import Hub
from orderhub.models import Address, Parcel, TrackingStatus

ACCOUNT = "conformance"
#: Where a shipment's status may go next: forward along the route, or to a detour and back.
_RANK = {TrackingStatus.PENDING: 0, TrackingStatus.INFO_RECEIVED: 1, TrackingStatus.IN_TRANSIT: 2,
         TrackingStatus.OUT_FOR_DELIVERY: 3, TrackingStatus.ATTEMPT_FAIL: 3,
         TrackingStatus.AVAILABLE_FOR_PICKUP: 3, TrackingStatus.EXCEPTION: 4, TrackingStatus.DELIVERED: 4}


class CarrierHarness(ABC):
    """Drives one emulated carrier account."""

    @abstractmethod
    def carrier_config(self) -> dict[str, Any]:
        """The ``[carriers.conformance]`` table pointing the carrier connector at the emulator."""

    @abstractmethod
    def advance(self, hours: float) -> None:
        """Move the emulator's clock: tracking histories progress by that many hours."""

    @abstractmethod
    def throttle_next(self, retry_after: float) -> None:
        """Answer the next request with 429 and this ``Retry-After``."""

    @abstractmethod
    def early_requests(self) -> int:
        """Requests that arrived before an announced ``Retry-After`` had expired."""

    @abstractmethod
    def drop_next_write(self) -> None:
        """Apply the next write (a label), then drop the connection without answering."""

    @abstractmethod
    def labels_bought(self) -> int:
        """Labels the carrier has created so far."""

    def revoke_tokens(self) -> bool:
        """Invalidate the account's OAuth tokens; False for a carrier without OAuth (test skipped)."""
        return False

    def request(self) -> ShipmentRequest:
        """A shipment the account can quote and ship (by default a domestic US parcel)."""
        return ShipmentRequest(
            order_id="ord_conformance", store="s",
            ship_from=Address(name="Warehouse", lines=["1 Dock Rd"], city="Austin", region="TX", postal_code="78701",
                              country="US", phone="+1 512 555 0100"),
            ship_to=Address(name="Ada Lovelace", lines=["2 Main St"], city="Dallas", region="TX", postal_code="75201",
                            country="US", phone="+1 214 555 0100"),
            parcels=[Parcel(weight_g=1200, length_mm=300, width_mm=200, height_mm=100)],
            value=Decimal("50.00"), currency="USD", reference="#1001")

    def close(self) -> None:
        """Stop the emulator."""


class CarrierConformance:
    """Subclass in a test module and provide a ``harness`` fixture (see :class:`CarrierHarness`)."""

    pytestmark = [pytest.mark.asyncio, pytest.mark.conformance]

    @pytest_asyncio.fixture
    async def carrier(self, harness: CarrierHarness, tmp_path: Path):
        hub = Hub(parse_config({"database": {"url": f"sqlite:///{tmp_path / 'conformance.db'}"},
                                "carriers": {ACCOUNT: harness.carrier_config()}}))
        yield hub.carrier(ACCOUNT)
        await hub.aclose()

    @staticmethod
    def _services(carrier: Carrier, req: ShipmentRequest) -> list[Any]:
        domestic = req.ship_from.country == req.ship_to.country
        return [s for s in carrier.services if s.domestic is None or s.domestic == domestic]

    async def _label(self, carrier: Carrier, req: ShipmentRequest, key: str) -> Any:
        rates = await carrier.quote(req, self._services(carrier, req))
        return await carrier.create_shipment(req, rates[0], key=key)

    async def test_a_quote_prices_the_carriers_services(self, harness: CarrierHarness, carrier: Carrier):
        req = harness.request()
        rates = await carrier.quote(req, self._services(carrier, req))
        codes = {s.code for s in carrier.services}
        assert rates, "no rate quoted for a plain domestic parcel"
        assert all(r.price > 0 and r.currency and r.service in codes for r in rates), rates

    async def test_a_label_bought_under_a_lost_answer_is_bought_once(self, harness: CarrierHarness,
                                                                      carrier: Carrier):
        req = harness.request()
        rates = await carrier.quote(req, self._services(carrier, req))
        harness.drop_next_write()
        first = None
        try:  # the connector may read the label back inside the call, or leave the retry to the hub
            first = await carrier.create_shipment(req, rates[0], key="ord_conformance:create")
        except TransientError:
            pass
        label = await carrier.create_shipment(req, rates[0], key="ord_conformance:create")
        again = await carrier.create_shipment(req, rates[0], key="ord_conformance:create")
        assert harness.labels_bought() == 1
        assert again.tracking_number == label.tracking_number
        assert first is None or first.tracking_number == label.tracking_number

    async def test_tracking_is_mapped_in_order_and_never_moves_backwards(self, harness: CarrierHarness,
                                                                         carrier: Carrier):
        label = await self._label(carrier, harness.request(), "ord_conformance:track")
        seen, clock = [], 0
        for hours in (0, 3, 13, 31, 100):  # label, picked up, in transit, out for delivery, done
            harness.advance(hours - clock)
            clock = hours
            (result,) = await carrier.track([label.tracking_number])
            assert result.found, result
            seen.append(result.status)
            assert all(e.raw_code is not None for e in result.events), "the carrier's own codes are kept"
            times = [e.occurred_at for e in result.events]
            assert times == sorted(times), "events come oldest first"
        ranks = [_RANK[s] for s in seen]
        assert ranks == sorted(ranks), f"tracking moved backwards: {seen}"
        assert seen[0] is TrackingStatus.INFO_RECEIVED and seen[-1] in (TrackingStatus.DELIVERED,
                                                                        TrackingStatus.EXCEPTION), seen

    async def test_an_unknown_number_is_not_found_rather_than_an_error(self, carrier: Carrier):
        (unknown,) = await carrier.track(["000000000000"])
        assert not unknown.found and unknown.status is TrackingStatus.PENDING and unknown.error

    async def test_an_oauth_token_is_reused_and_refreshed_after_revocation(self, harness: CarrierHarness,
                                                                           carrier: Carrier):
        req = harness.request()
        await carrier.quote(req, self._services(carrier, req))
        if not harness.revoke_tokens():
            pytest.skip("the carrier does not use OAuth")
        assert await carrier.quote(req, self._services(carrier, req))  # 401 → a new token → the call succeeds
        assert carrier.token is not None and carrier.token.fetches == 2

    async def test_429_with_retry_after_is_waited_not_retried_early(self, harness: CarrierHarness,
                                                                     carrier: Carrier):
        req = harness.request()
        await carrier.quote(req, self._services(carrier, req))  # authenticated first
        harness.throttle_next(1.0)
        t0 = time.monotonic()
        assert await carrier.quote(req, self._services(carrier, req))
        assert time.monotonic() - t0 >= 0.95
        assert harness.early_requests() == 0
