"""What the dashboard's forms and filters share: a choice among an enum's values, the audience
chosen (a whole commune, or one group, as the chat names them), a day and time typed in
Moroccan time, a number and a text as typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from conversations.groups import Audience, Reach
from conversations.kit import MOROCCO
from conversations.text import Translator

E = TypeVar("E", bound=StrEnum)
# "c:CODE" for a commune, "g:ID" for a group: the chat's own option ids (audience_steps.py).
_AUDIENCE = re.compile(r"c:[0-9.]{1,16}|g:[0-9]{1,12}")
# What an <input type="datetime-local"> sends: 2026-12-09T18:00, maybe with seconds.
_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")


def choice(kind: type[E], typed: str) -> E | None:
    """The value of ``kind`` a select, a radio or a filter sent; None for what none sends."""
    try:
        return kind(typed) if typed else None
    except ValueError:
        return None


def audience_of(chosen: str) -> Audience | None:
    """The audience an option names; None for what no option sends."""
    if not _AUDIENCE.fullmatch(chosen):
        return None
    kind, _sep, value = chosen.partition(":")
    return Audience(value) if kind == "c" else Audience("", (int(value),))


def moroccan(typed: str) -> datetime | None:
    """A day and time read in Moroccan time (zoneinfo knows when Ramadan moves it), as UTC."""
    if not _LOCAL.fullmatch(typed):
        return None
    try:
        local = datetime.fromisoformat(typed)
    except ValueError:
        return None
    return local.replace(tzinfo=MOROCCO).astimezone(UTC)


def local_value(at: datetime) -> str:
    """A time as a datetime-local field shows it, in Moroccan time."""
    return at.astimezone(MOROCCO).strftime("%Y-%m-%dT%H:%M")


def audience_options(
    reach: Reach, commune_name: Callable[[str], str], tr: Translator
) -> list[tuple[str, str]]:
    """(value, label) of every audience within reach: whole communes, then groups."""
    options = [(f"c:{code}", commune_name(code)) for code in reach.communes]
    for group in reach.groups:
        label = f"{group.label().render(tr)} · {commune_name(group.commune_code)}"
        options.append((f"g:{group.id}", label))
    return options


def number_of(typed: str) -> int | None:
    """A number in a path or a form (a meeting's, an update's, a group's, a file's): a database
    id, at most 12 digits; None for anything else."""
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 12 else None


def kept_text(typed: object) -> str:
    """A text field as typed, trimmed; a browser sends each line break as two characters, which
    are one in what residents receive (and in the page's count)."""
    return typed.replace("\r\n", "\n").strip() if isinstance(typed, str) else ""
