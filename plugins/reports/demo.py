"""What the reports plugin shows at the end of ``orderhub demo``: a short sales and process summary,
and every report in one page, ``report.html`` beside the demo's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from . import facts
from .model import Params
from .page import page
from .service import make, names
from .tables import order_facts


async def demo_lines(hub: Any, folder: Path) -> list[str]:
    async with hub.engine.begin() as conn:
        await facts.refresh(conn)
    async with hub.engine.connect() as conn:
        first = (await conn.execute(sa.select(sa.func.min(order_facts.c.created_at)))).scalar()
    today = datetime.now(UTC).date()
    start = _day(first) if first is not None else today - timedelta(days=29)
    params = Params(start, today, "week", "UTC")
    reports = [await make(hub, name, params) for name in names()]
    path = folder / "report.html"
    path.write_text(page(reports, "orderhub demo reports"), encoding="utf-8")
    sales, process = reports[0], reports[1]
    totals: dict[str, list[Any]] = {}
    for r in sales.table("rows").rows:
        t = totals.setdefault(r["currency"], [0, 0, _zero(r["net"])])
        t[0] += r["orders"]
        t[1] += r["units"]
        t[2] += _decimal(r["net"])
    out = ["sales, " + f"{start} to {today}: " + "; ".join(
        f"{cur} {n} orders, {u} units, net {net}" for cur, (n, u, net) in sorted(totals.items()))]
    fp = process.table("first_pass").rows[0]
    stages = {(s["from"], s["to"]): s for s in process.table("stages").rows}
    validated = stages.get(("received", "validated"), {})
    backlog = sum(r["total"] for r in process.table("backlog").rows)
    out.append(f"process: first-pass yield {fp['yield'] or '—'} ({fp['first_pass']} of {fp['processed']} orders), "
               f"received → validated median {validated.get('median') or '—'}, {backlog} orders open now")
    steps = ", ".join(f"{r['step']} p95 {r['p95_ms']} ms" for r in process.table("steps").rows)
    if steps:
        out.append(f"chain steps: {steps}")
    out.append(f"every report ({', '.join(names())}) with its chart: {path}")
    return out


def _day(value: Any) -> Any:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date()


def _decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


def _zero(text: str) -> Any:
    return _decimal(text) * 0
