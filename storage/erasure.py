"""One erasure under way: whose, their identifiers, and the words redacted so far, so that every
copy of those words (a question rendered into another resident's conversation, a notice queued
for a follower, a meeting's announcement) is rewritten as well.

The holders of `storage/rights.py` redact what the resident wrote through `Erasure.redact`,
which remembers each text as it was and as it became; then each `Copy` finds the rows that may
repeat one of them and rewrites it there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, bindparam, or_, select, update

from conversations.redaction import REDACTED, redact_identifiers, redact_names
from storage.models import SIGNATURE
from storage.subject import Subject

# Keys of the JSON documents that name a message or an option, never hold anyone's words.
_STRUCTURE = frozenset({"t", "msgid", "plural", "context", "id", "locale"})


def fit(column: Column[Any], text: str) -> str:
    """``text`` cut to what ``column`` holds: a redaction mark is longer than a short name."""
    length = getattr(column.type, "length", None)
    return text[:length] if length else text


def strings(document: Any, change: Callable[[str], str]) -> Any:
    """A JSON document with ``change`` applied to each string that may hold someone's words."""
    if isinstance(document, str):
        return change(document)
    if isinstance(document, list):
        return [strings(item, change) for item in document]
    if isinstance(document, dict):
        return {
            key: value if key in _STRUCTURE else strings(value, change)
            for key, value in document.items()
        }
    return document


@dataclass
class Erasure:
    """The resident being erased, and what their erasure has redacted so far."""

    who: Subject
    now: datetime
    # The names they signed with and their chat id: redacted wherever they wrote them.
    known: tuple[str, ...]
    # Each text redacted, as it was, and as it is now.
    words: dict[str, str] = field(default_factory=dict)
    # The message keys of queued notices that may repeat those texts.
    notices: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, conn: Connection, who: Subject, now: datetime) -> Erasure:
        signed = conn.execute(
            select(SIGNATURE.c.full_name).where(SIGNATURE.c.resident_id == who.resident_id)
        ).scalars()
        # A name typed with a number in it is known by its words only.
        names = {
            " ".join(redact_identifiers(name).replace(REDACTED, " ").split()) for name in signed
        }
        return cls(who, now, (*sorted(names), who.address.user))

    def redact(self, column: Column[Any], text: str | None) -> str | None:
        """``text``, written by the resident into ``column``, without their identifiers."""
        if not text:
            return text
        redacted = fit(column, redact_identifiers(text, self.known))
        if redacted != text:
            self.words[text] = redacted
        return redacted

    def redact_document(self, column: Column[Any], value: str) -> str:
        """A JSON document the resident wrote (an update in several languages), redacted."""
        document = strings(json.loads(value), lambda text: self.redact(column, text) or text)
        return json.dumps(document, ensure_ascii=False)

    def rewrite(self, value: str) -> str:
        """A JSON copy with each redacted text replaced, wherever it appears, by what it became."""
        olds = sorted(self.words, key=len, reverse=True)

        def change(text: str) -> str:
            for old in olds:
                text = text.replace(old, self.words[old])
            return redact_names(text, self.known)

        try:
            document = json.loads(value)
        except ValueError:
            return change(value)
        return json.dumps(strings(document, change), ensure_ascii=False)

    def holding(self, column: Column[Any]) -> ColumnElement[bool] | None:
        """Rows whose JSON ``column`` holds one of the redacted texts, None when there is none."""
        spelt = {
            json.dumps(word, ensure_ascii=ascii_only)[1:-1]
            for word in self.words
            for ascii_only in (False, True)
        }
        if not spelt:
            return None
        return or_(*(column.contains(text, autoescape=True) for text in sorted(spelt)))


@dataclass(frozen=True, slots=True)
class Copy:
    """A column whose JSON can repeat words written elsewhere, and which of its rows may."""

    column: Column[str]
    rows: Callable[[Connection, Erasure, Column[str]], ColumnElement[bool] | None]
    # Many rows hold one copy (a notice queued for a whole audience): each distinct value is
    # rewritten once, by value, within rows ``rows`` finds by an index. Otherwise each row is
    # rewritten by its key, as ``rows`` may read the whole table.
    shared: bool = False


def holding(_conn: Connection, erasure: Erasure, column: Column[str]) -> ColumnElement[bool] | None:
    return erasure.holding(column)


def rewrite(conn: Connection, erasure: Erasure, copies: Iterable[Copy]) -> None:
    """Rewrite the redacted texts in each copy, in order."""
    for copy in copies:
        where = copy.rows(conn, erasure, copy.column)
        if where is None:
            continue
        table, name = copy.column.table, copy.column.name
        if copy.shared:
            values = conn.execute(select(copy.column).where(where).distinct()).scalars().all()
            for value in values:
                changed = erasure.rewrite(value)
                if changed != value:
                    conn.execute(
                        update(table).where(where, copy.column == value).values({name: changed})
                    )
            continue
        (key,) = table.primary_key.columns
        changes = [
            {"_key": row_key, "_value": changed}
            for row_key, value in conn.execute(select(key, copy.column).where(where)).all()
            if (changed := erasure.rewrite(value)) != value
        ]
        if changes:
            by_key = update(table).where(key == bindparam("_key"))
            conn.execute(by_key.values({name: bindparam("_value")}), changes)
