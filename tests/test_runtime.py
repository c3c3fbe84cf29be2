"""The durable runtime: DBOS launched for the process, the partitioned store queue worked at once."""

import threading

from orderhub.config import Config
from orderhub.hub import Hub
from orderhub.runtime import STORE_QUEUE, Runtime


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
