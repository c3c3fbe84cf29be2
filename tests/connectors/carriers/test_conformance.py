"""orderhub's built-in carriers pass the carrier conformance kit against their sandbox emulators."""

import pytest

from orderhub.testing import CarrierConformance
from orderhub.testing.sandbox import SandboxCarrierHarness


def _kit_for(name):
    class Kit(CarrierConformance):
        @pytest.fixture
        def harness(self, tmp_path):
            h = SandboxCarrierHarness(name, tmp_path)
            yield h
            h.close()
    Kit.__name__ = Kit.__qualname__ = f"Test{name.upper()}Conformance"
    return Kit


TestUPSConformance = _kit_for("ups")
TestFEDEXConformance = _kit_for("fedex")
TestDHLConformance = _kit_for("dhl")
TestUSPSConformance = _kit_for("usps")
