"""Organizer tools in the chat: redeem an invite code, write an update once per language (a
photo may come with it), choose its audience within one's scope, preview it with its number of
recipients, send it now or at a time, and follow its delivery report. Storage checks and audits
every action again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import assert_never

from conversations.assent import answer
from conversations.audience_steps import AudienceSteps, chosen_audience
from conversations.capabilities import Channels
from conversations.context import Context
from conversations.dates import DateReader, NumericDates, ask_when, why_not
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.folding import to_ascii_digits
from conversations.groups import (
    KIND_LABELS,
    NAMED,
    DeliveryReport,
    GroupKind,
    Redeemed,
    fits_group_name,
)
from conversations.kit import PHOTO_TYPES, Inbound, MediaKind, Option, Reply, Turn, pick
from conversations.language import WRITTEN_LANGUAGES
from conversations.phrases import CANCELLED, NOT_ALLOWED, NOT_AN_OPTION
from conversations.text import Renderable, _, lines, ngettext, pgettext

# The line naming an update's sender: up to 160, an association's name and its commune's.
SENDER_LINE = 160


def text_limit(channels: Channels) -> int:
    """The longest update: it goes out as it is written, on every channel, so it fits the
    shortest push any channel carries (a template's variable outside a platform's window), the
    line naming its sender included. Its photo fits `channels.media_limit()` alike."""
    return channels.push_limit() - SENDER_LINE


REDEEMED: dict[Redeemed, Renderable] = {
    Redeemed.OK: _("Welcome, organizer! Your tools are under Meetings & groups."),
    Redeemed.UNKNOWN: _("This invite code does not exist. Check it and try again."),
    Redeemed.EXPIRED: _("This invite code has expired. Ask for a new one."),
    Redeemed.USED: _("This invite code was already used. Ask for a new one."),
}


# An update's number as an organizer types it: more digits than this is no update of ours.
MAX_ID_DIGITS = 9


class Step(StrEnum):
    TOOLS = "tools"
    TEXT = "text"
    MORE = "more"
    AUDIENCE = "audience"
    PREVIEW = "preview"
    AT = "at"
    CONFIRM = "confirm"
    REPORT = "report"
    GROUP_KIND = "group_kind"
    GROUP_NAME = "group_name"


@dataclass(frozen=True, slots=True)
class Answers:
    languages: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    # The language the next text is written in.
    writing: str = ""
    # "c:CODE" for a whole commune, "g:ID" for a group.
    audience: str = ""
    at: str = ""
    # A new group's kind: association or neighbourhood.
    kind: str = ""
    # A photo sent with the update, as the organizer's channel refers to it (fetched later).
    photo: str = ""
    # The page of audiences shown.
    page: int = 0


BACK = Option("back", pgettext("organizer", "Back"))
NEW = Option("broadcast", pgettext("organizer", "New update"))
NEW_MEETING = Option("new_meeting", pgettext("organizer", "New meeting"))
MEETINGS = Option("meetings", pgettext("organizer", "My meetings"))
NEW_GROUP = Option("new_group", pgettext("organizer", "New group"))
PAPER = Option("paper", pgettext("organizer", "Paper signatures"))
CONSULT = Option("consultation", pgettext("organizer", "New consultation"))
QUESTIONS = Option("questions", pgettext("organizer", "Residents' questions"))
COMMITMENTS = Option("commitments", pgettext("organizer", "Commitments"))
PROMPTS = Option("prompts", pgettext("organizer", "Record prompts"))
# The tools that are flows of their own.
FLOW_OF_TOOL = {
    PAPER.id: FlowName.PAPER_ENTRY,
    CONSULT.id: FlowName.CONSULTATION_DRAFTING,
    QUESTIONS.id: FlowName.ANSWERING,
    COMMITMENTS.id: FlowName.COMMITMENT_TOOLS,
    PROMPTS.id: FlowName.PROMPT_RECORDING,
}
NAMED_KINDS = tuple(Option(kind.value, KIND_LABELS[kind]) for kind in NAMED)
REPORT = Option("report", pgettext("organizer", "Delivery report"))
CONTINUE = Option("continue", pgettext("organizer", "Continue"))
NOW = Option("now", pgettext("organizer", "Send now"))
LATER = Option("later", pgettext("organizer", "Schedule"))
CONFIRM = Option("confirm", pgettext("organizer", "Confirm"))
CANCEL = Option("cancel", pgettext("organizer", "Cancel"))

TOOLS = Reply(
    _("Organizer tools:"),
    (
        NEW,
        NEW_MEETING,
        MEETINGS,
        REPORT,
        NEW_GROUP,
        PAPER,
        CONSULT,
        QUESTIONS,
        COMMITMENTS,
        PROMPTS,
        BACK,
    ),
)
ASK_GROUP_NAME = Reply(_("The group's name (at most 80 characters):"))
ASK_REPORT = Reply(_("Type the number of the update:"))
PHOTO_ADDED = Reply(_("Photo added: it will go with the update."))
NOT_A_PHOTO = Reply(_("Only a photo (JPEG, PNG or WebP, at most 5 MB) can go with an update."))


# Whom an update goes to, and its preview.
WHO = AudienceSteps(Step.AUDIENCE, Step.PREVIEW, _("Who should receive it?"), CANCEL, Answers)


# One whole sentence per language, so that no language's name sits inside another's script
# ("بـFrançais") or takes the wrong grammatical state.


def _ask_text(language: str, limit: int) -> Reply:
    asks = {
        "ar": _("Write the update in Arabic (at most {limit} characters):", limit=limit),
        "fr": _("Write the update in French (at most {limit} characters):", limit=limit),
        "zgh": _("Write the update in Tamazight (at most {limit} characters):", limit=limit),
        "en": _("Write the update in English (at most {limit} characters):", limit=limit),
    }
    return Reply(asks.get(language, asks["ar"]))


def _confirm(data: Answers) -> Reply:
    return Reply(_("Send it on {when}?", when=datetime.fromisoformat(data.at)), (CONFIRM, CANCEL))


def _photo(msg: Inbound, limit: int) -> str:
    """The reference of the photo a message carries, if it is one an update can take."""
    for media in msg.media:
        known = media.content_type in PHOTO_TYPES or not media.content_type
        small = media.size is None or media.size <= limit
        if media.kind is MediaKind.PHOTO and known and small:
            return media.ref
    return ""


def _report(report: DeliveryReport) -> Reply:
    return Reply(
        lines(
            _("Update #{id}, planned for {when}:", id=report.id, when=report.due_at),
            ngettext("{n} recipient", "{n} recipients", report.recipients),
            _(
                "queued {queued} · sent {sent} · delivered {delivered} · failed {failed} · "
                "unreachable {unreachable}",
                queued=report.queued,
                sent=report.sent,
                delivered=report.delivered,
                failed=report.failed,
                unreachable=report.unreachable,
            ),
        )
    )


class OrganizingFlow(Flow[Step, Answers]):
    name = FlowName.ORGANIZING
    steps = Step
    answers = Answers

    def __init__(self, dates: DateReader | None = None) -> None:
        self.dates = dates or NumericDates()

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        if await ctx.services.organizing.organizer_reach() is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        return Turn((TOOLS,), Step.TOOLS, Answers())

    async def open(self, ctx: Context, code: str) -> Turn[Step, Answers]:
        """An invite code typed as "ORG CODE"."""
        redeemed = await ctx.services.community.redeem_invite(code)
        if redeemed is not Redeemed.OK:
            return Turn((Reply(REDEEMED[redeemed]),), None, Answers())
        return Turn((Reply(REDEEMED[redeemed]), TOOLS), Step.TOOLS, Answers())

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step in (Step.GROUP_KIND, Step.GROUP_NAME):
            return _("You were creating a group.")
        if step in (Step.TOOLS, Step.REPORT):
            return None
        return _("You were writing an update.")

    async def handle(  # noqa: C901 -- one case per step, each a call: the flow's contents
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.TOOLS:
                return await self._on_tools(ctx, data, msg)
            case Step.GROUP_KIND:
                return self._on_group_kind(data, msg)
            case Step.GROUP_NAME:
                return await self._new_group(ctx, data, msg.text.strip())
            case Step.TEXT:
                return self._on_text(ctx, data, msg)
            case Step.MORE:
                return await self._on_more(ctx, data, msg)
            case Step.AUDIENCE:
                cancelled = Turn((Reply(CANCELLED), TOOLS), Step.TOOLS, Answers())
                return await WHO.answer(
                    ctx, data, msg, cancelled, lambda aimed: self._preview(ctx, aimed)
                )
            case Step.PREVIEW:
                return await self._on_preview(ctx, data, msg)
            case Step.AT:
                return self._on_at(ctx, data, msg)
            case Step.CONFIRM:
                return await self._on_confirm(ctx, data, msg)
            case Step.REPORT:
                return await self._on_report(ctx, msg)
            case _:
                assert_never(step)

    async def _on_tools(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data, next_flow=FlowName.SUBSCRIPTIONS)
        if msg.option == NEW.id:
            return await self._write(ctx, Answers(writing=ctx.locale))
        if msg.option == NEW_MEETING.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZER_MEETINGS)
        if msg.option == MEETINGS.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZER_MEETINGS, link="list")
        if msg.option == REPORT.id:
            return Turn((ASK_REPORT,), Step.REPORT, data)
        if msg.option in FLOW_OF_TOOL:
            return Turn((), None, data, next_flow=FLOW_OF_TOOL[msg.option])
        if msg.option == NEW_GROUP.id:
            ask = Reply(_("What kind of group?"), (*NAMED_KINDS, CANCEL))
            return Turn((ask,), Step.GROUP_KIND, data)
        return Turn((Reply(NOT_AN_OPTION), TOOLS), Step.TOOLS, data)

    def _on_group_kind(self, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        kind = pick(msg, NAMED_KINDS)
        if kind is None:
            return Turn((Reply(CANCELLED), TOOLS), Step.TOOLS, Answers())
        return Turn((ASK_GROUP_NAME,), Step.GROUP_NAME, replace(data, kind=kind.id))

    def _on_text(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The update in one language, and maybe its photo."""
        text = msg.text.strip()
        before: tuple[Reply, ...] = ()
        if msg.media:
            # A photo's caption is the text; a photo sent again replaces the first.
            photo = _photo(msg, ctx.channels.media_limit())
            before = (PHOTO_ADDED,) if photo else (NOT_A_PHOTO,)
            data = replace(data, photo=photo or data.photo)
        if not text or len(text) > text_limit(ctx.channels):
            asked = _ask_text(data.writing, text_limit(ctx.channels))
            return Turn((*before, asked), Step.TEXT, data)
        data = replace(data, languages=(*data.languages, data.writing), texts=(*data.texts, text))
        return self._more(data, before)

    async def _on_more(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """Another language, or on to the audience."""
        if msg.option == CONTINUE.id:
            return await WHO.ask(ctx, data)
        if msg.option in {o.id for o in WRITTEN_LANGUAGES} - set(data.languages):
            return await self._write(ctx, replace(data, writing=msg.option or ""))
        return self._more(data, (Reply(NOT_AN_OPTION),))

    async def _on_preview(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, (NOW, LATER, CANCEL))
        if chosen is NOW:
            return await self._send(ctx, data, None)
        if chosen is LATER:
            return Turn((ask_when(ctx.now),), Step.AT, data)
        if chosen is CANCEL:
            return Turn((Reply(CANCELLED), TOOLS), Step.TOOLS, Answers())
        return await self._preview(ctx, data, (Reply(NOT_AN_OPTION),))

    def _on_at(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The time to send it at, read from what the organizer typed."""
        reading = self.dates.read(msg.text, ctx.now, ctx.locale)
        at = reading.moment
        if at is None:
            return Turn((why_not(reading, msg.text, ctx.now),), Step.AT, data)
        timed = replace(data, at=at.isoformat())
        return Turn((_confirm(timed),), Step.CONFIRM, timed)

    async def _on_confirm(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = answer(msg, (CONFIRM, CANCEL), CONFIRM, CANCEL)
        if chosen is CONFIRM:
            return await self._send(ctx, data, datetime.fromisoformat(data.at))
        if chosen is CANCEL:
            return Turn((Reply(CANCELLED), TOOLS), Step.TOOLS, Answers())
        return Turn((Reply(NOT_AN_OPTION), _confirm(data)), Step.CONFIRM, data)

    async def _on_report(self, ctx: Context, msg: Inbound) -> Turn[Step, Answers]:
        """The delivery report of the update whose number was typed."""
        typed = to_ascii_digits(msg.text).strip().lstrip("#")
        # isascii: "²" is a digit to isdigit() but not to int(); 9 digits fit any id.
        number = typed.isascii() and typed.isdigit() and len(typed) <= MAX_ID_DIGITS
        report = await ctx.services.organizing.delivery_report(int(typed)) if number else None
        if report is None:
            unknown = _("There is no update with this number in your reach.")
            return Turn((Reply(unknown), TOOLS), Step.TOOLS, Answers())
        return Turn((_report(report), TOOLS), Step.TOOLS, Answers())

    async def _new_group(self, ctx: Context, data: Answers, name: str) -> Turn[Step, Answers]:
        if not fits_group_name(name):
            return Turn((ASK_GROUP_NAME,), Step.GROUP_NAME, data)
        reach = await ctx.services.organizing.organizer_reach()
        # In the organizer's commune (the first, should they have several).
        commune = reach.communes[0] if reach and reach.communes else ""
        made = await ctx.services.organizing.create_group(commune, GroupKind(data.kind), name)
        if made is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        done = _("The group {group} is ready: residents of the commune can join it.", group=name)
        return Turn((Reply(done), TOOLS), Step.TOOLS, Answers(), settled=True)

    async def _write(self, ctx: Context, data: Answers) -> Turn[Step, Answers]:
        if await ctx.services.organizing.organizer_reach() is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        return Turn((_ask_text(data.writing, text_limit(ctx.channels)),), Step.TEXT, data)

    def _more(self, data: Answers, before: tuple[Reply, ...] = ()) -> Turn[Step, Answers]:
        others = tuple(o for o in WRITTEN_LANGUAGES if o.id not in data.languages)
        ask = _(
            "Add the same update in another language? Residents get their language, or else "
            "the first one."
        )
        return Turn((*before, Reply(ask, (*others, CONTINUE))), Step.MORE, data)

    async def _preview(
        self, ctx: Context, data: Answers, before: tuple[Reply, ...] = ()
    ) -> Turn[Step, Answers]:
        shown = (data.texts[0], *((_("With a photo."),) if data.photo else ()))
        return await WHO.preview(ctx, data, shown, (NOW, LATER, CANCEL), before)

    async def _send(self, ctx: Context, data: Answers, at: datetime | None) -> Turn[Step, Answers]:
        """Send now (``at`` None) or plan for ``at``."""
        texts = tuple(zip(data.languages, data.texts, strict=True))
        audience = chosen_audience(data.audience)
        number = await ctx.services.organizing.broadcast(texts, audience, at or ctx.now, data.photo)
        if number is None:
            return Turn((Reply(NOT_ALLOWED),), None, Answers())
        if at is None or at <= ctx.now:
            done = _("Update #{id} is on its way now. Follow it under Delivery report.", id=number)
        else:
            done = _(
                "Update #{id} is planned for {when}. Follow it under Delivery report.",
                id=number,
                when=at,
            )
        # Planned: "back" must not lead to sending it twice.
        return Turn((Reply(done), TOOLS), Step.TOOLS, Answers(), settled=True)
