"""The Tifinagh letters in IRCAM's Latin transcription, letter for letter.

Word lists are written once, in Tifinagh, and read in both scripts: a resident who reads
Tamazight in Latin letters types "talgamt" for ⵜⴰⵍⴳⴰⵎⵜ (conversations/words.py). The catalogs
are not transliterated at run time: both scripts' are written and read (scripts/
transliteration.py seeded the Latin one from this table).

The letters are IRCAM's (the 33 of the standard alphabet, ⵯ as ʷ) with the extended set's
letters that have one precomposed Latin letter (ⴵ ǧ, ⵒ p, ⵠ v...), as in r12a's Tifinagh notes
for zgh.
"""

from __future__ import annotations

TO_LATIN = {
    "ⴰ": "a",
    "ⴱ": "b",
    "ⴲ": "ḇ",
    "ⴳ": "g",
    "ⴵ": "ǧ",
    "ⴷ": "d",
    "ⴸ": "ḏ",
    "ⴹ": "ḍ",
    "ⴻ": "e",
    "ⴼ": "f",
    "ⴽ": "k",
    "ⴿ": "ḵ",
    "ⵀ": "h",
    "ⵃ": "ḥ",
    "ⵄ": "ɛ",
    "ⵅ": "x",
    "ⵇ": "q",
    "ⵉ": "i",
    "ⵊ": "j",
    "ⵍ": "l",
    "ⵎ": "m",
    "ⵏ": "n",
    "ⵒ": "p",
    "ⵓ": "u",
    "ⵔ": "r",
    "ⵕ": "ṛ",
    "ⵖ": "ɣ",
    "ⵙ": "s",
    "ⵚ": "ṣ",
    "ⵛ": "c",
    "ⵜ": "t",
    "ⵝ": "ṯ",
    "ⵞ": "č",
    "ⵟ": "ṭ",
    "ⵠ": "v",
    "ⵡ": "w",
    "ⵢ": "y",
    "ⵣ": "z",
    "ⵥ": "ẓ",
    "ⵯ": "ʷ",  # labialisation: ⴳⵯ gʷ, ⴽⵯ kʷ
}
_LETTERS = str.maketrans(TO_LATIN)
# How Latin Tamazight is typed on keyboards without ɣ and ɛ: "gh" and, as in Arabizi, "3".
_TYPED = str.maketrans({"ɣ": "gh", "ɛ": "3"})


def latin(text: str) -> str:
    """``text`` with every Tifinagh letter in Latin, lower case (Tifinagh has no capitals)."""
    return text.translate(_LETTERS)


def as_typed(text: str) -> str:
    """``text`` in Latin letters as a phone keyboard types them: ⵖ and ɣ as "gh", ⵄ and ɛ as
    "3"; what is not Tamazight is left as it is."""
    return latin(text).translate(_TYPED)
