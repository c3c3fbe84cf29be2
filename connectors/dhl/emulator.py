"""DHL emulator: Shipment Tracking - Unified (``DHL-API-Key``) and MyDHL API rates and shipments
(HTTP Basic with the key and its secret)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.desk import CarrierDesk


@dataclass
class DhlDesk(CarrierDesk):
    kind: ClassVar[str] = "dhl"
    rate_option: ClassVar[str] = "tracking_calls_per_second"

    def credentials(self, secret: Any) -> dict[str, str]:
        return {"api_key": secret("dhl.api_key", self.client_id), "api_secret": secret("dhl.api_secret", self.client_secret)}

    CODES: ClassVar[dict[str, tuple[str, str]]] = {
        "label": ("pre-transit", "SHIPMENT INFORMATION RECEIVED"), "picked_up": ("transit", "Shipment picked up"),
        "in_transit": ("transit", "Processed at DHL facility"), "out_for_delivery": ("transit", "Out for delivery"),
        "attempt_fail": ("failure", "Delivery attempted; recipient not at home"),
        "delivered": ("delivered", "Delivered"), "exception": ("failure", "Shipment damaged; returned to shipper"),
    }
    BASE: ClassVar[dict[str, tuple[str, str, int]]] = {"N": ("29.00", "2.60", 1), "P": ("52.00", "4.80", 3)}

    def new_number(self, n: int) -> str:
        return f"{1234560000 + n}"

    async def route(self, req: Request, path: str) -> Response:
        if path == "/track/shipments" and req.method == "GET":
            if req.headers.get("dhl-api-key") != self.client_id:
                return Response.json({"status": 401, "title": "Unauthorized", "detail": "Invalid API key."}, 401)
            return self.track(req.arg("trackingNumber") or "")
        if not self.basic_ok(req):
            return Response.json({"status": 401, "title": "Unauthorized", "detail": "Invalid credentials"}, 401)
        if path == "/mydhlapi/rates" and req.method == "GET":
            return self.rate(req)
        if path == "/mydhlapi/shipments" and req.method == "POST":
            return self.ship(req.json() or {})
        return Response.json({"status": 404, "title": "Not Found"}, 404)

    def rate(self, req: Request) -> Response:
        intl = req.arg("originCountryCode") != req.arg("destinationCountryCode")
        weight = int(float(req.arg("weight") or 0) * 1000)
        code = "P" if intl else "N"
        price = self.price(code, weight, intl)
        return Response.json({"products": [{
            "productName": "EXPRESS WORLDWIDE" if intl else "EXPRESS DOMESTIC", "productCode": code,
            "totalPrice": [{"currencyType": "BILLC", "priceCurrency": "USD", "price": float(price)}],
            "deliveryCapabilities": {"totalTransitDays": self.BASE[code][2]}}]})

    def ship(self, body: dict[str, Any]) -> Response:
        refs = [r["value"] for r in body.get("customerReferences") or []]
        weight = sum(int(float(p["weight"]) * 1000) for p in (body.get("content") or {}).get("packages") or [])
        p, _ = self.create(body.get("productCode", "N"), refs[0] if refs else "", weight)
        return Response.json({"shipmentTrackingNumber": p.number,
                              "trackingUrl": f"https://sandbox.dhl.test/track?id={p.number}",
                              "packages": [{"referenceNumber": 1, "trackingNumber": f"JD0{p.number}"}],
                              "documents": [{"imageFormat": "PDF", "content": "JVBERi0=", "typeCode": "label"}]}, 201)

    def track(self, number: str) -> Response:
        p = self.parcels.get(number)
        if p is None:
            return Response.json({"title": "No result found", "status": 404,
                                  "detail": "No shipment with given tracking number found."}, 404,
                                 {"Content-Type": "application/problem+json"})
        events = [{"timestamp": at.isoformat(), "statusCode": code, "status": text.split(";")[0],
                   "description": text, "location": {"address": {"addressLocality": "Leipzig, DE"}}}
                  for at, _m, code, text in reversed(self.history(p))]
        return Response.json({"shipments": [{"id": number, "service": "express",
                                             "status": events[0] if events else {"statusCode": "unknown"},
                                             "events": events}]})
