"""Percentiles from counts the database grouped, and time differences in SQL.

SQLite has no ``percentile_cont``. Both databases can ``GROUP BY`` a value rounded to a
resolution and count; the percentile is then read off the few thousand (value, count) pairs
(nearest rank: the smallest value with at least q of the observations at or below it). It is
exact to the resolution: 0.1 ms for step times, one second for times between states.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import sqlalchemy as sa


def percentiles(pairs: Iterable[tuple[float, int]], qs: Iterable[float]) -> list[float | None]:
    """Nearest-rank percentiles (``qs`` in 0..1) of the observations given as (value, count)."""
    ordered = sorted((v, c) for v, c in pairs if v is not None and c)
    total = sum(c for _, c in ordered)
    out: list[float | None] = []
    for q in qs:
        if not total:
            out.append(None)
            continue
        rank, seen = max(1, math.ceil(q * total)), 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                out.append(value)
                break
    return out


def seconds_between(dialect: str, start: Any, end: Any) -> Any:
    """``end − start`` in seconds, in SQL (SQLite keeps times as text: Julian days apart × 86,400)."""
    if dialect == "sqlite":
        return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0
    return sa.extract("epoch", end - start)


def rounded(value: Any, digits: int = 0) -> Any:
    """``value`` rounded to ``digits`` places in SQL (PostgreSQL rounds to places only as numeric)."""
    if digits:
        return sa.func.round(sa.cast(value, sa.Numeric), sa.literal_column(str(int(digits))))
    return sa.cast(sa.func.round(value), sa.BigInteger)


def share(part: int, whole: int) -> str:
    """``part ÷ whole`` as a decimal string of four places, half-even ("" when whole is 0)."""
    return str((Decimal(part) / whole).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)) if whole else ""


def duration_text(seconds: float | None) -> str:
    """4h 05m, 2d 03h, 42s: for people; the JSON keeps the seconds too."""
    if seconds is None:
        return ""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600:02d}h"
