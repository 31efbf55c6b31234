"""Cleaning of what residents type, before any flow reads it or anything stores it.

Bidi overrides and isolates can make a stored complaint display as something else; zero-width
and other invisible characters hide text from moderators; NUL and the Unicode non-characters are
refused by PostgreSQL or by other programs reading an export. All go; the text is put in NFC and
its length capped, so that cleaning twice changes nothing.
"""

from __future__ import annotations

import unicodedata

# The engine's cap on one inbound text; flows apply their own, smaller limits and say them.
MAX_INBOUND = 4_000

_KEEP_CONTROLS = {"\n", "\t"}
# Categories never shown as anything: format (bidi controls, zero-width, BOM, soft hyphen),
# controls, private use, surrogates.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})
# Letters and marks that draw nothing, used to make a name or a line look empty: Hangul fillers,
# the combining grapheme joiner, the braille blank, the Khmer inherent vowels.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u2800\u17b4\u17b5")
# Line and paragraph separators become plain line breaks.
_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\r": ""})


def is_noncharacter(ch: str) -> bool:
    """U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+1FFFF...): Unicode
    keeps them for a program's internal use, never for text exchanged."""
    point = ord(ch)
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE


def _kept(ch: str) -> bool:
    if ch in _KEEP_CONTROLS:
        return True
    return (
        ch not in _INVISIBLE
        and unicodedata.category(ch) not in _DROPPED_CATEGORIES
        and not is_noncharacter(ch)
    )


def clean(text: str, limit: int = MAX_INBOUND) -> str:
    """Return ``text`` in NFC without invisible or direction-changing characters, at most
    ``limit`` characters, without surrounding blanks."""
    kept = "".join(ch for ch in text.translate(_LINE_BREAKS) if _kept(ch))
    # Normalised after the removal: a removed mark may have kept two characters apart.
    capped = unicodedata.normalize("NFC", kept)[:limit].strip()
    # A cut may split a base from its combining mark; normalising the shorter text is stable.
    return unicodedata.normalize("NFC", capped)
