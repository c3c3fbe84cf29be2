"""Worker heartbeats: who is alive, who went silent, and who took over its work."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from orderhub.db.common import utcnow
from orderhub.db.schema import workers


async def heartbeat(conn: Any, executor_id: str, *, starting: bool = False) -> None:
    now = utcnow()
    values: dict[str, Any] = {"heartbeat_at": now, "stopped_at": None, "recovered_by": None, "recovered_at": None,
                              "host": socket.gethostname(), "pid": os.getpid()}
    if starting:
        values["started_at"] = now
    res = await conn.execute(workers.update().where(workers.c.executor_id == executor_id).values(**values))
    if res.rowcount == 0:
        await conn.execute(workers.insert().values(executor_id=executor_id, **{"started_at": now, **values}))


async def stopped(conn: Any, executor_id: str) -> None:
    await conn.execute(workers.update().where(workers.c.executor_id == executor_id).values(stopped_at=utcnow()))


async def claim_silent(conn: Any, me: str, dead_after: float) -> list[str]:
    """Workers silent for ``dead_after`` seconds (and not stopped cleanly), claimed by ``me`` so that
    exactly one survivor recovers each."""
    cutoff = utcnow() - timedelta(seconds=dead_after)
    silent = (await conn.execute(sa.select(workers.c.executor_id).where(
        workers.c.executor_id != me, workers.c.heartbeat_at < cutoff, workers.c.stopped_at.is_(None),
        workers.c.recovered_by.is_(None)))).scalars().all()
    claimed = []
    for wid in silent:
        res = await conn.execute(workers.update().where(workers.c.executor_id == wid,
                                                        workers.c.recovered_by.is_(None))
                                 .values(recovered_by=me, recovered_at=utcnow()))
        if res.rowcount == 1:
            claimed.append(wid)
    return claimed

