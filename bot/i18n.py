"""Catalog loading and per-locale formatting: the only place where text meets a language.

Catalogs are read from the `.po` files in `locales/` at start (they are small), so what
translators edit is what runs, with nothing compiled to keep in step.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po

from conversations.kit import MOROCCO
from conversations.language import DEFAULT, SUPPORTED

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
TIMEZONE = MOROCCO
# Babel's Moroccan locales give Moroccan month names (نونبر, not نوفمبر). Babel has no Tamazight
# in Latin letters: its Tachelhit in Latin letters (shi_Latn) names days and months as zgh does,
# letter for letter (asamas, innayr). A catalog's plural rule is its own Plural-Forms header.
BABEL_LOCALE = {"ar": "ar_MA", "fr": "fr_MA", "zgh": "zgh", "zgh_Latn": "shi_Latn", "en": "en"}


class CatalogTranslator:
    """One locale's messages from its `.po` file; an empty translation falls back to the source."""

    def __init__(self, locale: str, directory: Path = LOCALES_DIR) -> None:
        self.locale = locale
        self._babel = BABEL_LOCALE[locale]
        self._singular: dict[tuple[str | None, str], str] = {}
        self._plural: dict[str, list[str]] = {}
        path = directory / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=self._babel)
        self._plural_index: Callable[[int], int] = gettext.c2py(catalog.plural_expr)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple):
                forms = list(message.string) if isinstance(message.string, tuple) else []
                if forms and all(forms):
                    self._plural[message.id[0]] = forms
            elif message.string:
                self._singular[(message.context, str(message.id))] = str(message.string)

    def gettext(self, msgid: str) -> str:
        return self._singular.get((None, msgid), msgid)

    def pgettext(self, context: str, msgid: str) -> str:
        return self._singular.get((context, msgid), msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plural.get(singular)
        if forms is None:
            return singular if n == 1 else plural
        index = self._plural_index(n)
        return forms[index] if index < len(forms) else forms[-1]

    def format_datetime(self, value: datetime) -> str:
        local = value.astimezone(TIMEZONE)
        return format_datetime(local, "EEEE d MMMM y HH:mm", tzinfo=TIMEZONE, locale=self._babel)

    def format_date(self, value: date) -> str:
        return format_date(value, "d MMMM y", locale=self._babel)


@cache
def translator(locale: str) -> CatalogTranslator:
    """The translator of ``locale``, loaded once; an unknown locale gets the default one."""
    return CatalogTranslator(locale if locale in SUPPORTED else DEFAULT)
