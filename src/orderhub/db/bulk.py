"""Statements on the ingest path, compiled once and run with prebuilt rows.

SQLAlchemy's ``conn.execute(table.insert(), rows)`` looks at every row as a dict, builds its
parameters through the compiled statement's generic machinery and then the column types' bind
processors. Storing a page's orders, versions and events that way took 117 µs an order, this way
84 (issue #16). The statements a page runs per order are always the same, so here each is
compiled once per dialect, its parameters are read from the rows by one ``itemgetter`` and passed
through the same bind processors SQLAlchemy would use (so SQLite gets the same datetime text and
PostgreSQL the same ``::JSONB`` casts), and the batch goes to the driver's ``executemany`` as it is
(``exec_driver_sql``): sqlite3's positional ``?`` takes tuples, psycopg's named ``%(name)s`` dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import sqlalchemy as sa


_UNSET = object()


class _Compiled:
    """One statement in one dialect: its SQL text, the parameter names in order, their processors."""

    __slots__ = ("sql", "names", "positional", "getter", "processors")

    def __init__(self, stmt: Any, dialect: Any, keys: Sequence[str] | None) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        self.sql: str = compiled.string
        self.positional: bool = bool(dialect.positional)
        binds = compiled.binds
        names = list(compiled.positiontup) if self.positional else list(binds)
        constants = [n for n in names if not binds[n].required and binds[n].value is not None]
        if constants:  # a name used twice is fine: sqlite3's ``?`` get it twice, in its places
            raise ValueError(f"a bulk statement takes constants as SQL (sa.false(), sa.null()), not as "
                             f"bound values: {compiled.string}")
        self.names = names
        self.getter = itemgetter(*names) if len(names) > 1 else (lambda row, _n=names[0]: (row[_n],))
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(names):
            proc = binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                self.processors.append((i, proc))

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        get, procs = self.getter, self.processors
        if not procs:
            out = [get(r) for r in rows]
        else:
            out = []
            # The same value object (a page's one "now") is processed once, not once per row.
            memo: list[tuple[Any, Any]] = [(_UNSET, None)] * len(procs)
            for r in rows:
                values = list(get(r))
                for j, (i, proc) in enumerate(procs):
                    v = values[i]
                    seen, done = memo[j]
                    if v is not seen:
                        done = proc(v)
                        memo[j] = (v, done)
                    values[i] = done
                out.append(tuple(values))
        if not self.positional:
            names = self.names
            return [dict(zip(names, p)) for p in out]
        return out


class BulkStatement:
    """A statement whose parameters are all named binds (an insert's columns, or ``bindparam`` s),
    run for many rows at once. ``rows`` are dicts holding at least those names."""

    def __init__(self, stmt: Any, keys: Sequence[str] | None = None) -> None:
        self._stmt = stmt
        self._keys = keys
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Any) -> _Compiled:
        c = self._by_dialect.get(dialect.name)
        if c is None:
            c = self._by_dialect[dialect.name] = _Compiled(self._stmt, dialect, self._keys)
        return c

    async def run(self, conn: Any, rows: Sequence[dict[str, Any]]) -> int:
        """Run for every row; the number of rows the statement changed, in total."""
        if not rows:
            return 0
        c = self._compiled(conn.dialect)
        return (await conn.exec_driver_sql(c.sql, c.parameters(rows))).rowcount


def bulk_insert(table: sa.Table, *columns: str) -> BulkStatement:
    """``INSERT INTO table (columns…)`` for rows that carry exactly those keys."""
    return BulkStatement(table.insert().inline(), columns)  # inline: no RETURNING of generated ids
