"""Engines for the domain database: SQLite (WAL) by default, PostgreSQL by URL, same code."""

from __future__ import annotations

import os

from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

from orderhub.db.common import json_bytes

MIGRATIONS = Path(__file__).with_name("migrations")


def sync_url(url: str) -> str:
    """The URL a synchronous driver takes (migrations, the CLI's one-off reads)."""
    if url.startswith("sqlite+aiosqlite"):
        return "sqlite" + url[len("sqlite+aiosqlite") :]
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def async_url(url: str) -> str:
    """The URL the asyncio driver takes: aiosqlite for SQLite, psycopg 3 (async) for PostgreSQL."""
    url = sync_url(url)
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA wal_autocheckpoint=8192")
    cur.close()


def _json_dumps(value: Any) -> str:
    return json_bytes(value, default=str).decode()


#: JSON columns go through orjson: the stdlib encoder was the largest single cost of ingest.
JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


def make_sync_engine(url: str) -> sa.Engine:
    url = sync_url(url)
    engine = sa.create_engine(url, **JSON_OPTIONS)
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_async_engine(url: str) -> Any:
    """PostgreSQL: SQLAlchemy's AsyncEngine on psycopg 3. SQLite: statements run in the loop (see
    :mod:`orderhub.db.sqlite_async` for why and how)."""
    if is_sqlite(sync_url(url)):
        from orderhub.db.sqlite_async import SqliteAsyncEngine

        return SqliteAsyncEngine(make_sync_engine(url))
    url = async_url(url)
    kwargs: dict[str, Any] = dict(JSON_OPTIONS)
    if not is_sqlite(url):
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def migrate(url: str, revision: str = "heads", *, plugin_folders: list[str] | None = None) -> None:
    """Bring the domain schema, and every plugin's tables, to ``revision`` (idempotent; safe on
    every start). ``plugin_folders``: the plugins' revision folders (default: the installed
    plugins', see the ``register_migrations`` hook)."""
    _alembic(url, command.upgrade, revision, plugin_folders)


def downgrade(url: str, revision: str, *, plugin_folders: list[str] | None = None) -> None:
    """Take the domain schema back to ``revision`` (plugin revisions that depend on it go first)."""
    _alembic(url, command.downgrade, revision, plugin_folders)


def _installed_plugin_folders() -> list[str]:
    from orderhub.plugin_manager import PluginManager

    return [folder for folder, _ in PluginManager().migrations()]


def _alembic(url: str, run: Any, revision: str, plugin_folders: list[str] | None) -> None:
    folders = [str(MIGRATIONS / "versions"),
               *(plugin_folders if plugin_folders is not None else _installed_plugin_folders())]
    engine = make_sync_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # several workers starting at once migrate one at a time
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7190213)"))
            cfg = AlembicConfig()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.set_main_option("path_separator", "os")
            cfg.set_main_option("version_locations", os.pathsep.join(folders))
            cfg.attributes["connection"] = conn
            run(cfg, revision)
    finally:
        engine.dispose()
