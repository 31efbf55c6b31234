"""The Tamazight catalogs speak with one voice: each glossary term in its one spelling, in
Tifinagh and in Latin letters, no two terms alike (a report is never a notification), and the
resident addressed in the polite plural throughout."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pytest
from babel.messages.catalog import Message

from bot.i18n import LOCALES_DIR
from scripts.transliteration import to_latin
from tests.support.catalogs import load

GLOSSARY = LOCALES_DIR / "zgh" / "glossary.tsv"
TIFINAGH = "\u2d30-\u2d7f"
# The singular "you" and "your" (ⵏⵏⴽ your, ⴼⵍⴰⴽ about you, ⵖⵓⵔⴽ with you, ⴽⵢⵉ you).
SINGULAR_YOU = ("ⵏⵏⴽ", "ⵏⵏⵎ", "ⴼⵍⴰⴽ", "ⴼⵍⴰⵎ", "ⵖⵓⵔⴽ", "ⵖⵓⵔⵎ", "ⴽⵢⵉ", "ⴽⵎⵎ")


@dataclass(frozen=True)
class Term:
    english: tuple[str, ...]
    tifinagh: str
    forms: tuple[str, ...]
    latin: str = ""

    def in_latin(self) -> Term:
        """The term as the Latin catalog writes it: letter for letter, but for a name (Hayna)."""
        if self.latin != to_latin(self.tifinagh):
            return Term(self.english, self.latin, (self.latin,), self.latin)
        return Term(self.english, self.latin, tuple(to_latin(f) for f in self.forms), self.latin)


def glossary() -> list[Term]:
    with GLOSSARY.open(encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return [
        Term(
            tuple(row["english"].split("|")),
            row["tifinagh"],
            tuple(row["forms"].split(" ")),
            row["latin"],
        )
        for row in csv.DictReader(rows, delimiter="\t")
    ]


def forms_of(term: Term) -> list[str]:
    # Forms are single words, except in terms of several words, whose forms are the whole term.
    words = term.tifinagh.split(" ")
    if len(words) == 1:
        return list(term.forms)
    return [" ".join(term.forms[i : i + len(words)]) for i in range(0, len(term.forms), len(words))]


def english_terms(text: str, terms: list[Term]) -> list[Term]:
    """The glossary terms ``text`` uses, longer ones first: "delivery report" is not "report"."""
    found = []
    # Placeholders are code ({commune} is filled with a commune's name, not the word).
    text = re.sub(r"\{[^{}]*\}", " ", text)
    for term in sorted(terms, key=lambda t: -max(len(e) for e in t.english)):
        for english in term.english:
            pattern = rf"\b{re.escape(english)}(?:s|es)?\b"
            # A name (Hayna) is matched as written: the command `hayna` is not the name.
            flags = 0 if english[0].isupper() else re.IGNORECASE
            if re.search(pattern, text, flags):
                found.append(term)
                text = re.sub(pattern, " ", text, flags=flags)
    return found


def uses(text: str, term: Term) -> bool:
    return any(
        re.search(rf"(?<![{TIFINAGH}\w]){re.escape(form)}(?![{TIFINAGH}\w])", text, re.IGNORECASE)
        for form in forms_of(term)
    )


def pairs(message: Message) -> list[tuple[str, str]]:
    """(English, Tamazight) for each form of a message."""
    if isinstance(message.id, tuple):
        return list(zip(message.id, message.string, strict=False))
    return [(message.id, message.string)]


@pytest.mark.parametrize("locale", ["zgh", "zgh_Latn"])
def test_each_glossary_term_is_written_its_one_way(locale: str) -> None:
    terms = glossary()
    missing = []
    for message in load(locale):
        if not message.id:
            continue
        for english, tamazight in pairs(message):
            for term in english_terms(english, terms):
                written = term if locale == "zgh" else term.in_latin()
                if not uses(tamazight, written):
                    missing.append(f"{term.english[0]} → {written.tifinagh}: {tamazight!r}")
    assert not missing, "\n".join(missing)


def test_the_latin_column_is_the_tifinagh_letter_for_letter_but_for_names() -> None:
    for term in glossary():
        assert term.latin in (to_latin(term.tifinagh), "Hayna"), term


def test_no_two_glossary_terms_share_a_tifinagh_word() -> None:
    seen: dict[str, str] = {}
    for term in glossary():
        assert term.tifinagh in forms_of(term), term
        for form in forms_of(term):
            assert form not in seen, f"{form} is both {seen[form]} and {term.english[0]}"
            seen[form] = term.english[0]


def test_reports_and_notifications_are_different_words() -> None:
    by_english = {t.english[0]: t for t in glossary()}
    report, notification = by_english["report"], by_english["notification"]
    assert not set(forms_of(report)) & set(forms_of(notification))
    erase = next(m for m in load("zgh") if m.id and str(m.id).startswith("Delete your data?"))
    assert uses(erase.string, report) and uses(erase.string, notification)


def test_the_resident_is_addressed_in_the_polite_plural() -> None:
    singular = []
    for message in load("zgh"):
        if not message.id:
            continue
        for _english, tamazight in pairs(message):
            words = re.findall(rf"[{TIFINAGH}]+", tamazight)
            singular += [f"{w}: {tamazight!r}" for w in words if w in SINGULAR_YOU]
    assert not singular, "\n".join(singular)
