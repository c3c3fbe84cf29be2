"""What every report is: named tables of rows, the parameters it was asked with, and a chart.

A report's first table is its main one (``rows`` in JSON, what ``--csv`` writes); the others are
sections (top SKUs, by channel, …). Money is a decimal string with its currency beside it, never
summed across currencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


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
