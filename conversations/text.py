"""Lazy, translatable text: built by flows, rendered in the resident's locale by the engine only.

`_`, `ngettext` and `pgettext` are the keywords `pybabel extract` looks for, so every string a
resident sees is found by extraction while it stays untranslated until the last moment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Translator(Protocol):
    """One locale's catalog and formats; `bot.i18n` provides it, tests may fake it."""

    @property
    def locale(self) -> str: ...

    def gettext(self, msgid: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def pgettext(self, context: str, msgid: str) -> str: ...

    def format_datetime(self, value: datetime) -> str: ...

    def format_date(self, value: date) -> str: ...


class Renderable(Protocol):
    """Anything the engine can turn into a string for one locale."""

    def render(self, tr: Translator) -> str: ...

    def to_json(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class Text:
    """A message id with named parameters, translated when rendered."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()
    plural: str | None = None
    n: int | None = None
    context: str | None = None

    def render(self, tr: Translator) -> str:
        if self.plural is not None and self.n is not None:
            template = tr.ngettext(self.msgid, self.plural, self.n)
        elif self.context is not None:
            template = tr.pgettext(self.context, self.msgid)
        else:
            template = tr.gettext(self.msgid)
        values = {key: _render_param(value, tr) for key, value in self.params}
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must never cost the resident their answer: fall back to source.
            log.error("translation placeholders broken for %r in %s", self.msgid, tr.locale)
            source = self.plural if self.plural and self.n != 1 else self.msgid
            return source.format_map(values)

    def to_json(self) -> Any:
        # Only what is set: the conversation keeps questions this way with every message.
        obj: dict[str, Any] = {"t": "text", "msgid": self.msgid}
        if self.params:
            obj["params"] = [[key, _param_to_json(value)] for key, value in self.params]
        if self.plural is not None:
            obj["plural"], obj["n"] = self.plural, self.n
        if self.context is not None:
            obj["context"] = self.context
        return obj


@dataclass(frozen=True, slots=True)
class Verbatim:
    """Text that is data, not interface (a commune's name, a resident's words): never translated."""

    value: str

    def render(self, tr: Translator) -> str:
        return self.value

    def to_json(self) -> Any:
        return {"t": "verbatim", "value": self.value}


@dataclass(frozen=True, slots=True)
class ByLocale:
    """One value per locale, for data that exists in several languages (a commune's names)."""

    values: tuple[tuple[str, str], ...]
    default: str

    def render(self, tr: Translator) -> str:
        values = dict(self.values)
        found = values.get(tr.locale, values.get(written_language(tr.locale)))
        return self.default if found is None else found

    def to_json(self) -> Any:
        return {
            "t": "bylocale",
            "values": [list(pair) for pair in self.values],
            "default": self.default,
        }


@dataclass(frozen=True, slots=True)
class Joined:
    """Several pieces rendered one after the other, separated by ``sep``."""

    parts: tuple[Renderable, ...]
    sep: str = "\n"

    def render(self, tr: Translator) -> str:
        return self.sep.join(part.render(tr) for part in self.parts)

    def to_json(self) -> Any:
        return {"t": "joined", "parts": [part.to_json() for part in self.parts], "sep": self.sep}


@dataclass(frozen=True, slots=True)
class Gist:
    """A question told in one line: its last line that asks (ends with "?" or ":"), or else its
    first line, cut to ``most`` characters."""

    part: Renderable
    most: int = 160

    def render(self, tr: Translator) -> str:
        rows = [row.strip() for row in self.part.render(tr).splitlines() if row.strip()]
        asking = [row for row in rows if row.endswith(("?", "؟", ":"))]
        row = asking[-1] if asking else rows[0] if rows else ""
        return row if len(row) <= self.most else row[: self.most - 1].rstrip() + "…"

    def to_json(self) -> Any:
        return {"t": "gist", "part": self.part.to_json(), "most": self.most}


def written_language(locale: str) -> str:
    """The language a locale's reader gets organizers' texts in: ``zgh_Latn`` reads ``zgh``
    (organizers write Tamazight once, in either script)."""
    return locale.split("_")[0]


def _(msgid: str, /, **params: Any) -> Text:
    """Mark ``msgid`` for translation; ``params`` fill its named placeholders."""
    return Text(msgid, tuple(params.items()))


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> Text:
    """A plural message; ``n`` chooses the form and is also available as ``{n}``."""
    return Text(singular, (("n", n), *params.items()), plural=plural, n=n)


def pgettext(context: str, msgid: str, /, **params: Any) -> Text:
    """A short label disambiguated by ``context`` for translators."""
    return Text(msgid, tuple(params.items()), context=context)


def lines(*parts: Renderable | str, sep: str = "\n") -> Joined:
    """Join pieces into one message; plain strings are taken as data."""
    return Joined(tuple(Verbatim(p) if isinstance(p, str) else p for p in parts), sep)


def _render_param(value: Any, tr: Translator) -> Any:
    if isinstance(value, datetime):
        return tr.format_datetime(value)
    if isinstance(value, date):
        return tr.format_date(value)
    if isinstance(value, (str, int, float)):
        return value
    rendered: str = value.render(tr)
    return rendered


def _param_to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": "datetime", "value": value.isoformat()}
    if isinstance(value, date):
        return {"t": "date", "value": value.isoformat()}
    if isinstance(value, (str, int, float)):
        return value
    return value.to_json()


def from_json(obj: Any) -> Renderable:
    """Rebuild what `to_json` wrote (the delivery outbox keeps pushes this way)."""
    kind = obj["t"]
    if kind == "text":
        params = tuple((key, _param_from_json(value)) for key, value in obj.get("params", ()))
        return Text(obj["msgid"], params, obj.get("plural"), obj.get("n"), obj.get("context"))
    if kind == "verbatim":
        return Verbatim(obj["value"])
    if kind == "bylocale":
        return ByLocale(tuple((k, v) for k, v in obj["values"]), obj["default"])
    if kind == "joined":
        return Joined(tuple(from_json(part) for part in obj["parts"]), obj["sep"])
    if kind == "gist":
        return Gist(from_json(obj["part"]), obj["most"])
    raise ValueError(f"unknown renderable {kind!r}")


def _param_from_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        kind = value["t"]
        if kind == "datetime":
            return datetime.fromisoformat(value["value"])
        if kind == "date":
            return date.fromisoformat(value["value"])
        return from_json(value)
    return value


class SourceTranslator:
    """The identity translation, in English source text: for tests and as a last resort."""

    locale = "en"

    def gettext(self, msgid: str) -> str:
        return msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, msgid: str) -> str:
        return msgid

    def format_datetime(self, value: datetime) -> str:
        return value.strftime("%Y-%m-%d %H:%M")

    def format_date(self, value: date) -> str:
        return value.isoformat()
