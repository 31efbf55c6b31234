"""Every catalog complete, placeholders identical to the source, plural forms per language."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, translator
from conversations.text import ngettext
from tests.support.catalogs import load

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["ar", "fr", "zgh", "zgh_Latn", "en"]
PLURALS = {"ar": 6, "fr": 2, "zgh": 2, "zgh_Latn": 2, "en": 2}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def template_ids() -> set[tuple[str | None, str]]:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        pot = read_po(handle)
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in pot if m.id}


def test_template_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(fresh),
            "--add-comments=TRANSLATORS:",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as handle:
        extracted = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id
        }
    assert extracted == template_ids(), "run pybabel extract and update (see README)"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale: str) -> None:
    catalog = load(locale)
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    assert ids == template_ids(), f"{locale}: catalog out of step with messages.pot"
    assert catalog.num_plurals == PLURALS[locale]
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{locale}: fuzzy {message.id!r}"
        if isinstance(message.id, tuple):
            forms = message.string
            assert isinstance(forms, tuple) and len(forms) == PLURALS[locale], message.id
            assert all(forms), f"{locale}: a plural form is missing for {message.id[0]!r}"
            expected = placeholders(message.id[1])
            for form in forms:
                # A form may leave out {n} where the word itself says the number ("one", dual).
                assert placeholders(form) - {"n"} == expected - {"n"}, (locale, form)
                assert placeholders(form) <= expected, (locale, form)
        else:
            assert message.string, f"{locale}: no translation for {message.id!r}"
            assert placeholders(message.string) == placeholders(message.id), (locale, message.id)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_obsolete_entries(locale: str) -> None:
    assert not load(locale).obsolete, f"{locale}: remove obsolete entries"


def test_arabic_uses_six_distinct_plural_forms() -> None:
    tr = translator("ar")
    rendered = {
        n: ngettext(
            "I found one commune for “{name}”. Is it yours?",
            "I found {n} communes for “{name}”. Which one is yours?",
            n,
            name="x",
        ).render(tr)
        for n in (0, 1, 2, 3, 11, 100)
    }
    assert len(set(rendered.values())) == 6, rendered
    assert "11" in rendered[11] and "3" in rendered[3]


def test_french_plural_counts_zero_and_one_as_singular() -> None:
    tr = translator("fr")
    singular = "I found one commune for “{name}”. Is it yours?"
    plural = "I found {n} communes for “{name}”. Which one is yours?"
    assert tr.ngettext(singular, plural, 0) == tr.ngettext(singular, plural, 1)
    assert tr.ngettext(singular, plural, 2) != tr.ngettext(singular, plural, 1)


def test_tamazight_is_written_in_tifinagh() -> None:
    tifinagh = range(0x2D30, 0x2D80)
    for message in load("zgh"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            # Placeholder names ({date}, {ref}) are code, not words: they are not counted.
            letters = [ch for ch in re.sub(r"\{[^{}]*\}", "", text) if ch.isalpha()]
            inside = sum(1 for ch in letters if ord(ch) in tifinagh)
            assert inside >= len(letters) * 0.6, f"mostly not Tifinagh: {text!r}"


def test_dates_use_moroccan_month_names_and_casablanca_time() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # 18:30 in Casablanca (UTC+1)
    assert "نونبر" in translator("ar").format_datetime(moment)
    assert "18:30" in translator("fr").format_datetime(moment)
    ramadan = datetime(2027, 2, 20, 17, 30, tzinfo=UTC)  # Morocco is on UTC+0 in Ramadan
    assert "17:30" in translator("fr").format_datetime(ramadan)
