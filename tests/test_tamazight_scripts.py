"""Tamazight in both scripts: the transliteration that seeded the Latin catalog goes there and
back on every Tifinagh string, and the two catalogs hold the same messages, each complete, with
the same placeholders."""

from __future__ import annotations

from string import Formatter

import pytest
from babel.messages.catalog import Message

from bot.i18n import translator
from conversations.language import language_menu, supported, written_in
from conversations.text import ByLocale, ngettext
from scripts.transliteration import to_latin, to_tifinagh
from tests.support.catalogs import load


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def by_key(locale: str) -> dict[tuple[str | None, str], Message]:
    return {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in load(locale) if m.id
    }


def test_every_tifinagh_string_goes_to_latin_and_back_unchanged() -> None:
    changed = [
        form
        for message in load("zgh")
        if message.id
        for form in forms(message)
        if to_tifinagh(to_latin(form)) != form
    ]
    assert not changed, changed[:5]


@pytest.mark.parametrize(
    ("tifinagh", "latin"),
    [
        ("ⵜⴰⵙⵓⵜⵔⴰ ⵏ ⵜⵊⵎⴰⵄⵜ", "tasutra n tjmaɛt"),
        ("ⴰⴽⴽⵯ ⵉⵙⴳⴳⵯⴰⵙⵏ", "akkʷ isggʷasn"),
        ("ⴹⵕⵚⵟⵥⵃⵄⵖⵛⴻ", "ḍṛṣṭẓḥɛɣce"),
        (
            "ⵜⴰⵎⵙⵎⵓⵏⵜ {name}: %(n)s, ⴰⵙⵖⵏ https://hayna.ma/p/ⵜ",
            "tamsmunt {name}: %(n)s, asɣn https://hayna.ma/p/ⵜ",
        ),
        (
            "ⴳ ⵜⵉⵍⵉⴳⵔⴰⵎ ?start=p_{code} /start, CIN 12 📍 (.ics)",
            "g tiligram ?start=p_{code} /start, CIN 12 📍 (.ics)",
        ),
    ],
)
def test_letters_change_and_code_stays(tifinagh: str, latin: str) -> None:
    assert to_latin(tifinagh) == latin
    assert to_tifinagh(latin) == tifinagh


def test_capitalised_words_go_back_and_acronyms_stay() -> None:
    assert to_tifinagh("Tanmmirt! Arut CIN, DD/MM/YYYY nɣ WebP, P {code}") == (
        "ⵜⴰⵏⵎⵎⵉⵔⵜ! ⴰⵔⵓⵜ CIN, DD/MM/YYYY ⵏⵖ WebP, P {code}"
    )


def test_both_scripts_hold_every_message_complete_with_the_same_placeholders() -> None:
    tifinagh, latin = by_key("zgh"), by_key("zgh_Latn")
    assert tifinagh.keys() == latin.keys()
    for key, message in tifinagh.items():
        other = latin[key]
        assert len(forms(message)) == len(forms(other)), key
        for one, two in zip(forms(message), forms(other), strict=True):
            assert one and two, f"{key}: missing in one script"
            assert placeholders(one) == placeholders(two), (one, two)
            assert not any("\u2d30" <= ch <= "\u2d7f" for ch in two), f"Tifinagh in Latin: {two}"


def test_latin_sentences_start_with_a_capital_where_the_english_does() -> None:
    lower = [
        form
        for message in load("zgh_Latn")
        if isinstance(message.id, str) and message.id[:1].isupper()
        for form in forms(message)
        if form[:1].isalpha() and form[:1].islower()
    ]
    assert not lower, lower[:5]


def test_latin_tamazight_is_chosen_named_and_written_left_to_right() -> None:
    assert "zgh_Latn" in {option.id for option in language_menu().options}
    assert supported("zgh-Latn-MA") == "zgh_Latn" and supported("zgh-MA") == "zgh"
    assert written_in("tanmmirt ɣurun") == "zgh_Latn"
    tr = translator("zgh_Latn")
    assert tr.locale == "zgh_Latn"
    # The zgh plural rule, and Latin day and month names.
    assert ngettext("{n} report", "{n} reports", 2, n=2).render(tr) == "2 n ixṣṣaṣn"
    from datetime import date

    assert tr.format_date(date(2027, 1, 4)) == "4 innayr 2027"


def test_a_latin_reader_gets_what_organizers_wrote_in_tamazight() -> None:
    text = ByLocale((("fr", "Réunion"), ("zgh", "ⴰⵎⵢⴰⵏⴰⴼ")), "Réunion")
    assert text.render(translator("zgh_Latn")) == "ⴰⵎⵢⴰⵏⴰⴼ"
    assert ByLocale((("zgh_Latn", "Amyanaf"),), "x").render(translator("zgh_Latn")) == "Amyanaf"
