"""Cleaning of what residents type, before any flow reads it or anything stores it.

Bidi overrides and isolates can make a stored complaint display as something else; zero-width
and other invisible characters hide text from moderators. Both go; the length is capped.
"""

from __future__ import annotations

import unicodedata

# The engine's cap on one inbound text; flows apply their own, smaller limits and say them.
MAX_INBOUND = 4_000

_KEEP_CONTROLS = {"\n", "\t"}


def clean(text: str, limit: int = MAX_INBOUND) -> str:
    """Return ``text`` in NFC without invisible or direction-changing characters, capped."""
    normal = unicodedata.normalize("NFC", text)
    # Category Cf holds bidi controls, zero-width marks and BOM; Cc the C0/C1 controls.
    kept = "".join(
        ch
        for ch in normal
        if ch in _KEEP_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    return kept.replace("\r", "").strip()[:limit]
