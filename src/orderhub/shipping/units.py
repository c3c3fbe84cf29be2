"""Units the carrier APIs ask for: weights in kg or lb, sides in cm or inches, street lines."""

from __future__ import annotations

from decimal import Decimal

from orderhub.models import Address


def kg(grams: int) -> str:
    return f"{max(grams, 1) / 1000:.3f}".rstrip("0").rstrip(".")


def lb(grams: int) -> Decimal:
    return (Decimal(max(grams, 1)) / Decimal("453.59237")).quantize(Decimal("0.01"))


def cm(mm: int | None) -> int:
    """Whole centimetres, at least 1 (an unknown side counts as 1 cm)."""
    return max(1, round((mm or 10) / 10))


def inches(mm: int | None) -> Decimal:
    return (Decimal(mm or 10) / Decimal("25.4")).quantize(Decimal("0.1"))


def street(address: Address) -> list[str]:
    return [line for line in address.lines if line] or ["-"]
