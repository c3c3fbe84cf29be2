"""An asyncio face on a synchronous SQLite engine.

aiosqlite hops to a worker thread for every statement: about 300-500 µs each, against 17 µs for the
same statement run directly (measured on this kind of machine). A chain batch runs many small
statements, so that hop was the largest cost of the whole hub. SQLite statements are short and
local, so they run directly in the event loop here.

Two rules keep that safe:
- one write transaction at a time per engine, queued on an ``asyncio.Lock`` (SQLite has one writer
  anyway): a coroutine holding the write lock while it awaits I/O makes others wait for the lock
  without blocking the loop, instead of blocking the loop in SQLite's busy handler;
- a write transaction starts with ``BEGIN IMMEDIATE`` (it takes SQLite's write lock at once, so a
  read-then-write cannot fail half-way); reads run in a plain ``BEGIN`` snapshot (WAL: never blocked).

It offers what orderhub's store code uses of SQLAlchemy's AsyncEngine: ``begin()``, ``connect()``,
``await conn.execute(...)``, ``conn.exec_driver_sql(...)``, ``conn.begin_nested()``, ``conn.dialect``, ``dispose()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

_WRITE = "orderhub_write"


@functools.cache
def _committer() -> ThreadPoolExecutor:
    """The thread commits run in (one writer at a time per engine: one thread is enough)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="orderhub-sqlite-commit")


class SyncConnection:
    """An ``AsyncConnection`` look-alike over a synchronous one."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self.dialect = conn.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        if parameters is None:
            return self._conn.execute(statement)
        return self._conn.execute(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> Any:
        return self._conn.exec_driver_sql(statement, parameters)

    @contextlib.asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[SyncConnection]:
        """A savepoint: rolled back to if the block raises (which goes on up), released if not."""
        with self._conn.begin_nested():
            yield self


class _Scope:
    def __init__(self, engine: SqliteAsyncEngine, *, write: bool) -> None:
        self.engine, self.write = engine, write
        self.conn: sa.Connection | None = None

    async def __aenter__(self) -> SyncConnection:
        if self.write:
            await self.engine.write_lock.acquire()
        try:
            self.conn = self.engine.sync_engine.connect()
            self.conn.info[_WRITE] = self.write
            self.conn.begin()
        except BaseException:
            if self.write:
                self.engine.write_lock.release()
            raise
        return SyncConnection(self.conn)

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self.conn is not None
        try:
            if exc_type is None and self.write:
                # A commit writes the transaction's pages and, every few megabytes, checkpoints
                # the WAL into the database file (an fsync): up to tens of milliseconds of I/O.
                # The sqlite3 module lets go of the GIL meanwhile, so in a worker thread the loop
                # goes on (a read-ahead of the next page, other stores) while the disk works. Not
                # asyncio's default executor: DBOS installs its own there and shuts it at exit.
                await asyncio.get_running_loop().run_in_executor(_committer(), self.conn.commit)
            else:
                self.conn.rollback()
        finally:
            self.conn.info.pop(_WRITE, None)
            self.conn.close()
            if self.write:
                self.engine.write_lock.release()


class SqliteAsyncEngine:
    def __init__(self, sync_engine: sa.Engine) -> None:
        self.sync_engine = sync_engine
        self.dialect = sync_engine.dialect
        self._lock: asyncio.Lock | None = None
        event.listen(sync_engine, "connect", _autocommit_driver)
        event.listen(sync_engine, "begin", _begin)

    @property
    def write_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def begin(self) -> _Scope:
        """A write transaction (committed on success, rolled back on error)."""
        return _Scope(self, write=True)

    def connect(self) -> _Scope:
        """A read-only snapshot (rolled back at the end)."""
        return _Scope(self, write=False)

    async def dispose(self) -> None:
        self.sync_engine.dispose()


def _autocommit_driver(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins (and how).
    dbapi_conn.isolation_level = None


def _begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get(_WRITE) else "BEGIN")
