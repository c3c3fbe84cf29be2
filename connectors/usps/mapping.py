"""Pure mappings between USPS JSON and orderhub's models.

Tracking status: each ``trackingEvents[]`` entry has an ``eventCode`` (the USPS event codes of
Track and Confirm: 01 delivered, 02/52–57 notice left or no access — a failed attempt, 03
accepted, 04/05/09/21–29 refused, undeliverable or returned to sender, 07/10 arrival/processing,
16 available for pickup, 17/43 picked up by the addressee, OF out for delivery, GX/MA label
created / pre-shipment) and an ``eventType`` text. Without a code, the text decides; the
shipment-level ``statusCategory`` decides when there are no events. ``GMTTimestamp`` is the
event's instant; ``eventTimestamp`` is local time without an offset, read as UTC only when the GMT
one is missing.
"""

from __future__ import annotations

import email
import email.policy
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
    amount,
    decimal_json,
    inches,
    lb,
    merge,
)

from .errors import rejected
from .units import CATEGORY, S, STATUS


def _when(value: str) -> datetime:
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def tracking_from(body: dict[str, Any], number: str) -> TrackingResult:
    """One ``GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL`` answer, normalized."""
    if body.get("error") or not (body.get("trackingNumber") or body.get("trackingEvents")):
        err = body.get("error") or {}
        return TrackingResult(number=number, status=S.PENDING, found=False,
                              error=f"USPS: {err.get('message') or 'tracking number not found'}")
    events = []
    for e in body.get("trackingEvents") or []:
        if not e.get("eventTimestamp"):
            continue
        where = ", ".join(p for p in (e.get("eventCity"), e.get("eventState"), e.get("eventCountry")) if p) or None
        code = (e.get("eventCode") or "").strip()
        ev = STATUS.event(code, e.get("eventType"), _when(e.get("GMTTimestamp") or e["eventTimestamp"]), where)
        if code and code not in STATUS.codes:  # a code we do not list: let the words decide
            ev.status = STATUS.status("", e.get("eventType"))
        events.append(ev)
    merged = merge(S.PENDING, [], events)
    status = merged.headline if events else CATEGORY.status(body.get("statusCategory"))
    eta = body.get("expectedDeliveryTimeStamp") or (body.get("deliveryDateExpectation") or {}).get("expectedDeliveryDate")
    return TrackingResult(number=body.get("trackingNumber") or number, status=status, events=merged.events,
                          estimated_delivery=_when(eta) if eta else None)


def price_request(req: ShipmentRequest, mail_class: str) -> dict[str, Any]:
    """Body of ``POST /prices/v3/base-rates/search`` for the heaviest parcel (one per parcel is billed)."""
    p = max(req.parcels, key=lambda x: x.weight_g)
    return {"originZIPCode": (req.ship_from.postal_code or "")[:5],
            "destinationZIPCode": (req.ship_to.postal_code or "")[:5], "weight": float(lb(p.weight_g)),
            "length": float(inches(p.length_mm)), "width": float(inches(p.width_mm)),
            "height": float(inches(p.height_mm)), "mailClass": mail_class, "processingCategory": "MACHINABLE",
            "rateIndicator": "SP", "destinationEntryFacilityType": "NONE", "priceType": "COMMERCIAL"}


def rate_from(body: dict[str, Any], carrier: str, mail_class: str, parcels: int) -> Rate:
    if "totalBasePrice" not in body:
        raise rejected(body, "no price")
    price = amount(body["totalBasePrice"], "totalBasePrice") * parcels
    return Rate(carrier=carrier, service=mail_class, price=price.quantize(Decimal("0.01")), currency="USD")


def _address(a: Address, name: str | None = None) -> dict[str, Any]:
    first, _, last = (name or a.name or "-").partition(" ")
    lines = a.lines or ["-"]
    out = {"streetAddress": lines[0], "city": a.city or "", "state": a.region or "",
           "ZIPCode": (a.postal_code or "")[:5], "firstName": first, "lastName": last or "-"}
    if len(lines) > 1:
        out["secondaryAddress"] = lines[1]
    return out


def label_request(req: ShipmentRequest, mail_class: str, key: str, when: datetime) -> dict[str, Any]:
    """Body of ``POST /labels/v3/label`` for the first parcel; our key is the customer reference."""
    p = req.parcels[0]
    return {"imageInfo": {"imageType": "PDF", "labelType": "4X6LABEL"},
            "toAddress": _address(req.ship_to), "fromAddress": _address(req.ship_from),
            "packageDescription": {"mailClass": mail_class, "rateIndicator": "SP", "weightUOM": "lb",
                                   "weight": float(lb(p.weight_g)), "dimensionsUOM": "in",
                                   "length": float(inches(p.length_mm)), "width": float(inches(p.width_mm)),
                                   "height": float(inches(p.height_mm)), "processingCategory": "MACHINABLE",
                                   "mailingDate": when.date().isoformat(), "destinationEntryFacilityType": "NONE",
                                   "customerReference": [{"referenceNumber": key[:30], "printReferenceNumber": False}],
                                   "extraServices": [921] if "signature" in req.flags else []}}


def label_metadata(content: bytes, content_type: str) -> dict[str, Any]:
    """The label answer is ``multipart/mixed``: a JSON part (tracking number, postage) and the label
    file. Return the JSON part (a plain JSON answer is accepted too)."""
    if "multipart" not in content_type:
        return decimal_json(content)
    msg = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + content,
                                   policy=email.policy.HTTP)
    for part in msg.iter_parts():  # type: ignore[attr-defined]
        if part.get_content_type() == "application/json":
            return decimal_json(part.get_payload(decode=True))
    raise RecordError("USPS: the label answer has no JSON part", code="invalid_response")


def label_from(meta: dict[str, Any]) -> Label:
    number = meta.get("trackingNumber")
    if not number:
        raise RecordError("USPS: the label answer has no tracking number", code="carrier_rejected")
    when = (meta.get("commitment") or {}).get("scheduleDeliveryDate")
    return Label(tracking_number=number, label_ref=number,
                 price=amount(meta["postage"], "postage") if meta.get("postage") is not None else None,
                 currency="USD", estimated_delivery=_when(when) if when else None)
