"""DHL answers -> orderhub's rates, labels and tracking.

Documented payloads (``connectors/dhl/fixtures``):
- MyDHL API (https://developer.dhl.com/api-reference/dhl-express-mydhl-api), ``GET /rates``:
  ``products[]`` with ``totalPrice[]`` per ``currencyType`` (BILLC is what the account is billed),
  prices as JSON numbers, ``deliveryCapabilities.totalTransitDays`` and
  ``estimatedDeliveryDateAndTime``; ``POST /shipments``: ``shipmentTrackingNumber``,
  ``shipmentCharges[]``, and a ``trackingUrl`` that is an API address, not a page for customers;
  errors as a problem document with ``additionalDetails``;
- Shipment Tracking - Unified (https://developer.dhl.com/api-reference/shipment-tracking),
  ``GET /track/shipments?trackingNumber=``: ``shipments[].events[]`` with ``statusCode``
  pre-transit | transit | delivered | failure | unknown; an unknown number is HTTP 404
  ``{"title": "No result found", "status": 404, "detail": ...}``.
"""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx

from orderhub.intake.mapping import decimal_json
from orderhub.models import TrackingStatus as S
from orderhub_connectors.dhl import errors, mapping

FIXTURES = Path(mapping.__file__).parent / "fixtures"


def doc(name):
    return decimal_json((FIXTURES / name).read_bytes())


def test_rates_take_the_billed_price_transit_days_and_delivery_estimate():
    rates = {r.service: r for r in mapping.rates_from(doc("rates.json"), "dhl", {"P", "T"})}
    assert set(rates) == {"P", "T"}
    worldwide = rates["P"]
    assert (worldwide.price, worldwide.currency, worldwide.transit_days) == (Decimal("62.97"), "EUR", 2)
    assert worldwide.service_name == "EXPRESS WORLDWIDE"
    assert worldwide.estimated_delivery == datetime(2024, 8, 6, 23, 59, tzinfo=UTC)
    assert rates["T"].price == Decimal("88.45")


def test_shipment_answer_gives_the_number_and_charge_but_not_the_api_tracking_url():
    label = mapping.label_from(doc("shipment.json"))
    assert (label.tracking_number, label.price, label.currency) == ("1234567890", Decimal("62.97"), "EUR")
    assert label.tracking_url is None  # the client sets the public page; MyDHL's URL needs our credentials


def test_a_refusal_is_explained_with_its_details():
    response = httpx.Response(400, content=(FIXTURES / "error.json").read_bytes())
    assert errors.explain(response) == ("Missing or invalid parameter; "
                                        "receiverDetails.postalAddress.cityName is required")


def test_documented_tracking_answer_reads_out_with_courier_as_out_for_delivery():
    result = mapping.tracking_from(doc("track.json"), "1234567890")
    assert result.found and result.status is S.DELIVERED
    assert [e.status for e in result.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert result.events[-1].location == "AMSTERDAM - NETHERLANDS"
    assert result.estimated_delivery == datetime(2024, 8, 6, 23, 59, tzinfo=UTC)


def _dhl(events):
    return {"shipments": [{"id": "7777777770", "service": "express", "status": events[0], "events": events}]}


def _dhl_event(code, status, when, description=None):
    return {"timestamp": when, "statusCode": code, "status": status, "description": description or status,
            "location": {"address": {"addressLocality": "Oderweg 2, AMSTERDAM"}}}


def test_dhl_unified_tracking_statuses():
    """DHL Shipment Tracking - Unified, GET /track/shipments?trackingNumber=: shipments[].status and
    events[] carry statusCode pre-transit | transit | delivered | failure | unknown; an unknown
    number is HTTP 404 {"title": "No result found", "status": 404, "detail": ...}.
    Doc: https://developer.dhl.com/api-reference/shipment-tracking"""
    delivered = mapping.tracking_from(_dhl([_dhl_event("delivered", "DELIVERED", "2024-08-03T10:00:00Z"),
                                        _dhl_event("transit", "PROCESSED AT LEIPZIG", "2024-08-02T04:00:00Z"),
                                        _dhl_event("pre-transit", "SHIPMENT INFORMATION RECEIVED",
                                                   "2024-08-01T00:00:00Z")]), "7777777770")
    assert delivered.status is S.DELIVERED
    assert [e.status for e in delivered.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.DELIVERED]
    assert delivered.events[0].raw_code == "pre-transit"
    moving = mapping.tracking_from(_dhl([_dhl_event("transit", "ARRIVED AT SORT FACILITY", "2024-08-02T04:00:00Z")]), "x")
    assert moving.status is S.IN_TRANSIT
    failed = mapping.tracking_from(_dhl([_dhl_event("failure", "DELIVERY ATTEMPTED", "2024-08-03T10:00:00Z",
                                                "Recipient not at home; delivery attempted")]), "x")
    assert failed.status is S.ATTEMPT_FAIL
    returned = mapping.tracking_from(_dhl([_dhl_event("failure", "RETURNED TO SHIPPER", "2024-08-03T10:00:00Z")]), "x")
    assert returned.status is S.EXCEPTION
    unknown = mapping.tracking_from({"title": "No result found", "status": 404,
                                 "detail": "No shipment with given tracking number found."}, "123")
    assert not unknown.found and unknown.status is S.PENDING
