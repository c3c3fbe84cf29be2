"""FedEx answers -> orderhub's rates, labels and tracking.

Documented payloads (``connectors/fedex/fixtures``), after the FedEx REST API reference
(https://developer.fedex.com/api/en-us/catalog.html):
- Rates and Transit Times, ``POST /rate/v1/rates/quotes``: ``output.rateReplyDetails[]`` with
  ``ratedShipmentDetails[]`` per ``rateType`` (ACCOUNT, LIST), money as JSON numbers, transit in
  ``commit.transitDays.minimumTransitTime`` or ``operationalDetail.transitTime``;
- Ship, ``POST /ship/v1/shipments``: ``output.transactionShipments[]`` with ``pieceResponses[]`` and
  ``completedShipmentDetail.shipmentRating`` (the charged rate is the one named by ``actualRateType``);
- Track, ``POST /track/v1/trackingnumbers``: ``scanEvents[]`` with ``eventType`` (OD, AR, PU …) and a
  coarser ``derivedStatusCode`` (IN, PU, IT, DL …); an unknown number carries
  ``error.code = TRACKING.TRACKINGNUMBER.NOTFOUND``
  (https://developer.fedex.com/api/en-us/catalog/track/v1/docs.html);
- errors: ``{"transactionId", "errors": [{"code", "message"}]}``.
"""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import orjson
import pytest

from orderhub.errors import RecordError
from orderhub.intake.mapping import decimal_json
from orderhub.models import TrackingStatus as S
from orderhub_connectors.fedex import errors, mapping

FIXTURES = Path(mapping.__file__).parent / "fixtures"


def doc(name):
    return decimal_json((FIXTURES / name).read_bytes())


def test_quotes_take_the_account_rate_and_the_committed_transit():
    rates = {r.service: r for r in mapping.rates_from(doc("rate_quotes.json"), "fedex",
                                                      {"FEDEX_GROUND", "PRIORITY_OVERNIGHT"})}
    assert set(rates) == {"FEDEX_GROUND", "PRIORITY_OVERNIGHT"}
    ground, overnight = rates["FEDEX_GROUND"], rates["PRIORITY_OVERNIGHT"]
    assert (ground.price, ground.currency, ground.transit_days) == (Decimal("13.71"), "USD", 3)
    assert ground.service_name == "FedEx Ground®"
    assert (overnight.price, overnight.transit_days) == (Decimal("71.8"), 1)  # ACCOUNT, though LIST came first
    assert isinstance(ground.price, Decimal)  # JSON numbers never pass through float


def test_ship_answer_gives_master_tracking_number_label_url_and_charged_rate():
    label = mapping.label_from(doc("ship.json"))
    assert label.tracking_number == "794953535000"
    assert label.label_ref.startswith("https://wwwtest.fedex.com/document/v1/cache/retrieve/")
    assert (label.price, label.currency) == (Decimal("13.71"), "USD")
    body = doc("ship.json")
    del body["output"]["transactionShipments"][0]["completedShipmentDetail"]
    assert mapping.label_from(body).price == Decimal("13.71")  # the piece's net charge


def test_a_refusal_is_the_carriers_own_words():
    with pytest.raises(RecordError, match="SERVICE.PACKAGECOMBINATION.INVALID") as e:
        mapping.rates_from(doc("error.json"), "fedex", {"FEDEX_GROUND"})
    assert e.value.code == "carrier_rejected"
    response = httpx.Response(422, content=(FIXTURES / "error.json").read_bytes())
    assert errors.explain(response) == "SERVICE.PACKAGECOMBINATION.INVALID: Invalid service and packaging combination."


def test_documented_tracking_answer_keeps_out_for_delivery_that_the_derived_code_flattens():
    (result,) = mapping.tracking_from(doc("track.json"))
    assert result.number == "794953535000" and result.status is S.DELIVERED
    assert [e.status for e in result.events] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.IN_TRANSIT,
                                                 S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert result.events[-1].occurred_at == datetime(2024, 2, 12, 19, 30, tzinfo=UTC)
    assert result.events[-1].location == "NEW YORK, NY, US"


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
    (delivered,) = mapping.tracking_from(decimal_json(orjson.dumps(body)))
    assert delivered.status is S.DELIVERED and [e.status for e in delivered.events] == [
        S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert delivered.events[-1].occurred_at.isoformat() == "2024-02-02T19:01:00+00:00"
    (moving,) = mapping.tracking_from(_fedex({"latestStatusDetail": {"code": "IT", "derivedCode": "IT",
                                                                   "description": "In transit"},
                                            "scanEvents": [_scan("IT", "In transit", "2024-02-01T18:00:00-06:00")]}))
    assert moving.status is S.IN_TRANSIT
    (failed,) = mapping.tracking_from(_fedex({"latestStatusDetail": {"code": "DE", "derivedCode": "DE",
                                                                   "description": "Delivery exception"},
                                            "scanEvents": [_scan("DE", "Customer not available or business closed",
                                                                 "2024-02-02T17:00:00-05:00")]}))
    assert failed.status is S.ATTEMPT_FAIL
    (unknown,) = mapping.tracking_from(_fedex({"trackingNumberInfo": {"trackingNumber": "123456789012"},
                                             "error": {"code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                                                       "message": "Tracking number cannot be found."}}))
    assert not unknown.found and unknown.status is S.PENDING and "NOTFOUND" in unknown.error
