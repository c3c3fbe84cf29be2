"""Carrier selection: hard filters first, each rejection with its reason; then a weighted score.

Filters (a service that fails one is never quoted, or its quote is dropped): destination served,
every parcel within the service's weight, length and girth limits, the items' flags supported
(fragile, hazmat, oversize, signature, insurance), express when the plan needs it, capacity left
today, and the delivery deadline reachable with the quoted transit time.

Score, each part in 0..1 and weighted by the store's weights (a preset or its own):
price (cheapest ÷ this), speed (fastest ÷ this), reliability (on-time share learned from this
hub's delivered shipments of the carrier on the route, shrunk towards the carrier's overall share
— and for a carrier new to us, towards a prior — by a pseudo-count), and handling (the carrier's
configured care for fragile or oversize goods; 1 when the parcel needs none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from orderhub.shipping.carrier_types import Service, ShipmentRequest
from orderhub.config import ScoreWeights
from orderhub.models import Rate
from orderhub.shipping.plan import Plan

#: Prior on-time share and its weight in pseudo-shipments for a route (or carrier) we know little of.
PRIOR_ON_TIME = 0.85
PSEUDO_COUNT = 10.0
HANDLED_FLAGS = frozenset({"fragile", "hazmat", "oversize", "signature", "insurance"})


@dataclass
class Candidate:
    carrier: str
    service: str
    service_name: str
    rate: Rate | None = None
    rejected: str | None = None
    score: float | None = None
    parts: dict[str, float] = field(default_factory=dict)
    arrives: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        # Field by field: ``dataclasses.asdict`` deep-copies every value, and a choice document
        # holds every candidate (a third of select_carrier's time went there).
        return {"carrier": self.carrier, "service": self.service, "service_name": self.service_name,
                "rate": self.rate.model_dump(mode="json") if self.rate else None, "rejected": self.rejected,
                "score": self.score, "parts": dict(self.parts),
                "arrives": self.arrives.isoformat() if self.arrives else None}


def route_key(req: ShipmentRequest) -> str:
    return f"{req.ship_from.country}>{req.ship_to.country}:{req.ship_to.region or ''}"[:64]


def girth(length: int, width: int, height: int) -> int:
    a, b, c = sorted((length, width, height), reverse=True)
    return a + 2 * (b + c)


def service_rejection(service: Service, req: ShipmentRequest, plan: Plan) -> str | None:
    """Why ``service`` cannot carry this shipment, or None."""
    origin, dest = req.ship_from.country, req.ship_to.country
    if service.domestic is True and dest != origin:
        return f"domestic only ({origin}); destination is {dest}"
    if service.domestic is False and dest == origin:
        return "international only"
    if service.countries is not None and dest not in service.countries:
        return f"does not deliver to {dest}"
    for i, p in enumerate(plan.parcels, 1):
        if service.max_weight_g is not None and p.weight_g > service.max_weight_g:
            return f"parcel {i} weighs {p.weight_g} g, over the {service.max_weight_g} g limit"
        dims = (p.length_mm or 0, p.width_mm or 0, p.height_mm or 0)
        if service.max_length_mm is not None and max(dims) > service.max_length_mm:
            return f"parcel {i} is {max(dims)} mm long, over the {service.max_length_mm} mm limit"
        if service.max_girth_mm is not None and girth(*dims) > service.max_girth_mm:
            return f"parcel {i} length+girth {girth(*dims)} mm, over the {service.max_girth_mm} mm limit"
    missing = sorted((plan.flags & HANDLED_FLAGS) - service.supports)
    if missing:
        return f"cannot carry {', '.join(missing)} items"
    if plan.express and not service.express:
        return "not express, and the delivery window needs express"
    return None


def arrival(rate: Rate, now: datetime) -> datetime | None:
    if rate.estimated_delivery:
        return rate.estimated_delivery
    if rate.transit_days is None:
        return None
    return now + timedelta(days=rate.transit_days)


def reliability(stats: dict[tuple[str, str], tuple[int, int]], carrier: str, route: str) -> float:
    """Beta-binomial shrinkage: route record → carrier record → prior."""
    delivered = sum(d for (c, _), (d, _) in stats.items() if c == carrier)
    on_time = sum(o for (c, _), (_, o) in stats.items() if c == carrier)
    carrier_share = (on_time + PRIOR_ON_TIME * PSEUDO_COUNT) / (delivered + PSEUDO_COUNT)
    d, o = stats.get((carrier, route), (0, 0))
    return (o + carrier_share * PSEUDO_COUNT) / (d + PSEUDO_COUNT)


def score(candidates: list[Candidate], weights: ScoreWeights, *, handling: dict[str, float], plan: Plan,
          stats: dict[tuple[str, str], tuple[int, int]], route: str) -> Candidate | None:
    """Score the candidates that survived the filters (in place); return the best or None."""
    alive = [c for c in candidates if c.rejected is None and c.rate is not None]
    if not alive:
        return None
    cheapest = min(c.rate.price for c in alive if c.rate)
    fastest = min(max(c.rate.transit_days or 5, 1) for c in alive if c.rate)
    total = weights.price + weights.speed + weights.reliability + weights.handling or 1.0
    needs_care = bool(plan.flags & {"fragile", "oversize"})
    for c in alive:
        assert c.rate is not None
        parts = {
            "price": float(cheapest / c.rate.price) if c.rate.price > 0 else 1.0,
            "speed": fastest / max(c.rate.transit_days or 5, 1),
            "reliability": reliability(stats, c.carrier, route),
            "handling": handling.get(c.carrier, 0.8) if needs_care else 1.0,
        }
        c.parts = {k: round(v, 4) for k, v in parts.items()}
        c.score = round((weights.price * parts["price"] + weights.speed * parts["speed"]
                         + weights.reliability * parts["reliability"] + weights.handling * parts["handling"]) / total, 4)
    return max(alive, key=lambda c: (c.score or 0.0, -(c.rate.price if c.rate else 0)))
