"""What the risk plugin shows at the end of ``orderhub demo``: the orders scored, held for review
or as high risk, the signals that fired most, and where to look next."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .tables import scores


async def demo_lines(hub: Any, folder: Path) -> list[str]:
    async with hub.engine.connect() as conn:
        rows = (await conn.execute(sa.select(scores.c.level, scores.c.signals))).all()
    if not rows:
        return []
    levels = Counter(r.level for r in rows)
    fired = Counter(s["name"] for r in rows if r.level != "ok" for s in r.signals or [])
    cfg = folder / "orderhub.toml"
    return [f"risk: {len(rows)} orders scored, {levels['review']} held for review, {levels['high']} as high risk; "
            f"most: {', '.join(f'{n} {c}' for n, c in fired.most_common(3)) or '-'} — "
            f"orderhub review list --reason risk_high -c {cfg}, orderhub report risk -c {cfg}"]
