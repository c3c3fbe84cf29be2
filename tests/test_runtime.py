"""The durable runtime: DBOS launched for the process, the partitioned store queue worked at once."""

import threading

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
