"""The one statement whose spelling differs per backend: INSERT … ON CONFLICT DO NOTHING."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, **values: Any) -> bool:
    """Insert a row unless a unique key already holds it; True when this call inserted it.

    The database decides, atomically: there is no check-then-insert race between processes.
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    return conn.execute(statement).rowcount == 1
