"""Inserts as both backends need them: ON CONFLICT DO NOTHING, and the new row's id."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite

from storage.prepared import Prepared


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
