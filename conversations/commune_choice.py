"""Choosing a commune among candidates: the same offer in onboarding and for organizers."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.kit import Option, Place, Reply
from conversations.text import Renderable, _

OTHER = Option("other", _("None of these: type another name"))


def candidates(question: Renderable, places: Sequence[Place]) -> Reply:
    """Each place as an option, named in the resident's script, then "none of these"."""
    return Reply(question, (*(Option(place.code, place.label()) for place in places), OTHER))
