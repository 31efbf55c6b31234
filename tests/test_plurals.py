"""Every Arabic plural entry, rendered through Hayna's own translator, against Arabic grammar.

Arabic counts with six forms (CLDR, as Babel's `get_plural("ar")`): 0; 1 and 2 said by the word
itself (واحد, the dual); 3–10 with the plural (3 بلاغات); 11–99 with the accusative singular
(11 بلاغًا); 100–102 with the genitive singular (100 بلاغ). The checks read the noun that
follows the number, so an entry added later is checked the same way.
"""

from __future__ import annotations

import re
from string import Formatter

import pytest
from babel.messages.plurals import get_plural

from bot.i18n import translator
from conversations.text import ngettext
from tests.support.catalogs import load

# Short vowels, tanween, shadda, sukun, the dagger alef and the tatweel: not letters of the word.
MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
WORD = re.compile(r"[\u0621-\u064a\u064b-\u0652\u0670\u0640]+")
# Nouns whose accusative takes tanween without an alef (جماعةً, إجراءً, مستشفًى).
NO_ALEF = ("ة", "اء", "ى")


def plain(word: str) -> str:
    return MARKS.sub("", word)


def entries() -> list[tuple[str, str]]:
    return [(m.id[0], m.id[1]) for m in load("ar") if isinstance(m.id, tuple)]


def rendered(singular: str, plural: str, n: int) -> str:
    # Other placeholders get words, so the only digits are the count's.
    names = {name for _, name, _, _ in Formatter().parse(plural) if name and name != "n"}
    return ngettext(singular, plural, n, **dict.fromkeys(names, "س")).render(translator("ar"))


def noun_after(text: str, n: int) -> str:
    found = re.search(rf"(?<!\d){n}(?!\d)\s*([^\s\d]*)", text)
    assert found, f"{n} is not shown in {text!r}"
    word = WORD.search(found.group(1)) or WORD.search(text[found.end() :])
    assert word, f"no word after {n} in {text!r}"
    return word.group(0)


def test_the_catalog_uses_the_cldr_order_of_forms() -> None:
    catalog = load("ar")
    assert catalog.num_plurals == 6
    expected = get_plural("ar").plural_expr.replace(" ", "")
    assert catalog.plural_expr.replace(" ", "") == expected


@pytest.mark.parametrize(("singular", "plural"), entries(), ids=lambda text: text[:40])
def test_each_arabic_plural_follows_the_grammar_of_numbers(singular: str, plural: str) -> None:
    text = {n: rendered(singular, plural, n) for n in (0, 1, 2, 3, 11, 100)}
    # 0, 1 and 2 have forms of their own, the last two said by the word, not by a digit.
    assert len({text[0], text[1], text[2]}) == 3, text
    assert {text[0], text[1], text[2]}.isdisjoint({text[3], text[11], text[100]}), text
    assert not re.search(r"(?<!\d)[12](?!\d)", text[1] + text[2]), text
    if "{n}" not in plural:
        # No number is shown: from 3 on, the plural whatever the count.
        assert text[3] == text[11] == text[100], text
        return
    few, many, hundred = (noun_after(text[n], n) for n in (3, 11, 100))
    assert plain(few) not in {plain(many), plain(hundred)}, f"3 takes the plural: {text}"
    assert "\u064b" not in hundred, f"100 takes the genitive, not the accusative: {text[100]!r}"
    many_, hundred_ = plain(many), plain(hundred)
    if hundred_.endswith(NO_ALEF):
        assert many_ == hundred_, f"11 and 100 share the noun here: {many!r} / {hundred!r}"
    else:
        # The accusative adds an alef (بلاغ → بلاغًا), or restores the ي (متلقٍّ → متلقّيًا).
        assert many_ in {hundred_ + "ا", hundred_ + "يا"}, f"11 is accusative: {text}"
        assert not hundred_.endswith("ا"), f"100 is genitive: {text[100]!r}"
