"""What every carrier emulator shares: shipments, scripted histories on a sandbox clock, prices,
OAuth tokens, and the fault layer and request log of :class:`~orderhub.sandbox.shops.Shop`. The
emulators themselves (UPS, FedEx, DHL, USPS: each with its documented paths, authentication and
answer formats) sit beside their connectors, as ``connectors/<carrier>/emulator.py``.

Tracking histories advance on the sandbox clock, which moves only when told
(``POST /_sandbox/carriers/advance {"hours": 40}``), so tests and the demo decide when parcels
are delivered. Most shipments go label → pickup → in transit → out for delivery → delivered;
one in twenty misses the customer once, one in twenty ends in an exception."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from orderhub.sandbox.server import Request, Response
from orderhub.sandbox.shops import ServiceDown, Shop

#: Milestones (hours after the label) of each script.
SCRIPTS: dict[str, list[tuple[float, str]]] = {
    "normal": [(0, "label"), (2, "picked_up"), (12, "in_transit"), (30, "out_for_delivery"), (34, "delivered")],
    "missed": [(0, "label"), (2, "picked_up"), (12, "in_transit"), (30, "out_for_delivery"), (34, "attempt_fail"),
               (54, "out_for_delivery"), (58, "delivered")],
    "exception": [(0, "label"), (2, "picked_up"), (12, "in_transit"), (40, "exception")],
}


@dataclass
class Parcel:
    number: str
    service: str
    reference: str
    created_wall: datetime
    created_clock: float
    script: str
    weight_g: int = 0


@dataclass
class CarrierDesk(Shop):
    """Base of the carrier emulators. ``count``/``seed`` of :class:`Shop` are unused (no orders)."""

    role: ClassVar[str] = "carrier"
    #: The sandbox's pacing for the account, generous: the emulator is not the bottleneck.
    rate_option: ClassVar[str] = "requests_per_second"

    count: int = 0
    seed: int = 1
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    token_lifetime: int = 3600
    clock_hours: float = 0.0
    parcels: dict[str, Parcel] = field(default_factory=dict)
    by_reference: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    #: Force the script of the next shipments (tests): "normal", "missed" or "exception".
    next_script: str | None = None
    #: The label service is down (drills): creating a shipment answers 503, rating and tracking work.
    labels_down: bool = False
    labels_created: int = 0

    #: milestone -> (raw code, text) in this carrier's vocabulary; set by each emulator.
    CODES: ClassVar[dict[str, tuple[str, str]]] = {}

    # -- shipments --------------------------------------------------------------------------

    def create(self, service: str, reference: str, weight_g: int = 0) -> tuple[Parcel, bool]:
        """A new shipment, or the one already made with this reference (read-back, not a second label)."""
        if self.labels_down:
            raise ServiceDown("the label service is down")
        if reference and reference in self.by_reference:
            return self.parcels[self.by_reference[reference]], False
        number = self.new_number(len(self.parcels) + 1)
        digest = int(hashlib.sha256((reference or number).encode()).hexdigest(), 16)
        script = self.next_script or ("missed" if digest % 20 == 0 else "exception" if digest % 20 == 1 else "normal")
        p = Parcel(number, service, reference, datetime.now(UTC).replace(microsecond=0), self.clock_hours, script,
                   weight_g)
        self.parcels[number] = p
        if reference:
            self.by_reference[reference] = number
        self.labels_created += 1
        self.record_push("label", number=number, service=service, reference=reference)
        return p, True

    def new_number(self, n: int) -> str:
        raise NotImplementedError

    def history(self, p: Parcel) -> list[tuple[datetime, str, str, str]]:
        """(time, milestone, raw code, text) of the events that have happened, oldest first."""
        elapsed = self.clock_hours - p.created_clock
        return [(p.created_wall + timedelta(hours=h), m, *self.CODES[m]) for h, m in SCRIPTS[p.script] if h <= elapsed]

    def advance(self, hours: float) -> None:
        self.clock_hours += hours

    # -- prices -----------------------------------------------------------------------------

    BASE: ClassVar[dict[str, tuple[str, str, int]]] = {}  # service -> (base price, per kg, transit days)

    def price(self, service: str, weight_g: int, international: bool = False) -> Decimal:
        base, per_kg, _ = self.BASE[service]
        factor = Decimal("2.5") if international else Decimal(1)
        return ((Decimal(base) + Decimal(per_kg) * Decimal(max(weight_g, 100)) / 1000) * factor).quantize(Decimal("0.01"))

    # -- OAuth ------------------------------------------------------------------------------

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.clock_hours
        return token

    def basic_ok(self, req: Request) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return req.headers.get("authorization", "") == f"Basic {expected}"

    def bearer_ok(self, req: Request) -> bool:
        auth = req.headers.get("authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    def revoke_tokens(self) -> None:
        """Tests: every issued token stops working (as after its expiry), so clients must refresh."""
        self.tokens.clear()

    def authenticate(self, req: Request) -> Response | None:
        return None  # each route checks what its API requires

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "labels": self.labels_created, "shipments": len(self.parcels)}


    @classmethod
    def for_sandbox(cls, name: str, *, latency: float, faults: Any, **_: Any) -> CarrierDesk:  # type: ignore[override]
        return cls(name=name, latency=latency, client_id=f"{name}-sandbox-client",
                   client_secret=f"{name}-sandbox-secret", faults=faults)

    def credentials(self, secret: Any) -> dict[str, str]:
        """The account's credentials as the carrier names them (OAuth client credentials here)."""
        return {"client_id": secret(f"{self.name}.client_id", self.client_id),
                "client_secret": secret(f"{self.name}.client_secret", self.client_secret)}

    def store_config(self, base_url: str, secret: Any) -> dict[str, Any]:
        """The ``[carriers.<name>]`` table pointing an account at this emulator."""
        return {"connector": self.kind, "base_url": base_url, "http_attempts": 6, self.rate_option: 200.0,
                "credentials": self.credentials(secret)}
