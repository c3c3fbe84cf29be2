"""Small helpers the query modules share: dialect-aware inserts, UTC handling, hashing."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_bytes(value: Any, *, sort_keys: bool = False, default: Any = None) -> bytes:
    """JSON by orjson; by the standard library for what orjson will not write (integers beyond
    64 bits, valid JSON that a payload may carry)."""
    try:
        return orjson.dumps(value, default=default, option=orjson.OPT_SORT_KEYS if sort_keys else None)
    except TypeError:
        return json.dumps(value, default=default, sort_keys=sort_keys, separators=(",", ":"),
                          ensure_ascii=False).encode()


def canonical_json(raw: Any) -> bytes:
    """A payload as JSON with sorted keys: what its hash is taken of, and what is stored."""
    return json_bytes(raw, sort_keys=True)


def payload_hash(raw: Any) -> str:
    """Hash of a raw payload with sorted keys, so key order never makes a new version."""
    return hash_json(canonical_json(raw))


def hash_json(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def dialect_insert(conn: Any, table: sa.Table) -> Any:
    """``INSERT`` in the connection's dialect, which has ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (the same on SQLite and PostgreSQL)."""
    return (postgresql if dialect_name(conn) == "postgresql" else sqlite).insert(table)


def insert_ignoring_conflicts(conn: Any, table: sa.Table, *index_elements: str) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` in the connection's dialect."""
    return dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(index_elements) or None)


async def inserted(conn: Any, stmt: Any, table: sa.Table) -> bool:
    """Run an insert-ignoring-conflicts; whether a row was written (RETURNING, not rowcount,
    which drivers report differently for ON CONFLICT DO NOTHING)."""
    pk = list(table.primary_key.columns)[0]
    return (await conn.execute(stmt.returning(pk))).first() is not None


def dialect_name(conn: Any) -> str:
    return conn.dialect.name if hasattr(conn, "dialect") else conn.bind.dialect.name


#: SQLSTATEs of a transaction PostgreSQL gave up so that another could go on: run it again.
_CONFLICT_STATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def is_write_conflict(exc: BaseException) -> bool:
    """A transaction that lost a race with another (not a fault of its own): retrying it is right."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state in _CONFLICT_STATES or "database is locked" in str(exc.orig)
