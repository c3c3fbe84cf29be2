"""FedEx emulator: OAuth (form body), Rate quotes, Ship and Track — developer.fedex.com shapes,
money as JSON numbers as FedEx sends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs

from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.desk import CarrierDesk

DOMESTIC = ("FEDEX_GROUND", "FEDEX_2_DAY", "STANDARD_OVERNIGHT", "PRIORITY_OVERNIGHT")
INTERNATIONAL = ("INTERNATIONAL_ECONOMY", "FEDEX_INTERNATIONAL_PRIORITY")
DAYS = {1: "ONE_DAY", 2: "TWO_DAYS", 3: "THREE_DAYS", 4: "FOUR_DAYS", 5: "FIVE_DAYS"}


@dataclass
class FedexDesk(CarrierDesk):
    kind: ClassVar[str] = "fedex"
    CODES: ClassVar[dict[str, tuple[str, str]]] = {
        "label": ("OC", "Shipment information sent to FedEx"), "picked_up": ("PU", "Picked up"),
        "in_transit": ("IT", "In transit"), "out_for_delivery": ("OD", "On FedEx vehicle for delivery"),
        "attempt_fail": ("DE", "Customer not available or business closed"), "delivered": ("DL", "Delivered"),
        "exception": ("SE", "Package damaged"),
    }
    BASE: ClassVar[dict[str, tuple[str, str, int]]] = {
        "FEDEX_GROUND": ("9.40", "1.15", 4), "FEDEX_2_DAY": ("23.10", "2.00", 2),
        "STANDARD_OVERNIGHT": ("37.00", "3.00", 1), "PRIORITY_OVERNIGHT": ("44.00", "3.40", 1),
        "INTERNATIONAL_ECONOMY": ("21.00", "2.20", 5), "FEDEX_INTERNATIONAL_PRIORITY": ("46.00", "4.00", 2)}

    def new_number(self, n: int) -> str:
        return f"7944{n:08d}"

    async def route(self, req: Request, path: str) -> Response:
        if path == "/oauth/token" and req.method == "POST":
            form = {k: v[0] for k, v in parse_qs(req.body.decode()).items()}
            if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
                return Response.json({"errors": [{"code": "NOT.AUTHORIZED.ERROR",
                                                  "message": "The given client credentials were not valid."}]}, 401)
            return Response.json({"access_token": self.issue_token(), "token_type": "bearer",
                                  "expires_in": self.token_lifetime, "scope": "CXS-TP"})
        if not self.bearer_ok(req):
            return Response.json({"errors": [{"code": "NOT.AUTHORIZED.ERROR", "message": "Access token expired."}]},
                                 401)
        body = req.json() or {}
        if path == "/rate/v1/rates/quotes" and req.method == "POST":
            return self.rate(body)
        if path == "/ship/v1/shipments" and req.method == "POST":
            return self.ship(body)
        if path == "/track/v1/trackingnumbers" and req.method == "POST":
            return self.track(body)
        return Response.json({"errors": [{"code": "NOT.FOUND.ERROR", "message": "Not Found"}]}, 404)

    @staticmethod
    def _weight(rs: dict[str, Any]) -> int:
        return sum(int(float(p["weight"]["value"]) * 1000) for p in rs.get("requestedPackageLineItems") or [])

    @staticmethod
    def _intl(rs: dict[str, Any]) -> bool:
        to = (rs.get("recipient") or (rs.get("recipients") or [{}])[0])["address"]["countryCode"]
        return rs["shipper"]["address"]["countryCode"] != to

    def rate(self, body: dict[str, Any]) -> Response:
        rs = body["requestedShipment"]
        weight, intl = self._weight(rs), self._intl(rs)
        details = []
        for svc in INTERNATIONAL if intl else DOMESTIC:
            charge = float(self.price(svc, weight, intl))
            details.append({"serviceType": svc, "serviceName": svc.replace("_", " ").title(),
                            "ratedShipmentDetails": [{"rateType": "ACCOUNT", "totalNetCharge": charge,
                                                      "totalBaseCharge": charge, "currency": "USD"}],
                            "commit": {"transitDays": {"minimumTransitTime": DAYS[self.BASE[svc][2]]}}})
        return Response.json({"transactionId": "sandbox", "output": {"rateReplyDetails": details}})

    def ship(self, body: dict[str, Any]) -> Response:
        rs = body["requestedShipment"]
        refs = [r["value"] for item in rs.get("requestedPackageLineItems") or []
                for r in item.get("customerReferences") or []]
        p, _ = self.create(rs["serviceType"], refs[0] if refs else "", self._weight(rs))
        return Response.json({"transactionId": "sandbox", "output": {"transactionShipments": [{
            "masterTrackingNumber": p.number, "serviceType": p.service,
            "pieceResponses": [{"trackingNumber": p.number, "packageDocuments": [
                {"contentType": "LABEL", "docType": "PDF", "url": f"https://sandbox.fedex.test/labels/{p.number}.pdf"}]}],
        }]}})

    def track(self, body: dict[str, Any]) -> Response:
        results = []
        for info in body.get("trackingInfo") or []:
            number = info["trackingNumberInfo"]["trackingNumber"]
            p = self.parcels.get(number)
            if p is None:
                results.append({"trackingNumber": number, "trackResults": [{
                    "trackingNumberInfo": {"trackingNumber": number},
                    "error": {"code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                              "message": "Tracking number cannot be found. Please correct the tracking number and try "
                                         "again."}}]})
                continue
            hist = self.history(p)
            scans = [{"date": at.isoformat(), "eventType": code, "eventDescription": text, "derivedStatusCode": code,
                      "scanLocation": {"city": "MEMPHIS", "stateOrProvinceCode": "TN", "countryCode": "US"}}
                     for at, _m, code, text in reversed(hist)]
            latest = hist[-1] if hist else None
            results.append({"trackingNumber": number, "trackResults": [{
                "trackingNumberInfo": {"trackingNumber": number},
                "latestStatusDetail": {"code": latest[2], "derivedCode": latest[2], "statusByLocale": latest[3],
                                       "description": latest[3]} if latest else {},
                "scanEvents": scans}]})
        return Response.json({"transactionId": "sandbox", "output": {"completeTrackResults": results}})
