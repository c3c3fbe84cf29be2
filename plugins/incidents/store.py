"""Reading the register: listings, one incident, the gauges for ``/metrics``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .register import row_dict
from .tables import incidents

COLUMNS = ["id", "status", "kind", "subject", "title", "since", "opened_at", "resolved_at", "resolved_by", "impact"]


async def listing(conn: Any, *, status: str | None = "open", kind: str | None = None, limit: int = 100,
                  before_id: int | None = None) -> list[dict[str, Any]]:
    """Newest first; ``before_id`` pages on (keyset, not OFFSET)."""
    q = sa.select(incidents)
    if status:
        q = q.where(incidents.c.status == status)
    if kind:
        q = q.where(incidents.c.kind == kind)
    if before_id:
        q = q.where(incidents.c.id < before_id)
    return [row_dict(r) for r in (await conn.execute(q.order_by(incidents.c.id.desc()).limit(limit))).mappings()]


async def one(conn: Any, incident_id: int) -> dict[str, Any] | None:
    r = (await conn.execute(sa.select(incidents).where(incidents.c.id == incident_id))).mappings().first()
    return row_dict(r) if r else None


async def gauges(conn: Any) -> list[dict[str, Any]]:
    rows = await conn.execute(sa.select(incidents.c.kind, sa.func.count()).where(incidents.c.status == "open")
                              .group_by(incidents.c.kind))
    counts = dict(rows.all())
    kinds = sorted(set(counts) | set(KINDS))
    return [{"name": "orderhub_incidents_open", "help": "Open incidents by kind", "labels": {"kind": k},
             "value": float(counts.get(k, 0))} for k in kinds]


#: Every kind the detectors open, so a gauge reads 0 rather than vanishing.
KINDS = ("database_trouble", "store_paused", "carrier_paused", "carrier_failing", "quarantine_rate", "rate_limited", "webhooks_refused",
         "push_failures", "carrier_delays", "a_sku_out_of_stock")
