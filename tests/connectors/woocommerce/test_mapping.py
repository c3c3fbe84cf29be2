"""WooCommerce order payload -> canonical Order.

Documented payload: the "Retrieve an order" JSON response example of the WooCommerce REST API v3
(https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-an-order): money as strings except
``line_items[].price`` (a number), ``date_*_gmt`` without an offset, statuses pending/processing/
on-hold/completed/cancelled/refunded/failed/trash.
"""

import copy
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from orderhub.errors import RecordError
from orderhub.lifecycle import OrderStatus
from orderhub_connectors.woocommerce import mapping

DOC = orjson.loads((Path(mapping.__file__).parent / "fixtures" / "order_727.json").read_bytes())


def order(**changes):
    raw = copy.deepcopy(DOC)
    raw.update(changes)
    return mapping.order_from_woocommerce(raw, store="w")


def test_documented_order_maps_every_part():
    o = order()
    assert (o.external_id, o.number, o.currency, o.channel_status) == ("727", "727", "USD", "processing")
    assert o.created_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)  # the _gmt field, read as UTC
    assert o.updated_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=UTC)
    assert o.customer.name == "John Doe" and o.customer.email == "john.doe@example.com"
    assert o.shipping_address.lines == ["969 Market"] and o.shipping_address.region == "CA"
    assert o.shipping_address.country == "US" and o.shipping_address.postal_code == "94103"
    single, variant = o.line_items
    assert (single.sku, single.quantity, single.unit_price, single.tax) == (None, 2, Decimal("3"), Decimal("0.45"))
    assert (variant.sku, variant.unit_price, variant.attributes) == ("Bar3", Decimal("12"),
                                                                     {"pa_color": "black", "size": "M Test"})
    assert o.tax_lines[0].title == "State Tax" and o.tax_lines[0].amount == Decimal("1.35")
    assert o.shipping_lines[0].title == "Flat Rate" and o.shipping_lines[0].price == Decimal("10.00")
    assert (o.totals.subtotal, o.totals.shipping, o.totals.tax, o.totals.total) == (
        Decimal("18.00"), Decimal("10.00"), Decimal("1.35"), Decimal("29.35"))
    assert o.payment.status == "paid" and o.payment.method == "Direct Bank Transfer"
    assert o.totals.paid == Decimal("29.35")


def test_line_price_number_is_never_used_for_money():
    raw = copy.deepcopy(DOC)
    raw["line_items"][0]["price"] = 2.9999999  # the documented number field: ignored
    o = mapping.order_from_woocommerce(raw, store="w")
    assert o.line_items[0].unit_price == Decimal("3")


@pytest.mark.parametrize("status,payment,target", [
    ("pending", "pending", None), ("on-hold", "pending", None), ("completed", "paid", None),
    ("cancelled", "voided", OrderStatus.CANCELLED), ("failed", "failed", None), ("refunded", "refunded",
                                                                                 OrderStatus.CANCELLED)])
def test_statuses(status, payment, target):
    o = order(status=status, date_paid_gmt=None)
    assert (o.payment.status, o.channel_target) == (payment, target)


def test_fees_coupons_and_refunds():
    o = order(fee_lines=[{"id": 1, "name": "Gift wrapping", "total": "2.50", "total_tax": "0.00"}],
              coupon_lines=[{"id": 2, "code": "welcome5", "discount": "5.00", "discount_tax": "0.00"}],
              refunds=[{"id": 3, "reason": "damaged", "total": "-4.00"}])
    assert o.fee_lines[0].amount == Decimal("2.50") and o.totals.fees == Decimal("2.50")
    assert o.discounts[0].code == "welcome5" and o.discounts[0].amount == Decimal("5.00")
    assert o.totals.refunded == Decimal("4.00") and o.payment.status == "partially_refunded"
    assert o.requirements.gift


@pytest.mark.parametrize("changes,message", [
    ({"total": 29.35}, "total: expected a decimal string, got float"),
    ({"total": "N/A"}, "total: 'N/A' is not a decimal amount"),
    ({"date_created_gmt": "yesterday"}, "date_created_gmt: 'yesterday' is not an ISO 8601 timestamp"),
    ({"line_items": []}, "line_items: an order needs at least one line item"),
    ({"status": "teleported"}, "status: unknown order status 'teleported'"),
])
def test_bad_payloads_name_the_field(changes, message):
    with pytest.raises(RecordError, match=message):
        order(**({"date_paid_gmt": None} | changes))
