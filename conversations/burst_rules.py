"""When signatures look like a burst from brand-new accounts, as data and a pure function.

Every `EVERY` signatures, the petition's signatures of the last `WINDOW` are counted, and those
from accounts created less than `YOUNG` before that window began: at least `MIN_YOUNG` of them,
and most of them, make a burst (storage/bursts.py counts and flags it).
"""

from __future__ import annotations

from datetime import timedelta

WINDOW = timedelta(minutes=10)
# An account created less than this before the window began counts as new.
YOUNG = timedelta(minutes=30)
MIN_YOUNG = 50
EVERY = 10


def due(count: int) -> bool:
    """Whether the signature that brought a petition to ``count`` checks for a burst."""
    return count % EVERY == 0


def is_burst(total: int, young: int) -> bool:
    """Whether ``young`` of the ``total`` signatures in the window make a burst."""
    return young >= MIN_YOUNG and young * 2 > total


def window_minutes() -> int:
    return int(WINDOW.total_seconds() // 60)
