"""Report periods: days, ISO weeks (Monday first) or months in a time zone, as UTC instants.

SQLite has no time-zone database, so periods are not computed in SQL: their bounds are, here, with
``zoneinfo`` (daylight-saving days are 23 or 25 hours long), and the query joins each fact to the
period whose ``[start, end)`` holds its time — the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

BY = ("day", "week", "month")
TS = sa.DateTime(timezone=True)


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


def periods_cte(items: list[Period]) -> Any:
    """``periods(period, p_start, p_end)`` as a CTE of ``VALUES`` rows, to join facts to."""
    return sa.values(sa.column("period", sa.String), sa.column("p_start", TS), sa.column("p_end", TS),
                     name="periods").data([(p.label, p.start, p.end) for p in items]).cte("periods")


def in_period(column: Any, cte: Any) -> Any:
    return sa.and_(column >= cte.c.p_start, column < cte.c.p_end)
