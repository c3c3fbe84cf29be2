"""Reading the catalog and stock-count CSVs: every bad cell is an error naming its row and column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

CATALOG_REQUIRED = ("sku", "title", "weight_g", "length_mm", "width_mm", "height_mm", "fragile", "hazmat",
                    "reorder_point")
COUNT_REQUIRED = ("sku", "location", "on_hand")


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _reader(text: str, required: tuple[str, ...], name: str) -> tuple[csv.DictReader, list[str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    return reader, ([f"{name}: missing column(s) {', '.join(missing)}"] if missing else [])


def _int(row: dict[str, str], col: str, where: str, *, optional: bool = False, minimum: int = 0) -> int | None:
    raw = (row.get(col) or "").strip()
    if not raw:
        if optional:
            return None
        raise ValueError(f"{where}: {col}: is required")
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{where}: {col}: {raw!r} is not a whole number") from None
    if value < minimum:
        raise ValueError(f"{where}: {col}: {value} is below {minimum}")
    return value


def _flag(row: dict[str, str], col: str, where: str) -> bool:
    raw = (row.get(col) or "").strip().lower()
    if raw in ("", "0", "false", "no", "n"):
        return False
    if raw in ("1", "true", "yes", "y"):
        return True
    raise ValueError(f"{where}: {col}: {raw!r} is not true/false")


def _cost(row: dict[str, str], where: str) -> tuple[str | None, str | None]:
    """The optional ``unit_cost`` (a decimal ≥ 0) and its ``cost_currency`` (ISO 4217), both or neither."""
    from pydantic import TypeAdapter, ValidationError

    from orderhub.models import Currency

    raw, cur = (row.get("unit_cost") or "").strip(), (row.get("cost_currency") or "").strip()
    if not raw and not cur:
        return None, None
    if not raw or not cur:
        raise ValueError(f"{where}: {'unit_cost' if not raw else 'cost_currency'}: is required with "
                         f"{'cost_currency' if not raw else 'unit_cost'}")
    try:
        cost = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{where}: unit_cost: {raw!r} is not a decimal amount") from None
    if not cost.is_finite() or cost < 0:
        raise ValueError(f"{where}: unit_cost: {raw!r} is not an amount of 0 or more")
    try:
        return str(cost), TypeAdapter(Currency).validate_python(cur)
    except ValidationError:
        raise ValueError(f"{where}: cost_currency: {cur!r} is not an ISO 4217 currency") from None


def parse_catalog(text: str, name: str = "catalog.csv") -> Parsed:
    out = Parsed()
    reader, out.errors = _reader(text, CATALOG_REQUIRED, name)
    if out.errors:
        return out
    seen: set[str] = set()
    for row in reader:
        where = f"{name} row {reader.line_num}"
        try:
            sku = (row.get("sku") or "").strip()
            if not sku:
                raise ValueError(f"{where}: sku: is required")
            if sku in seen:
                raise ValueError(f"{where}: sku: {sku!r} appears twice")
            title = (row.get("title") or "").strip()
            if not title:
                raise ValueError(f"{where}: title: is required")
            out.rows.append({
                "sku": sku, "title": title,
                "weight_g": _int(row, "weight_g", where, optional=True),
                "length_mm": _int(row, "length_mm", where, optional=True),
                "width_mm": _int(row, "width_mm", where, optional=True),
                "height_mm": _int(row, "height_mm", where, optional=True),
                "fragile": _flag(row, "fragile", where), "hazmat": _flag(row, "hazmat", where),
                "reorder_point": _int(row, "reorder_point", where, optional=True),
                "low_stock_threshold": _int(row, "low_stock_threshold", where, optional=True),
                **dict(zip(("unit_cost", "cost_currency"), _cost(row, where))),
            })
            seen.add(sku)
        except ValueError as exc:
            out.errors.append(str(exc))
    return out


def parse_count(text: str, name: str = "count.csv") -> Parsed:
    out = Parsed()
    reader, out.errors = _reader(text, COUNT_REQUIRED, name)
    if out.errors:
        return out
    seen: set[tuple[str, str]] = set()
    for row in reader:
        where = f"{name} row {reader.line_num}"
        try:
            sku, location = (row.get("sku") or "").strip(), (row.get("location") or "").strip()
            if not sku or not location:
                raise ValueError(f"{where}: {'sku' if not sku else 'location'}: is required")
            if (sku, location) in seen:
                raise ValueError(f"{where}: {sku}@{location} is counted twice")
            seen.add((sku, location))
            out.rows.append({"sku": sku, "location": location, "on_hand": _int(row, "on_hand", where)})
        except ValueError as exc:
            out.errors.append(str(exc))
    return out
