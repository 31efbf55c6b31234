"""Inserts as both backends need them: ON CONFLICT DO NOTHING, ON CONFLICT add to a counter,
and the new row's id."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Insert, Table, func
from sqlalchemy.dialects import postgresql, sqlite

from storage.prepared import Prepared


def utc_hour(conn: Connection, column: ColumnElement[Any]) -> ColumnElement[str]:
    """A stored time's UTC hour as text, "2026-12-03 15": rows counted per hour can be placed in
    any time zone whose offsets are whole hours (Morocco's are) without reading every row."""
    if conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    # SQLite keeps times as ISO text, in UTC (storage/models.py UTCDateTime).
    return func.substr(column, 1, 13)


def insert_of(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The backend's own INSERT, which knows ON CONFLICT."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table)


@cache
def _statement(dialect: str, table: Table, keys: tuple[str, ...]) -> Prepared:
    return Prepared(insert_of(dialect, table).on_conflict_do_nothing(), keys)


def inserted_id(conn: Connection, statement: Insert) -> int:
    """The id of the row ``statement`` inserts: lastrowid on SQLite (no RETURNING needed),
    RETURNING on PostgreSQL."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_ignore(conn: Connection, table: Table, **values: Any) -> bool:
    """Insert a row unless a unique key already holds it; True when this call inserted it.

    The database decides, atomically: there is no check-then-insert race between processes.
    """
    return _statement(conn.dialect.name, table, tuple(values)).run(conn, values) == 1


@cache
def _adding(dialect: str, table: Table, column: str, keys: tuple[str, ...]) -> Prepared:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={column: table.c[column] + statement.excluded[column]},
    )
    return Prepared(statement, (*keys, column))


def add_to(conn: Connection, table: Table, column: str, amount: int, **key: Any) -> None:
    """Add ``amount`` to ``column`` of the row whose primary key is ``key``, inserting the row
    at ``amount`` when there is none. One statement: two adds at once never lose one."""
    _adding(conn.dialect.name, table, column, tuple(key)).run(conn, {**key, column: amount})
