"""An option's number as residents type it: in any digit script ("3", "٣", "３", "3️⃣"), after a
word that says "number" ("rqm 3", "n° 3", "الرقم ٣"), or as a word ("tlata", "trois", "ⴽⵔⴰⴹ").

Only a whole message is a number: "3 dyal lmdrasa" is a description, not option 3.
"""

from __future__ import annotations

import re
import unicodedata

from conversations.words import plain

# Words put before the number; compared loosened, so "ra9m" is "raqm".
_MARKERS = (
    "n",
    "no",
    "nr",
    "num",
    "numero",
    "number",
    "option",
    "choix",
    "rqm",
    "raqm",
    "ra9m",
    "r9m",
    "nmra",
    "nemra",
    "nimra",
    "رقم",
    "الرقم",
    "نمرة",
    "النمرة",
    "ⵓⵟⵟⵓⵏ",
)
# Numbers said as words, in Darija (both scripts), Arabic, French, English and Tamazight.
_WORDS: dict[int, tuple[str, ...]] = {
    1: ("wahed", "wa7ed", "wahd", "wa7d", "واحد", "un", "une", "one", "premier", "ⵢⴰⵏ"),
    2: ("jouj", "joj", "zouj", "zoj", "جوج", "زوج", "اثنان", "deux", "two", "ⵙⵉⵏ"),
    3: ("tlata", "tlat", "tlt", "تلاتة", "ثلاثة", "trois", "three", "ⴽⵔⴰⴹ"),
    4: ("rb3a", "reb3a", "rab3a", "ربعة", "اربعة", "quatre", "four", "ⴽⴽⵓⵥ"),
    5: ("khamsa", "5amsa", "خمسة", "cinq", "five", "ⵙⵎⵎⵓⵙ"),
    6: ("stta", "setta", "ستة", "six", "ⵚⴹⵉⵚ"),
    7: ("sb3a", "seb3a", "sab3a", "سبعة", "sept", "seven"),
    8: ("tmnya", "tmenya", "tmanya", "تمنية", "ثمانية", "huit", "eight", "ⵜⴰⵎ"),
    9: ("ts3od", "tes3od", "tes3ud", "تسعود", "تسعة", "neuf", "nine", "ⵜⵥⴰ"),
}
_NAMED = {plain(word): number for number, words in _WORDS.items() for word in words}
_MARKED = re.compile(
    "(?:(?:{})\\s?)?#?(\\d{{1,3}})".format("|".join(re.escape(plain(m)) for m in _MARKERS))
)


# A sign makes it a quantity, not an option's number: "-1" is not option 1.
_SIGNED = re.compile(r"\s*[-−+]\s*\d")


def option_number(text: str) -> int | None:
    """The number ``text`` names, if it is nothing but a number: 1 for "1", "١", "1 3afak",
    "rqm 1" or "wahed"; None for anything else."""
    # "²" and "①" fold to digits, but nobody numbers a list with them.
    if _SIGNED.match(text) or any(unicodedata.category(ch) == "No" for ch in text):
        return None
    said = plain(text)
    if said in _NAMED:
        return _NAMED[said]
    found = _MARKED.fullmatch(said)
    return int(found.group(1)) if found else None
