"""orderhub's built-in HTTP connectors pass the conformance kit against the sandbox."""

import pytest

from orderhub.testing import ConnectorConformance
from orderhub.testing.sandbox import SandboxHarness


class TestShopifyConformance(ConnectorConformance):
    """Shopify on its default, the GraphQL Admin API."""

    @pytest.fixture
    def harness(self, tmp_path):
        h = SandboxHarness("shopify", tmp_path)
        yield h
        h.close()


class _RestHarness(SandboxHarness):
    def store_config(self):
        return {**super().store_config(), "api": "rest"}


class TestShopifyRestConformance(ConnectorConformance):
    """Shopify on the legacy REST Admin API (``api = "rest"``): the same kit."""

    @pytest.fixture
    def harness(self, tmp_path):
        h = _RestHarness("shopify", tmp_path)
        yield h
        h.close()


class TestWooCommerceConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, tmp_path):
        h = SandboxHarness("woocommerce", tmp_path)
        yield h
        h.close()


def test_the_kit_runs_from_outside_the_repo_with_no_pytest_settings(tmp_path):
    """Issue #14: a third party's package got the kit working only after setting
    ``asyncio_mode = "auto"``. Here a package's test module, alone in a folder with an empty
    pytest config (asyncio in its default strict mode), runs the kit against the sandbox."""
    import subprocess
    import sys

    pkg = tmp_path / "thirdparty"
    (pkg / "tests").mkdir(parents=True)
    (pkg / "pytest.ini").write_text("[pytest]\n")
    (pkg / "tests" / "test_kit.py").write_text(
        "import pytest\n"
        "from orderhub.testing import ConnectorConformance\n"
        "from orderhub.testing.sandbox import SandboxHarness\n\n\n"
        "class TestWoo(ConnectorConformance):\n"
        "    @pytest.fixture\n"
        "    def harness(self, tmp_path):\n"
        "        h = SandboxHarness('woocommerce', tmp_path)\n"
        "        yield h\n"
        "        h.close()\n")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "conformance",
                          "tests"], cwd=pkg, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "6 passed" in res.stdout, res.stdout[-1000:]
