"""Choosing a commune among candidates: the same offer in onboarding and for organizers."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.assent import assent
from conversations.context import Context
from conversations.kit import Inbound, Option, Place, Reply
from conversations.paging import offer
from conversations.text import Renderable, _

OTHER = Option("other", _("None of these: type another name"))
# How many communes a search offers: three pages, for names shared by many places ("Sidi").
MAX_CANDIDATES = 24


def candidates(question: Renderable, places: Sequence[Place], page: int) -> tuple[Reply, int]:
    """One page of places as options, named in the resident's script, then "none of these";
    and the page shown."""
    options = [Option(place.code, place.label()) for place in places]
    asked, shown = offer(question, options, page, (OTHER,))
    return asked, shown.page


async def places_of(ctx: Context, codes: Sequence[str]) -> list[Place]:
    """The candidates offered before, by their codes, for another page of them."""
    found = [await ctx.services.places.commune(code) for code in codes]
    return [place for place in found if place is not None]


def answered(msg: Inbound, codes: Sequence[str]) -> str | None:
    """The commune chosen among ``codes``, or ``OTHER.id`` for "none of these"; a typed yes or
    no answers for the only commune offered ("Is it your commune?"). None for anything else."""
    if msg.option is not None:
        return msg.option if msg.option in codes or msg.option == OTHER.id else None
    said = assent(msg.text) if len(codes) == 1 else None
    if said is None:
        return None
    return codes[0] if said else OTHER.id
