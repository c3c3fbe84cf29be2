"""The conformance harness for orderhub's own HTTP connectors: one sandbox shop per test.

Shipped with the kit so that the built-ins' conformance run can be reproduced from anywhere
(``SandboxHarness("shopify", tmp_path)``), and as a worked example of a :class:`Harness`."""

from __future__ import annotations

import orjson

from orderhub.sandbox import Sandbox
from orderhub.sandbox.data import is_malformed
from orderhub.testing.carrier_kit import CarrierHarness
from orderhub.testing.kit import Harness


class SandboxHarness(Harness):
    """One emulated Shopify or WooCommerce shop of :class:`orderhub.sandbox.Sandbox`."""

    def __init__(self, kind: str, tmp_path) -> None:
        self.kind = kind
        self.sandbox = Sandbox(shopify=1 if kind == "shopify" else 0, woocommerce=1 if kind == "woocommerce" else 0,
                               orders=0, malformed=0.0, woo_rate=0)
        self.name = "shop1" if kind == "shopify" else "woo1"
        self.shop = self.sandbox.shops[self.name]
        self.sandbox.start()
        self.tmp_path = tmp_path

    def store_config(self):
        cfg = self.sandbox.store_configs(self.tmp_path / "secrets")[self.name]
        cfg["page_size"] = self.page_size
        cfg.pop("rate_limit", None)
        return cfg

    def seed(self, count, *, malformed=0.0):
        self.shop.count, self.shop.malformed = count, malformed
        self.shop._dirty = True

    def malformed_ids(self):
        return {self.shop.external_id(i) for i in range(self.shop.count)
                if is_malformed(self.shop.seed, i, self.shop.malformed)}

    def all_ids(self):
        return {self.shop.external_id(i) for i in range(self.shop.count)}

    def add_orders(self, count):
        return {self.shop.external_id(i) for i in self.shop.add_orders(count)}

    def throttle_next(self, retry_after):
        self.shop.faults.next_429 = retry_after

    def early_requests(self):
        return self.shop.violations

    def signed_webhook(self, external_id, delivery_id):
        i = next(i for i in range(self.shop.count) if self.shop.external_id(i) == external_id)
        body = orjson.dumps(self.shop.order(i))
        topic = "orders/create" if self.kind == "shopify" else "order.created"
        return self.shop.webhook_headers(topic, body, delivery_id), body

    def drop_next_write(self):
        self.shop.faults.drop_next_write = True

    def fulfilments_applied(self, external_id):
        kind = "fulfillment" if self.kind == "shopify" else "note"
        return sum(1 for p in self.shop.pushes if p["kind"] == kind and str(p.get("order_id")) == external_id)

    def close(self):
        self.sandbox.stop()


class SandboxCarrierHarness(CarrierHarness):
    """One emulated carrier account of :class:`orderhub.sandbox.Sandbox` (ups, fedex, dhl, usps)."""

    def __init__(self, name: str, tmp_path) -> None:
        self.name = name
        self.sandbox = Sandbox(shopify=0, woocommerce=0, orders=0)
        self.sandbox.start()
        self.desk = self.sandbox.carriers[name]
        self.tmp_path = tmp_path

    def carrier_config(self):
        return self.sandbox.carrier_configs(self.tmp_path / "secrets")[self.name]

    def advance(self, hours):
        self.desk.advance(hours)

    def throttle_next(self, retry_after):
        self.desk.faults.next_429 = retry_after

    def early_requests(self):
        return self.desk.violations

    def drop_next_write(self):
        self.desk.faults.drop_next_write = True

    def labels_bought(self):
        return len(self.desk.parcels)

    def revoke_tokens(self):
        if self.name == "dhl":  # DHL's tracking and shipping keys are API keys, not OAuth
            return False
        self.desk.revoke_tokens()
        return True

    def close(self):
        self.sandbox.stop()
