"""Tifinagh ↔ IRCAM Latin transliteration of Tamazight, letter for letter, and the tool that
seeded ``locales/zgh_Latn`` from ``locales/zgh``.

Usage: ``python scripts/transliteration.py seed`` writes the Latin catalog from the Tifinagh one
(overwriting it: run it once, then read and correct every string); ``python
scripts/transliteration.py diff`` lists the Latin strings that differ from the letter-for-letter
seed by more than capitals, the ones a reader corrected. The runtime never transliterates: both
catalogs are static and complete.

The letters are IRCAM's (the 33 of the standard alphabet, ⵯ as ʷ) with the extended set's
letters that have one precomposed Latin letter (ⴵ ǧ, ⵒ p, ⵠ v...), as in r12a's Tifinagh notes
for zgh. Placeholders ({name}, %(name)s), URLs, commands (/start), file endings (.ics),
identifiers (p_{code}) and every non-Tifinagh letter are left as they are.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

from conversations.tifinagh import TO_LATIN

TO_TIFINAGH = {latin: tifinagh for tifinagh, latin in TO_LATIN.items()}

# Spans that are code or data whatever script surrounds them.
KEPT = re.compile(
    r"\{[^{}]*\}"  # {name}
    r"|%\([A-Za-z_]\w*\)[a-z]"  # %(name)s
    r"|[A-Za-z][A-Za-z0-9+.-]*://\S+"  # a URL
    r"|[\w.+-]+@[\w-]+\.[\w.]+"  # an e-mail address
    r"|(?<![\w/])/[A-Za-z_]\w*"  # a command, /start
    r"|\?\w+=\S*"  # a link's query, ?start=p_{code}
    r"|\w*_\w*"  # an identifier, p_{code}
    r"|(?<!\w)\.[a-z0-9]+\b"  # a file ending, .ics
)
_LATIN_LETTERS = "".join(sorted(TO_TIFINAGH))
_LATIN_WORD = re.compile(rf"[\w{_LATIN_LETTERS}]+")


def to_latin(text: str) -> str:
    """``text`` with each Tifinagh letter in IRCAM Latin (lower case: Tifinagh has no capitals)."""
    return _outside_kept(text, lambda piece: "".join(TO_LATIN.get(ch, ch) for ch in piece))


def to_tifinagh(text: str) -> str:
    """``text`` with each Latin Tamazight word in Tifinagh. A word is Tamazight when it is made
    of IRCAM letters only and is lower case or capitalised ("Tanmmirt"); CIN, DD, WebP and a
    lone capital (the "P" of "P {code}") are kept as written."""
    return _outside_kept(unicodedata.normalize("NFC", text), _words_to_tifinagh)


def _words_to_tifinagh(piece: str) -> str:
    return _LATIN_WORD.sub(lambda found: _word_to_tifinagh(found.group()), piece)


def _word_to_tifinagh(word: str) -> str:
    lowered = word.lower()
    capitalised = len(word) > 1 and word[0].isupper() and word[1:] == lowered[1:]
    if word != lowered and not capitalised:
        return word
    if not all(ch in TO_TIFINAGH for ch in lowered):
        return word
    return "".join(TO_TIFINAGH[ch] for ch in lowered)


def _outside_kept(text: str, convert: Callable[[str], str]) -> str:
    out, start = [], 0
    for kept in KEPT.finditer(text):
        out += [convert(text[start : kept.start()]), kept.group()]
        start = kept.end()
    out.append(convert(text[start:]))
    return "".join(out)


LOCALES = Path(__file__).resolve().parent.parent / "locales"


def _catalog_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


def seed() -> None:
    """Write the Latin catalog from the Tifinagh one: same entries, comments and plural forms."""
    from babel.messages.pofile import read_po, write_po

    with _catalog_path("zgh").open("rb") as handle:
        catalog = read_po(handle, locale="zgh")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(to_latin(form) for form in message.string)
        else:
            message.string = to_latin(message.string)
    path = _catalog_path("zgh_Latn")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)


def diff() -> None:
    """Print each Latin string that a reader changed beyond capitals, with its seed."""
    from babel.messages.pofile import read_po

    with _catalog_path("zgh").open("rb") as handle:
        tifinagh = {(m.context, m.id): m.string for m in read_po(handle) if m.id}
    with _catalog_path("zgh_Latn").open("rb") as handle:
        latin = read_po(handle)
    for message in latin:
        source = tifinagh.get((message.context, message.id))
        if not message.id or source is None:
            continue
        seeded = source if isinstance(source, tuple) else (source,)
        read = message.string if isinstance(message.string, tuple) else (message.string,)
        for before, after in zip(seeded, read, strict=False):
            if to_latin(before).lower() != after.lower():
                print(f"{to_latin(before)}\n  → {after}\n")


if __name__ == "__main__":
    {"seed": seed, "diff": diff}[sys.argv[1] if len(sys.argv) > 1 else "diff"]()
