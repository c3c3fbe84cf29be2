"""One chart per report, drawn by matplotlib on its Agg backend (no display, no browser): a time
series for ``lines`` charts (one line per series, e.g. per currency), bars for the rest. Text in
Chinese, Japanese or Korean renders when a font for it is installed (Noto CJK, WenQuanYi)."""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .model import Chart, Report

FORMATS = ("png", "svg")
SIZE = (8.0, 4.5)  # inches
DPI = 100  # a PNG of 800 × 450 pixels
#: Tried in order for each glyph (matplotlib's font fallback), where installed.
FONTS = ("DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR", "WenQuanYi Zen Hei",
         "WenQuanYi Micro Hei", "Droid Sans Fallback")


@cache
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = [f for f in FONTS if f in _installed(font_manager)] or ["sans-serif"]
    plt.rcParams["svg.fonttype"] = "none"  # text stays text in an SVG: searchable, small
    return plt


def _installed(font_manager: Any) -> set[str]:
    """The font families matplotlib knows. Its list is cached in the user's cache folder when it
    first runs, so a CJK font installed since is not on it: when none of ours is, the system's font
    folders are read again for new files (a few milliseconds), and those are added."""
    known = font_manager.fontManager.ttflist
    names = {f.name for f in known}
    if names & set(FONTS[1:]):
        return names
    seen = {f.fname for f in known}
    for path in font_manager.findSystemFonts():
        if path not in seen:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read
                continue
    return {f.name for f in font_manager.fontManager.ttflist}


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def figure(report: Report) -> Any:
    """The report's chart as a matplotlib figure (None when the report has no chart)."""
    spec = report.chart
    if spec is None:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI, layout="constrained")
    rows = report.table(spec.table).rows
    if spec.kind == "lines":
        _lines(ax, spec, rows)
        ax.set_ylabel(spec.y_label)
        ax.grid(True, axis="y", alpha=0.3)
    else:
        _bars(ax, spec, rows)
        ax.grid(True, axis="x", alpha=0.3)
    ax.set_title(spec.title)
    if not rows:
        ax.text(0.5, 0.5, "no data in this period", ha="center", va="center", transform=ax.transAxes, color="grey")
    return fig


def _lines(ax: Any, spec: Chart, rows: list[dict[str, Any]]) -> None:
    series: dict[str, list[tuple[date, float]]] = {}
    columns = spec.y if isinstance(spec.y, tuple) else (spec.y,)
    for r in rows:
        for column in columns:
            key = str(r.get(spec.series, "")) if spec.series else column
            series.setdefault(key, []).append((date.fromisoformat(str(r[spec.x])), _number(r[column])))
    for key in (sorted(series) if spec.series else columns):
        points = sorted(series.get(key, []))
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=key)
    if series and (len(series) > 1 or spec.series):
        ax.legend(title=spec.series)
    if all(p[1] >= 0 for points in series.values() for p in points):
        ax.set_ylim(bottom=0)
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))  # 11,155,176, not 1.1 ×1e7
    ax.figure.autofmt_xdate()


def _bars(ax: Any, spec: Chart, rows: list[dict[str, Any]]) -> None:
    labels = [str(r[spec.x]) if r.get(spec.x) is not None else "—" for r in rows]
    if spec.series:
        labels = [f"{lab} ({r.get(spec.series)})" for lab, r in zip(labels, rows)]
    column = spec.y if isinstance(spec.y, str) else spec.y[0]
    ax.barh(labels[::-1], [_number(r[column]) for r in rows][::-1])
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(spec.y_label)


def save(report: Report, path: Path) -> None:
    """Write the chart to ``path``, PNG or SVG by its suffix."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"--chart must end in .png or .svg, not {path.name!r}")
    fig = figure(report)
    if fig is None:
        raise ValueError(f"the {report.name} report has no chart")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt)
    _pyplot().close(fig)


def svg(report: Report) -> str:
    """The chart as an SVG document, to put inline in a page ("" without a chart)."""
    fig = figure(report)
    if fig is None:
        return ""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    _pyplot().close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]
