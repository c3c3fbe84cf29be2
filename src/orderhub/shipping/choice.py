"""The carrier choice for one order, as the ``select_carrier`` step and ``orderhub rates`` make it:
plan the parcels, drop the services that cannot take them (or have no capacity left today), ask
every remaining carrier for a quote at once, score the answers (:mod:`orderhub.shipping.selection`), and
return the whole decision — the choice, every runner-up with its score parts, every rejection
with its reason — as one document that is stored with the shipment."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orderhub.shipping.carrier import Carrier
from orderhub.shipping.carrier_types import Service, ShipmentRequest
from orderhub.db import shipments as ship_db
from orderhub.errors import ConfigError, OrderhubError, TransientError
from orderhub.models import Address, Order
from orderhub.shipping.selection import Candidate, arrival, route_key, score, service_rejection
from orderhub.shipping.plan import Plan, plan_shipment


def ship_request(order: Order, plan: Plan, ship_from: Address) -> ShipmentRequest:
    """What a carrier is asked to quote or ship: the plan's parcels from the warehouse to the order's address."""
    assert order.id is not None and order.shipping_address is not None
    to = order.shipping_address
    return ShipmentRequest(order_id=order.id, store=order.store, ship_from=ship_from,
                           ship_to=to if to.name else to.model_copy(update={"name": order.customer.name}),
                           parcels=plan.parcels, value=order.totals.total, currency=order.currency, flags=plan.flags,
                           deadline=plan.deadline, insured_value=plan.insured_value, reference=order.number,
                           recipient_email=order.customer.email, recipient_phone=order.customer.phone or to.phone)


@dataclass
class ChoiceFacts:
    """What a choice reads from the database, read once for a batch of orders: their SKUs'
    catalog rows, each carrier's shipments today, and the carriers' on-time record. A batch
    counts its own choices into ``used`` (:meth:`count`) so that a later order sees them."""

    catalog: dict[str, dict[str, Any]]
    used: dict[str, int]
    stats: dict[tuple[str, str], tuple[int, int]]
    #: Carrier accounts an operator paused, with the reason: not asked.
    paused: dict[str, str] = field(default_factory=dict)

    @classmethod
    async def load(cls, conn: Any, orders: list[Order], *, now: datetime) -> ChoiceFacts:
        skus = sorted({li.sku for o in orders for li in o.line_items if li.sku})
        return cls(await ship_db.catalog_rows(conn, skus), await ship_db.usage(conn, now.date().isoformat()),
                   await ship_db.performance(conn), await ship_db.paused_carriers(conn))

    def count(self, carrier: str) -> None:
        self.used[carrier] = self.used.get(carrier, 0) + 1


async def choose(hub: Any, conn: Any, order: Order, *, now: datetime,
                 facts: ChoiceFacts | None = None) -> dict[str, Any]:
    """Plan, filter, quote and score; returns the choice document (``chosen`` may be None).
    ``facts``: what was read for the order's batch (read for this order alone if not given)."""
    if facts is None:
        facts = await ChoiceFacts.load(conn, [order], now=now)
    sc = hub.store_config(order.store)
    cfg = sc.shipping
    names = cfg.carriers or [n for n, c in hub.config.carriers.items() if c.enabled]
    plan = plan_shipment(order, facts.catalog, cfg, now=now)
    ship_from = Address(**cfg.ship_from.model_dump())
    req = ship_request(order, plan, ship_from)
    used, stats = facts.used, facts.stats
    candidates: list[Candidate] = []
    asks: list[tuple[str, Carrier, list[Service]]] = []
    for name in names:
        cc = hub.config.carriers[name]
        if name in facts.paused:
            candidates.append(Candidate(name, "*", name, rejected=f"carrier paused: {facts.paused[name]}"))
            continue
        try:
            carrier = hub.carrier(name)
        except ConfigError as exc:
            candidates.append(Candidate(name, "*", name, rejected=f"carrier not usable: {exc}"))
            continue
        full = cc.capacity_per_day is not None and used.get(name, 0) >= cc.capacity_per_day
        allowed = []
        for svc in carrier.services:
            reason = service_rejection(svc, req, plan)
            if reason is None and full:
                reason = f"no capacity left today ({used.get(name, 0)}/{cc.capacity_per_day})"
            cand = Candidate(name, svc.code, svc.name, rejected=reason)
            candidates.append(cand)
            if reason is None:
                allowed.append(svc)
        if allowed:
            asks.append((name, carrier, allowed))
    answers = await asyncio.gather(*(c.quote(req, svcs) for _, c, svcs in asks), return_exceptions=True)
    transient_failures = 0
    for (name, _, svcs), answer in zip(asks, answers, strict=True):
        by_service = {c.service: c for c in candidates if c.carrier == name and c.rejected is None}
        if isinstance(answer, BaseException):
            if isinstance(answer, TransientError):
                transient_failures += 1
            text = answer.message if isinstance(answer, OrderhubError) else f"{type(answer).__name__}: {answer}"
            for c in by_service.values():
                c.rejected = f"quote failed: {text}"
            continue
        services_by_code = {s.code: s for s in svcs}
        for rate in answer:
            if rate.service in by_service:
                svc = services_by_code[rate.service]
                rate.service_name = rate.service_name or svc.name
                rate.transit_days = rate.transit_days if rate.transit_days is not None else svc.transit_days
                by_service[rate.service].rate = rate
        for c in by_service.values():
            if c.rate is None:
                c.rejected = "no price quoted for this shipment"
            elif plan.deadline is not None:
                c.arrives = arrival(c.rate, now)
                if c.arrives is None:
                    c.rejected = "no transit time, so the deadline cannot be promised"
                elif c.arrives > plan.deadline:
                    c.rejected = f"arrives {c.arrives.date()}, after the deadline {plan.deadline.date()}"
            else:
                c.arrives = arrival(c.rate, now)
    best = score(candidates, cfg.score_weights, handling={n: c.handling for n, c in hub.config.carriers.items()},
                 plan=plan, stats=stats, route=route_key(req))
    ranked = sorted(candidates, key=lambda c: (c.rejected is not None, -(c.score or 0)))
    return {"chosen": best.as_dict() if best else None, "candidates": [c.as_dict() for c in ranked],
            "weights": cfg.score_weights.model_dump(), "preset": cfg.preset if cfg.weights is None else "custom",
            "plan": plan.as_dict(), "route": route_key(req), "decided_at": now.isoformat(),
            "transient_failures": transient_failures, "asked": len(asks)}
