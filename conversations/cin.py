"""The national ID card number (CIN) as residents type it: letters, digits, any script.

One or two letters then digits; case, spaces, dashes and the digit script do not matter, so
``ab 123456``, ``AB-123456`` and ``AB١٢٣٤٥٦`` are the same card.
"""

from __future__ import annotations

import re
import unicodedata

from conversations.folding import to_ascii_digits

_CIN = re.compile(r"[A-Z]{1,2}[0-9]{3,8}")
_IGNORED = re.compile(r"[\s\-_./]+")


def parse_cin(text: str) -> str | None:
    """The CIN in canonical form (``AB123456``), or None when ``text`` is not one."""
    compact = _IGNORED.sub("", to_ascii_digits(unicodedata.normalize("NFKC", text))).upper()
    return compact if _CIN.fullmatch(compact) else None


def masked(cin: str) -> str:
    """A CIN as it may be shown back: its letters and last two digits."""
    letters = len(cin) - len(cin.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return cin[:letters] + "•" * (len(cin) - letters - 2) + cin[-2:]
