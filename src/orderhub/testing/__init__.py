"""The conformance kits: the tests every marketplace connector (:class:`ConnectorConformance`)
and every carrier connector (:class:`CarrierConformance`) must pass, each with one class.

A connector package gets them with one class::

    import pytest
    from orderhub.testing import ConnectorConformance, Harness

    class MyShopHarness(Harness):
        ...  # drives your platform's emulator (see Harness)

    class TestMyShop(ConnectorConformance):
        @pytest.fixture
        def harness(self):
            h = MyShopHarness()
            yield h
            h.close()

The kit checks that pagination terminates and stores every order exactly once, that an incremental
pull round-trips through the cursor, that a 429 with ``Retry-After`` is waited and not retried early,
that a malformed order is quarantined while the rest of its page is stored, that a forged webhook
is rejected and a replayed one ignored, and that a push retried after a lost response does not
apply twice. orderhub's own Shopify and WooCommerce connectors run it against the sandbox.
"""

from orderhub.testing.carrier_kit import CarrierConformance, CarrierHarness
from orderhub.testing.kit import ConnectorConformance, Harness

__all__ = ["CarrierConformance", "CarrierHarness", "ConnectorConformance", "Harness"]
