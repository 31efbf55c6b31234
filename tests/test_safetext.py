"""Properties of the text cleaner, the CIN parser, and the hostile characters they must remove."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.cin import parse_cin
from conversations.phone import parse_phone
from conversations.safetext import clean

# Every bidi embedding, override and isolate control, and the zero-width family.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u3164\u115f\u034f"
DIGIT_SCRIPTS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９")

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


# U+FDD0–U+FDEF and the last two code points of each of the 17 planes.
NONCHARACTERS = "".join(chr(p) for p in range(0xFDD0, 0xFDF0)) + "".join(
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
)


def _unsafe(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch not in "\n\t" and (category in ("Cc", "Cf", "Co", "Cs") or ch in NONCHARACTERS)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=1, max_value=120))
def test_clean_is_idempotent_bounded_and_leaves_no_control(text: str, limit: int) -> None:
    once = clean(text, limit)
    assert clean(once, limit) == once
    assert len(once) <= limit
    assert not any(_unsafe(ch) for ch in once)
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=BIDI + ZERO_WIDTH + "ab ", max_size=60))
def test_bidi_and_zero_width_characters_never_survive(text: str) -> None:
    assert set(clean(text)) <= set("ab ")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=NONCHARACTERS + "\x00ab ", max_size=60))
def test_nul_and_the_66_noncharacters_never_survive(text: str) -> None:
    assert set(clean(text)) <= set("ab ")


def test_each_noncharacter_is_dropped_and_its_neighbours_kept() -> None:
    assert len(NONCHARACTERS) == 66
    assert clean("a".join(NONCHARACTERS)) == "a" * 65
    # The code points around them are ordinary characters (or unassigned, and kept).
    assert clean("\ufdcf\ufdf0\ufffd\U0001fffd") == "\ufdcf\ufdf0\ufffd\U0001fffd"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2),
    st.text(alphabet="0123456789", min_size=3, max_size=8),
    st.sampled_from(DIGIT_SCRIPTS),
    st.sampled_from(["", " ", "-", "."]),
    st.booleans(),
)
def test_a_cin_is_one_key_in_every_digit_script(
    letters: str, digits: str, script: str, sep: str, lower: bool
) -> None:
    typed_digits = digits.translate(str.maketrans("0123456789", script))
    typed = (letters.lower() if lower else letters) + sep + typed_digits
    assert parse_cin(typed) == letters + digits


@settings(max_examples=200, deadline=None)
@given(texts)
def test_cin_parsing_never_fails_and_yields_a_canonical_cin(text: str) -> None:
    parsed = parse_cin(text)
    assert parsed is None or parse_cin(parsed) == parsed


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from("5678"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(DIGIT_SCRIPTS),
    st.sampled_from(["0{d}", "+212{d}", "00212{d}", "+212 (0){d}", "+212-{d}"]),
    st.sampled_from(["", " ", ".", "-"]),
)
def test_a_moroccan_phone_is_one_key_in_every_digit_script_and_spelling(
    first: str, rest: str, script: str, spelling: str, sep: str
) -> None:
    digits = first + rest
    grouped = sep.join([digits[0]] + [digits[i : i + 2] for i in range(1, 9, 2)])
    typed = spelling.format(d=grouped).translate(str.maketrans("0123456789", script))
    assert parse_phone(typed) == "+212" + digits


@settings(max_examples=200, deadline=None)
@given(texts)
def test_phone_parsing_never_fails_and_is_stable(text: str) -> None:
    parsed = parse_phone(text)
    assert parsed is None or (parse_phone(parsed) == parsed and parsed.startswith("+"))


def test_phones_that_are_not_phones() -> None:
    assert parse_phone("12345") is None
    assert parse_phone("0412345678") is None  # no Moroccan number starts 04
    assert parse_phone("+33 6 12 34 56 78") == "+33612345678"
