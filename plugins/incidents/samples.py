"""What the detectors need that no core table keeps, recorded as samples: a store's requests
and 429 answers (read from its HTTP adapter at the end of each of its syncs, in the worker that
made them) and refused webhook deliveries (counted where they arrive, written at most every few
seconds per store so a flood of forgeries costs no flood of writes)."""

from __future__ import annotations

import time
from typing import Any


from orderhub.extend import StepData, get_logger

from .tables import samples

log = get_logger()
#: (store) -> the adapter's counters at the last sample, in this process.
_seen: dict[str, tuple[int, int]] = {}
#: refused webhooks counted and not written yet, per store, and when each store was last written
_refused: dict[str, int] = {}
_flushed: dict[str, float] = {}
FLUSH_EVERY = 5.0


async def sample_store(hub: Any, store: str) -> dict[str, int] | None:
    """A store task: the requests and 429s of the store's adapter since the last sample here."""
    try:
        stats = hub.connector(store).api().stats
    except Exception:  # noqa: BLE001 - a connector without HTTP (files) has nothing to sample
        return None
    requests, throttled = stats.requests, stats.throttled
    last_r, last_t = _seen.get(store, (0, 0))
    if requests < last_r:  # the adapter was rebuilt
        last_r, last_t = 0, 0
    _seen[store] = (requests, throttled)
    rows = [{"store": store, "kind": k, "value": v, "at": StepData.now()}
            for k, v in (("http_requests", requests - last_r), ("http_429", throttled - last_t)) if v > 0]
    rows += _take_refused(store, force=True)
    if rows:
        async with hub.engine.begin() as conn:
            await conn.execute(samples.insert(), rows)
    return {"requests": requests - last_r, "throttled": throttled - last_t}


def _take_refused(store: str, *, force: bool = False) -> list[dict[str, Any]]:
    n = _refused.get(store, 0)
    if not n or (not force and time.monotonic() - _flushed.get(store, 0.0) < FLUSH_EVERY):
        return []
    _refused[store] = 0
    _flushed[store] = time.monotonic()
    return [{"store": store, "kind": "webhook_refused", "value": n, "at": StepData.now()}]


async def webhook_refused(hub: Any, store: str) -> None:
    """Count a refused delivery; write the count when the last write is a few seconds old."""
    _refused[store] = _refused.get(store, 0) + 1
    rows = _take_refused(store)
    if rows:
        async with hub.engine.begin() as conn:
            await conn.execute(samples.insert(), rows)


async def flush(hub: Any) -> None:
    """Write every count still held (before the detectors look)."""
    rows = [r for store in list(_refused) for r in _take_refused(store, force=True)]
    if rows:
        async with hub.engine.begin() as conn:
            await conn.execute(samples.insert(), rows)


async def prune(hub: Any, *, older_than: Any) -> None:
    async with hub.engine.begin() as conn:
        await conn.execute(samples.delete().where(samples.c.at < older_than))
