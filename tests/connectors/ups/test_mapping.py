"""UPS answers -> orderhub's rates, labels and tracking.

Documented payloads (``connectors/ups/fixtures``), shaped after UPS's OpenAPI specifications
(https://github.com/UPS-API/api-documentation):
- Rating.yaml, ``POST /api/rating/{version}/Shop``: ``RateResponse.RatedShipment[]`` (one object or
  an array), money as strings in ``TotalCharges`` / ``NegotiatedRateCharges.TotalCharge``, transit in
  ``GuaranteedDelivery`` or ``TimeInTransit.ServiceSummary.EstimatedArrival``;
- Shipping.yaml, ``POST /api/shipments/{version}/ship``: ``ShipmentResponse.ShipmentResults``;
- Tracking.yaml, ``GET /api/track/v1/details/{inquiryNumber}``: activities newest first, ``date``
  YYYYMMDD, ``time`` HHMMSS, ``gmtTime`` as given (``74700`` in the spec's example);
- errors: ``{"response": {"errors": [{"code", "message"}]}}``. Status types from the Track API
  appendix (https://developer.ups.com/api/reference/tracking/appendix).
"""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import orjson
import pytest

from orderhub.errors import RecordError
from orderhub.models import TrackingStatus as S
from orderhub_connectors.ups import errors, mapping

FIXTURES = Path(mapping.__file__).parent / "fixtures"


def doc(name):
    return orjson.loads((FIXTURES / name).read_bytes())


def test_shop_answer_prices_each_listed_service_at_its_negotiated_total_with_transit():
    rates = {r.service: r for r in mapping.rates_from(doc("rate_shop.json"), "ups", {"03", "01"})}
    assert set(rates) == {"03", "01"}  # 14 (Next Day Air Early) is not among the account's services
    ground, air = rates["03"], rates["01"]
    assert (ground.price, ground.currency, ground.transit_days) == (Decimal("14.27"), "USD", 3)
    assert ground.estimated_delivery == datetime(2024, 2, 13, tzinfo=UTC)
    assert (air.price, air.transit_days) == (Decimal("48.02"), 1)  # the negotiated total, not the list one


def test_one_rated_shipment_may_come_as_an_object():
    body = doc("rate_shop.json")
    body["RateResponse"]["RatedShipment"] = body["RateResponse"]["RatedShipment"][0]
    assert [r.service for r in mapping.rates_from(body, "ups", {"03"})] == ["03"]


def test_ship_answer_gives_the_package_tracking_number_and_the_charge():
    label = mapping.label_from(doc("ship.json"))
    assert label.tracking_number == "1ZXXXXXXXXXXXXXXXX" and label.label_ref == "1ZXXXXXXXXXXXXXXXX"
    assert (label.price, label.currency) == (Decimal("14.27"), "USD")


def test_a_refusal_in_place_of_the_answer_is_the_carriers_own_words():
    with pytest.raises(RecordError, match="120802: Address Validation Error") as e:
        mapping.label_from(doc("error.json"))
    assert e.value.code == "carrier_rejected"
    response = httpx.Response(400, content=(FIXTURES / "error.json").read_bytes())
    assert errors.explain(response) == "120802: Address Validation Error on ShipTo address"


def test_documented_tracking_answer_reads_gmt_times_in_either_form():
    result = mapping.tracking_from(doc("track_delivered.json"), "1Z023E2X0214323462")
    assert result.found and result.status is S.DELIVERED
    assert [e.status for e in result.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert result.events[-1].occurred_at == datetime(2024, 2, 12, 19, 30, tzinfo=UTC)  # gmtTime "19:30:00"
    assert result.events[-1].location == "WAYNE, NJ, US"
    body = doc("track_delivered.json")
    body["trackResponse"]["shipment"][0]["package"][0]["activity"][-1]["gmtTime"] = "74700"
    assert mapping.tracking_from(body, "1Z").events[0].occurred_at == datetime(2024, 2, 8, 7, 47, tzinfo=UTC)


def _ups(activities):
    return {"trackResponse": {"shipment": [{"inquiryNumber": "1Z023E2X0214323462", "package": [
        {"trackingNumber": "1Z023E2X0214323462", "activity": activities}]}]}}


def _ups_activity(type_, desc, date="20240210", time="071356", code="XX"):
    return {"date": date, "time": time, "location": {"address": {"city": "Wayne", "stateProvince": "NJ",
                                                                  "countryCode": "US"}},
            "status": {"type": type_, "description": desc, "code": code, "statusCode": "005"}}


def test_ups_track_v1_statuses():
    """UPS Track API v1, GET /track/v1/details/{inquiryNumber}: activities newest first, each with
    status.type (D Delivered, I In Transit, X Exception, M Billing Information Received, O Out for
    Delivery …), dates YYYYMMDD and times HHMMSS.
    Doc: https://github.com/UPS-API/api-documentation/blob/main/Tracking.yaml and the Track API
    appendix (https://developer.ups.com/api/reference/tracking/appendix)."""
    delivered = mapping.tracking_from(_ups([_ups_activity("D", "DELIVERED", time="143000", code="KB"),
                                        _ups_activity("I", "Out For Delivery Today", time="081000", code="OT"),
                                        _ups_activity("I", "Arrived at Facility", date="20240209"),
                                        _ups_activity("M", "Shipper created a label", date="20240208")]), "1Z")
    assert delivered.status is S.DELIVERED and delivered.found
    assert [e.status for e in delivered.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert delivered.events[-1].raw_code == "D" and delivered.events[-1].description == "DELIVERED"
    assert delivered.events[-1].location == "Wayne, NJ, US"
    moving = mapping.tracking_from(_ups([_ups_activity("I", "Departed from Facility"),
                                     _ups_activity("P", "Pickup Scan", time="010000")]), "1Z")
    assert moving.status is S.IN_TRANSIT
    failed = mapping.tracking_from(_ups([_ups_activity("X", "The receiver was not available for delivery. We'll make "
                                                        "a second attempt the next business day.")]), "1Z")
    assert failed.status is S.ATTEMPT_FAIL and failed.events[0].raw_code == "X"
    damaged = mapping.tracking_from(_ups([_ups_activity("X", "Damage reported. The package will be returned.")]), "1Z")
    assert damaged.status is S.EXCEPTION
    unknown = mapping.tracking_from({"trackResponse": {"shipment": [{"inquiryNumber": "1Z000", "warnings": [
        {"code": "TW0001", "message": "Tracking Information Not Found"}]}]}}, "1Z000")
    assert not unknown.found and unknown.status is S.PENDING and "Tracking Information Not Found" in unknown.error
