"""What this process saw go wrong with its database: errors (a lock held past the busy timeout,
a lost connection) and pooled connections found dead and replaced — the traces a database
restart or a stuck writer leaves. Kept in memory, a few hundred at most; read by
``Hub.database_trouble`` (the incidents plugin's detector)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event


@dataclass(frozen=True)
class Trouble:
    at: datetime
    what: str


class DatabaseHealth:
    def __init__(self, keep: int = 500) -> None:
        self._seen: deque[Trouble] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def record(self, what: str) -> None:
        with self._lock:
            self._seen.append(Trouble(datetime.now(UTC), what[:300]))

    def since(self, at: datetime) -> list[Trouble]:
        with self._lock:
            return [t for t in self._seen if t.at >= at]

    def watch(self, sync_engine: Any) -> None:
        """Listen on an engine: its statement errors that concern the database rather than the
        statement (disconnects, operational errors such as a lock timeout), and its pool's
        invalidated connections (found dead by the pre-ping after a restart)."""

        def on_error(ctx: Any) -> None:
            err = ctx.original_exception
            if ctx.is_disconnect or type(err).__name__ in ("OperationalError", "InterfaceError"):
                self.record(f"{type(err).__name__}: {err}".splitlines()[0])

        def on_invalidate(dbapi_conn: Any, record: Any, exc: Any) -> None:
            self.record(f"connection invalidated: {exc}".splitlines()[0] if exc else "connection invalidated")

        event.listen(sync_engine, "handle_error", on_error)
        event.listen(sync_engine.pool, "invalidate", on_invalidate)
        event.listen(sync_engine.pool, "soft_invalidate", on_invalidate)
