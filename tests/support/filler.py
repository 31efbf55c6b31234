"""One row in every table the models describe, written generically: each column gets a plain
value of its type, each foreign key the key of the row it points to. A table added tomorrow is
filled too, so a backup test covers it without being told."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, TypeDecorator, func, insert, select

from storage.models import Base

AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
_PLAIN: dict[type, Any] = {
    bool: True,
    int: 1,
    float: 1.5,
    datetime: AT,
    date: date(2026, 12, 1),
    dict: {"fr": "valeur", "ar": "قيمة"},
    bytes: b"\x00hayna\xff",
}


def fill_every_table(conn: Connection) -> None:
    """One row in each table that has none yet, parents before their children."""
    written: dict[str, dict[str, Any]] = {}
    for table in Base.metadata.sorted_tables:
        if conn.execute(select(func.count()).select_from(table)).scalar_one():
            written[table.name] = dict(conn.execute(select(table)).mappings().first() or {})
            continue
        row = {column.name: _plain(column) for column in table.c if not column.foreign_keys}
        for column in table.c:
            for key in column.foreign_keys:
                parent = row if key.column.table is table else written[key.column.table.name]
                row[column.name] = parent[key.column.name]
        conn.execute(insert(table).values(row))
        written[table.name] = row


def every_row(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in the order of their primary key."""
    return {table.name: _rows(conn, table) for table in Base.metadata.sorted_tables}


def _rows(conn: Connection, table: Table) -> list[tuple[Any, ...]]:
    order = list(table.primary_key.columns) or list(table.c)
    return [tuple(row) for row in conn.execute(select(table).order_by(*order))]


def _plain(column: Column[Any]) -> Any:
    sort = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    kind = dict if isinstance(sort, JSON) else sort.python_type
    if kind is str:
        length = getattr(sort, "length", None) or 40
        return f"{column.table.name}.{column.name}"[:length]
    return _PLAIN[kind]
