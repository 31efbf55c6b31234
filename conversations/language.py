"""The languages: each named in itself, read from what a resident types, and the menu to choose
one (the flow that changes it is `change_language.py`)."""

from __future__ import annotations

import re

from conversations.folding import fold
from conversations.kit import Inbound, Option, Reply, pick
from conversations.text import Verbatim, _, pgettext
from conversations.words import Word, global_word, greeting

# Tamazight twice, in Tifinagh (zgh) and in IRCAM's Latin letters (zgh_Latn): one language, two
# complete catalogs, and each resident reads the script they read.
SUPPORTED = ("ar", "fr", "zgh", "zgh_Latn", "en")
DEFAULT = "ar"
# The languages organizers write in: a Latin reader gets what was written in Tamazight.
WRITTEN = ("ar", "fr", "zgh", "en")

# Each language as its speakers write its name; the script tells the two Tamazights apart.
NATIVE = {
    "ar": "العربية",
    "fr": "Français",
    "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ",
    "zgh_Latn": "Tamaziɣt",
    "en": "English",
}
LANGUAGES = tuple(Option(code, Verbatim(NATIVE[code])) for code in SUPPORTED)
WRITTEN_LANGUAGES = tuple(option for option in LANGUAGES if option.id in WRITTEN)

# A language as named in the reader's own language ("my data" says which one they chose).
LANGUAGE_NAMES = {
    "ar": pgettext("language", "Arabic"),
    "fr": pgettext("language", "French"),
    "zgh": pgettext("language", "Tamazight (Tifinagh)"),
    "zgh_Latn": pgettext("language", "Tamazight (Latin letters)"),
    "en": pgettext("language", "English"),
}

# What residents type instead of tapping, in any script: "darija" is answered in Arabic.
_ALIASES = {
    fold(alias): code
    for code, aliases in {
        "ar": (
            "arabic",
            "arabe",
            "arab",
            "darija",
            "الدارجة",
            "عربية",
            "عربي",
            "العربيه",
            "3arbia",
        ),
        "fr": ("french", "francais", "francaise", "fr", "الفرنسية", "فرنسية", "fransawia"),
        "zgh": ("tamazight", "amazigh", "tamazigh", "tifinagh", "الأمازيغية", "تمازيغت", "ⵜⵎⵣⵖⵜ"),
        "zgh_Latn": (
            "tamaziɣt",
            "tamazight latin",
            "tamazight en latin",
            "amazigh latin",
            "tamazight latin letters",
        ),
        "en": ("english", "anglais", "en", "الانجليزية", "الإنجليزية", "ⵜⴰⵏⴳⵍⵉⵣⵜ"),
    }.items()
    for alias in aliases
}


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_TIFINAGH = re.compile("[\u2d30-\u2d7f]")
# Letters only Tamazight writes among the Latin ones: ɣ, ɛ (ḍ, ṛ... lose their dot when folded).
_LATIN_TAMAZIGHT = re.compile("[ɣɛ]")


def written_in(text: str) -> str | None:
    """The language a first message is plainly in: a greeting of one language ("bonjour",
    "hello", "ⴰⵣⵓⵍ"), a language named, or Arabic or Tifinagh letters. None when it could be
    any: "salam" and "السلام عليكم" are said in all of them, "/start" and Arabizi say nothing."""
    if global_word(text) is Word.LANGUAGE:
        return None  # asking for the language menu is not choosing a language
    named = _ALIASES.get(fold(text))
    if named is not None:
        return named
    language, rest = greeting(text)
    while language == "" and rest:  # "salam, bonjour": the greeting after says more
        language, rest = greeting(rest)
    if language:
        return language
    return _script_of(rest)


def _script_of(folded: str) -> str | None:
    """Tamazight in Tifinagh or Arabic when most letters say so, or Tamazight in Latin letters
    when a letter only it writes is there ("tanmmirt ɣurun"; "azul" is said in every script)."""
    letters = [ch for ch in folded if ch.isalpha()]
    for code, script in (("zgh", _TIFINAGH), ("ar", _ARABIC)):
        if letters and sum(1 for ch in letters if script.match(ch)) * 2 > len(letters):
            return code
    if _LATIN_TAMAZIGHT.search(folded):
        return "zgh_Latn"
    return None


def supported(code: str | None) -> str | None:
    """``code`` as one of ours (``fr-MA`` → ``fr``, ``zgh-Latn-MA`` → ``zgh_Latn``), or None."""
    if not code:
        return None
    base, *rest = code.replace("_", "-").lower().split("-")
    if base == "zgh" and "latn" in rest:
        return "zgh_Latn"
    return base if base in SUPPORTED else None


def language_menu(first: str | None = None) -> Reply:
    """The language question; ``first`` (a platform's hint) is listed at the top."""
    ordered = sorted(LANGUAGES, key=lambda option: option.id != first)
    return Reply(_("Please choose your language:"), tuple(ordered))


def chosen_language(msg: Inbound) -> str | None:
    """The language the resident picked or typed."""
    option = pick(msg, LANGUAGES)
    if option is not None:
        return option.id
    return _ALIASES.get(fold(msg.text))
