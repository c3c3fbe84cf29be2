from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from orderhub.extend import Address, Carrier, ConfigError, Label, Rate, Service, ShipmentRequest

COLUMNS = ("service", "zone", "max_weight_g", "price", "currency", "transit_days")


class TableSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rates: str = Field(description="Path of the rate CSV (relative to the config file).")
    zones: dict[str, str] = Field(default_factory=lambda: {"*": "1"})
    max_weight_g: int | None = 30_000
    max_length_mm: int | None = 1_200
    supports: list[str] = Field(default_factory=lambda: ["fragile", "signature", "oversize"])
    countries: list[str] | None = None
    tracking_prefix: str = "LC"
    express_services: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Band:
    max_weight_g: int
    price: Decimal
    currency: str
    transit_days: int


def load_table(path: Path) -> dict[tuple[str, str], list[Band]]:
    """Read and check the CSV: a bad row is a config error naming the line."""
    try:
        handle = path.open(newline="")
    except OSError as exc:
        raise ConfigError(f"rate table {path}: {exc.strerror}") from None
    table: dict[tuple[str, str], list[Band]] = {}
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(f"rate table {path}: missing column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                band = Band(int(row["max_weight_g"]), Decimal(row["price"]), row["currency"].strip().upper(),
                            int(row["transit_days"]))
            except (ValueError, InvalidOperation):
                raise ConfigError(f"rate table {path}, line {line}: bad number in {row}") from None
            table.setdefault((row["service"].strip(), row["zone"].strip()), []).append(band)
    for bands in table.values():
        bands.sort(key=lambda b: b.max_weight_g)
    return table


def zone_of(zones: dict[str, str], to: Address) -> str | None:
    country = to.country or ""
    postal = (to.postal_code or "").replace(" ", "")
    if to.region and f"{country}-{to.region}" in zones:
        return zones[f"{country}-{to.region}"]
    prefixes = sorted((k for k in zones if k.startswith(f"{country}:")), key=len, reverse=True)
    for k in prefixes:
        if postal.startswith(k.split(":", 1)[1]):
            return zones[k]
    return zones.get(country, zones.get("*"))


class TableCarrier(Carrier):
    name: ClassVar[str] = "table"
    Settings = TableSettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = Path(self.s.rates)
        self.table = load_table(path if path.is_absolute() else self.base_dir / path)
        supports = frozenset(self.s.supports)
        countries = frozenset(self.s.countries) if self.s.countries else None
        self.services = tuple(  # type: ignore[misc]
            Service(code, code, max_weight_g=self.s.max_weight_g, max_length_mm=self.s.max_length_mm,
                    countries=countries, supports=supports, express=code in self.s.express_services,
                    transit_days=min(b.transit_days for (svc, _), bands in self.table.items() if svc == code
                                     for b in bands))
            for code in sorted({svc for svc, _ in self.table}))

    @property
    def s(self) -> TableSettings:
        return self.settings  # type: ignore[return-value]

    async def quote(self, req: ShipmentRequest, services: list[Service]) -> list[Rate]:
        zone = zone_of(self.s.zones, req.ship_to)
        out = []
        for svc in services:
            price = Decimal(0)
            currency, days = None, 0
            for parcel in req.parcels:
                band = next((b for b in self.table.get((svc.code, zone or ""), []) if parcel.weight_g <= b.max_weight_g),
                            None)
                if band is None:
                    break
                price += band.price
                currency, days = band.currency, max(days, band.transit_days)
            else:
                if currency:
                    out.append(Rate(carrier=self.key, service=svc.code, service_name=svc.name, price=price,
                                    currency=currency, transit_days=days))
        return out

    async def create_shipment(self, req: ShipmentRequest, rate: Rate, *, key: str) -> Label:
        number = self.s.tracking_prefix + hashlib.sha256(key.encode()).hexdigest()[:12].upper()
        return Label(tracking_number=number, label_ref=f"{self.key}:{number}", price=rate.price, currency=rate.currency)
