"""Identifiers found in free text: phone numbers, chat ids and CINs, replaced by a mark.

Logs pass every line through it; erasure passes the reports a resident leaves behind, so that a
number or a CIN typed into a description does not outlive its author's account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
# Phone numbers in any usual spelling, and any run of 8 or more digits (chat ids, numbers typed
# without separators). Over-redacting a long number costs less than leaking one.
PHONE = re.compile(
    r"(?<![\w+])\+\d(?:[ .\-]?\d){7,}(?!\w)"
    r"|(?<![\w+])(?:00)?\d(?:[ .]?\d){7,}(?!\w)"
    r"|(?<![\w+])0[5-7](?:[ .\-]?\d{2}){4}(?!\w)"
)
# A CIN: one or two letters, maybe a space, then five to eight digits.
CIN = re.compile(r"(?<![\w])[A-Za-z]{1,2} ?\d{5,8}(?!\w)")


def redact_identifiers(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with phone numbers, long digit runs, CINs and each of ``names`` redacted."""
    for name in sorted({n for n in names if len(n) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(name), REDACTED, text, flags=re.IGNORECASE)
    return CIN.sub(REDACTED, PHONE.sub(REDACTED, text))
