"""The home menu: the eight doors of Hayna. Its items are final; later flows fill them in.

A resident may also say what they want in their own words ("bghit nchki", "الضو مقطوع",
"ljtima3"): `intents` reads it, and the item it names opens, a report on the category named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.intents import Intent, request
from conversations.kit import Inbound, MediaKind, Option, Reply, Turn, pick
from conversations.phrases import COMING_SOON, HELP, NOT_AN_OPTION
from conversations.text import _, pgettext


class Step(StrEnum):
    HOME = "home"


@dataclass(frozen=True, slots=True)
class Answers:
    pass


REPORT = Option("report", pgettext("menu", "Report a need"))
PETITIONS = Option("petitions", pgettext("menu", "Petitions"))
MEETINGS = Option("meetings", pgettext("menu", "Meetings & groups"))
CONSULTATIONS = Option("consultations", pgettext("menu", "Consultations"))
COMMITMENTS = Option("commitments", pgettext("menu", "Commitments"))
ACTIVITY = Option("activity", pgettext("menu", "My activity"))
LANGUAGE = Option("language", pgettext("menu", "Language"))
HELP_ITEM = Option("help", pgettext("menu", "Help"))
ASK = Option("ask", pgettext("menu", "Ask the association"))
# The newest items come last, after those residents have long known by their numbers.
ITEMS = (
    REPORT,
    PETITIONS,
    MEETINGS,
    CONSULTATIONS,
    ACTIVITY,
    LANGUAGE,
    HELP_ITEM,
    COMMITMENTS,
    ASK,
)

HOME = Reply(_("What would you like to do?"), ITEMS)

# An organizer's invite code typed at the menu, "ORG K7P2QX9M": redeemed by the organizing flow.
_INVITE = re.compile(r"(?i)org[\s:_-]+([a-z0-9]{6,12})")

# Menu items whose flows are registered by name; until one exists the item says "coming soon".
FLOW_OF = {
    REPORT.id: FlowName.REPORT_NEED,
    PETITIONS.id: FlowName.PETITIONS,
    MEETINGS.id: FlowName.SUBSCRIPTIONS,
    CONSULTATIONS.id: FlowName.CONSULTATIONS,
    COMMITMENTS.id: FlowName.COMMITMENTS,
    ACTIVITY.id: FlowName.ACTIVITY,
    LANGUAGE.id: FlowName.LANGUAGE,
    ASK.id: FlowName.ASKING,
}


class Menu(Flow[Step, Answers]):
    name = FlowName.MENU
    steps = Step
    answers = Answers

    def __init__(self, available: frozenset[FlowName] = frozenset({FlowName.LANGUAGE})) -> None:
        self.available = available

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return Turn((HOME,), Step.HOME, Answers())

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        chosen = pick(msg, ITEMS)
        invite = _INVITE.fullmatch(msg.text.strip()) if chosen is None else None
        if invite and FlowName.ORGANIZING in self.available:
            return Turn((), None, data, next_flow=FlowName.ORGANIZING, link=invite.group(1).upper())
        if chosen is None and _reportable(msg) and FLOW_OF[REPORT.id] in self.available:
            # A photo, a voice note or a pin says what the resident wants: a report with it.
            return Turn((), None, data, next_flow=FLOW_OF[REPORT.id], carry=True)
        link = ""
        if chosen is None and msg.option is None and (wanted := request(msg.text)) is not None:
            if wanted.intent is Intent.MENU:
                return Turn((HOME,), step, data)
            chosen = next(item for item in ITEMS if item.id == wanted.intent)
            link = wanted.category or ""
        if chosen is None:
            return Turn((Reply(NOT_AN_OPTION), HOME), step, data)
        if chosen is HELP_ITEM:
            return Turn((Reply(HELP), HOME), step, data)
        flow = FLOW_OF[chosen.id]
        if flow not in self.available:
            return Turn((Reply(COMING_SOON), HOME), step, data)
        return Turn((), None, data, next_flow=flow, link=link)


def _reportable(msg: Inbound) -> bool:
    kinds = {media.kind for media in msg.media}
    return msg.location is not None or bool(kinds & {MediaKind.PHOTO, MediaKind.VOICE})
