"""Percentiles from counts the database grouped, and time differences in SQL.

SQLite has no ``percentile_cont``, and neither database can keep a percentile up to date as a
sum. Both can ``GROUP BY`` a value rounded to three significant digits (:func:`bucket_sql`: 1.23
ms, 14.6 s, 2,590 s, 173,000 s) and count, and such counts add up across days and stores; the
percentile is read off the (value, count) pairs (nearest rank: the smallest value with at least q
of the observations at or below it). It is the exact nearest-rank percentile of the values so
rounded: within half a unit of the third digit, 0.5 % at worst.
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


def bucket_sql(value: Any, integer: bool = False) -> Any:
    """``value`` rounded to three significant digits, in SQL (the same on both databases: rounding
    as numeric, by powers of ten picked with ``CASE``); ``integer`` for whole seconds."""
    size = sa.func.abs(value)
    exact = sa.cast(value, sa.Numeric)
    whens = []
    for power in range(-3, 10):  # values below 1e-3 keep three decimals; 1e12 s is 30,000 years
        limit = 10.0 ** (power + 3)
        if power < 0:
            rounded_value: Any = sa.func.round(exact, sa.literal_column(str(-power)))
        else:
            unit = sa.literal_column(str(10 ** power))
            rounded_value = sa.func.round(exact / unit) * unit
        whens.append((size < limit, rounded_value))
    out = sa.case(*whens, else_=sa.func.round(exact))
    return sa.cast(out, sa.BigInteger) if integer else sa.cast(out, sa.Float)


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
