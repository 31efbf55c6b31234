"""Identifiers found in free text: phone numbers, chat ids and CINs, replaced by a mark.

Logs pass every line through it; erasure passes the words a resident leaves behind, so that a
number or a CIN typed into a description does not outlive its author's account. Digits count
in every script (``٠٦٧٧…`` is a phone number too), and a CIN is whatever signing reads as one
(`conversations.cin.find_cins`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from conversations.cin import find_cins

REDACTED = "[redacted]"
# Phone numbers in any usual spelling, and any run of 8 or more digits (chat ids, numbers typed
# without separators); matched on ASCII digits. Over-redacting a long number costs less than
# leaking one.
PHONE = re.compile(
    # +212 6 77 88 99 00, +212 (0)6…, 00212-6-77-88-99-00, +33 6…
    r"(?<![\w+])(?:\+|00)[0-9]{1,3}[ .\-/]?(?:\(0\)[ .\-/]?)?[0-9](?:[ .\-/]?[0-9]){6,}(?!\w)"
    # 0677889900, 00212677889900, 06 77 88 99 00, 5512345678 (a chat id)
    r"|(?<![\w+])(?:00)?[0-9](?:[ .]?[0-9]){7,}(?!\w)"
    # 06-77-88-99-00, 0677-889900, 06/77/88/99/00
    r"|(?<![\w+])0[5-8](?:[ .\-/]?[0-9]{2}){4}(?!\w)"
)


def _ascii_digits(text: str) -> str:
    """``text`` with each decimal digit of any script as its ASCII digit, and no other change:
    the same length, so a span found in one is the same span in the other."""
    if text.isascii():
        return text
    return "".join(
        str(digit) if (digit := unicodedata.decimal(ch, None)) is not None else ch for ch in text
    )


def _cut(text: str, spans: Iterable[tuple[int, int]]) -> str:
    kept, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue
        kept += [text[at:start], REDACTED]
        at = end
    return "".join(kept) + text[at:]


def _named(name: str) -> re.Pattern[str]:
    # "Amina  Alaoui" and "amina alaoui" are the same name; "Alina" is not "Ali".
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def redact_names(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` (of 3 characters or more) redacted, in any case."""
    for name in sorted({n for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = _named(name).sub(REDACTED, text)
    return text


def redact_identifiers(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with phone numbers, long digit runs, CINs and each of ``names`` redacted."""
    text = redact_names(text, names)
    text = _cut(text, (m.span() for m in PHONE.finditer(_ascii_digits(text))))
    return _cut(text, find_cins(text))
