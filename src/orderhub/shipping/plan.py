"""Shipping plans: the per-store rules that shape a shipment before anyone is asked for a price.

From the order's items (weights and flags from the channel, else from the catalog, else the
store's default) and requirements, a plan decides the parcels (split when one would exceed the
store's parcel limit; flagged items packed by the packaging rules, separately when a rule says
so), the options (signature, insurance above a value) and the deadline (express when the
customer's delivery window closes soon). Pure: the catalog rows are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from orderhub.config import ShippingConfig
from orderhub.models import Order, Parcel


@dataclass
class Unit:
    sku: str | None
    weight_g: int
    dims_mm: tuple[int, int, int] | None
    flags: frozenset[str]


@dataclass
class Plan:
    parcels: list[Parcel]
    flags: frozenset[str]
    deadline: datetime | None
    express: bool
    insured_value: Decimal | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"parcels": [p.model_dump(mode="json") for p in self.parcels], "flags": sorted(self.flags),
                "deadline": self.deadline.isoformat() if self.deadline else None, "express": self.express,
                "insured_value": str(self.insured_value) if self.insured_value is not None else None,
                "notes": self.notes}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        return cls(parcels=[Parcel.model_validate(p) for p in d["parcels"]], flags=frozenset(d["flags"]),
                   deadline=datetime.fromisoformat(d["deadline"]) if d.get("deadline") else None,
                   express=d["express"],
                   insured_value=Decimal(d["insured_value"]) if d.get("insured_value") else None,
                   notes=list(d.get("notes") or []))


def _units(order: Order, catalog: dict[str, dict[str, Any]], cfg: ShippingConfig) -> list[Unit]:
    units = []
    box = tuple(cfg.box_mm)
    for li in order.line_items:
        if not li.requires_shipping:
            continue
        row = catalog.get(li.sku or "") or {}
        weight = li.weight_g or row.get("weight_g") or cfg.default_item_weight_g
        flags = set(li.flags)
        if row.get("fragile"):
            flags.add("fragile")
        if row.get("hazmat"):
            flags.add("hazmat")
        dims = None
        if row.get("length_mm") and row.get("width_mm") and row.get("height_mm"):
            dims = (row["length_mm"], row["width_mm"], row["height_mm"])
            if any(d > b for d, b in zip(sorted(dims), sorted(box), strict=True)):
                flags.add("oversize")
        if order.requirements.fragile:
            flags.add("fragile")
        for _ in range(max(li.quantity, 0)):
            units.append(Unit(li.sku, int(weight), dims, frozenset(flags)))
    return units


def plan_shipment(order: Order, catalog: dict[str, dict[str, Any]], cfg: ShippingConfig, *,
                  now: datetime) -> Plan:
    units = _units(order, catalog, cfg)
    notes: list[str] = []
    rules = {r.flag: r for r in cfg.packaging}
    groups: dict[str, list[Unit]] = {"": []}
    for u in units:
        separate = next((f for f in sorted(u.flags) if f in rules and rules[f].separate), None)
        groups.setdefault(separate or "", []).append(u)
    parcels: list[Parcel] = []
    signature = False
    for flag, members in groups.items():
        if not members:
            continue
        flags = frozenset().union(*(u.flags for u in members))
        applied = [rules[f] for f in sorted(flags) if f in rules]
        packaging = next((r.packaging for r in applied if r.packaging), None)
        extra = max((r.extra_weight_g for r in applied), default=0)
        signature = signature or any(r.signature for r in applied)
        # First-fit decreasing by weight under the store's parcel limit; a unit heavier than the
        # limit travels alone (the carrier filters decide whether anyone can take it).
        bins: list[list[Unit]] = []
        for u in sorted(members, key=lambda x: x.weight_g, reverse=True):
            for b in bins:
                if sum(x.weight_g for x in b) + u.weight_g + extra <= cfg.max_parcel_weight_g:
                    b.append(u)
                    break
            else:
                bins.append([u])
        for b in bins:
            dims = [u.dims_mm for u in b if u.dims_mm]
            length, width, height = cfg.box_mm
            if dims:
                length = max(length, *(max(d) for d in dims))
                width = max(width, *(sorted(d)[1] for d in dims))
                height = max(height, *(min(d) for d in dims))
            parcels.append(Parcel(weight_g=sum(u.weight_g for u in b) + extra, length_mm=length, width_mm=width,
                                  height_mm=height, packaging=packaging))
        if flag:
            notes.append(f"{len(bins)} parcel(s) of {flag} items packed separately")
    if len(parcels) > 1:
        notes.append(f"split into {len(parcels)} parcels (limit {cfg.max_parcel_weight_g} g each)")
    flags = frozenset().union(*(u.flags for u in units)) if units else frozenset()
    if signature:
        flags |= {"signature"}
    insured = None
    if cfg.insure_above is not None and order.totals.total > cfg.insure_above:
        insured = order.totals.total
        flags |= {"insurance"}
        notes.append(f"insured for {insured} {order.currency} (above {cfg.insure_above})")
    window = order.requirements.delivery_window
    deadline = window.latest if window and window.latest else None
    express = bool(deadline and deadline - now <= timedelta(days=cfg.express_within_days))
    if express:
        notes.append(f"express: the delivery window closes {deadline.isoformat() if deadline else ''}")
    return Plan(parcels=parcels, flags=flags, deadline=deadline, express=express, insured_value=insured, notes=notes)
