"""Folding of free text for matching: what a resident types against what we know.

Arabic hamza/alef forms, ta marbuta, alef maqsura, diacritics and tatweel fold away; Latin
accents, case, apostrophes and dashes fold away; every digit script becomes ASCII.
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
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_APOSTROPHES = re.compile(r"['’`´ʼ]")
_SEPARATORS = re.compile(r"[\s\-_.,;:!?؟،؛()\"«»/\\]+")


def to_ascii_digits(text: str) -> str:
    """Turn Arabic-Indic (٠–٩) and Eastern Arabic (۰–۹) digits into ASCII ones."""
    return text.translate(_DIGITS)


def fold(text: str) -> str:
    """Return a canonical form of ``text`` for comparisons, never for display."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DIGITS))
    # Combining marks are Latin accents and Arabic harakat alike (category Mn).
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    bare = unicodedata.normalize("NFC", bare).casefold().translate(_ARABIC_MAP)
    # "Ben M'Sick" and "Ben Msick" are the same place: apostrophes vanish, dashes separate.
    return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", bare)).strip()
