"""Yes and no as residents write them: one reading for every question that asks for either.

"iyeh", "wakha", "آه", "oui", "👍", "ⵢⴰⵀ" are yes; "la", "لا", "non", "ⵓⵀⵓ" are no, also with
more after them ("oui merci", "la chokran") but not with both ("ah non" is neither).
"""

from __future__ import annotations

from collections.abc import Sequence

from conversations.kit import Inbound, Option, pick
from conversations.words import plain

YES = (
    "نعم",
    "اه",
    "ايه",
    "ايوا",
    "واخا",
    "واخة",
    "iyeh",
    "iyah",
    "iyeah",
    "ih",
    "ah",
    "eyeh",
    "ayeh",
    "aywa",
    "naam",
    "na3am",
    "wakha",
    "wakhha",
    "waha",
    "wa5a",
    "waxa",
    "wkha",
    "wekha",
    "ouakha",
    "wakha a sidi",
    "safi",
    "صافي",
    "safi wakha",
    "ايه نعم",
    "iyeh akhoya",
    "yah",
    "oui oui",
    "d'accord",
    "dakor",
    "واخ",
    "اوكي",
    "أوكي",
    "مزيان",
    "mzyan",
    "ok",
    "okay",
    "oki",
    "okey",
    "oui",
    "ouais",
    "ouii",
    "daccord",
    "dac",
    "bien sur",
    "yes",
    "yeah",
    "yep",
    "sure",
    "of course",
    "no problem",
    "pas de probleme",
    "machi mochkil",
    "ماشي مشكل",
    "👍",
    "👌",
    "✅",
    "ⵢⴰⵀ",
    "ⵉⵀ",
)
NO = (
    "لا",
    "لالا",
    "la",
    "lala",
    "non",
    "no",
    "nope",
    "nan",
    "pas du tout",
    "ma bghitch",
    "mabghitch",
    "ma bghit",
    "la la",
    "la a khoya",
    "la machi daba",
    "machi daba",
    "ماشي دابا",
    "walakin la",
    "nn",
    "ما بغيتش",
    "👎",
    "❌",
    "ⵓⵀⵓ",
)

_PHRASES = {plain(word): True for word in YES} | {plain(word): False for word in NO}
# Words that say yes or no by themselves, also when more words follow.
_WORDS = {phrase: meaning for phrase, meaning in _PHRASES.items() if " " not in phrase}


def assent(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else."""
    said = plain(text)
    if said in _PHRASES:
        return _PHRASES[said]
    words = said.split()
    if not words or words[0] not in _WORDS:
        return None
    meaning = _WORDS[words[0]]
    if any(_WORDS.get(word, meaning) is not meaning for word in words[1:]):
        return None
    return meaning


def answer(msg: Inbound, options: Sequence[Option], yes: Option, no: Option) -> Option | None:
    """The option chosen among ``options`` (tapped, or typed by number or label), else ``yes``
    or ``no`` for a typed yes or no; None for anything else."""
    chosen = pick(msg, options)
    if chosen is not None or msg.option is not None:
        return chosen
    said = assent(msg.text)
    if said is None:
        return None
    return yes if said else no
