"""Returns and refunds as feedback: the returns a channel reports on an order (``Order.returns``:
Shopify's ``Order.returns`` with each line's ``returnReason`` and the customer's note) become items
of kind ``return``, once per return line (the store and ``return-<id>-<line>`` identify it), and
its refunds that carry a note (``Order.refunds``) items of kind ``complaint`` (``refund-<id>``);
read from the orders changed since the last pass (``orders.modified_at``, indexed).

A reason that says what went wrong is kept as the category (DEFECTIVE and NOT_AS_DESCRIBED:
``quality``; WRONG_ITEM: ``wrong_item``); one that does not (a size, a colour, UNWANTED) leaves it
to the classifier, on the note, or ``other`` without one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa

from orderhub.extend import as_utc, core_tables

from .importer import Result, import_rows
from .store import cursor, save_cursor

CURSOR = "orders:returns"  # its row in feedback_cursors, beside the stores'
OVERLAP = timedelta(minutes=10)  # a writer that stamped modified_at earlier and committed late
REASONS = {"defective": "quality", "not_as_described": "quality", "wrong_item": "wrong_item"}


def rows_of(order_id: str, store: str, channel: str, returns: list[dict[str, Any]], at: datetime,
            refunds: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    out = []
    for r in refunds or []:  # a refund says something only through its note
        if r.get("note"):
            out.append({"id": f"refund-{r.get('external_id')}", "order_ref": order_id, "store": store,
                        "channel": channel, "kind": "complaint", "text": r["note"],
                        "created_at": r.get("created_at") or at.isoformat()})
    for r in returns or []:
        for k, line in enumerate(r.get("lines") or []):
            reason = (line.get("reason") or "").lower() or None
            text = line.get("note") or (reason.replace("_", " ") if reason and reason not in ("other", "unknown")
                                        else None)
            out.append({"id": f"return-{r.get('external_id')}-{k}", "order_ref": order_id, "store": store,
                        "channel": channel, "kind": "return", "text": text,
                        "category": REASONS.get(reason or "") or (None if text else "other"),
                        "sku": [line["sku"]] if line.get("sku") else [], "created_at": at.isoformat()})
    return out


async def import_returns(hub: Any) -> Result:
    o = core_tables.orders
    async with hub.engine.connect() as conn:
        seen, _ = await cursor(conn, CURSOR)
        since = datetime.fromisoformat(seen) - OVERLAP if seen else datetime(1970, 1, 1, tzinfo=UTC)
        changed = (await conn.execute(sa.select(o.c.id, o.c.store, o.c.channel, o.c.modified_at, o.c.data["returns"],
                                                o.c.data["refunds"])
                                      .where(o.c.modified_at >= since).order_by(o.c.modified_at))).all()
    rows, newest = [], None
    for oid, store, channel, modified, returns, refunds in changed:
        modified = as_utc(modified)
        newest = modified if newest is None or modified > newest else newest
        returns, refunds = (orjson.loads(x) if isinstance(x, str | bytes) else x for x in (returns, refunds))
        if returns or refunds:
            rows += rows_of(oid, store, channel, returns or [], modified, refunds or [])
    result = Result()
    for store in sorted({r["store"] for r in rows}):
        result.add(await import_rows(hub, [r for r in rows if r["store"] == store], source=store))
    if newest is not None:
        await save_cursor(hub, CURSOR, newest.isoformat())
    return result
