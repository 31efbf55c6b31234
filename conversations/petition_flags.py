"""What the organizer of a petition is told when its signatures look unusual."""

from __future__ import annotations

from conversations.text import Renderable, ngettext


def burst_notice(code: str, title: str, young: int, minutes: int) -> Renderable:
    """The push to a petition's organizer when new accounts sign it in a burst."""
    return ngettext(
        # TRANSLATORS: {n} is the number of signatures; they are counted, nothing is removed.
        "Please check the petition “{title}” ({code}): {n} signature in the last {minutes} "
        "minutes came from an account created just before. It is still counted.",
        "Please check the petition “{title}” ({code}): {n} signatures in the last {minutes} "
        "minutes came from accounts created just before. They are still counted.",
        young,
        title=title,
        code=code,
        minutes=minutes,
    )
