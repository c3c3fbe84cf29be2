"""Per-store operational state: paused or not (and why), the last sync's outcome."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from orderhub.db.common import as_utc, utcnow
from orderhub.db.schema import cursors, store_state


async def set_state(conn: Any, store: str, **values: Any) -> None:
    values["updated_at"] = utcnow()
    res = await conn.execute(store_state.update().where(store_state.c.store == store).values(**values))
    if res.rowcount == 0:
        await conn.execute(store_state.insert().values(store=store, **{"paused": False, **values}))


async def paused_stores(conn: Any) -> set[str]:
    rows = await conn.execute(sa.select(store_state.c.store).where(store_state.c.paused.is_(True)))
    return set(rows.scalars())


async def states(conn: Any) -> dict[str, dict[str, Any]]:
    out = {r["store"]: {**dict(r), "last_sync_at": as_utc(r["last_sync_at"])}
           for r in (await conn.execute(sa.select(store_state))).mappings()}
    for r in (await conn.execute(sa.select(cursors.c.store, cursors.c.stream, cursors.c.updated_at))).mappings():
        out.setdefault(r["store"], {"store": r["store"]})[f"cursor_{r['stream']}_at"] = as_utc(r["updated_at"])
    return out
