"""Pure mappings between DHL JSON and orderhub's models.

Tracking status: Shipment Tracking - Unified gives every status and event a ``statusCode`` from
a fixed set — ``pre-transit``, ``transit``, ``delivered``, ``failure``, ``unknown`` — plus free
text (``status``, ``description``). ``failure`` is a delivery that did not happen; its text tells
a failed attempt from a return, loss or damage. An unknown number is HTTP 404 with a problem
document (``title: No result found``).

MyDHL API (Express) prices are JSON numbers; answers are parsed with ``decimal_json``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orderhub.extend import (
    Address,
    Label,
    Rate,
    ShipmentRequest,
    TrackingResult,
    amount,
    cm,
    merge,
)

from .errors import rejected
from .units import S, STATUS


def _when(value: str) -> datetime:
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _event(e: dict[str, Any]) -> Any:
    text = " — ".join(t for t in (e.get("status"), e.get("description")) if t) or None
    where = ((e.get("location") or {}).get("address") or {}).get("addressLocality")
    return STATUS.event(e.get("statusCode"), text, _when(e["timestamp"]), where)


def tracking_from(body: dict[str, Any], number: str) -> TrackingResult:
    """One ``GET /track/shipments?trackingNumber=`` answer, normalized."""
    shipments = body.get("shipments") or []
    if not shipments:
        return TrackingResult(number=number, status=S.PENDING, found=False,
                              error=f"DHL: {body.get('detail') or body.get('title') or 'no shipment in the answer'}")
    sh = shipments[0]
    events = [_event(e) for e in sh.get("events") or [] if e.get("timestamp")]
    if not events and (sh.get("status") or {}).get("timestamp"):
        events = [_event(sh["status"])]
    merged = merge(S.PENDING, [], events)
    eta = sh.get("estimatedTimeOfDelivery")
    return TrackingResult(number=sh.get("id") or number, status=merged.headline, events=merged.events,
                          estimated_delivery=_when(eta) if eta else None)


def rate_params(req: ShipmentRequest, account: str, when: datetime) -> dict[str, Any]:
    """Query of ``GET /mydhlapi/rates`` (one package: the heaviest parcel rates the shipment)."""
    p = max(req.parcels, key=lambda x: x.weight_g)
    return {"accountNumber": account, "originCountryCode": req.ship_from.country,
            "originPostalCode": req.ship_from.postal_code or "", "originCityName": req.ship_from.city or "",
            "destinationCountryCode": req.ship_to.country, "destinationPostalCode": req.ship_to.postal_code or "",
            "destinationCityName": req.ship_to.city or "", "weight": round(req.weight_g / 1000, 3),
            "length": cm(p.length_mm), "width": cm(p.width_mm),
            "height": cm(p.height_mm), "plannedShippingDate": when.date().isoformat(),
            "isCustomsDeclarable": str(req.ship_from.country != req.ship_to.country).lower(),
            "unitOfMeasurement": "metric"}


def rates_from(body: dict[str, Any], carrier: str, services: set[str]) -> list[Rate]:
    if "products" not in body:
        raise rejected(body)
    out = []
    for p in body["products"]:
        code = p.get("productCode")
        if code not in services:
            continue
        prices = p.get("totalPrice") or []
        price = next((x for x in prices if x.get("currencyType") == "BILLC"), prices[0] if prices else None)
        if price is None:
            continue
        caps = p.get("deliveryCapabilities") or {}
        eta = caps.get("estimatedDeliveryDateAndTime")
        days = caps.get("totalTransitDays")
        out.append(Rate(carrier=carrier, service=code, service_name=p.get("productName"),
                        price=amount(price.get("price"), "totalPrice.price"), currency=price.get("priceCurrency"),
                        transit_days=int(days) if days is not None else None,
                        estimated_delivery=_when(eta) if eta else None))
    return out


def _party(a: Address, phone: str | None, email: str | None = None) -> dict[str, Any]:
    lines = a.lines or ["-"]
    postal: dict[str, Any] = {"postalCode": a.postal_code or "", "cityName": a.city or "",
                              "countryCode": a.country or "", "addressLine1": lines[0]}
    if len(lines) > 1:
        postal["addressLine2"] = lines[1]
    contact = {"fullName": a.name or "-", "companyName": a.company or a.name or "-", "phone": phone or a.phone or "-"}
    if email:
        contact["email"] = email
    return {"postalAddress": postal, "contactInformation": contact}


def ship_request(req: ShipmentRequest, product: str, account: str, key: str, when: datetime) -> dict[str, Any]:
    """Body of ``POST /mydhlapi/shipments``; our key is the customer reference."""
    return {
        "plannedShippingDateAndTime": when.strftime("%Y-%m-%dT%H:%M:%S GMT+00:00"),
        "pickup": {"isRequested": False}, "productCode": product,
        "accounts": [{"typeCode": "shipper", "number": account}],
        "customerReferences": [{"value": key[:35], "typeCode": "CU"}],
        "customerDetails": {"shipperDetails": _party(req.ship_from, req.ship_from.phone),
                            "receiverDetails": _party(req.ship_to, req.recipient_phone, req.recipient_email)},
        "content": {"packages": [{"weight": round(p.weight_g / 1000, 3),
                                  "dimensions": {"length": cm(p.length_mm),
                                                 "width": cm(p.width_mm),
                                                 "height": cm(p.height_mm)}}
                                 for p in req.parcels],
                    "isCustomsDeclarable": req.ship_from.country != req.ship_to.country,
                    "description": f"Order {req.order_id}", "incoterm": "DAP", "unitOfMeasurement": "metric"},
    }


def label_from(body: dict[str, Any]) -> Label:
    number = body.get("shipmentTrackingNumber")
    if not number:
        raise rejected(body, "no tracking number")
    charges = body.get("shipmentCharges") or []
    price = next((c for c in charges if c.get("currencyType") == "BILLC"), charges[0] if charges else None)
    # ``trackingUrl`` is MyDHL's API address (it needs our credentials): the client sets the public page.
    return Label(tracking_number=str(number), label_ref=str(number),
                 price=amount(price["price"], "shipmentCharges.price") if price else None,
                 currency=price.get("priceCurrency") if price else None)
