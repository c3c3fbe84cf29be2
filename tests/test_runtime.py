"""The durable runtime: DBOS launched for the process, the partitioned store queue worked at once."""

import threading
import time

from dbos import DBOS
from structlog.testing import capture_logs

from orderhub.config import Config
from orderhub.hub import Hub
from orderhub.logging import configure
from orderhub.runtime.process import Runtime
from orderhub.runtime.workflows import STORE_QUEUE


def queue_workers() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("queue-worker-") and t.is_alive()}


async def test_the_store_queue_is_worked_from_the_first_start_on_a_new_system_database(tmp_path):
    """DBOS starts a worker thread for the queues it finds at launch and looks for new ones only
    once a second. On a new system database the store queue does not exist at launch; the runtime
    registers it and launches again, so its worker runs as soon as ``start`` returns (the first
    ``sync --once`` no longer waits for DBOS's next scan). A second start finds the queue at once."""
    for _ in range(2):
        rt = Runtime(Hub(Config.model_validate({"database": {"url": f"sqlite:///{tmp_path}/hub.db"}})))
        await rt.start()
        try:
            assert f"queue-worker-{STORE_QUEUE}" in queue_workers()
        finally:
            await rt.stop()


async def test_an_unfinished_sync_that_fails_on_resume_does_not_stop_the_new_one(tmp_path, monkeypatch):
    """A sync left by an earlier run is finished first; if its replay fails (one left by an older
    orderhub whose steps differ, say) its committed pages stand, the failure is logged, and the
    new sync goes on from the cursors instead of the command failing."""

    class Failing:
        async def get_result(self, **_):
            raise RuntimeError("step 2 was recorded as orderhub.ingest_next_page")

    async def retrieve(_wid):
        return Failing()

    configure("console", "warning")  # the failure is a warning: the run goes on
    rt = Runtime(Hub(Config.model_validate({"database": {"url": f"sqlite:///{tmp_path}/hub.db"}})))
    await rt.start()
    try:
        async def leftovers():
            return ["sync-shop-old"]

        monkeypatch.setattr(rt, "unfinished_syncs", leftovers)
        monkeypatch.setattr(DBOS, "retrieve_workflow_async", retrieve)
        with capture_logs() as logs:
            assert await rt.sync_once([]) == {}
        failed = [e for e in logs if e["event"] == "unfinished_sync_failed"]
        assert [e["workflow_id"] for e in failed] == ["sync-shop-old"] and "ingest_next_page" in failed[0]["error"]
    finally:
        await rt.stop()


async def test_awaiting_many_syncs_reads_their_statuses_in_one_query(tmp_path, monkeypatch):
    """Each store's sync is a queued workflow; ``sync --once`` and the daemon wait for all of them.
    Each waiting handle used to read its own status every 0.1 s: with 300 idle stores those reads
    were two thirds of the run's CPU. The runtime reads every awaited status in one query per
    interval, and asks a sync for its result once, when it has finished."""
    from dbos._sys_db import SystemDatabase

    from orderhub.runtime.workflows import RESULT_POLL_SEC
    from tests.helpers import make_hub

    stores = {}
    for i in range(30):
        (tmp_path / f"in{i}").mkdir()
        stores[f"s{i}"] = {"connector": "files", "path": str(tmp_path / f"in{i}"), "chain": []}
    hub = make_hub(f"sqlite:///{tmp_path}/hub.db", [], stores=stores)
    status_reads, result_reads = [], []
    list_workflows, check_result = DBOS.list_workflows_async, SystemDatabase.check_workflow_result

    async def counting_list(**kw):
        if kw.get("workflow_ids"):
            status_reads.append(len(kw["workflow_ids"]))
        return await list_workflows(**kw)

    def counting_check(self, workflow_id, **kw):
        result_reads.append(workflow_id)
        return check_result(self, workflow_id, **kw)

    monkeypatch.setattr(DBOS, "list_workflows_async", counting_list)
    monkeypatch.setattr(SystemDatabase, "check_workflow_result", counting_check)
    rt = Runtime(hub)
    await rt.start()
    try:
        t0 = time.perf_counter()
        results = await rt.sync_once(list(stores))
        elapsed = time.perf_counter() - t0
    finally:
        await rt.stop()
    assert sorted(results) == sorted(stores) and {r["result"] for r in results.values()} == {"complete"}
    assert status_reads[0] == 30  # one query asks after all thirty
    assert len(status_reads) <= elapsed / RESULT_POLL_SEC + 2
    assert len(result_reads) == 30  # each sync's result read once, when it was done
