"""Grouping sums by period in SQL: slots of UTC time on which every period boundary falls
(:class:`Fold`: a day for UTC days, an hour for most zones, a quarter hour at worst), folded into
periods here: exact, and the database groups once, without joining each fact to its period. The
periods themselves are the core's (``orderhub.extend``: report_periods, report_window, …).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any

import sqlalchemy as sa

from orderhub.extend import PERIODS_BY as BY, ReportPeriod as Period, report_periods as periods, \
    report_window as window, report_zone as zone

__all__ = ["BY", "SLOT", "Fold", "Period", "periods", "slot_sql", "window", "zone"]

#: The finest slot ever needed: UTC offsets are whole quarter hours (India +5:30, Nepal +5:45).
SLOT = 900


def slot_sql(column: Any, dialect: str, size: int = SLOT) -> Any:
    """The ``size``-second slot of UTC a time column falls in, as an integer, in SQL (constants
    inline, so the expression is the same in ``SELECT`` and ``GROUP BY`` on PostgreSQL)."""
    if dialect == "sqlite":
        return sa.cast(sa.func.strftime(sa.literal_column("'%s'"), column), sa.Integer) // sa.literal_column(str(size))
    return sa.cast(sa.func.floor(sa.extract("epoch", column) / sa.literal_column(str(size))), sa.BigInteger)


class Fold:
    """Which period a slot belongs to (None: outside them all). ``size`` is the longest slot every
    period boundary falls on — a day for days in UTC, an hour for Berlin, half an hour for India —
    so the database groups as few slots as it can."""

    def __init__(self, items: list[Period]) -> None:
        bounds = [int(p.start.timestamp()) for p in items] + ([int(items[-1].end.timestamp())] if items else [])
        self.size = math.gcd(*bounds, 86400) if bounds else SLOT
        self.labels = [p.label for p in items]
        self.starts = [b // self.size for b in bounds[:-1]]
        self.end = bounds[-1] // self.size if bounds else 0

    def sql(self, column: Any, dialect: str) -> Any:
        return slot_sql(column, dialect, self.size)

    def __call__(self, slot: int) -> str | None:
        i = bisect_right(self.starts, slot) - 1
        return self.labels[i] if i >= 0 and slot < self.end else None
