"""USPS emulator: OAuth v3 (JSON body), Domestic Prices, Payments, Domestic Labels (a multipart
answer: JSON metadata + the label) and Tracking v3."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.desk import CarrierDesk

BOUNDARY = "sandbox-label-boundary"


@dataclass
class UspsDesk(CarrierDesk):
    kind: ClassVar[str] = "usps"
    CODES: ClassVar[dict[str, tuple[str, str]]] = {
        "label": ("GX", "Shipping Label Created, USPS Awaiting Item"),
        "picked_up": ("03", "USPS in possession of item"),
        "in_transit": ("10", "Arrived at USPS Regional Facility"), "out_for_delivery": ("OF", "Out for Delivery"),
        "attempt_fail": ("02", "Notice Left (No Authorized Recipient Available)"),
        "delivered": ("01", "Delivered, In/At Mailbox"), "exception": ("09", "Return to Sender"),
    }
    BASE: ClassVar[dict[str, tuple[str, str, int]]] = {
        "USPS_GROUND_ADVANTAGE": ("7.60", "1.30", 4), "PRIORITY_MAIL": ("10.40", "1.90", 2),
        "PRIORITY_MAIL_EXPRESS": ("31.00", "3.10", 1)}

    def new_number(self, n: int) -> str:
        return f"9400100000000{n:09d}"

    async def route(self, req: Request, path: str) -> Response:
        if path == "/oauth2/v3/token" and req.method == "POST":
            body = req.json() or {}
            if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
                return Response.json({"error": "invalid_client", "error_description": "Client authentication failed"},
                                     401)
            return Response.json({"access_token": self.issue_token(), "token_type": "Bearer",
                                  "expires_in": self.token_lifetime, "status": "approved"})
        if not self.bearer_ok(req):
            return Response.json({"error": {"code": "401", "message": "Unauthorized: the token is invalid or expired"}},
                                 401)
        if path == "/prices/v3/base-rates/search" and req.method == "POST":
            body = req.json() or {}
            weight = int(float(body.get("weight", 1)) * 453.59237)
            price = self.price(body["mailClass"], weight)
            return Response.json({"totalBasePrice": float(price), "rates": [
                {"SKU": "DPXX0XXXXC01005", "description": body["mailClass"], "price": float(price),
                 "mailClass": body["mailClass"], "zone": "04"}]})
        if path == "/payments/v3/payment-authorization" and req.method == "POST":
            return Response.json({"paymentAuthorizationToken": "pay-" + self.issue_token(),
                                  "roles": (req.json() or {}).get("roles", [])})
        if path == "/labels/v3/label" and req.method == "POST":
            if not req.headers.get("x-payment-authorization-token", "").startswith("pay-"):
                return Response.json({"error": {"code": "400", "message": "Missing X-Payment-Authorization-Token"}},
                                     400)
            return self.label(req.json() or {})
        if req.method == "GET" and (m := re.fullmatch(r"/tracking/v3/tracking/(\w+)", path)):
            return self.track(m[1])
        return Response.json({"error": {"code": "404", "message": "Not Found"}}, 404)

    def label(self, body: dict[str, Any]) -> Response:
        pkg = body.get("packageDescription") or {}
        refs = [r.get("referenceNumber", "") for r in pkg.get("customerReference") or []]
        weight = int(float(pkg.get("weight", 1)) * 453.59237)
        p, _ = self.create(pkg.get("mailClass", "USPS_GROUND_ADVANTAGE"), refs[0] if refs else "", weight)
        meta = {"trackingNumber": p.number, "postage": float(self.price(p.service, weight)), "zone": "04",
                "commitment": {"name": f"{self.BASE[p.service][2]} Days"}, "weightUOM": "LB"}
        body_bytes = (f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode() + orjson.dumps(meta)
                      + f"\r\n--{BOUNDARY}\r\nContent-Type: application/pdf\r\n\r\n".encode() + b"%PDF-1.4 sandbox"
                      + f"\r\n--{BOUNDARY}--\r\n".encode())
        return Response(200, body_bytes, {"Content-Type": f"multipart/mixed; boundary={BOUNDARY}"})

    def track(self, number: str) -> Response:
        p = self.parcels.get(number)
        if p is None:
            return Response.json({"apiVersion": "v3", "error": {"code": "404", "message": "The tracking number may be "
                                  "incorrect or the status update is not yet available.", "errors": []}}, 404)
        hist = self.history(p)
        events = [{"eventType": text, "eventTimestamp": at.strftime("%Y-%m-%dT%H:%M:%S"), "eventCountry": None,
                   "eventCity": "SAINT LOUIS", "eventState": "MO", "eventZIP": "63118", "firm": None, "name": None,
                   "authorizedAgent": False, "eventCode": code} for at, _m, code, text in reversed(hist)]
        category = {"label": "Pre-Shipment", "picked_up": "Accepted", "in_transit": "In Transit",
                    "out_for_delivery": "Out for Delivery", "attempt_fail": "Delivery Attempt",
                    "delivered": "Delivered", "exception": "Alert"}
        latest = hist[-1] if hist else None
        return Response.json({"trackingNumber": number, "statusCategory": category[latest[1]] if latest else "",
                              "status": latest[3] if latest else "", "statusSummary": latest[3] if latest else "",
                              "mailClass": p.service, "trackingEvents": events})
