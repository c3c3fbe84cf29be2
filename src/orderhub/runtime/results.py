"""Waiting for many queued workflows at once.

A DBOS handle's ``get_result`` reads its workflow's status every polling interval. Waiting so for
each of hundreds of stores' syncs made the waiting the worker's main work: 300 idle stores polled
once cost 31 CPU-seconds, two thirds of them status reads. :class:`ResultWaiter` reads the status of
every awaited workflow in one query per interval, and asks a handle for its result only once its
workflow has finished.
"""

from __future__ import annotations

import asyncio
from typing import Any

from dbos import DBOS

from orderhub.logging import get_logger

log = get_logger()

#: The statuses of a workflow that is still to run or running.
_UNFINISHED = frozenset({"PENDING", "ENQUEUED"})


class ResultWaiter:
    """One status read per ``interval`` for all the workflows being awaited in this process."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._waiting: dict[str, list[asyncio.Future[None]]] = {}
        self._poller: asyncio.Task[None] | None = None

    async def result(self, handle: Any) -> Any:
        """The workflow's result (or its exception), once it has finished."""
        finished = asyncio.get_running_loop().create_future()
        wid = handle.get_workflow_id()
        self._waiting.setdefault(wid, []).append(finished)
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll())
        try:
            await finished
        finally:
            waiters = self._waiting.get(wid)
            if waiters and finished in waiters:
                waiters.remove(finished)
                if not waiters:
                    del self._waiting[wid]
        return await handle.get_result(polling_interval_sec=self.interval)

    async def _poll(self) -> None:
        while self._waiting:
            await asyncio.sleep(self.interval)
            ids = list(self._waiting)
            try:
                rows = await DBOS.list_workflows_async(workflow_ids=ids, load_input=False, load_output=False)
            except Exception as exc:  # the system database was busy: the next interval tries again
                log.warning("workflow_status_read_failed", workflows=len(ids), error=f"{type(exc).__name__}: {exc}"[:300])
                continue
            for row in rows:
                if row.status not in _UNFINISHED:
                    for finished in self._waiting.pop(row.workflow_id, []):
                        if not finished.done():
                            finished.set_result(None)

    def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
