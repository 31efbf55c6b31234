"""Pages in the reader's language: one Jinja2 environment per language, its strings found by
`pybabel extract` in the templates and translated by the same catalogs as the chat.

Templates call `_`, `pgettext` and `ngettext` with `{name}` placeholders, as the chat's strings
do; what they return is escaped like any other value, so a translation cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from conversations.language import NATIVE, SUPPORTED
from conversations.text import Renderable, Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Right to left: Arabic. Tamazight is written left to right in Tifinagh and in Latin letters.
RTL = frozenset({"ar"})


class Pages:
    """The dashboard's templates, rendered in any of Hayna's languages."""

    def __init__(self, translators: Callable[[str], Translator]) -> None:
        self.translators = translators

    @cached_property
    def _environments(self) -> Mapping[str, Environment]:
        return {locale: self._environment(self.translators(locale)) for locale in SUPPORTED}

    def _environment(self, tr: Translator) -> Environment:
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

        def gettext(msgid: str, **params: Any) -> str:
            return tr.gettext(msgid).format(**params) if params else tr.gettext(msgid)

        def pgettext(context: str, msgid: str, **params: Any) -> str:
            return tr.pgettext(context, msgid).format(**params)

        def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
            return tr.ngettext(singular, plural, n).format(n=n, **params)

        def shown(value: object) -> str:
            """A lazy chat text, a date or a number, as this language writes it."""
            if isinstance(value, datetime):
                return tr.format_datetime(value)
            if isinstance(value, date):
                return tr.format_date(value)
            if hasattr(value, "render"):
                rendered: Renderable = value  # type: ignore[assignment]
                return rendered.render(tr)
            return str(value)

        env.globals.update(
            _=gettext,
            gettext=gettext,
            pgettext=pgettext,
            ngettext=ngettext,
            locale=tr.locale,
            direction="rtl" if tr.locale in RTL else "ltr",
            languages=SUPPORTED,
            native=NATIVE,
        )
        env.filters["shown"] = shown
        # HTML's lang and hreflang are BCP 47 tags: zgh_Latn is zgh-Latn there.
        env.filters["tag"] = lambda code: code.replace("_", "-")
        return env

    def render(self, locale: str, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        env = self._environments.get(locale) or self._environments[SUPPORTED[0]]
        return HTMLResponse(env.get_template(name).render(**values), status_code=status)
