"""What the feedback plugin shows at the end of ``orderhub demo``: the sandbox shops' product
reviews pulled, classified and queued, with where to look next."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from . import store
from .pull import pull_all


async def demo_lines(hub: Any, folder: Path) -> list[str]:
    await pull_all(hub)  # what the daemon's minute job has not pulled yet
    async with hub.engine.connect() as conn:
        queue = await store.listing(conn, limit=10_000)
    if not queue:
        return []
    sources = ", ".join(sorted({q["source"] for q in queue}))
    levels = Counter(q["priority"] for q in queue)
    kinds = Counter(q["category"] for q in queue)
    top = queue[0]
    return [f"feedback: {len(queue)} items from {sources} classified and queued "
            f"({', '.join(f'{levels[p]} {p}' for p in ('urgent', 'high', 'normal', 'low') if levels[p])}); "
            f"most: {', '.join(f'{c} {n}' for c, n in kinds.most_common(3))}",
            f"first in the queue: #{top['id']} {top['priority']} {top['category']}: "
            f"\"{(top['text'] or '')[:60]}\" — orderhub feedback list, orderhub report feedback"]
