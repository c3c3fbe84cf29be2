"""Pure mappings between FedEx JSON and orderhub's models.

FedEx sends money as JSON numbers (``totalNetCharge: 23.45``): answers are parsed with
:func:`orderhub.intake.mapping.decimal_json`, so no float ever stands for money.

Tracking status: the two-letter event codes of the Track API (``latestStatusDetail.code``,
``scanEvents[].eventType``; ``derivedStatusCode`` when present): OC shipment information sent,
PU/PX picked up, IT/IX/AR/DP/AF/... in transit, OD on FedEx vehicle for delivery, DL delivered,
DE delivery exception (a failed attempt: customer not available, business closed), SE shipment
exception, CA cancelled, RS return to shipper, HL/HP ready for pickup at a FedEx location.
An unknown number comes back as ``error.code = TRACKING.TRACKINGNUMBER.NOTFOUND``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orderhub.extend import (
    Address,
    Label,
    Rate,
    RecordError,
    ShipmentRequest,
    TrackingResult,
    amount,
    cm,
    merge,
    street,
)

from .errors import rejected
from .units import S, STATUS


def _address(a: Address) -> dict[str, Any]:
    out: dict[str, Any] = {"streetLines": street(a), "city": a.city or "", "postalCode": a.postal_code or "",
                           "countryCode": a.country or ""}
    if a.region:
        out["stateOrProvinceCode"] = a.region
    return out


def _items(req: ShipmentRequest, key: str | None = None) -> list[dict[str, Any]]:
    items = []
    for i, p in enumerate(req.parcels, 1):
        item: dict[str, Any] = {"sequenceNumber": i, "weight": {"units": "KG", "value": round(p.weight_g / 1000, 3)},
                                "dimensions": {"length": cm(p.length_mm),
                                               "width": cm(p.width_mm),
                                               "height": cm(p.height_mm), "units": "CM"}}
        if req.insured_value:
            item["declaredValue"] = {"amount": float(req.insured_value / len(req.parcels)), "currency": req.currency}
        if key:
            item["customerReferences"] = [{"customerReferenceType": "CUSTOMER_REFERENCE", "value": key[:40]}]
        items.append(item)
    return items


def rate_request(req: ShipmentRequest, account: str) -> dict[str, Any]:
    """Body of ``POST /rate/v1/rates/quotes``."""
    return {"accountNumber": {"value": account}, "rateRequestControlParameters": {"returnTransitTimes": True},
            "requestedShipment": {
                "shipper": {"address": _address(req.ship_from)},
                "recipient": {"address": _address(req.ship_to)},
                "pickupType": "DROPOFF_AT_FEDEX_LOCATION", "rateRequestType": ["ACCOUNT", "LIST"],
                "requestedPackageLineItems": _items(req)}}


_DAYS = {"ONE_DAY": 1, "TWO_DAYS": 2, "THREE_DAYS": 3, "FOUR_DAYS": 4, "FIVE_DAYS": 5, "SIX_DAYS": 6,
         "SEVEN_DAYS": 7, "EIGHT_DAYS": 8, "NINE_DAYS": 9, "TEN_DAYS": 10}


def rates_from(body: dict[str, Any], carrier: str, services: set[str]) -> list[Rate]:
    output = body.get("output")
    if not isinstance(output, dict):
        raise rejected(body)
    out = []
    for d in output.get("rateReplyDetails") or []:
        if d.get("serviceType") not in services:
            continue
        details = d.get("ratedShipmentDetails") or []
        chosen = next((r for r in details if r.get("rateType") == "ACCOUNT"), details[0] if details else None)
        if not chosen:
            continue
        transit = (d.get("commit") or {}).get("transitDays") or {}
        days = _DAYS.get(transit.get("minimumTransitTime") or (d.get("operationalDetail") or {}).get("transitTime"))
        out.append(Rate(carrier=carrier, service=d["serviceType"], service_name=d.get("serviceName"),
                        price=amount(chosen.get("totalNetCharge"), "totalNetCharge"),
                        currency=chosen.get("currency") or "USD", transit_days=days))
    return out


def ship_request(req: ShipmentRequest, service: str, account: str, key: str) -> dict[str, Any]:
    """Body of ``POST /ship/v1/shipments``; our key is every package's customer reference."""
    special = ["SIGNATURE_OPTION"] if "signature" in req.flags else []
    shipment: dict[str, Any] = {
        "shipper": {"contact": {"personName": req.ship_from.name or "Shipper", "phoneNumber": req.ship_from.phone or ""},
                    "address": _address(req.ship_from)},
        "recipients": [{"contact": {"personName": req.ship_to.name or "Customer",
                                    "phoneNumber": req.recipient_phone or "", "emailAddress": req.recipient_email or ""},
                        "address": _address(req.ship_to)}],
        "serviceType": service, "packagingType": "YOUR_PACKAGING", "pickupType": "USE_SCHEDULED_PICKUP",
        "shippingChargesPayment": {"paymentType": "SENDER"},
        "labelSpecification": {"imageType": "PDF", "labelStockType": "PAPER_85X11_TOP_HALF_LABEL"},
        "requestedPackageLineItems": _items(req, key),
    }
    if special:
        shipment["shipmentSpecialServices"] = {"specialServiceTypes": special}
    return {"labelResponseOptions": "URL_ONLY", "accountNumber": {"value": account}, "requestedShipment": shipment}


def label_from(body: dict[str, Any]) -> Label:
    shipments = (body.get("output") or {}).get("transactionShipments") or []
    if not shipments:
        raise rejected(body)
    t = shipments[0]
    pieces = t.get("pieceResponses") or []
    number = t.get("masterTrackingNumber") or (pieces[0].get("trackingNumber") if pieces else None)
    if not number:
        raise RecordError("FedEx: the shipment answer has no tracking number", code="carrier_rejected")
    docs = pieces[0].get("packageDocuments") if pieces else None
    ref = (docs[0].get("url") if docs else None) or number
    rating = (t.get("completedShipmentDetail") or {}).get("shipmentRating") or {}
    details = rating.get("shipmentRateDetails") or []
    charged = next((d for d in details if d.get("rateType") == rating.get("actualRateType")), None)
    if charged is None and details:
        charged = details[0]
    if charged and charged.get("totalNetCharge") is not None:
        price, currency = amount(charged["totalNetCharge"], "totalNetCharge"), charged.get("currency")
    elif pieces and pieces[0].get("netChargeAmount") is not None:
        price, currency = amount(pieces[0]["netChargeAmount"], "netChargeAmount"), pieces[0].get("currency")
    else:
        price = currency = None
    return Label(tracking_number=number, label_ref=ref, price=price, currency=currency)


def track_request(numbers: list[str]) -> dict[str, Any]:
    """Body of ``POST /track/v1/trackingnumbers`` (up to 30 numbers)."""
    return {"includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": n}} for n in numbers]}


def _where(loc: dict[str, Any] | None) -> str | None:
    loc = loc or {}
    parts = [loc.get("city"), loc.get("stateOrProvinceCode"), loc.get("countryCode")]
    return ", ".join(p for p in parts if p) or None


def _when(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _code(event_type: str | None, derived: str | None) -> str | None:
    """The event's own code when we know it (``OD`` on vehicle for delivery); FedEx's derived
    status (``IT`` for every movement, ``OD`` included) otherwise."""
    return event_type if event_type in STATUS.codes else derived or event_type


def tracking_from(body: dict[str, Any]) -> list[TrackingResult]:
    output = body.get("output")
    if not isinstance(output, dict):
        raise rejected(body)
    out = []
    for complete in output.get("completeTrackResults") or []:
        number = complete.get("trackingNumber", "")
        for tr in (complete.get("trackResults") or [])[:1]:
            err = tr.get("error")
            if err:
                out.append(TrackingResult(number=number, status=S.PENDING, found=False,
                                          error=f"FedEx: {err.get('code')}: {err.get('message')}"))
                continue
            events = [STATUS.event(_code(e.get("eventType"), e.get("derivedStatusCode")), e.get("eventDescription"),
                                   _when(e["date"]), _where(e.get("scanLocation")))
                      for e in tr.get("scanEvents") or [] if e.get("date")]
            merged = merge(S.PENDING, [], events)
            status = merged.headline
            latest = tr.get("latestStatusDetail") or {}
            if latest.get("code") and (not events or status is not S.DELIVERED):
                status = STATUS.status(_code(latest.get("code"), latest.get("derivedCode")), latest.get("description"))
            eta = next((d.get("dateTime") for d in tr.get("dateAndTimes") or []
                        if d.get("type") in ("ESTIMATED_DELIVERY", "COMMITMENT")), None)
            out.append(TrackingResult(number=number, status=status, events=merged.events,
                                      estimated_delivery=_when(eta) if eta else None))
    return out
