"""orderhub's built-in HTTP connectors pass the conformance kit against the sandbox."""

import pytest

from orderhub.testing import ConnectorConformance

from .harness import SandboxHarness


class TestShopifyConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, tmp_path):
        h = SandboxHarness("shopify", tmp_path)
        yield h
        h.close()


class TestWooCommerceConformance(ConnectorConformance):
    @pytest.fixture
    def harness(self, tmp_path):
        h = SandboxHarness("woocommerce", tmp_path)
        yield h
        h.close()
