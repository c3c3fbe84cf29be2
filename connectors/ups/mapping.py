"""Pure mappings between UPS JSON and orderhub's models.

Tracking status: ``status.type`` of each activity, as listed in the Track API appendix
(D Delivered, I In Transit, M Billing Information Received, MV Billing Information Voided,
P Pickup, X Exception, RS Returned to Shipper, DO/DD Delivered Origin/Destination CFS (freight),
W Warehousing, NA Not Available, O Out for Delivery). UPS reports a failed delivery attempt as an
``X`` exception whose text says so, hence the refinements by text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from orderhub.extend import (
    Address,
    Label,
    Rate,
    RecordError,
    ShipmentRequest,
    TrackingResult,
    cm,
    kg,
    merge,
    money,
    street,
)

from .errors import answer_part
from .units import S, STATUS


def _address(a: Address) -> dict[str, Any]:
    return {"AddressLine": street(a), "City": a.city or "", "StateProvinceCode": a.region or "",
            "PostalCode": a.postal_code or "", "CountryCode": a.country or ""}


def _packages(req: ShipmentRequest, *, rating: bool) -> list[dict[str, Any]]:
    out = []
    for p in req.parcels:
        pkg: dict[str, Any] = {
            ("PackagingType" if rating else "Packaging"): {"Code": "02", "Description": p.packaging or "Package"},
            "Dimensions": {"UnitOfMeasurement": {"Code": "CM"}, "Length": str(cm(p.length_mm)),
                           "Width": str(cm(p.width_mm)), "Height": str(cm(p.height_mm))},
            "PackageWeight": {"UnitOfMeasurement": {"Code": "KGS"}, "Weight": kg(p.weight_g)},
        }
        options: dict[str, Any] = {}
        if "signature" in req.flags:
            options["DeliveryConfirmation"] = {"DCISType": "2"}
        if req.insured_value:
            share = (req.insured_value / len(req.parcels)).quantize(Decimal("0.01"))
            options["DeclaredValue"] = {"CurrencyCode": req.currency, "MonetaryValue": str(share)}
        if options:
            pkg["PackageServiceOptions"] = options
        out.append(pkg)
    return out


def rate_request(req: ShipmentRequest, account: str) -> dict[str, Any]:
    """Body of ``POST /api/rating/{version}/Shop`` (every service in one answer)."""
    return {"RateRequest": {
        "Request": {"RequestOption": "Shop", "TransactionReference": {"CustomerContext": req.order_id}},
        "Shipment": {
            "Shipper": {"Name": req.ship_from.name or "Shipper", "ShipperNumber": account,
                        "Address": _address(req.ship_from)},
            "ShipTo": {"Name": req.ship_to.name or "Customer", "Address": _address(req.ship_to)},
            "ShipFrom": {"Name": req.ship_from.name or "Shipper", "Address": _address(req.ship_from)},
            "NumOfPieces": str(len(req.parcels)),
            "Package": _packages(req, rating=True),
        }}}


def _list(value: Any) -> list[Any]:
    """UPS sends one element as an object and several as an array."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def rates_from(body: dict[str, Any], carrier: str, services: set[str]) -> list[Rate]:
    resp = answer_part(body, "RateResponse")
    out = []
    for rs in _list(resp.get("RatedShipment")):
        code = str((rs.get("Service") or {}).get("Code", ""))
        if code not in services:
            continue
        charges = (rs.get("NegotiatedRateCharges") or {}).get("TotalCharge") or rs.get("TotalCharges") or {}
        arrival = ((rs.get("TimeInTransit") or {}).get("ServiceSummary") or {}).get("EstimatedArrival") or {}
        days = (rs.get("GuaranteedDelivery") or {}).get("BusinessDaysInTransit") or arrival.get("BusinessDaysInTransit")
        eta = (arrival.get("Arrival") or {}).get("Date")
        out.append(Rate(carrier=carrier, service=code, price=money(charges.get("MonetaryValue"), "TotalCharges"),
                        currency=charges.get("CurrencyCode") or "USD", transit_days=int(days) if days else None,
                        estimated_delivery=datetime.strptime(eta, "%Y%m%d").replace(tzinfo=UTC) if eta else None))
    return out


def ship_request(req: ShipmentRequest, service: str, account: str, key: str) -> dict[str, Any]:
    """Body of ``POST /api/shipments/{version}/ship``; our key goes in as the shipment reference."""
    return {"ShipmentRequest": {
        "Request": {"RequestOption": "nonvalidate", "TransactionReference": {"CustomerContext": key[:512]}},
        "Shipment": {
            "Description": f"Order {req.order_id}",
            "Shipper": {"Name": req.ship_from.name or "Shipper", "ShipperNumber": account,
                        "Phone": {"Number": req.ship_from.phone or ""}, "Address": _address(req.ship_from)},
            "ShipTo": {"Name": req.ship_to.name or "Customer", "Phone": {"Number": req.recipient_phone or ""},
                       "EMailAddress": req.recipient_email or "", "Address": _address(req.ship_to)},
            "ShipFrom": {"Name": req.ship_from.name or "Shipper", "Address": _address(req.ship_from)},
            "PaymentInformation": {"ShipmentCharge": {"Type": "01", "BillShipper": {"AccountNumber": account}}},
            "Service": {"Code": service},
            "ReferenceNumber": {"Value": key[:35]},
            "Package": _packages(req, rating=False),
        },
        "LabelSpecification": {"LabelImageFormat": {"Code": "GIF"}}}}


def label_from(body: dict[str, Any]) -> Label:
    results = answer_part(body, "ShipmentResponse").get("ShipmentResults") or {}
    packages = _list(results.get("PackageResults"))
    number = (packages[0].get("TrackingNumber") if packages else None) or results.get("ShipmentIdentificationNumber")
    if not number:
        raise RecordError("UPS: the shipment answer has no tracking number", code="carrier_rejected")
    charges = (results.get("ShipmentCharges") or {}).get("TotalCharges") or {}
    price = money(charges["MonetaryValue"], "TotalCharges") if charges.get("MonetaryValue") else None
    return Label(tracking_number=number, label_ref=results.get("ShipmentIdentificationNumber"), price=price,
                 currency=charges.get("CurrencyCode"))


def _at(date: str, time: str | None) -> datetime:
    """``YYYYMMDD`` and a time as ``HHMMSS``, ``HH:MM:SS`` or with its leading zero dropped (``74700``)."""
    clock = str(time or "0").replace(":", "").zfill(6)
    return datetime.strptime(f"{date}{clock}", "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def _when(activity: dict[str, Any]) -> datetime:
    """The activity's GMT date and time when given; else its local ones, read as UTC."""
    if activity.get("gmtDate") and activity.get("gmtTime"):
        return _at(activity["gmtDate"], activity["gmtTime"])
    if not activity.get("date"):
        raise RecordError("UPS activity without a date", code="invalid_response")
    return _at(activity["date"], activity.get("time"))


def _where(activity: dict[str, Any]) -> str | None:
    a = (activity.get("location") or {}).get("address") or {}
    parts = [a.get("city"), a.get("stateProvince"), a.get("countryCode") or a.get("country")]
    return ", ".join(p for p in parts if p) or None


def tracking_from(body: dict[str, Any], number: str) -> TrackingResult:
    """One ``GET /api/track/v1/details/{inquiryNumber}`` answer, normalized."""
    shipments = (body.get("trackResponse") or {}).get("shipment") or []
    packages = [p for s in shipments for p in s.get("package") or []]
    if not packages:
        warnings = [w for s in shipments for w in s.get("warnings") or []]
        text = "; ".join(f"{w.get('code')}: {w.get('message')}" for w in warnings) or "no package in the answer"
        return TrackingResult(number=number, status=S.PENDING, found=False, error=f"UPS: {text}")
    pkg = next((p for p in packages if p.get("trackingNumber") == number), packages[0])
    events = []
    for a in pkg.get("activity") or []:
        st = a.get("status") or {}
        events.append(STATUS.event(st.get("type"), st.get("description"), _when(a), _where(a)))
    merged = merge(S.PENDING, [], events)
    status = merged.headline
    if not events and pkg.get("currentStatus"):
        cur = pkg["currentStatus"]
        status = STATUS.status(cur.get("type"), cur.get("description"))
    eta = next((d.get("date") for d in pkg.get("deliveryDate") or [] if d.get("type") in ("SDD", "RDD")), None)
    return TrackingResult(number=number, status=status, events=merged.events,
                          estimated_delivery=datetime.strptime(eta, "%Y%m%d").replace(tzinfo=UTC) if eta else None)
