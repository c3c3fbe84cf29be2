"""UPS emulator: OAuth (client_secret_basic), Rating ``Shop``, Shipping and Track v1 — the paths and
shapes of github.com/UPS-API/api-documentation (OAuthClientCredentials, Rating, Shipping, Tracking)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.desk import CarrierDesk

DOMESTIC = ("03", "12", "02", "01")


@dataclass
class UpsDesk(CarrierDesk):
    kind: ClassVar[str] = "ups"
    CODES: ClassVar[dict[str, tuple[str, str]]] = {
        "label": ("M", "Shipper created a label, UPS has not received the package yet."),
        "picked_up": ("P", "Pickup Scan"),
        "in_transit": ("I", "Departed from Facility"),
        "out_for_delivery": ("I", "Out For Delivery Today"),
        "attempt_fail": ("X", "The receiver was not available for delivery. We'll make a second attempt the next "
                              "business day."),
        "delivered": ("D", "DELIVERED"),
        "exception": ("X", "The package was damaged and the contents are being returned to the sender."),
    }
    BASE: ClassVar[dict[str, tuple[str, str, int]]] = {
        "03": ("9.80", "1.10", 4), "12": ("17.50", "1.60", 3), "02": ("24.00", "2.10", 2), "01": ("41.00", "3.20", 1),
        "11": ("22.00", "2.00", 5), "65": ("48.00", "4.10", 2)}

    def new_number(self, n: int) -> str:
        return f"1Z999AA1{n:010d}"

    async def route(self, req: Request, path: str) -> Response:
        if path == "/security/v1/oauth/token" and req.method == "POST":
            if not self.basic_ok(req):
                return Response.json({"response": {"errors": [{"code": "10401", "message": "ClientId is Invalid"}]}},
                                     401)
            return Response.json({"token_type": "Bearer", "issued_at": "0", "client_id": self.client_id,
                                  "access_token": self.issue_token(), "expires_in": str(self.token_lifetime),
                                  "status": "approved"})
        if not self.bearer_ok(req):
            return Response.json({"response": {"errors": [{"code": "250002", "message": "Invalid Authentication "
                                                                                        "Information."}]}}, 401)
        if req.method == "POST" and re.fullmatch(r"/api/rating/v\w+/Shop", path):
            return self.rate(req.json() or {})
        if req.method == "POST" and re.fullmatch(r"/api/shipments/v\w+/ship", path):
            return self.ship(req.json() or {})
        if req.method == "GET" and (m := re.fullmatch(r"/api/track/v1/details/(\w+)", path)):
            return self.track(m[1])
        return Response.json({"response": {"errors": [{"code": "404", "message": "Not Found"}]}}, 404)

    @staticmethod
    def _weight(shipment: dict[str, Any]) -> int:
        pkgs = shipment.get("Package") or []
        pkgs = pkgs if isinstance(pkgs, list) else [pkgs]
        return sum(int(float(p["PackageWeight"]["Weight"]) * 1000) for p in pkgs)

    @staticmethod
    def _intl(shipment: dict[str, Any]) -> bool:
        return shipment["Shipper"]["Address"]["CountryCode"] != shipment["ShipTo"]["Address"]["CountryCode"]

    def rate(self, body: dict[str, Any]) -> Response:
        shipment = body["RateRequest"]["Shipment"]
        weight, intl = self._weight(shipment), self._intl(shipment)
        codes = ("11", "65") if intl else DOMESTIC
        rated = [{"Service": {"Code": c, "Description": ""},
                  "TotalCharges": {"CurrencyCode": "USD", "MonetaryValue": str(self.price(c, weight, intl))},
                  "GuaranteedDelivery": {"BusinessDaysInTransit": str(self.BASE[c][2])}} for c in codes]
        return Response.json({"RateResponse": {"Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
                                               "RatedShipment": rated}})

    def ship(self, body: dict[str, Any]) -> Response:
        shipment = body["ShipmentRequest"]["Shipment"]
        service = shipment["Service"]["Code"]
        ref = (shipment.get("ReferenceNumber") or {}).get("Value", "")
        p, _ = self.create(service, ref, self._weight(shipment))
        price = self.price(service, p.weight_g, self._intl(shipment))
        return Response.json({"ShipmentResponse": {
            "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
            "ShipmentResults": {"ShipmentIdentificationNumber": p.number,
                                "ShipmentCharges": {"TotalCharges": {"CurrencyCode": "USD", "MonetaryValue": str(price)}},
                                "PackageResults": {"TrackingNumber": p.number,
                                                   "ShippingLabel": {"ImageFormat": {"Code": "GIF"},
                                                                     "GraphicImage": "R0lGODlhAQABAAAAACw="}}}}})

    def track(self, number: str) -> Response:
        p = self.parcels.get(number)
        if p is None:
            return Response.json({"trackResponse": {"shipment": [{"inquiryNumber": number, "warnings": [
                {"code": "TW0001", "message": "Tracking Information Not Found"}]}]}})
        activity = [{"date": at.strftime("%Y%m%d"), "time": at.strftime("%H%M%S"), "gmtDate": at.strftime("%Y%m%d"),
                     "gmtTime": at.strftime("%H%M%S"), "gmtOffset": "+00:00",
                     "location": {"address": {"city": "LOUISVILLE", "stateProvince": "KY", "countryCode": "US"}},
                     "status": {"type": code, "description": text, "code": code}}
                    for at, _m, code, text in reversed(self.history(p))]
        return Response.json({"trackResponse": {"shipment": [{"inquiryNumber": number, "package": [
            {"trackingNumber": number, "activity": activity,
             "currentStatus": activity[0]["status"] if activity else None}]}]}})
