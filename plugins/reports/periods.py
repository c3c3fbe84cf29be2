"""Report periods: days, ISO weeks (Monday first) or months in a time zone, as UTC instants.

SQLite has no time-zone database, so periods are not computed in SQL: their bounds are, here, with
``zoneinfo`` (daylight-saving days are 23 or 25 hours long). Sums and counts are grouped in SQL by
slots of UTC time on which every period boundary falls (:class:`Fold`: a day for UTC days, an hour
for most zones, a quarter hour at worst) and folded into periods here: exact, and the database
groups once, without joining each fact to its period.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

BY = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    label: str  # the period's first local day, ISO: 2026-11-01 (a week: its Monday)
    start: datetime  # UTC
    end: datetime  # UTC, exclusive


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as UTC or Europe/Berlin)") from None


def first_day(day: date, by: str) -> date:
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    raise ValueError(f"--by must be one of {', '.join(BY)}, not {by!r}")


def _next(day: date, by: str) -> date:
    if by == "day":
        return day + timedelta(days=1)
    if by == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods(first: date, last: date, by: str, tz: ZoneInfo) -> list[Period]:
    """The periods that hold the local days ``first`` to ``last`` (inclusive)."""
    if last < first:
        raise ValueError(f"--to ({last}) is before --from ({first})")
    out, day = [], first_day(first, by)
    while day <= last:
        nxt = _next(day, by)
        out.append(Period(day.isoformat(), _utc(day, tz), _utc(nxt, tz)))
        day = nxt
    return out


def window(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of the local days ``first`` to ``last``, inclusive: ``[start, end)``."""
    return _utc(first, tz), _utc(last + timedelta(days=1), tz)


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


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
