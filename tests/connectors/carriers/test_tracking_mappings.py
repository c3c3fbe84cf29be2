"""Each carrier's documented tracking answers normalize to the status the documentation implies:
delivered, in transit, failed delivery, unknown number. Payloads follow the published shapes, not
the sandbox's."""

from orderhub.models import TrackingStatus as S
from orderhub.intake.mapping import decimal_json
from orderhub_connectors.dhl import mapping as dhl
from orderhub_connectors.fedex import mapping as fedex
from orderhub_connectors.ups import mapping as ups
from orderhub_connectors.usps import mapping as usps


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
    delivered = ups.tracking_from(_ups([_ups_activity("D", "DELIVERED", time="143000", code="KB"),
                                        _ups_activity("I", "Out For Delivery Today", time="081000", code="OT"),
                                        _ups_activity("I", "Arrived at Facility", date="20240209"),
                                        _ups_activity("M", "Shipper created a label", date="20240208")]), "1Z")
    assert delivered.status is S.DELIVERED and delivered.found
    assert [e.status for e in delivered.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert delivered.events[-1].raw_code == "D" and delivered.events[-1].description == "DELIVERED"
    assert delivered.events[-1].location == "Wayne, NJ, US"
    moving = ups.tracking_from(_ups([_ups_activity("I", "Departed from Facility"),
                                     _ups_activity("P", "Pickup Scan", time="010000")]), "1Z")
    assert moving.status is S.IN_TRANSIT
    failed = ups.tracking_from(_ups([_ups_activity("X", "The receiver was not available for delivery. We'll make "
                                                        "a second attempt the next business day.")]), "1Z")
    assert failed.status is S.ATTEMPT_FAIL and failed.events[0].raw_code == "X"
    damaged = ups.tracking_from(_ups([_ups_activity("X", "Damage reported. The package will be returned.")]), "1Z")
    assert damaged.status is S.EXCEPTION
    unknown = ups.tracking_from({"trackResponse": {"shipment": [{"inquiryNumber": "1Z000", "warnings": [
        {"code": "TW0001", "message": "Tracking Information Not Found"}]}]}}, "1Z000")
    assert not unknown.found and unknown.status is S.PENDING and "Tracking Information Not Found" in unknown.error


def _fedex(track_result):
    return {"transactionId": "624deea6", "output": {"completeTrackResults": [
        {"trackingNumber": "123456789012", "trackResults": [track_result]}]}}


def _scan(code, desc, when):
    return {"date": when, "eventType": code, "eventDescription": desc, "derivedStatusCode": code,
            "scanLocation": {"city": "MEMPHIS", "stateOrProvinceCode": "TN", "countryCode": "US"}}


def test_fedex_track_v1_statuses():
    """FedEx Track API, POST /track/v1/trackingnumbers: output.completeTrackResults[].trackResults[]
    with latestStatusDetail {code, derivedCode, description} and scanEvents [{date, eventType,
    derivedStatusCode}]; DL delivered, IT in transit, OD on vehicle for delivery, DE delivery
    exception; an unknown number carries error.code TRACKING.TRACKINGNUMBER.NOTFOUND.
    Doc: https://developer.fedex.com/api/en-us/catalog/track/v1/docs.html"""
    body = _fedex({"trackingNumberInfo": {"trackingNumber": "123456789012"},
                   "latestStatusDetail": {"code": "DL", "derivedCode": "DL", "statusByLocale": "Delivered",
                                          "description": "Delivered"},
                   "scanEvents": [_scan("DL", "Delivered", "2024-02-02T12:01:00-07:00"),
                                  _scan("OD", "On FedEx vehicle for delivery", "2024-02-02T07:01:00-07:00"),
                                  _scan("PU", "Picked up", "2024-02-01T10:00:00-07:00")]})
    (delivered,) = fedex.tracking_from(decimal_json(__import__("orjson").dumps(body)))
    assert delivered.status is S.DELIVERED and [e.status for e in delivered.events] == [
        S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert delivered.events[-1].occurred_at.isoformat() == "2024-02-02T19:01:00+00:00"
    (moving,) = fedex.tracking_from(_fedex({"latestStatusDetail": {"code": "IT", "derivedCode": "IT",
                                                                   "description": "In transit"},
                                            "scanEvents": [_scan("IT", "In transit", "2024-02-01T18:00:00-06:00")]}))
    assert moving.status is S.IN_TRANSIT
    (failed,) = fedex.tracking_from(_fedex({"latestStatusDetail": {"code": "DE", "derivedCode": "DE",
                                                                   "description": "Delivery exception"},
                                            "scanEvents": [_scan("DE", "Customer not available or business closed",
                                                                 "2024-02-02T17:00:00-05:00")]}))
    assert failed.status is S.ATTEMPT_FAIL
    (unknown,) = fedex.tracking_from(_fedex({"trackingNumberInfo": {"trackingNumber": "123456789012"},
                                             "error": {"code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                                                       "message": "Tracking number cannot be found."}}))
    assert not unknown.found and unknown.status is S.PENDING and "NOTFOUND" in unknown.error


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
    delivered = dhl.tracking_from(_dhl([_dhl_event("delivered", "DELIVERED", "2024-08-03T10:00:00Z"),
                                        _dhl_event("transit", "PROCESSED AT LEIPZIG", "2024-08-02T04:00:00Z"),
                                        _dhl_event("pre-transit", "SHIPMENT INFORMATION RECEIVED",
                                                   "2024-08-01T00:00:00Z")]), "7777777770")
    assert delivered.status is S.DELIVERED
    assert [e.status for e in delivered.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.DELIVERED]
    assert delivered.events[0].raw_code == "pre-transit"
    moving = dhl.tracking_from(_dhl([_dhl_event("transit", "ARRIVED AT SORT FACILITY", "2024-08-02T04:00:00Z")]), "x")
    assert moving.status is S.IN_TRANSIT
    failed = dhl.tracking_from(_dhl([_dhl_event("failure", "DELIVERY ATTEMPTED", "2024-08-03T10:00:00Z",
                                                "Recipient not at home; delivery attempted")]), "x")
    assert failed.status is S.ATTEMPT_FAIL
    returned = dhl.tracking_from(_dhl([_dhl_event("failure", "RETURNED TO SHIPPER", "2024-08-03T10:00:00Z")]), "x")
    assert returned.status is S.EXCEPTION
    unknown = dhl.tracking_from({"title": "No result found", "status": 404,
                                 "detail": "No shipment with given tracking number found."}, "123")
    assert not unknown.found and unknown.status is S.PENDING


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
    delivered = usps.tracking_from(_usps("Delivered", [
        _usps_event("01", "Delivered, In/At Mailbox", "2024-01-05T13:05:00"),
        _usps_event("OF", "Out for Delivery", "2024-01-05T07:00:00"),
        _usps_event("10", "Arrived at USPS Regional Facility", "2024-01-04T02:00:00")]), "x")
    assert delivered.status is S.DELIVERED
    assert [e.status for e in delivered.events] == [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    moving = usps.tracking_from(_usps("In Transit", [_usps_event("10", "Arrived at USPS Regional Facility",
                                                                 "2024-01-04T02:00:00")]), "x")
    assert moving.status is S.IN_TRANSIT
    failed = usps.tracking_from(_usps("Delivery Attempt", [_usps_event(
        "02", "Notice Left (No Authorized Recipient Available)", "2024-01-05T13:05:00")]), "x")
    assert failed.status is S.ATTEMPT_FAIL
    no_code = usps.tracking_from(_usps("Alert", [_usps_event(None, "Delivery Attempted - No Access to Delivery "
                                                                   "Location", "2024-01-05T13:05:00")]), "x")
    assert no_code.status is S.ATTEMPT_FAIL
    unknown = usps.tracking_from({"apiVersion": "v3", "error": {"code": "404", "message": "Not found"}}, "x")
    assert not unknown.found and unknown.status is S.PENDING
