"""Folding of free text for matching: what a resident types against what we know.

Arabic hamza/alef forms, ta marbuta, alef maqsura, diacritics and tatweel fold away; Latin
accents, case, apostrophes and dashes fold away; every digit script becomes ASCII. `loose` goes
further, for word lists only: Arabizi's digits-as-letters and letters typed twice or more.
"""

from __future__ import annotations

import re
import unicodedata

# Alef with hamza above/below, madda, wasla all read as a bare alef to most typists.
_ARABIC_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ء": "",
        "ـ": "",  # tatweel
        "ک": "ك",
        "ی": "ي",
        "ڭ": "ك",  # Moroccan gaf, written for /g/
        "گ": "ك",
        "ڤ": "ف",
    }
)
# Every decimal digit of every script (Arabic-Indic, Eastern Arabic, fullwidth...): category Nd.
_DIGIT = re.compile(r"\d")
_APOSTROPHES = re.compile(r"['’`´ʼ]")
_SEPARATORS = re.compile(r"[\s\-_.,;:!?؟،؛()\"«»/\\]+")
# Combining marks: Latin accents and Arabic harakat (Mn), and the keycap of "3️⃣" (Me).
_MARKS = frozenset({"Mn", "Me"})

# Arabizi writes Arabic sounds with digits (3 ع, 7 ح, 9 ق, 2 ء, 5 خ) and spells the rest
# several ways ("sh"/"ch", "ou"/"u"): each is read as one spelling.
_ARABIZI = (("sh", "ch"), ("ou", "u"), ("9", "q"), ("7", "h"), ("3", "a"), ("2", "a"), ("5", "kh"))
# A letter typed twice or more ("salaaam", "واخاااا", "bzzaf") is read once; digits never are.
_REPEATED = re.compile(r"([^\W\d_])\1+")


def to_ascii_digits(text: str) -> str:
    """Turn the digits of any script (٣, ۳, ３...) into ASCII ones."""
    if text.isascii():
        return text
    return _DIGIT.sub(lambda found: str(unicodedata.decimal(found.group())), text)


def fold(text: str) -> str:
    """Return a canonical form of ``text`` for comparisons, never for display."""
    decomposed = unicodedata.normalize("NFKD", to_ascii_digits(text))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _MARKS)
    bare = unicodedata.normalize("NFC", bare).casefold().translate(_ARABIC_MAP)
    # "Ben M'Sick" and "Ben Msick" are the same place: apostrophes vanish, dashes separate.
    return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", bare)).strip()


def loose(word: str) -> str:
    """One folded word in the looser spelling word lists are compared in: "3afaaak" and
    "afak" alike. A number stays a number: "3" alone is an option, not a letter."""
    if word.isascii() and any(ch.isalpha() for ch in word):
        for written, read in _ARABIZI:
            word = word.replace(written, read)
    return _REPEATED.sub(r"\1", word)
