"""``orderhub run``: keep every store in sync, take webhooks, serve the admin API and metrics.

One asyncio loop: a scheduler task per store (a sync on its ``poll_interval`` with jitter; a slow or
failing store delays nobody else, and concurrency is bounded by the store queue), the HTTP server
(``/metrics`` refreshes its database figures when scraped), and the worker heartbeat. Work itself
runs as DBOS workflows on the store-partitioned queue, so a SIGKILL loses nothing and the next start
resumes. SIGTERM stops scheduling, lets in-flight work finish within ``runtime.shutdown_grace``, then
stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import signal
import time
import zlib
from typing import TYPE_CHECKING, Any

import uvicorn

from orderhub.db import stores as stores_db
from orderhub.db import workers as workers_db
from orderhub.logging import get_logger
from orderhub.runtime.process import Runtime
from orderhub.web.app import create_app

if TYPE_CHECKING:
    from orderhub.hub import Hub

log = get_logger()


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the daemon owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[override]
        yield


class Daemon:
    def __init__(self, hub: Hub, *, run_for: float | None = None, grace: float | None = None,
                 until_synced: bool = False) -> None:
        #: stop once every enabled store has finished one sync (the demo's "process everything once")
        self.until_synced = until_synced
        self.hub = hub
        self.run_for = run_for
        self.grace = grace if grace is not None else hub.config.runtime.shutdown_grace
        self.runtime = Runtime(hub, schedules=True)
        self.stopping = asyncio.Event()
        self.results: dict[str, list[dict[str, Any]]] = {s: [] for s in hub.config.stores}
        self._inflight: set[asyncio.Task[Any]] = set()
        self._processing: set[str] = set()
        self._started = False
        self.server: _Server | None = None

    # -- work -----------------------------------------------------------------------------

    async def _await(self, store: str, handle: Any, kind: str) -> dict[str, Any]:
        result = await self.runtime.results.result(handle)
        self.results[store].append(result)
        if kind == "sync":
            self.hub.metrics.syncs.labels(store, result.get("result", "?")).inc()
            enabled = [n for n, s in self.hub.config.stores.items() if s.enabled]
            if self.until_synced and all(any("pages" in r or r.get("result") == "paused" for r in self.results[n])
                                         for n in enabled):
                self.stop()
        return result

    async def _store_loop(self, store: str) -> None:
        """Poll ``store`` once per slot of ``poll_interval`` seconds: the first poll at start, then at
        a fixed offset into each slot (spread by store name, the same on every worker, so a slot's
        workflow id names one poll across workers). A sync that overran its interval is followed at
        once, not an interval later. How late each poll started is ``orderhub_poll_lag_seconds``."""
        interval = self.hub.config.stores[store].poll_interval
        offset = zlib.crc32(store.encode()) % 1000 / 1000 * interval
        slot = math.floor((time.time() - offset) / interval)
        due = time.time() + random.uniform(0, min(interval, 2.0))  # spread the first polls
        while not self.stopping.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), max(0.0, due - time.time()))
            if self.stopping.is_set():
                return
            try:
                async with self.hub.engine.connect() as conn:
                    paused = store in await stores_db.paused_stores(conn)
                if not paused:
                    handle = await self.runtime.enqueue_sync(store, slot=slot)
                    task = asyncio.create_task(self._poll(store, handle, due))
                    self._inflight.add(task)
                    task.add_done_callback(self._inflight.discard)
                    await asyncio.shield(task)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not stop the other stores, nor this store's next poll
                log.exception("store_loop_error", store=store)
            slot = max(slot + 1, math.floor((time.time() - offset) / interval))
            due = slot * interval + offset

    async def _poll(self, store: str, handle: Any, due: float) -> dict[str, Any]:
        """A poll's result, and how late it started: also for one that ends while the daemon stops."""
        result = await self._await(store, handle, "sync")
        self._observe_lag(store, due, result.get("started_at"))
        return result

    def _observe_lag(self, store: str, due: float, started_at: float | None) -> None:
        if started_at is None or started_at < due - 1.0:  # an older sync's, or a poll another worker ran in this slot
            return
        lag = max(0.0, started_at - due)
        self.hub.metrics.poll_lag.observe(lag)
        if lag > self.hub.config.stores[store].poll_interval:
            log.warning("poll_late", store=store, lag_s=round(lag, 1),
                        hint="more stores than max_concurrent_stores can poll in an interval, or a slow store")

    def kick(self, store: str) -> None:
        """Run the chain and pushes of ``store`` soon (after a webhook or a review decision)."""
        if store in self._processing or self.stopping.is_set():
            return
        self._processing.add(store)

        async def go() -> None:
            try:
                handle = await self.runtime.enqueue_process(store)
                await self._await(store, handle, "process")
            except Exception:
                log.exception("process_error", store=store)
            finally:
                self._processing.discard(store)

        task = asyncio.create_task(go())
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _heartbeat(self) -> None:
        """Say we are alive; recover the work of workers that went silent (one survivor each)."""
        me = self.hub.config.runtime.executor_id
        rt = self.hub.config.runtime
        while not self.stopping.is_set():
            try:
                async with self.hub.engine.begin() as conn:
                    await workers_db.heartbeat(conn, me)
                async with self.hub.engine.begin() as conn:
                    silent = await workers_db.claim_silent(conn, me, rt.worker_dead_after)
                if silent:
                    n = await self.runtime.recover(silent)
                    log.warning("workers_recovered", workers=silent, workflows=n, by=me)
            except Exception:
                log.exception("heartbeat_error", worker=me)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), rt.heartbeat_interval)

    # -- lifecycle ------------------------------------------------------------------------

    async def _bound(self, serving: asyncio.Task[Any], host: str, port: int) -> tuple[str, int]:
        """Where the server listens: the port it was given, or the one the system chose for ``0``."""
        for _ in range(100):
            if self.server.started or serving.done():
                break
            await asyncio.sleep(0.02)
        for srv in getattr(self.server, "servers", []):
            for sock in srv.sockets:
                return host, sock.getsockname()[1]
        return host, port

    @property
    def started(self) -> bool:
        """Whether the durable engine is up (its launch blocks the loop while it migrates its
        tables: a caller sharing the loop waits for this before touching the database)."""
        return self._started

    def stop(self) -> None:
        if not self.stopping.is_set():
            log.warning("shutting_down", grace=self.grace)
            self.stopping.set()

    async def run(self) -> dict[str, list[dict[str, Any]]]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)
        await self.runtime.start()
        async with self.hub.engine.begin() as conn:
            await workers_db.heartbeat(conn, self.hub.config.runtime.executor_id, starting=True)
        self._started = True
        cfg = self.hub.config.server
        app = create_app(self.hub, on_webhook=self.kick, ready=lambda: self._started and not self.stopping.is_set())
        self.server = _Server(uvicorn.Config(app, host=cfg.host, port=cfg.port, log_level="warning",
                                             access_log=False, lifespan="off"))
        serving = asyncio.create_task(self.server.serve())
        stores = [n for n, s in self.hub.config.stores.items() if s.enabled]
        loops = [asyncio.create_task(self._store_loop(s)) for s in stores]
        beat = asyncio.create_task(self._heartbeat())
        host, port = await self._bound(serving, cfg.host, cfg.port)
        #: Where webhooks, the admin API and /metrics answer (the bound port, also for ``port = 0``).
        self.url = f"http://{host}:{port}"
        log.info("daemon_started", stores=len(stores), host=host, port=port, url=f"http://{host}:{port}",
                 worker=self.hub.config.runtime.executor_id)
        started = time.monotonic()
        try:
            if self.run_for is not None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), self.run_for)
                self.stop()
            else:
                await self.stopping.wait()
        finally:
            for t in loops + [beat]:
                t.cancel()
            await asyncio.gather(*loops, beat, return_exceptions=True)
            if self._inflight:
                done, pending = await asyncio.wait(set(self._inflight), timeout=self.grace)
                if pending:
                    log.warning("shutdown_grace_exceeded", unfinished=len(pending))
            self.server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(serving, 5)
            await app.state.intake.aclose()
            with contextlib.suppress(Exception):
                async with self.hub.engine.begin() as conn:
                    await workers_db.stopped(conn, self.hub.config.runtime.executor_id)
            await self.runtime.stop()
            log.info("daemon_stopped", seconds=round(time.monotonic() - started, 1))
        return self.results
