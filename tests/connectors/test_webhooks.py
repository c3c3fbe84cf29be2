"""Webhook signatures as the platforms document them: base64 HMAC-SHA256 of the raw body.

Shopify: ``X-Shopify-Hmac-Sha256`` and ``X-Shopify-Webhook-Id``
(https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook).
WooCommerce: ``X-WC-Webhook-Signature`` and ``X-WC-Webhook-Delivery-ID``
(https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
"""

import base64
import hashlib
import hmac

import pytest
from pydantic import SecretStr

from orderhub.config import parse_config
from orderhub.errors import RecordError
from orderhub_connectors.shopify.client import ShopifyConnector
from orderhub_connectors.woocommerce.client import WooCommerceConnector

BODY = b'{"id": 450789469, "name": "#1001"}'


def sign(secret, body):
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def make(cls, creds):
    cfg = parse_config({"stores": {"s": {"connector": cls.name, "base_url": "http://x"}}}).stores["s"]
    return cls("s", cfg, secrets={k: SecretStr(v) for k, v in creds.items()})


def test_shopify_webhook_verified_and_identified():
    c = make(ShopifyConnector, {"access_token": "t", "webhook_secret": "hush"})
    headers = {"X-Shopify-Hmac-Sha256": sign("hush", BODY), "X-Shopify-Topic": "orders/updated",
               "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}
    delivery = c.parse_webhook(headers, BODY)
    assert delivery.delivery_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043" and delivery.records[0].external_id == "450789469"
    for bad in ({**headers, "X-Shopify-Hmac-Sha256": sign("other", BODY)}, {**headers, "X-Shopify-Hmac-Sha256": ""}):
        with pytest.raises(RecordError) as exc:
            c.parse_webhook(bad, BODY)
        assert exc.value.code == "forged_webhook"
    with pytest.raises(RecordError):
        c.parse_webhook(headers, BODY + b" ")  # the signature covers the raw bytes
    assert c.parse_webhook({**headers, "X-Shopify-Topic": "products/update"}, BODY).records == []


def test_woocommerce_webhook_verified_and_identified():
    c = make(WooCommerceConnector, {"consumer_key": "ck", "consumer_secret": "cs", "webhook_secret": "hush"})
    headers = {"X-WC-Webhook-Signature": sign("hush", BODY), "X-WC-Webhook-Topic": "order.updated",
               "X-WC-Webhook-ID": "7", "X-WC-Webhook-Delivery-ID": "42"}
    delivery = c.parse_webhook(headers, BODY)
    assert delivery.delivery_id == "7:42" and len(delivery.records) == 1
    with pytest.raises(RecordError, match="signature"):
        c.parse_webhook({**headers, "X-WC-Webhook-Signature": sign("nope", BODY)}, BODY)
    ping = c.parse_webhook({}, b"webhook_id=7")  # sent once when a webhook is created: acknowledged
    assert ping.topic == "ping" and ping.records == []
