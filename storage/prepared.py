"""Prepared statements for the hot path: compiled once, run on the SQLite driver directly.

DESIGN.md §4 measured SQLAlchemy's per-execution machinery at several times the cost of the
statement itself on SQLite. A `Prepared` keeps the Core statement as the single definition,
compiles it once per dialect with its type processors, and on SQLite hands the SQL and the
processed values straight to the sqlite3 connection of the current transaction. On PostgreSQL
it is an ordinary `Connection.execute`, where the network dominates anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import Select

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]


class Prepared:
    """One statement and the names of the values each call gives it."""

    def __init__(self, statement: Select[Any] | UpdateBase, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = tuple(keys)
        self._sqlite: _Compiled | None = None

    def rows(self, conn: Connection, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run a SELECT and return its rows as plain tuples."""
        if conn.dialect.name != "sqlite":
            return [tuple(row) for row in conn.execute(self.statement, values)]
        compiled = self._compiled(conn.dialect)
        cursor = self._raw(conn, compiled, values)
        results = compiled.results
        return [
            tuple(p(v) if p else v for p, v in zip(results, row, strict=True))
            for row in cursor.fetchall()
        ]

    def run(self, conn: Connection, values: dict[str, Any]) -> int:
        """Run an INSERT or UPDATE and return how many rows it touched."""
        if conn.dialect.name != "sqlite":
            return int(conn.execute(self.statement, values).rowcount)
        cursor = self._raw(conn, self._compiled(conn.dialect), values)
        return int(cursor.rowcount)

    @staticmethod
    def _raw(conn: Connection, compiled: _Compiled, values: dict[str, Any]) -> Any:
        params = [
            process(values[name]) if process else values[name]
            for name, process in zip(compiled.names, compiled.binds, strict=True)
        ]
        # The driver connection of the open transaction: same transaction, no SQLAlchemy layer.
        return conn.connection.driver_connection.execute(compiled.sql, params)  # type: ignore[union-attr]

    def _compiled(self, dialect: Dialect) -> _Compiled:
        if self._sqlite is None:
            columns = [key for key in self.keys if not key.startswith("_")]
            compiled = self.statement.compile(dialect=dialect, column_keys=columns)
            assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
            names = tuple(compiled.positiontup)
            missing = set(names) - set(self.keys)
            if missing:
                # SQLAlchemy would fill Python-side defaults here; this path does not, so say so.
                raise ValueError(f"values missing for {sorted(missing)}: give every column")
            binds = tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            )
            results: tuple[Processor, ...] = ()
            if isinstance(self.statement, Select):
                results = tuple(
                    column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in self.statement.selected_columns
                )
            self._sqlite = _Compiled(compiled.string, names, binds, results)
        return self._sqlite
