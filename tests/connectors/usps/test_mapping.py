"""USPS answers -> orderhub's rates, labels and tracking.

Documented payloads (``connectors/usps/fixtures``), after the USPS APIs
(https://developers.usps.com/apis) and USPS's own examples (https://github.com/USPS/api-examples,
``domesticlabel-v3-response.json``):
- Domestic Prices 3.0, ``POST /prices/v3/base-rates/search``: ``totalBasePrice`` (a JSON number)
  and ``rates[]``;
- Domestic Labels 3.0, ``POST /labels/v3/label``: ``multipart/mixed``, a JSON part with
  ``trackingNumber``, ``postage`` and ``commitment.scheduleDeliveryDate``, then the label file;
- Tracking 3.0, ``GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL``: ``trackingEvents[]``
  newest first with ``eventCode``, ``eventType``, a local ``eventTimestamp`` and ``GMTTimestamp``;
  codes 01 delivered, 02 notice left (attempted), OF out for delivery, 03 accepted, 10 processed,
  GX label created (https://developers.usps.com/trackingv3);
- errors: ``{"apiVersion", "error": {"code", "message", "errors": [{"title", "detail", "source"}]}}``.
"""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx

from orderhub.intake.mapping import decimal_json
from orderhub.models import TrackingStatus as S
from orderhub_connectors.usps import errors, mapping

FIXTURES = Path(mapping.__file__).parent / "fixtures"


def test_base_rate_is_the_total_price_per_parcel():
    body = decimal_json((FIXTURES / "base_rates.json").read_bytes())
    rate = mapping.rate_from(body, "usps", "PRIORITY_MAIL", parcels=2)
    assert (rate.service, rate.price, rate.currency) == ("PRIORITY_MAIL", Decimal("16.80"), "USD")


def test_multipart_label_answer_yields_its_json_part():
    content = (FIXTURES / "label.multipart").read_bytes()
    meta = mapping.label_metadata(content, "multipart/mixed; boundary=726UYUDSQB6JWJXFDY")
    label = mapping.label_from(meta)
    assert (label.tracking_number, label.price, label.currency) == ("9205590109769900012613", Decimal("7.64"), "USD")
    assert label.estimated_delivery == datetime(2024, 1, 5, tzinfo=UTC)


def test_a_refusal_names_the_field_not_only_the_validator():
    response = httpx.Response(400, content=(FIXTURES / "error.json").read_bytes())
    assert errors.explain(response) == "Invalid toAddress: The ZIPCode of the toAddress must be 5 digits."


def test_documented_tracking_answer_uses_gmt_instants():
    body = decimal_json((FIXTURES / "track.json").read_bytes())
    result = mapping.tracking_from(body, "9205590109769900012613")
    assert result.found and result.status is S.DELIVERED
    assert [e.status for e in result.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.IN_TRANSIT,
                                                 S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert result.events[-1].occurred_at == datetime(2024, 1, 5, 19, 5, tzinfo=UTC)  # 13:05 local, -06:00
    assert result.events[-1].location == "SAINT LOUIS, MO"
    assert result.estimated_delivery == datetime(2024, 1, 5, 21, 0, tzinfo=UTC)


def _usps(category, events):
    return {"trackingNumber": "9400100000000000000000", "statusCategory": category, "status": category,
            "trackingEvents": events}


def _usps_event(code, text, when):
    return {"eventType": text, "eventTimestamp": when, "eventCity": "CHICAGO", "eventState": "IL",
            "eventZIP": "60601", "eventCountry": None, "eventCode": code}


def test_usps_tracking_v3_statuses():
    """USPS Tracking 3.0, GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL: trackingNumber,
    statusCategory, trackingEvents [{eventType, eventTimestamp, eventCode, eventCity, …}]; event
    codes 01 delivered, 02 notice left (attempted), OF out for delivery, 10 processed.
    Doc: https://developers.usps.com/trackingv3"""
    delivered = mapping.tracking_from(_usps("Delivered", [
        _usps_event("01", "Delivered, In/At Mailbox", "2024-01-05T13:05:00"),
        _usps_event("OF", "Out for Delivery", "2024-01-05T07:00:00"),
        _usps_event("10", "Arrived at USPS Regional Facility", "2024-01-04T02:00:00")]), "x")
    assert delivered.status is S.DELIVERED
    assert [e.status for e in delivered.events] == [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    moving = mapping.tracking_from(_usps("In Transit", [_usps_event("10", "Arrived at USPS Regional Facility",
                                                                 "2024-01-04T02:00:00")]), "x")
    assert moving.status is S.IN_TRANSIT
    failed = mapping.tracking_from(_usps("Delivery Attempt", [_usps_event(
        "02", "Notice Left (No Authorized Recipient Available)", "2024-01-05T13:05:00")]), "x")
    assert failed.status is S.ATTEMPT_FAIL
    no_code = mapping.tracking_from(_usps("Alert", [_usps_event(None, "Delivery Attempted - No Access to Delivery "
                                                                   "Location", "2024-01-05T13:05:00")]), "x")
    assert no_code.status is S.ATTEMPT_FAIL
    unknown = mapping.tracking_from({"apiVersion": "v3", "error": {"code": "404", "message": "Not found"}}, "x")
    assert not unknown.found and unknown.status is S.PENDING
