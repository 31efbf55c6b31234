"""My data (law 09-08): everything Hayna keeps about the resident, as a message and a JSON file,
and its erasure after a confirmation that says what stays."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import assert_never

from conversations.assent import answer
from conversations.capabilities import Channels
from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.groups import ANSWER_LABELS, KIND_LABELS, Answer, GroupKind
from conversations.kit import MOROCCO, Attachment, Inbound, Option, Reply, Turn, pick
from conversations.language import LANGUAGE_NAMES
from conversations.personal import (
    COMMITMENTS,
    CONSENTS,
    CONSULTATION_ANSWERS,
    CONVERSATION,
    DOWNLOADS,
    FIXED_CHECKS,
    GROUPS,
    NOTICES,
    ORGANIZED,
    ORGANIZER,
    PETITION_SUPPORTS,
    PROFILE,
    QUESTIONS,
    REPORTS,
    RSVPS,
    SIGNATURES,
    SUPPORTS,
    MyAccount,
    MyAnswer,
    MyConsent,
    MyGroup,
    MyReport,
    MySignature,
    PersonalData,
    Row,
)
from conversations.phrases import NOT_AN_OPTION
from conversations.report import STATUS_LABELS, Category, ReportStatus, category_label
from conversations.text import Renderable, Verbatim, _, lines, ngettext, pgettext

FILENAME = "hayna-my-data.json"
# What the engine opens this flow on for "delete my data".
ERASE_LINK = "erase"
LISTED = 5

ERASE = Option("erase", pgettext("my_data", "Delete my data"))
BACK = Option("back", pgettext("my_data", "Back to the menu"))
CONFIRM = Option("confirm", pgettext("my_data", "Yes, delete my data"))
KEEP = Option("keep", pgettext("my_data", "No, keep it"))

ERASED = _(
    "Your data was deleted. Thank you for using Hayna. If you write again, you will start afresh."
)
KEPT = _("Nothing was deleted.")


# Codes as the resident reads them: the consents given (a channel's name is its capabilities').
CONSENT_KINDS: dict[str, Renderable] = {
    "privacy": pgettext("consent", "the privacy notice"),
    "petition_signing": pgettext("consent", "keeping a signature's name and CIN"),
}


class Step(StrEnum):
    HOME = "home"
    CONFIRM = "confirm"
    ERASED = "erased"


@dataclass(frozen=True, slots=True)
class Answers:
    pass


# The line of each section of "my data" (the profile and the conversation have their own).
COUNTED: dict[str, Callable[[int], Renderable]] = {
    REPORTS: lambda n: ngettext("• {n} report", "• {n} reports", n),
    SUPPORTS: lambda n: ngettext("• {n} report supported", "• {n} reports supported", n),
    SIGNATURES: lambda n: ngettext("• {n} signature", "• {n} signatures", n),
    FIXED_CHECKS: lambda n: ngettext(
        "• {n} question whether a report is fixed", "• {n} questions whether a report is fixed", n
    ),
    QUESTIONS: lambda n: ngettext(
        "• {n} question to the organizers", "• {n} questions to the organizers", n
    ),
    COMMITMENTS: lambda n: ngettext(
        "• {n} commitment of the commune followed", "• {n} commitments of the commune followed", n
    ),
    CONSULTATION_ANSWERS: lambda n: ngettext(
        "• {n} consultation answered", "• {n} consultations answered", n
    ),
    PETITION_SUPPORTS: lambda n: ngettext(
        "• {n} association's petition supported", "• {n} associations' petitions supported", n
    ),
    CONSENTS: lambda n: ngettext("• {n} consent given", "• {n} consents given", n),
    NOTICES: lambda n: ngettext("• {n} notification", "• {n} notifications", n),
    ORGANIZED: lambda n: ngettext("• {n} petition drafted", "• {n} petitions drafted", n),
    GROUPS: lambda n: ngettext("• {n} group followed", "• {n} groups followed", n),
    RSVPS: lambda n: ngettext("• {n} answer to a meeting", "• {n} answers to meetings", n),
    # TRANSLATORS: organizer roles and the organizer actions recorded in the audit log.
    ORGANIZER: lambda n: ngettext(
        "• {n} organizer role or action", "• {n} organizer roles and actions", n
    ),
    # TRANSLATORS: earlier copies of this very file, kept a few minutes for the chat app to fetch.
    DOWNLOADS: lambda n: ngettext(
        "• {n} copy of this file, deleted within minutes",
        "• {n} copies of this file, deleted within minutes",
        n,
    ),
}


def _coded(labels: Mapping[str, Renderable], code: str | None) -> Renderable:
    # A code of a later version than this one is shown as it is rather than lost.
    return labels.get(code or "", Verbatim(code or "-"))


def _day(at: str | None) -> date | str:
    return datetime.fromisoformat(at).astimezone(MOROCCO).date() if at else "-"


def _report(row: MyReport) -> Renderable:
    category = category_label(Category(row.category), row.other_label or "")
    status = STATUS_LABELS[ReportStatus(row.status)]
    return _("  {ref}: {category}, {status}", ref=row.ref, category=category, status=status)


def _signature(row: MySignature) -> Renderable:
    return _(
        "  “{title}”, signed as {name}, CIN {cin}",
        title=row.title,
        name=row.full_name,
        cin=row.cin,
    )


def _group(row: MyGroup) -> Renderable:
    return _(
        "  {group}",
        group=Verbatim(row.name) if row.name else KIND_LABELS[GroupKind(row.kind)],
    )


def _rsvp(row: MyAnswer) -> Renderable:
    answer = ANSWER_LABELS[Answer(row.answer)]
    return _("  “{meeting}”: {answer}", meeting=row.meeting, answer=answer)


def _consent(row: MyConsent) -> Renderable:
    kind = _coded(CONSENT_KINDS, row.kind)
    return _("  {consent}, {date}", consent=kind, date=_day(row.at))


def _listed(row: Row) -> Renderable | None:
    """A row listed under its section's count, every code in words; None for the sections
    only counted."""
    match row:
        case MyReport():
            return _report(row)
        case MySignature():
            return _signature(row)
        case MyGroup():
            return _group(row)
        case MyAnswer():
            return _rsvp(row)
        case MyConsent():
            return _consent(row)
        case _:
            return None


def _counts(data: PersonalData) -> list[Renderable]:
    shown: list[Renderable] = []
    for name, rows in data.sections:
        if name == PROFILE or not rows:
            continue
        if name == CONVERSATION:
            shown.append(_("• the conversation in progress (your last answers)"))
            continue
        # tests/test_rights.py checks that every section storage gives has its line.
        shown.append(COUNTED[name](len(rows)))
        shown.extend(listed for row in rows[:LISTED] if (listed := _listed(row)) is not None)
    return shown


def _summary(data: PersonalData, commune: Renderable | None, channels: Channels) -> Reply:
    parts: list[Renderable] = [_("Here is everything Hayna keeps about you:")]
    for profile in data.rows(PROFILE, MyAccount):
        parts.append(
            _(
                "Your account: {channel} {user} · language: {language} · commune: {commune} · "
                "since {since}.",
                channel=channels.get(profile.channel).label if profile.channel else "-",
                user=profile.user,
                language=_coded(LANGUAGE_NAMES, profile.language),
                commune=commune or profile.commune_code or "-",
                since=_day(profile.created_at),
            )
        )
    parts.extend(_counts(data))
    parts.append(_("The attached file holds all of it, in full (JSON)."))
    document = Attachment(FILENAME, "application/json", data.to_json())
    return Reply(lines(*parts), (ERASE, BACK), attachment=document)


def _confirmation(data: PersonalData) -> Reply:
    filed = sum(1 for row in data.rows(SIGNATURES, MySignature) if row.filed)
    parts: list[Renderable] = [
        _(
            "Delete your data? Your account, your conversation, your consents, your "
            "notifications and the photos of your reports are deleted, and your signatures on "
            "petitions not yet filed are withdrawn."
        ),
        _("Your reports stay, without your name, so that the needs are still followed."),
    ]
    if filed:
        parts.append(
            ngettext(
                "Your signature on a petition already filed with the commune stays with that "
                "petition, as the filing requires (your name and encrypted CIN), no longer linked "
                "to your account.",
                "Your {n} signatures on petitions already filed with the commune stay with those "
                "petitions, as the filing requires (your name and encrypted CIN), no longer "
                "linked to your account.",
                filed,
            )
        )
    parts.append(_("This cannot be undone."))
    return Reply(lines(*parts), (CONFIRM, KEEP))


class MyData(Flow[Step, Answers]):
    name = FlowName.MY_DATA
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        data = await ctx.services.rights.my_data()
        code = ctx.resident.commune_code
        place = await ctx.services.places.commune(code) if code else None
        commune = place.label() if place else None
        return Turn((_summary(data, commune, ctx.channels),), Step.HOME, Answers())

    async def open(self, ctx: Context, link: str) -> Turn[Step, Answers]:
        if link == ERASE_LINK:
            return Turn(
                (_confirmation(await ctx.services.rights.my_data()),), Step.CONFIRM, Answers()
            )
        return await self.start(ctx)

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.HOME:
                chosen = pick(msg, (ERASE, BACK))
                if chosen is ERASE:
                    return await self.open(ctx, ERASE_LINK)
                if chosen is BACK:
                    return Turn((), None, data)
                again = Reply(_("Your data: what would you like to do?"), (ERASE, BACK))
                return Turn((Reply(NOT_AN_OPTION), again), step, data)
            case Step.CONFIRM:
                chosen = answer(msg, (CONFIRM, KEEP), CONFIRM, KEEP)
                if chosen is CONFIRM:
                    await ctx.services.rights.erase_me()
                    # The resident's state is gone with them: nothing follows this answer.
                    return Turn((Reply(ERASED),), Step.ERASED, data)
                if chosen is KEEP:
                    return Turn((Reply(KEPT),), None, data)
                return Turn(
                    (Reply(NOT_AN_OPTION), _confirmation(await ctx.services.rights.my_data())),
                    step,
                    data,
                )
            case Step.ERASED:
                return Turn((), None, data)
            case _:
                assert_never(step)
