"""Phone numbers as people type them, in any digit script: one key, in E.164 form.

A Moroccan mobile or landline is written 06 12 34 56 78, 0612345678, +212 6 12 34 56 78,
+212 (0)6 12 34 56 78 or 00212612345678, in Latin or Arabic-Indic digits: all are
``+212612345678``, the form phone-number addresses arrive in. Other countries' numbers need their
``+`` or ``00``.
"""

from __future__ import annotations

import re
import unicodedata

from conversations.folding import to_ascii_digits

_IGNORED = re.compile(r"[\s\-_.()/]+")
_LOCAL = re.compile(r"0([5-8][0-9]{8})")
_MOROCCAN = re.compile(r"\+2120?([5-8][0-9]{8})")
_INTERNATIONAL = re.compile(r"\+[1-9][0-9]{6,14}")


def parse_phone(text: str) -> str | None:
    """The number in E.164 (``+212612345678``), or None when ``text`` is not a phone number."""
    compact = _IGNORED.sub("", to_ascii_digits(unicodedata.normalize("NFKC", text)))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    for pattern in (_LOCAL, _MOROCCAN):
        if found := pattern.fullmatch(compact):
            return "+212" + found.group(1)
    return compact if _INTERNATIONAL.fullmatch(compact) else None
