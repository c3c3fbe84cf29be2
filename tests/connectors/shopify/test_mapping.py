"""Shopify order payload -> canonical Order.

Documented payload: REST Admin API, Order resource
https://shopify.dev/docs/api/admin-rest/2025-01/resources/order (money as strings, ``financial_status``
pending/authorized/partially_paid/paid/partially_refunded/refunded/voided, ``fulfillment_status``,
``cancelled_at``, ``tags`` as a comma-separated string).
"""

import copy
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from orderhub.errors import RecordError
from orderhub.lifecycle import OrderStatus
from orderhub_connectors.shopify import mapping

DOC = orjson.loads((Path(mapping.__file__).parent / "fixtures" / "order_450789469.json").read_bytes())


def order(**changes):
    raw = copy.deepcopy(DOC)
    raw.update(changes)
    return mapping.order_from_shopify(raw, store="s")


def test_documented_order_maps_every_part():
    o = order()
    assert (o.external_id, o.number, o.currency, o.channel_status) == ("450789469", "#1001", "USD",
                                                                        "partially_refunded/unfulfilled")
    assert o.created_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    assert o.customer.name == "Bob Norman" and o.customer.email == "bob.norman@mail.example.com"
    assert o.customer.external_id == "207119551"
    assert o.shipping_address.country == "US" and o.shipping_address.region == "KY"
    assert o.shipping_address.lines == ["Chestnut Street 92"] and o.shipping_address.postal_code == "40202"
    first = o.line_items[0]
    assert (first.sku, first.quantity, first.unit_price, first.tax, first.discount) == (
        "IPOD2008GREEN", 1, Decimal("199.00"), Decimal("3.98"), Decimal("3.34"))
    assert first.attributes == {"Custom Engraving Front": "Happy Birthday", "variant": "green"}
    assert o.line_items[2].fulfilled_quantity == 1
    assert o.discounts[0].code == "TENOFF" and o.discounts[0].amount == Decimal("10.00")
    assert o.tax_lines[0].rate == Decimal("0.06") and o.tax_lines[0].amount == Decimal("11.94")
    assert o.totals.total == Decimal("598.94") and o.totals.subtotal == Decimal("597.00")
    assert o.totals.discounts == Decimal("10.00") and o.totals.tax == Decimal("11.94")
    assert o.payment.status == "partially_refunded" and o.payment.method == "bogus"
    assert o.shipping_lines[0].title == "Free Shipping" and o.shipping_lines[0].price == Decimal("0.00")
    assert o.channel_target is None


@pytest.mark.parametrize("financial,expected", [("pending", "pending"), ("authorized", "authorized"),
                                                ("partially_paid", "partially_paid"), ("paid", "paid"),
                                                ("refunded", "refunded"), ("voided", "voided")])
def test_financial_statuses(financial, expected):
    assert order(financial_status=financial).payment.status == expected


def test_cancelled_or_refunded_before_shipping_asks_for_cancellation():
    assert order(cancelled_at="2008-01-11T10:00:00-05:00").channel_target is OrderStatus.CANCELLED
    assert order(cancelled_at="2008-01-11T10:00:00-05:00").channel_status == "cancelled"
    assert order(financial_status="refunded").channel_target is OrderStatus.CANCELLED
    assert order(financial_status="refunded", fulfillment_status="fulfilled").channel_target is None


@pytest.mark.parametrize("changes,field", [
    ({"total_price": 598.94}, "total_price: expected a decimal string, got float"),
    ({"total_price": "N/A"}, "total_price: 'N/A' is not a decimal amount"),
    ({"created_at": "yesterday"}, "created_at: 'yesterday' is not an ISO 8601 timestamp"),
    ({"line_items": []}, "line_items: an order needs at least one line item"),
    ({"financial_status": "mystery"}, "financial_status: unknown value 'mystery'"),
])
def test_bad_payloads_name_the_field(changes, field):
    with pytest.raises(RecordError, match=field.replace("(", r"\(")):
        order(**changes)


def test_line_money_as_number_is_refused():
    raw = copy.deepcopy(DOC)
    raw["line_items"][0]["price"] = 199.0
    with pytest.raises(RecordError, match=r"line_items\[0\].price: expected a decimal string"):
        mapping.order_from_shopify(raw, store="s")


def test_fulfillment_body_follows_the_fulfillment_orders_api():
    body = mapping.fulfillment_body([1046000778], {"tracking_number": "MS1562678", "carrier": "UPS",
                                                   "tracking_url": "https://ups.example/MS1562678"}, notify=True)
    assert body == {"fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": 1046000778}],
                                    "tracking_info": {"number": "MS1562678", "company": "UPS",
                                                      "url": "https://ups.example/MS1562678"},
                                    "notify_customer": True}}
