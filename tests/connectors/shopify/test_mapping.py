"""Shopify order payloads -> canonical Order, REST and GraphQL alike.

Documented payloads:
- REST Admin API, Order resource (``fixtures/order_450789469.json``)
  https://shopify.dev/docs/api/admin-rest/2025-01/resources/order (money as strings,
  ``financial_status`` pending/authorized/partially_paid/paid/partially_refunded/refunded/voided,
  ``fulfillment_status``, ``cancelled_at``, ``tags`` as a comma-separated string, ``refunds[]`` with
  their ``transactions[]`` of ``kind`` refund and ``status`` success);
- GraphQL Admin API, the ``orders`` query's answer for the same order
  (``fixtures/graphql_orders_450789469.json``): https://shopify.dev/docs/api/admin-graphql/2025-01/queries/orders
  and the ``Order`` object https://shopify.dev/docs/api/admin-graphql/2025-01/objects/Order (``MoneyBag``
  amounts under ``shopMoney``, ``displayFinancialStatus`` in capitals, ``tags`` as a list, ids as
  ``gid://shopify/Order/450789469``, ``transactions`` with ``kind`` REFUND / ``status`` SUCCESS,
  ``risk`` as an ``OrderRiskSummary``, ``returns`` with ``returnReason``).
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

FIXTURES = Path(mapping.__file__).parent / "fixtures"
DOC = orjson.loads((FIXTURES / "order_450789469.json").read_bytes())
GQL = orjson.loads((FIXTURES / "graphql_orders_450789469.json").read_bytes())["data"]["orders"]["nodes"][0]


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
    # the refund transaction of 209.00: paid stays what was taken, refunded says what went back
    assert (o.totals.paid, o.totals.refunded) == (Decimal("598.94"), Decimal("209.00"))


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


def test_a_refund_not_yet_successful_returned_nothing():
    raw = copy.deepcopy(DOC)
    raw["refunds"][0]["transactions"][0]["status"] = "pending"
    assert mapping.order_from_shopify(raw, store="s").totals.refunded == Decimal("0")


def gql(**changes):
    node = copy.deepcopy(GQL)
    node.update(changes)
    return mapping.order_from_graphql(node, store="s")


def _same(rest, graphql):
    """The two APIs' orders, minus what only GraphQL carries (returns, the channel's risk)."""
    skip = {"returns", "channel_risk"}
    assert rest.model_dump(exclude=skip) == graphql.model_dump(exclude=skip)


def test_rest_and_graphql_of_the_documented_order_are_the_same_order():
    rest, graphql = order(), gql()
    _same(rest, graphql)
    assert graphql.external_id == "450789469" and graphql.id == rest.id  # the same hub id either way
    assert graphql.totals.refunded == Decimal("209.00") and graphql.line_items[2].fulfilled_quantity == 1


def test_graphql_keeps_returns_and_the_channels_risk_assessment():
    o = gql()
    (ret,) = o.returns
    assert (ret.external_id, ret.name, ret.status) == ("945000954", "#1001-R1", "open")
    assert ret.lines[0].model_dump() == {"sku": "IPOD2008BLACK", "quantity": 1, "reason": "defective",
                                         "note": "Screen flickers"}
    assert o.channel_risk.level == "low" and o.channel_risk.recommendation == "accept"
    assert [f.sentiment for f in o.channel_risk.facts] == ["positive", "positive"]


def _refunded_in_full(rest, graphql):
    rest["financial_status"] = "refunded"
    rest["refunds"][0]["transactions"][0]["amount"] = "598.94"
    graphql["displayFinancialStatus"] = "REFUNDED"
    graphql["transactions"][-1]["amountSet"]["shopMoney"]["amount"] = "598.94"


def _cancelled(rest, graphql):
    rest["cancelled_at"] = "2008-01-11T15:00:00Z"
    graphql["cancelledAt"] = "2008-01-11T15:00:00Z"


def _null_sku(rest, graphql):
    rest["line_items"][1]["sku"] = None
    graphql["lineItems"]["nodes"][1]["sku"] = None


def _no_customer(rest, graphql):
    rest["customer"] = None
    graphql["customer"] = None


def _two_codes(rest, graphql):
    rest["discount_codes"] = [{"code": "TENOFF", "amount": "6.67", "type": "fixed_amount"},
                              {"code": "VIP", "amount": "3.33", "type": "fixed_amount"}]
    graphql["discountApplications"]["nodes"].append({"index": 1, "code": "VIP"})
    graphql["lineItems"]["nodes"][2]["discountAllocations"][0]["discountApplication"]["index"] = 1
    graphql["lineItems"]["nodes"][0]["discountAllocations"][0]["allocatedAmountSet"]["shopMoney"]["amount"] = "3.34"


@pytest.mark.parametrize("change", [_refunded_in_full, _cancelled, _null_sku, _no_customer, _two_codes])
def test_rest_and_graphql_agree_on_the_documented_variations(change):
    rest, graphql = copy.deepcopy(DOC), copy.deepcopy(GQL)
    change(rest, graphql)
    a, b = mapping.order_from_shopify(rest, store="s"), mapping.order_from_graphql(graphql, store="s")
    _same(a, b)
    if change is _refunded_in_full:
        assert b.channel_target is OrderStatus.CANCELLED and b.totals.refunded == Decimal("598.94")


@pytest.mark.parametrize("changes,field", [
    ({"totalPriceSet": {"shopMoney": {"amount": 598.94}}}, "totalPriceSet: expected a decimal string, got float"),
    ({"id": "450789469", "legacyResourceId": None}, "id: '450789469' is not a Shopify global id"),
    ({"lineItems": {"nodes": []}}, "lineItems: an order needs at least one line item"),
    ({"displayFinancialStatus": "MYSTERY"}, "displayFinancialStatus: unknown value 'mystery'"),
])
def test_bad_graphql_payloads_name_the_field(changes, field):
    with pytest.raises(RecordError, match=field):
        gql(**changes)


def test_card_checks_come_from_the_sale_transactions_card_details():
    """GraphQL ``OrderTransaction.paymentDetails`` (``CardPaymentDetails``: avsResultCode, cvvResultCode,
    bin, number, company — https://shopify.dev/docs/api/admin-graphql/2025-01/objects/CardPaymentDetails)
    and REST's ``payment_details`` (avs_result_code, cvv_result_code, credit_card_bin,
    credit_card_number, credit_card_company) give the same letters and the same card fingerprint."""
    card = {"avsResultCode": "n", "cvvResultCode": "M", "bin": "424242", "number": "•••• •••• •••• 4242",
            "expirationMonth": 4, "expirationYear": 2028, "company": "Visa"}
    o = gql(transactions=[{"kind": "REFUND", "status": "SUCCESS", "amountSet": {"shopMoney": {"amount": "1.00", "currencyCode": "USD"}},
                           "paymentDetails": None},
                          {"kind": "SALE", "status": "SUCCESS", "amountSet": {"shopMoney": {"amount": "1.00", "currencyCode": "USD"}},
                           "paymentDetails": card}])
    assert (o.payment.avs_result, o.payment.cvv_result) == ("N", "M") and len(o.payment.card_fingerprint) == 24
    raw = copy.deepcopy(DOC)
    raw["payment_details"] = {"avs_result_code": "N", "cvv_result_code": "M", "credit_card_bin": "424242",
                              "credit_card_number": "•••• •••• •••• 4242", "credit_card_company": "Visa"}
    rest = mapping.order_from_shopify(raw, store="s")
    assert rest.payment.card_fingerprint == o.payment.card_fingerprint and rest.payment.avs_result == "N"
    assert "4242" not in rest.model_dump_json().split("payment")[1].split("}")[0], "the card is not kept"
    failed = gql(transactions=[{"kind": "SALE", "status": "FAILURE", "paymentDetails": card}])
    assert failed.payment.avs_result is None and failed.payment.card_fingerprint is None
