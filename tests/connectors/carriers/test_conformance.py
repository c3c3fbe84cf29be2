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


def test_the_carrier_kit_runs_from_outside_the_repo_with_no_pytest_settings(tmp_path):
    """As the marketplace kit: a package's test module alone in a folder with an empty pytest config
    (asyncio in strict mode) subclasses the carrier kit and passes it against an emulator."""
    import subprocess
    import sys

    pkg = tmp_path / "thirdparty-carrier"
    (pkg / "tests").mkdir(parents=True)
    (pkg / "pytest.ini").write_text("[pytest]\n")
    (pkg / "tests" / "test_kit.py").write_text(
        "import pytest\n"
        "from orderhub.testing import CarrierConformance\n"
        "from orderhub.testing.sandbox import SandboxCarrierHarness\n\n\n"
        "class TestUps(CarrierConformance):\n"
        "    @pytest.fixture\n"
        "    def harness(self, tmp_path):\n"
        "        h = SandboxCarrierHarness('ups', tmp_path)\n"
        "        yield h\n"
        "        h.close()\n")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "conformance",
                          "tests"], cwd=pkg, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "6 passed" in res.stdout, res.stdout[-1000:]
