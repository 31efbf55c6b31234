"""Redaction reads a CIN as signing does and a phone number in any digit script: every spelling
the parsers accept, typed into any text, is redacted, and redacting twice changes nothing."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.cin import find_cins, parse_cin
from conversations.redaction import REDACTED, redact_identifiers, redact_names

DIGIT_SCRIPTS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９")
# What parse_cin ignores between the characters of a CIN, as people (and keyboards) type it.
GAPS = ("", "", "", " ", "-", ".", "_", "/", " - ", "\u00a0", "\u2009", "\u3000", "－", "．", "\t")
# Words around a number: letters of any script, punctuation, spaces, never a digit.
AROUND = st.text(
    alphabet=st.characters(categories=("L", "P", "Zs"), exclude_characters="\r\n"), max_size=25
)


def _digits_left(text: str) -> str:
    normal = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) for ch in normal if unicodedata.decimal(ch, None))


@st.composite
def cin_spellings(draw: st.DrawFn) -> str:
    """A CIN as a resident may type it: any case, full-width letters, any digit script, any of
    the separators parse_cin ignores, anywhere."""
    letters = draw(st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=2))
    digits = draw(st.text(alphabet=string.digits, min_size=3, max_size=8))
    typed = []
    for letter in letters:
        typed.append(draw(st.sampled_from([letter, letter.lower(), chr(ord(letter) + 0xFEE0)])))
        typed.append(draw(st.sampled_from(GAPS)))
    for digit in digits:
        typed.append(draw(st.sampled_from(DIGIT_SCRIPTS))[int(digit)])
        typed.append(draw(st.sampled_from(GAPS)))
    return draw(st.sampled_from(GAPS)) + "".join(typed)


@st.composite
def phone_spellings(draw: st.DrawFn) -> str:
    """A Moroccan mobile number in the spellings parse_phone reads, in any digit script."""
    digits = draw(st.sampled_from("5678")) + draw(
        st.text(alphabet=string.digits, min_size=8, max_size=8)
    )
    sep = draw(st.sampled_from(["", " ", ".", "-"]))
    grouped = sep.join([digits[0]] + [digits[i : i + 2] for i in range(1, 9, 2)])
    spelling = draw(st.sampled_from(["0{d}", "+212{d}", "00212{d}", "+212 (0){d}", "+212-{d}"]))
    script = draw(st.sampled_from(DIGIT_SCRIPTS))
    return spelling.format(d=grouped).translate(str.maketrans(string.digits, script))


@settings(max_examples=400, deadline=None)
@given(cin_spellings(), AROUND, AROUND)
def test_any_spelling_of_a_cin_is_redacted_wherever_it_is_typed(
    cin: str, before: str, after: str
) -> None:
    assert parse_cin(cin) is not None
    redacted = redact_identifiers(f"{before} {cin} {after}")
    assert _digits_left(redacted) == "", redacted
    assert find_cins(redacted) == []


@settings(max_examples=300, deadline=None)
@given(phone_spellings(), AROUND, AROUND)
def test_any_spelling_of_a_phone_number_is_redacted_in_every_digit_script(
    phone: str, before: str, after: str
) -> None:
    redacted = redact_identifiers(f"{before} {phone} {after}")
    assert _digits_left(redacted) == "", redacted


TYPED = st.text(
    alphabet=st.sampled_from([*"ABZKabzk0123456789٠١٢٣٤٥ -./_R:", "\u00a0", "Ａ", "ß"]),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TYPED, st.text(max_size=80)))
def test_what_is_found_is_a_cin_and_redacting_again_changes_nothing(text: str) -> None:
    for start, end in find_cins(text):
        assert parse_cin(text[start:end]) is not None
    once = redact_identifiers(text)
    assert find_cins(once) == []
    assert redact_identifiers(once) == once


@pytest.mark.parametrize(
    "line",
    [
        "CIN AB-123456",
        "CIN ZK 445 566.",
        "carte AB.123456, merci",
        "رقم البطاقة zk-٤٤٥٥٦٦",
        "ＡＢ１２３４５６",
        "ab 123 456 et un numéro",
    ],
)
def test_the_spellings_signing_accepts_are_redacted(line: str) -> None:
    assert REDACTED in redact_identifiers(line)
    assert _digits_left(redact_identifiers(line)) == ""


@pytest.mark.parametrize(
    "line",
    [
        "report R-2026-000123 moved",
        "meeting 2026-12-05 at 18:00",
        "petition K7Q2MX: 60 of 61 signatures",
        "took 340 ms, 12 rows",
    ],
)
def test_references_dates_and_counts_stay_readable(line: str) -> None:
    assert redact_identifiers(line) == line


def test_a_short_word_before_a_number_reads_as_a_cin_as_signing_would_read_it() -> None:
    # "le 12/05/2026" is LE12052026 to parse_cin: one reading of a CIN, so it is redacted.
    assert parse_cin("le 12/05/2026") == "LE12052026"
    assert redact_identifiers("depuis le 12/05/2026") == f"depuis {REDACTED}"


def test_a_name_is_redacted_in_any_case_and_spacing_but_not_inside_another() -> None:
    text = "AMINA  alaoui was here; Aminata Alaouiya too"
    assert redact_names(text, ["Amina Alaoui"]) == f"{REDACTED} was here; Aminata Alaouiya too"
    assert redact_names("Al and Ali", ["Al"]) == "Al and Ali", "too short to be told apart"
