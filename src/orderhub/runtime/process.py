"""The durable runtime of this process: DBOS launched on the system database, the partitioned store
queue, the plugins' schedules, and the syncs enqueued on it (the workflows are in
:mod:`orderhub.runtime.workflows`). Only ``orderhub.runtime`` imports ``dbos``."""

from __future__ import annotations

import asyncio
import gc
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbos import DBOS, ScheduleInput, SetEnqueueOptions, SetWorkflowID

from orderhub.db import stores as stores_db
from orderhub.db.engine import sync_url
from orderhub.db.pushes import release_claims
from orderhub.intake.ingest import pull_page
from orderhub.intake.prefetch import PagePrefetcher
from orderhub.logging import get_logger
from orderhub.runtime import workflows
from orderhub.runtime.results import ResultWaiter
from orderhub.runtime.workflows import (
    RESULT_POLL_SEC,
    STORE_QUEUE,
    SYNC_WORKFLOW,
    plugin_job_workflow,
    process_store_workflow,
    sync_store_workflow,
)

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()


def _write_ahead_log(url: str) -> None:
    """Put an SQLite system database in WAL mode (it stays so: the mode is kept in the file).

    DBOS checkpoints every step there. In SQLite's default rollback-journal mode each checkpoint
    costs several fsyncs and the sync sat idle waiting for them; in WAL mode a commit is one
    append and one fsync, and is just as durable.
    """
    if not url.startswith("sqlite:///"):
        return
    import sqlite3

    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as db:
        db.execute("PRAGMA journal_mode=WAL")


def _settle_garbage_collector() -> None:
    """Leave what start-up built (modules, plugins, DBOS, SQLAlchemy's caches) out of collections.

    A page of orders is tens of thousands of fresh dicts and lists; with CPython's default
    thresholds every few hundred of them start a collection, and the older generations walk every
    long-lived object again. Profiles of ingest put a quarter of the process's time there. Freezing
    the start-up heap and collecting the young generation less often takes that away.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50000, 20, 100)


class Runtime:
    """Starts DBOS for this process and runs store syncs through the partitioned queue."""

    def __init__(self, hub: Hub, *, schedules: bool = False) -> None:
        self.hub = hub
        #: Run the plugins' periodic jobs (the daemon does; a one-off ``sync --once`` does not).
        self.schedules = schedules
        self.queue: Any = None
        self.read_ahead = PagePrefetcher(pull_page)
        #: every queued workflow this process awaits, with one status read per interval
        self.results = ResultWaiter(RESULT_POLL_SEC)

    async def start(self) -> None:
        if workflows.attached() is not None:
            raise RuntimeError("one orderhub runtime per process")
        cfg = self.hub.config
        self.hub.migrate()
        async with self.hub.engine.begin() as conn:
            freed = await release_claims(conn, cfg.runtime.executor_id)
        if freed:
            log.info("push_claims_released", worker=cfg.runtime.executor_id, pushes=freed)
        workflows.attach(self)
        _write_ahead_log(sync_url(cfg.system_database_url()))
        self._launch_dbos()
        first_start = await DBOS.retrieve_queue_async(STORE_QUEUE) is None
        self.queue = await self._register_queue()
        if first_start:
            # DBOS starts a queue's worker thread for the queues it finds at launch, and looks for
            # new ones only once a second: on a new system database the first sync would wait
            # that second. Launching again (about 50 ms) puts the queue's thread to work at once.
            DBOS.destroy(workflow_completion_timeout_sec=0)
            self._launch_dbos()
            self.queue = await self._register_queue()
        if self.schedules:
            await self._apply_schedules()
        _settle_garbage_collector()

    async def _apply_schedules(self) -> None:
        """The plugins' periodic jobs as DBOS schedules (created or replaced; one per job name)."""
        jobs = self.hub.plugins.schedules()
        if jobs:
            await DBOS.apply_schedules_async([
                ScheduleInput(schedule_name=f"orderhub:{name}", workflow_fn=plugin_job_workflow, schedule=cron,
                              context=name) for name, (cron, _) in sorted(jobs.items())])

    def _launch_dbos(self) -> None:
        cfg = self.hub.config
        DBOS(config={
            "name": "orderhub",
            "system_database_url": sync_url(cfg.system_database_url()),
            "executor_id": cfg.runtime.executor_id,
            "application_version": cfg.runtime.application_version,
            "log_level": "WARNING",
            # On SQLite DBOS polls for notifications; its 1 s default sleep also delayed every exit
            # by up to a second (the thread is joined at shutdown). A read of an indexed table
            # ten times a second costs nothing measurable.
            "notification_listener_polling_interval_sec": 0.1,
        })
        DBOS.launch()

    async def _register_queue(self) -> Any:
        """The store queue: one sync per store at a time across all workers, and at most
        ``max_concurrent_stores`` on this one."""
        return await DBOS.register_queue_async(
            STORE_QUEUE, partition_concurrency=1, worker_concurrency=self.hub.config.runtime.max_concurrent_stores,
            polling_interval_sec=0.1)

    async def stop(self) -> None:
        self.read_ahead.drop()
        self.results.stop()
        DBOS.destroy(workflow_completion_timeout_sec=0)
        workflows.detach()
        await self.hub.aclose()

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def paused_stores(self) -> set[str]:
        async with self.hub.engine.connect() as conn:
            return await stores_db.paused_stores(conn)

    async def enqueue_sync(self, store: str, *, slot: int | None = None) -> Any:
        """Queue a sync. With a ``slot`` (the poll number), every worker asks for the same workflow id,
        so a scheduled poll runs once across all workers."""
        wid = f"sync-{store}-{slot}" if slot is not None else f"sync-{store}-{uuid.uuid4().hex[:12]}"
        with SetEnqueueOptions(queue_partition_key=store), SetWorkflowID(wid):
            return await self.queue.enqueue_async(sync_store_workflow, store)

    async def recover(self, executor_ids: list[str]) -> int:
        """Put the unfinished workflows of workers that are gone back on their queues."""
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, executor_ids)
        return len(handles)

    async def enqueue_process(self, store: str) -> Any:
        with SetEnqueueOptions(queue_partition_key=store), SetWorkflowID(f"process-{store}-{uuid.uuid4().hex[:12]}"):
            return await self.queue.enqueue_async(process_store_workflow, store)

    async def unfinished_syncs(self) -> list[str]:
        """Sync workflows left by an earlier run of this worker (recovered by DBOS on launch)."""
        rows = await DBOS.list_workflows_async(status=["PENDING", "ENQUEUED"], name=SYNC_WORKFLOW,
                                               load_input=False, load_output=False)
        return [r.workflow_id for r in rows]

    async def sync_once(self, stores: list[str], *, on_done: Any = None) -> dict[str, dict[str, Any]]:
        """Finish what an earlier run left, then sync each store once; return each store's summary."""
        t0 = time.perf_counter()
        leftovers = await self.unfinished_syncs()
        for wid in leftovers:
            log.info("resuming_unfinished_sync", workflow_id=wid)
            handle = await DBOS.retrieve_workflow_async(wid)
            try:
                await handle.get_result(polling_interval_sec=RESULT_POLL_SEC)
            except Exception as exc:
                # Its committed steps stand and the sync below goes on from the cursors, so nothing
                # is lost; one left by an older orderhub whose steps differ fails its replay here.
                log.warning("unfinished_sync_failed", workflow_id=wid, error=f"{type(exc).__name__}: {exc}"[:300])
        paused = await self.paused_stores()
        handles = {}
        results: dict[str, dict[str, Any]] = {}
        for store in stores:
            if store in paused:
                results[store] = {"store": store, "result": "paused"}
                continue
            handles[store] = await self.enqueue_sync(store)

        async def wait(store: str, handle: Any) -> None:
            results[store] = await self.results.result(handle)
            if on_done:
                on_done(store, results[store])

        await asyncio.gather(*(wait(s, h) for s, h in handles.items()))
        log.info("sync_once_done", stores=len(stores), seconds=round(time.perf_counter() - t0, 3))
        return results
