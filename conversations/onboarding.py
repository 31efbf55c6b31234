"""Onboarding: language, the privacy notice and consent (law 09-08), then the home commune.

A resident who agreed to an older notice comes back here, to the notice alone, when it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import assert_never

from conversations.assent import answer
from conversations.commune_choice import MAX_CANDIDATES, OTHER, answered, candidates, places_of
from conversations.consent import PRIVACY_VERSION
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName, linked
from conversations.kit import Inbound, Option, Place, Reply, Turn
from conversations.language import chosen_language, language_menu, written_in
from conversations.paging import turned
from conversations.phrases import NOT_AN_OPTION
from conversations.text import Renderable, _, lines, ngettext, pgettext

# Longer than any commune's name with its province: answered without searching.
MAX_NAME = 80


class Step(StrEnum):
    LANGUAGE = "language"
    CONSENT = "consent"
    COMMUNE = "commune"
    CHOOSE_COMMUNE = "choose_commune"


@dataclass(frozen=True, slots=True)
class Answers:
    # The communes found for the name typed, and the page of them shown.
    candidates: tuple[str, ...] = ()
    query: str = ""
    page: int = 0
    # A shared link, opened once the resident is set up (conversations/flow_names.py).
    link: str = ""
    # The language was read from the first message, so the consent question also offers the
    # language menu, in case it was read wrong.
    guessed: bool = False


WELCOME = _("Welcome to Hayna, your neighbourhood's assistant.")

AGREE = Option("agree", pgettext("consent", "I agree"))
DECLINE = Option("decline", pgettext("consent", "I do not agree"))
# TRANSLATORS: offered beside the privacy notice when the language was guessed from a greeting.
OTHER_LANGUAGE = Option("language", pgettext("consent", "Another language"))
PRIVACY = Reply(
    _(
        "Before we start, here is how Hayna uses your data (law 09-08):\n"
        "• What we keep: your chat number or account, your language, your commune and what you "
        "send us (reports, signatures, answers).\n"
        "• Why: to pass your requests to your association and your commune, and to keep you "
        "informed.\n"
        "• Who sees it: the organizers of the associations in your commune; a petition you sign "
        "goes to the commune council with your name. Never for advertising, never sold.\n"
        "• Your rights: you can see, correct or erase your data at any time from the menu "
        "(My activity) or by asking your association.\n"
        "Do you agree?"
    ),
    (AGREE, DECLINE),
)
CHANGED = _("Hayna's privacy notice has changed. Please read it and tell us if you agree.")
DECLINED = _(
    "Hayna cannot work without this consent, so nothing more will be kept. You can agree "
    "whenever you are ready."
)
ASK_COMMUNE = Reply(
    _("Which commune do you live in? Type its name in Arabic or French, or share your location."),
    ask_location=True,
)


class Onboarding(Flow[Step, Answers]):
    name = FlowName.ONBOARDING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        agreed = ctx.resident.consent_version
        if ctx.resident.language and agreed and agreed != PRIVACY_VERSION:
            return Turn((Reply(CHANGED), PRIVACY), Step.CONSENT, Answers())
        # A first message plainly in one language ("bonjour", "ⴰⵣⵓⵍ", Arabic letters) answers
        # the language question; "salam" or "/start" could be any, so the menu asks it.
        guessed = None if ctx.resident.language else written_in(ctx.said)
        if guessed is not None:
            await ctx.services.profile.set_language(guessed)
            first = replace(_privacy(guessed=True), text=lines(WELCOME, PRIVACY.text))
            return Turn((first,), Step.CONSENT, Answers(guessed=True))
        menu = language_menu(ctx.locale)
        return Turn((replace(menu, text=lines(WELCOME, menu.text)),), Step.LANGUAGE, Answers())

    async def open(self, ctx: Context, link: str) -> Turn[Step, Answers]:
        turn = await self.start(ctx)
        return replace(turn, data=Answers(link=link))

    def underway(self, step: Step, data: Answers) -> Renderable:
        return _("You were setting up Hayna.")

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.LANGUAGE:
                code = chosen_language(msg)
                if code is None:
                    return Turn((Reply(NOT_AN_OPTION), language_menu(ctx.locale)), step, data)
                await ctx.services.profile.set_language(code)
                return Turn((PRIVACY,), Step.CONSENT, data)
            case Step.CONSENT:
                return await self._consent(ctx, data, msg)
            case Step.COMMUNE:
                return await self._find(ctx, data, msg)
            case Step.CHOOSE_COMMUNE:
                return await self._choose_commune(ctx, data, msg)
            case _:
                assert_never(step)

    async def _consent(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The answer to the privacy notice: agreed (and recorded), declined, or another
        language."""
        asked = _privacy(data.guessed)
        said = answer(msg, asked.options, AGREE, DECLINE)
        if said is OTHER_LANGUAGE:
            menu = language_menu(ctx.locale)
            return Turn((menu,), Step.LANGUAGE, replace(data, guessed=False))
        if said is None:
            return Turn((Reply(NOT_AN_OPTION), asked), Step.CONSENT, data)
        if said is DECLINE:
            return Turn((Reply(DECLINED), asked), Step.CONSENT, data)
        await ctx.services.profile.give_consent(PRIVACY_VERSION)
        thanks = _("Thank you. Your consent was recorded on {when}.", when=ctx.now)
        if ctx.resident.commune_code:  # agreeing again to a changed notice
            following, link = linked(data.link)
            return Turn((Reply(thanks),), None, data, following, link)
        return Turn((Reply(thanks), ASK_COMMUNE), Step.COMMUNE, data)

    async def _choose_commune(
        self, ctx: Context, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        chosen = answered(msg, data.candidates)
        if chosen == OTHER.id:
            return Turn((ASK_COMMUNE,), Step.COMMUNE, _unchosen(data))
        if (page := turned(msg)) is not None:
            places = await places_of(ctx, data.candidates)
            return self._offer(data, places, _which(len(places), data.query), page)
        if chosen is not None:
            return await self._settle(ctx, data, chosen)
        # Typing a new name instead of choosing is a new search, not a mistake.
        return await self._find(ctx, data, msg)

    async def _find(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.location is not None:
            places = await ctx.services.places.communes_near(msg.location)
            if not places:
                outside = _(
                    "This location is not inside any Moroccan commune I know (at sea, perhaps?). "
                    "Type the name of your commune or share another location."
                )
                return Turn((Reply(outside), ASK_COMMUNE), Step.COMMUNE, data)
            if len(places) > 1:
                # Boundaries are drawn a little roughly: near one, the pin may be either side.
                near = _(
                    "This location is close to the boundary between communes. Which one is yours?"
                )
                return self._offer(replace(data, query=""), places, near)
            only = places[0].label()
            found = _("This location is in {commune}. Is it your commune?", commune=only)
            return self._offer(replace(data, query=""), places, found)
        query = msg.text.strip()
        if not query:
            no_name = _("I need the name of your commune: please type it, or share your location.")
            return Turn((Reply(no_name), ASK_COMMUNE), Step.COMMUNE, data)
        if len(query) > MAX_NAME:
            too_long = _("That is too long for a commune's name. Please type just the name.")
            return Turn((Reply(too_long), ASK_COMMUNE), Step.COMMUNE, data)
        places = await ctx.services.places.find_communes(query, MAX_CANDIDATES)
        if not places:
            unknown = _(
                "I found no commune called “{name}”. Check the spelling, try the name in "
                "French or Arabic, or share your location.",
                name=query,
            )
            return Turn((Reply(unknown), ASK_COMMUNE), Step.COMMUNE, data)
        return self._offer(replace(data, query=query), places, _which(len(places), query))

    def _offer(
        self, data: Answers, places: Sequence[Place], question: Renderable, page: int = 0
    ) -> Turn[Step, Answers]:
        codes = tuple(place.code for place in places)
        asked, page = candidates(question, places, page)
        return Turn((asked,), Step.CHOOSE_COMMUNE, replace(data, candidates=codes, page=page))

    async def _settle(self, ctx: Context, data: Answers, code: str) -> Turn[Step, Answers]:
        place = await ctx.services.places.commune(code)
        if place is None:  # the gazetteer changed under the resident: ask again
            return Turn((ASK_COMMUNE,), Step.COMMUNE, _unchosen(data))
        await ctx.services.profile.set_commune(code)
        done = _("All set! Your commune is {commune}.", commune=place.label())
        following, link = linked(data.link)
        return Turn((Reply(done),), None, _unchosen(data), following, link)


def _privacy(guessed: bool) -> Reply:
    """The consent question; with the language menu when the language was only guessed."""
    return replace(PRIVACY, options=(AGREE, DECLINE, OTHER_LANGUAGE)) if guessed else PRIVACY


def _which(found: int, query: str) -> Renderable:
    return ngettext(
        "I found one commune for “{name}”. Is it yours?",
        "I found {n} communes for “{name}”. Which one is yours?",
        found,
        name=query,
    )


def _unchosen(data: Answers) -> Answers:
    return replace(data, candidates=(), query="", page=0)
