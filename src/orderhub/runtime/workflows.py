"""The durable workflows on DBOS Transact: a store's sync, its chain backlog, its pushes, a plugin's job.
Each step commits on its own; :class:`orderhub.runtime.process.Runtime` starts DBOS and enqueues them.

A store's sync is one workflow on a queue partitioned by store (one worker works a store at a
time). Each step advances the store by one unit of work and commits it in its own transaction(s):
a batch of the chain for orders left pending, a page of intake with its cursor and then the chain
for that page's new orders, the delivery of due pushes. Every step is idempotent — re-running one
after a crash simply does the next unit — so a killed process resumes where it stopped and loses
nothing.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import random
import time
from datetime import datetime
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from dbos import DBOS

from orderhub.chain.runner import ChainResult, Pending, read_pending, run_chain, run_chain_batch
from orderhub.db.common import is_write_conflict, utcnow
from orderhub.db import stores as stores_db
from orderhub.outbox.delivery import deliver_due
from orderhub.errors import ConfigError, TransientError
from orderhub.intake.ingest import ORDERS_STREAM, ingest_page
from orderhub.shipping.logistics import sync_tracking
from orderhub.db.orders import get_cursor
from orderhub.logging import get_logger

if TYPE_CHECKING:
    from orderhub.runtime.process import Runtime

log = get_logger()
STORE_QUEUE = "orderhub_store_io"
#: A chain batch that loses a deadlock or serialization race is rolled back and run again this often.
CONFLICT_ATTEMPTS = 5
SYNC_WORKFLOW = "orderhub.sync_store"
#: How often a waiting caller reads a queued workflow's status. DBOS's default (1 s) added half a
#: second on average to every ``sync --once``; the read is one primary-key lookup.
RESULT_POLL_SEC = 0.1
_runtime: Runtime | None = None


def attach(runtime: Runtime) -> None:
    """Make ``runtime`` the one the workflow steps use (one per process)."""
    global _runtime
    _runtime = runtime


def detach() -> None:
    global _runtime
    _runtime = None


def attached() -> Runtime | None:
    return _runtime


def _rt() -> Runtime:
    if _runtime is None:
        raise RuntimeError("orderhub runtime not started")
    return _runtime


# -- steps: each one unit of work in its own transaction ------------------------------------


@DBOS.step(name="orderhub.ingest_next_page")
async def ingest_next_page(store: str) -> dict[str, Any]:
    """Pull and store the next page with its cursor; then run the chain for the page's new and
    changed orders as they are in memory (not read back and parsed again). The page commits
    first: a crash before its chain leaves those orders pending for the next sync's backlog."""
    hub = _rt().hub
    connector = hub.connector(store)
    async with hub.engine.connect() as conn:
        cursor = await get_cursor(conn, store, ORDERS_STREAM)
    page = await _rt().read_ahead.fetch(connector, cursor)
    try:
        async with hub.engine.begin() as conn:
            result = await ingest_page(conn, connector, page)
    except BaseException:
        _rt().read_ahead.drop(store)
        raise
    del page  # the page's payloads are stored: let them go before the chain runs
    await hub.notify(result.notices)
    m = hub.metrics
    m.ingested.labels(store, "inserted").inc(result.inserted)
    m.ingested.labels(store, "updated").inc(result.updated)
    m.quarantined.labels(store).inc(result.quarantined)
    log.info("page_ingested", store=store, **result.summary())
    chain = ChainResult()
    size = hub.config.runtime.batch_size
    for i in range(0, len(result.to_chain), size):
        batch = [Pending(o) for o in result.to_chain[i:i + size]]

        async def run(conn: Any, attempt: int, batch: list[Pending] = batch) -> ChainResult:
            if attempt > 1:  # the failed attempt may have moved the orders in memory: take them as stored
                batch = await read_pending(conn, store, ids=[p.order.id for p in batch])
            return await run_chain(conn, hub, store, batch)

        chain.merge(await _chain_transaction(store, run))
    if result.inserted or result.updated or result.quarantined:  # a poll that re-read what it had leaves little
        _collect_now_and_then()
    return {**result.summary(), "chain": chain.summary()}


@DBOS.step(name="orderhub.chain_next_batch")
async def chain_next_batch(store: str, after: str) -> dict[str, Any]:
    """The next batch of pending orders (ids above ``after``) through the chain."""
    last = after

    async def run(conn: Any, attempt: int) -> ChainResult:
        nonlocal last
        result, last = await run_chain_batch(conn, _rt().hub, store, limit=_rt().hub.config.runtime.batch_size,
                                             after=after)
        return result

    result = await _chain_transaction(store, run)
    if result.processed:
        _collect_now_and_then()
    return {**result.summary(), "last": last}


async def _chain_transaction(store: str, run: Callable[[Any, int], Awaitable[ChainResult]]) -> ChainResult:
    """A chain batch in its own transaction. One that loses a deadlock or serialization race with
    another store's batch is rolled back and run again (``run`` is told the attempt)."""
    hub = _rt().hub
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            async with hub.engine.begin() as conn:
                result = await run(conn, attempt)
            break
        except Exception as exc:
            if not is_write_conflict(exc) or attempt == CONFLICT_ATTEMPTS:
                raise
            hub.metrics.db_conflicts.labels(store).inc()
            log.warning("chain_batch_conflict", store=store, attempt=attempt, error=str(exc.__cause__ or exc)[:200])
            await asyncio.sleep(random.uniform(0.05, 0.2) * attempt)
    await hub.notify(result.notices)
    hub.metrics.observe_chain(store, result.summary(), result.durations)
    hub.metrics.observe_notices(result.notices)
    return result


@DBOS.step(name="orderhub.deliver_pushes")
async def deliver_pushes(store: str) -> dict[str, Any]:
    return (await deliver_due(_rt().hub, store)).summary()


@DBOS.step(name="orderhub.sync_tracking")
async def track_shipments(store: str) -> dict[str, Any]:
    """Poll tracking of the store's open shipments; each shipment's update commits on its own."""
    hub = _rt().hub
    if not hub.config.carriers:
        return {}
    result = (await sync_tracking(hub, store)).summary()
    if result["checked"] or result["delayed"]:
        log.info("tracking_synced", store=store, **result)
    return result


@DBOS.step(name="orderhub.store_tasks")
async def store_tasks(store: str) -> dict[str, Any]:
    """The plugins' per-store tasks (``register_store_tasks``), one after the other; one that
    fails is logged with the store and the others still run."""
    hub = _rt().hub
    done: dict[str, Any] = {}
    for name, task in hub.plugins.store_tasks().items():
        try:
            result = await task(hub, store)
        except TransientError as exc:
            log.warning("store_task_failed", store=store, task=name, error=f"{exc.code}: {exc.message}")
            continue
        except Exception:
            log.exception("store_task_failed", store=store, task=name)
            continue
        if result:
            done[name] = result
            log.info("store_task_done", store=store, task=name, **{k: v for k, v in result.items()
                                                                   if isinstance(v, int | float | str)})
    return done


# -- the workflow ---------------------------------------------------------------------------


def _add(totals: dict[str, Any], part: dict[str, Any]) -> None:
    for k, v in part.items():
        if isinstance(v, int) and not isinstance(v, bool):
            totals[k] = totals.get(k, 0) + v


@DBOS.workflow(name=SYNC_WORKFLOW)
async def sync_store_workflow(store: str) -> dict[str, Any]:
    """Run the chain for orders left pending before this sync; pull every changed order of
    ``store``, each page's new orders through the chain as the page is stored; deliver its pushes.

    The backlog goes first so that each order runs the chain at most once per sync: an order a
    page's chain leaves pending (a step asked to retry later) waits for the next sync."""
    totals: dict[str, Any] = {"store": store, "pages": 0}
    chain: dict[str, Any] = {}
    totals["started_at"] = await mark_working(store)
    result = "complete"
    error: str | None = None
    try:
        try:
            _add(chain, await _chain_backlog(store))
            while True:
                part = await ingest_next_page(store)
                totals["pages"] += 1
                _add(chain, part.pop("chain"))
                _add(totals, part)
                if not part["has_more"]:
                    break
        except TransientError as exc:  # what was stored stays; its pushes still go out
            result, error = "partial", f"{exc.code}: {exc.message}"
            log.warning("sync_partial", store=store, error=error)
        delivered = await _pushes_and_tracking(store, chain)
        tasks = await store_tasks(store)
    except ConfigError as exc:  # settings, a secret, a folder: nothing more can succeed until fixed
        return {**totals, "chain": chain, **await _pause(store, exc)}
    await set_store_state(store, result=result, error=error)
    out = {**totals, "chain": chain, "pushes": delivered, "result": result, "error": error}
    return {**out, "tasks": tasks} if tasks else out


async def _chain_backlog(store: str) -> dict[str, Any]:
    """Every pending order of ``store`` through its chain, batch by batch."""
    chain: dict[str, Any] = {}
    after = ""
    while True:
        part = await chain_next_batch(store, after)
        _add(chain, part)
        after = part["last"]
        if part["processed"] == 0:
            return chain


async def _pushes_and_tracking(store: str, chain: dict[str, Any]) -> dict[str, Any]:
    """The store's due pushes; then tracking of its open shipments (into ``chain``), and the
    pushes that caused."""
    delivered = await deliver_pushes(store)
    tracking = await track_shipments(store)
    if tracking.get("changed") or tracking.get("delayed"):
        _add(delivered, await deliver_pushes(store))
    if tracking:
        chain["tracking"] = tracking
    return delivered


PROCESS_WORKFLOW = "orderhub.process_store"


@DBOS.workflow(name=PROCESS_WORKFLOW)
async def process_store_workflow(store: str) -> dict[str, Any]:
    """Run the chain for pending orders and deliver due pushes, without pulling (after a webhook,
    a review decision, or to retry pushes)."""
    chain: dict[str, Any] = {}
    try:
        _add(chain, await _chain_backlog(store))
        delivered = await _pushes_and_tracking(store, chain)
    except ConfigError as exc:
        return {"store": store, "chain": chain, **await _pause(store, exc)}
    return {"store": store, "chain": chain, "pushes": delivered, "result": "complete"}


async def _pause(store: str, exc: ConfigError) -> dict[str, Any]:
    """Stop syncing ``store`` until an operator resumes it; what is queued stays queued."""
    await set_store_state(store, result="paused", error=str(exc), paused=True)
    log.error("store_paused", store=store, error=str(exc))
    return {"result": "paused", "error": str(exc)}


PLUGIN_JOB_WORKFLOW = "orderhub.plugin_job"


@DBOS.workflow(name=PLUGIN_JOB_WORKFLOW)
async def plugin_job_workflow(scheduled_at: datetime, name: str) -> None:
    """One tick of a plugin's scheduled job (``register_schedules``); DBOS starts it once per tick
    across the workers, by the tick's time."""
    await run_plugin_job(name, scheduled_at)


@DBOS.step(name="orderhub.run_plugin_job")
async def run_plugin_job(name: str, scheduled_at: datetime) -> None:
    hub = _rt().hub
    entry = hub.plugins.schedules().get(name)
    if entry is None:  # the plugin was uninstalled or disabled since the schedule was made
        log.warning("plugin_job_missing", job=name)
        return
    t0 = time.perf_counter()
    await entry[1](hub, scheduled_at)
    log.info("plugin_job_done", job=name, scheduled_at=scheduled_at.isoformat(),
             seconds=round(time.perf_counter() - t0, 3))


@DBOS.step(name="orderhub.mark_working")
async def mark_working(store: str) -> float:
    """Say which worker works ``store``; the time it started (epoch seconds), kept as the step's
    output so a resumed sync reports when it first started."""
    async with _rt().hub.engine.begin() as conn:
        await stores_db.set_state(conn, store, worker=_rt().hub.config.runtime.executor_id, working_since=utcnow())
    return time.time()


@DBOS.step(name="orderhub.set_store_state")
async def set_store_state(store: str, *, result: str, error: str | None, paused: bool | None = None) -> None:
    values: dict[str, Any] = {"last_sync_at": utcnow(), "last_result": result, "last_error": error, "worker": None,
                              "working_since": None}
    if paused is not None:
        values.update(paused=paused, paused_reason=error if paused else None)
    async with _rt().hub.engine.begin() as conn:
        await stores_db.set_state(conn, store, **values)


# -- the runtime ----------------------------------------------------------------------------


#: Units of work (pages, chain batches that held orders; an empty one leaves next to nothing) between two
#: full collections, and the least time between two.
COLLECT_EVERY = 25
COLLECT_AT_MOST_EVERY_SEC = 1.0
_units_of_work = itertools.count(1)
_last_collection = 0.0


def _collect_now_and_then() -> None:
    """A full collection every ``COLLECT_EVERY`` units of work, at most once a second.

    With the thresholds above the oldest generation is rarely collected, and the few reference
    cycles a unit leaves (SQLAlchemy statement contexts, tasks) would pile up there: memory grew
    with the number of pages. Each page used to end with a full collection, because httpx's
    response ↔ stream cycle held the whole parsed page until one ran (8 ms a page, a tenth of
    ingest); with that cycle broken (``http._unbind``) what is left is small, and one collection
    every few units keeps memory flat. A full collection walks every object made since start-up
    (about 14 ms with eight stores' clients and caches): with many small pages, every 25 of them
    was a twentieth of the worker's time, and what a second's units leave is still small.
    """
    global _last_collection
    if next(_units_of_work) % COLLECT_EVERY == 0 and time.monotonic() - _last_collection >= COLLECT_AT_MOST_EVERY_SEC:
        gc.collect()
        _last_collection = time.monotonic()
