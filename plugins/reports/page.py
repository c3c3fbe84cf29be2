"""Reports as one self-contained HTML page: the tables and each chart as inline SVG, no scripts,
no links to fetch, so it can be mailed or opened offline."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from . import charts
from .model import Report

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}
h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}th,td{padding:.25em .6em;border-bottom:1px solid #eee}
th{text-align:left;background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.params{color:#666}svg{max-width:100%;height:auto}"""


def _cell(value: object) -> str:
    if value is None:
        return "<td></td>"
    text = str(value)
    numeric = text.replace(".", "", 1).replace("-", "", 1).isdigit()
    return f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def section(report: Report) -> str:
    p = report.params
    scope = ", ".join(f"{k} {v}" for k, v in (("store", p.store), ("channel", p.channel)) if v)
    out = [f"<h2>{escape(report.title)}</h2>",
           f'<p class="params">{escape(p.first.isoformat())} to {escape(p.last.isoformat())}, by {escape(p.by)}, '
           f"{escape(p.tz)}{escape(', ' + scope) if scope else ''}</p>"]
    chart = charts.svg(report)
    if chart:
        out.append(f"<figure>{chart}</figure>")
    for note in report.notes:
        out.append(f"<p>{escape(note)}</p>")
    for table in report.tables:
        out.append(f"<h3>{escape(table.title)}</h3>")
        if not table.rows:
            out.append("<p class='params'>nothing in this period</p>")
            continue
        out.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in table.columns) + "</tr>")
        out += ["<tr>" + "".join(_cell(r.get(c)) for c in table.columns) + "</tr>" for r in table.rows]
        out.append("</table>")
    return "\n".join(out)


def page(reports: list[Report], title: str = "orderhub reports") -> str:
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(section(r) for r in reports)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"
            f'<p class="params">made {made}</p>\n{body}\n</body></html>\n')
