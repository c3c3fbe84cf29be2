"""Reports any plugin can make: what a report is (named tables of rows, the parameters it was asked
with, a chart) and the periods it is cut into. The ``reports`` plugin renders them as a table,
JSON, CSV, charts and an HTML page, serves them at ``/api/v1/reports/{name}`` and puts them in
the daily report; a plugin adds its own with the ``register_reports`` hook.

A report's first table is its main one (``rows`` in JSON, what ``--csv`` writes); the others are
sections. Money is a decimal string with its currency beside it, never summed across currencies.

Periods are days, ISO weeks (Monday first) or months in a time zone, as UTC instants. SQLite has
no time-zone database, so their bounds are computed here with ``zoneinfo`` (daylight-saving days
are 23 or 25 hours long), not in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

@dataclass(frozen=True)
class Params:
    """What a report is asked for; the dates are local days in ``tz``, both inclusive."""

    first: date
    last: date
    by: str = "day"
    tz: str = "UTC"
    store: str | None = None
    channel: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "by": self.by, "tz": self.tz,
                "store": self.store, "channel": self.channel}

    def window(self) -> tuple[datetime, datetime]:
        """The UTC instants the report covers: ``[start, end)``."""
        return window(self.first, self.last, zone(self.tz))

    def periods(self) -> list[Period]:
        """The periods (``by``) that hold its days."""
        return periods(self.first, self.last, self.by, zone(self.tz))


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Chart:
    """One chart: ``kind`` "lines" (a time series: x is the period) or "bars"; ``y`` read from
    ``table``'s rows — one series per ``series`` value (a currency), or per column when ``y`` names
    several."""

    kind: str
    table: str
    x: str
    y: str | tuple[str, ...]
    title: str
    y_label: str
    series: str | None = None


@dataclass
class Report:
    name: str
    title: str
    params: Params
    tables: list[Table]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"report": self.name, "params": self.params.as_dict(), "rows": self.tables[0].rows}
        for t in self.tables[1:]:
            out[t.name] = t.rows
        if self.notes:
            out["notes"] = self.notes
        return out


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
