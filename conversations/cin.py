"""The national ID card number (CIN) as residents type it: letters, digits, any script.

One or two letters then digits; case, spaces, dashes, dots and the digit script do not matter, so
``ab 123456``, ``AB-123456`` and ``AB١٢٣٤٥٦`` are the same card. Leading zeros of the number do
not make another card either (``AB0123456`` is ``AB123456``): `card` is what tells two cards
apart. `find_cins` finds, in free text, every span this same reading takes for a CIN, so that
redaction never needs a second definition.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from conversations.folding import to_ascii_digits

_CIN = re.compile(r"([A-Z]{1,2})([0-9]{3,8})")
_IGNORED = re.compile(r"[\s\-_./]+")
# Two letters and eight digits: no reading of a CIN is longer.
_LONGEST = 10
_BEGINS = re.compile(r"[A-Z]{1,2}[0-9]*")


def _compact(text: str) -> str:
    return _IGNORED.sub("", to_ascii_digits(unicodedata.normalize("NFKC", text))).upper()


def parse_cin(text: str) -> str | None:
    """The CIN in canonical form (``AB123456``), or None when ``text`` is not one."""
    compact = _compact(text)
    return compact if _CIN.fullmatch(compact) else None


def card(cin: str) -> str:
    """The card a canonical CIN names: its letters and its number without leading zeros, so that
    typing a zero more is not a second card."""
    found = _CIN.fullmatch(cin)
    if found is None:
        raise ValueError("not a canonical CIN")
    letters, digits = found.groups()
    return letters + (digits.lstrip("0") or "0")


def masked(cin: str) -> str:
    """A CIN as it may be shown back: its letters and last two digits."""
    letters = len(cin) - len(cin.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return cin[:letters] + "•" * (len(cin) - letters - 2) + cin[-2:]


# How each character takes part in a reading: in a word (a letter or digit, also once
# NFKC-normalised: ``Ａ``, ``٣``, ``ß``), between words as `parse_cin` ignores it, or neither.
_WORD, _GAP, _BREAK = "word", "gap", "break"


def _role(ch: str) -> str:
    if ch.isascii():
        return _WORD if ch.isalnum() else _GAP if _IGNORED.fullmatch(ch) else _BREAK
    normal = unicodedata.normalize("NFKC", ch)
    if normal and _IGNORED.fullmatch(normal):
        return _GAP
    if any(c.isalnum() for c in normal) and all(c.isalnum() or _IGNORED.match(c) for c in normal):
        return _WORD
    return _BREAK


def _runs(text: str) -> Iterator[list[tuple[int, int]]]:
    """Runs of words joined by gaps only, each as its words' (start, end)."""
    words: list[tuple[int, int]] = []
    start = None
    for i, ch in enumerate(text):
        role = _role(ch)
        if role == _WORD:
            start = i if start is None else start
            continue
        if start is not None:
            words.append((start, i))
            start = None
        if role == _BREAK and words:
            yield words
            words = []
    if start is not None:
        words.append((start, len(text)))
    if words:
        yield words


def _may_end(text: str, words: list[tuple[int, int]], compacts: list[str], last: int) -> bool:
    """A reading may stop after word ``last`` unless a number goes on right after it, as in the
    reference R-2026-000123: only a space, or a word that starts with a letter, ends it."""
    if last + 1 == len(words):
        return True
    gap = text[words[last][1] : words[last + 1][0]]
    return any(ch.isspace() for ch in gap) or not compacts[last + 1][:1].isdigit()


def find_cins(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every span of ``text`` that `parse_cin` reads as a CIN, the longest
    reading from each word on, left to right and without overlap."""
    found: list[tuple[int, int]] = []
    for words in _runs(text):
        compacts = [_compact(text[start:end]) for start, end in words]
        first = 0
        while first < len(words):
            best = None
            # Only a word of one or two letters, maybe followed by digits, can begin a CIN.
            if _BEGINS.fullmatch(compacts[first]):
                length = 0
                for last in range(first, len(words)):
                    length += len(compacts[last])
                    if length > _LONGEST:
                        break
                    span = (words[first][0], words[last][1])
                    if parse_cin(text[span[0] : span[1]]) and _may_end(text, words, compacts, last):
                        best = last, span
            if best is None:
                first += 1
                continue
            first = best[0] + 1
            found.append(best[1])
    return found
