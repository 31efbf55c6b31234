"""Petition drafting, for organizers: commune, who files it, texts, deadline, threshold,
preview, then publish. An association's petition names the association and the day its
declaration was received instead of a threshold (conversations/association.py).

Nothing is stored until the preview is confirmed; the storage checks again that the resident
is an organizer, so this flow's own check is a courtesy, not the guard.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import assert_never

from conversations.commune_choice import (
    MAX_CANDIDATES,
    OTHER,
    answered,
    candidates,
    places_of,
)
from conversations.context import Context
from conversations.dates import read_day
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.folding import to_ascii_digits
from conversations.kit import MOROCCO, Inbound, Option, Place, Reply, Turn, pick
from conversations.paging import offer, turned
from conversations.petition import OTHERWISE, PetitionDraft, PetitionKind, default_threshold
from conversations.petition_rules import (
    FORMULA_STARTS,
    LIMITS,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    PetitionError,
    PetitionField,
    PetitionRefusal,
    PetitionWhy,
    too_long,
)
from conversations.phrases import CANCELLED, NOT_AN_OPTION
from conversations.report import CATEGORIES, CATEGORY_LABELS, Category
from conversations.text import Renderable, Verbatim, _, lines, ngettext, pgettext

MAX_COMMUNE_NAME = 80
# "1000", or grouped by thousands as people write it: "1 000", "1,000", "1.000", "١٬٠٠٠".
_WHOLE = re.compile(r"[0-9]{1,6}|[0-9]{1,3}(?:[ ,.٬'][0-9]{3})+")


class Step(StrEnum):
    COMMUNE = "commune"
    FIND_COMMUNE = "find_commune"
    CHOOSE_COMMUNE = "choose_commune"
    KIND = "kind"
    ASSOCIATION = "association"
    DECLARED = "declared"
    TITLE = "title"
    THEME = "theme"
    SUMMARY = "summary"
    TEXT = "text"
    REQUESTS = "requests"
    REPRESENTATIVE = "representative"
    DEADLINE = "deadline"
    THRESHOLD = "threshold"
    PREVIEW = "preview"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class Answers:
    commune: str = ""
    # The communes found for the name typed, and the page of them shown.
    candidates: tuple[str, ...] = ()
    query: str = ""
    page: int = 0
    title: str = ""
    summary: str = ""
    body: str = ""
    requests: str = ""
    representative: str = ""
    deadline: str = ""  # ISO date: the state is JSON
    threshold: int = 0
    category: str = Category.OTHER.value
    kind: str = PetitionKind.RESIDENTS.value
    # An association's petition: the association (its group's id and name), the ISO day its
    # declaration was received.
    association_id: int = 0
    association: str = ""
    declared: str = ""
    # Answering one question again, from the preview: back to the preview afterwards.
    editing: bool = False


ASK_TITLE = Reply(_("The title of the petition (at most 120 characters):"))
ASK_SUMMARY = Reply(_("A one-line summary for the list of petitions (at most 200 characters):"))
ASK_TEXT = Reply(_("The text of the petition: facts and reasons (at most 3,000 characters):"))
ASK_REQUESTS = Reply(_("What the petitioners ask the council to do (at most 3,000 characters):"))
ASK_REPRESENTATIVE = Reply(
    _("The full name of the petitioners' representative (at most 120 characters):")
)


@dataclass(frozen=True, slots=True)
class FreeTextQuestion:
    """A free-text answer: its question, the petition's text it is (and so its longest length),
    whether it is one line, where it goes."""

    question: Reply
    text: PetitionField
    one_line: bool
    put: Callable[[Answers, str], Answers]


FIELDS_OF = {
    Step.TITLE: FreeTextQuestion(
        ASK_TITLE, PetitionField.TITLE, True, lambda a, v: replace(a, title=v)
    ),
    Step.SUMMARY: FreeTextQuestion(
        ASK_SUMMARY, PetitionField.SUMMARY, True, lambda a, v: replace(a, summary=v)
    ),
    Step.TEXT: FreeTextQuestion(
        ASK_TEXT, PetitionField.BODY, False, lambda a, v: replace(a, body=v)
    ),
    Step.REQUESTS: FreeTextQuestion(
        ASK_REQUESTS, PetitionField.REQUESTS, False, lambda a, v: replace(a, requests=v)
    ),
    Step.REPRESENTATIVE: FreeTextQuestion(
        ASK_REPRESENTATIVE,
        PetitionField.REPRESENTATIVE,
        True,
        lambda a, v: replace(a, representative=v),
    ),
}
# The order of the questions; the last answer leads to the preview.
NEXT = {
    Step.COMMUNE: Step.KIND,
    Step.CHOOSE_COMMUNE: Step.KIND,
    Step.KIND: Step.TITLE,
    Step.ASSOCIATION: Step.DECLARED,
    Step.DECLARED: Step.TITLE,
    Step.TITLE: Step.THEME,
    Step.THEME: Step.SUMMARY,
    Step.SUMMARY: Step.TEXT,
    Step.TEXT: Step.REQUESTS,
    Step.REQUESTS: Step.REPRESENTATIVE,
    Step.REPRESENTATIVE: Step.DEADLINE,
    Step.DEADLINE: Step.THRESHOLD,
}

HERE = "here"
ANOTHER = Option("another", pgettext("drafting", "Another commune"))
ASK_COMMUNE_NAME = Reply(_("Type the name of the commune, in Arabic or French:"))
ASK_DEADLINE = Reply(
    _("The last day to sign, as DD/MM/YYYY or YYYY-MM-DD (for example 31/01/2027):")
)
ASK_SUPPORT_DEADLINE = Reply(
    _(
        "The last day residents can support it, as DD/MM/YYYY or YYYY-MM-DD (for example "
        "31/01/2027):"
    )
)
PUBLISH = Option("publish", pgettext("drafting", "Save as draft and publish"))
DRAFT_ONLY = Option("draft", pgettext("drafting", "Save as draft only"))
CHANGE = Option("change", pgettext("drafting", "Change something"))
CANCEL = Option("cancel", pgettext("drafting", "Cancel"))
CHANGES = (
    Option(Step.FIND_COMMUNE, pgettext("field", "The commune")),
    Option(Step.KIND, pgettext("field", "Who files it")),
    Option(Step.TITLE, pgettext("field", "The title")),
    Option(Step.THEME, pgettext("field", "The theme")),
    Option(Step.SUMMARY, pgettext("field", "The summary")),
    Option(Step.TEXT, pgettext("field", "The text")),
    Option(Step.REQUESTS, pgettext("field", "The requests")),
    Option(Step.REPRESENTATIVE, pgettext("field", "The representative")),
    Option(Step.DEADLINE, pgettext("field", "The deadline")),
    Option(Step.THRESHOLD, pgettext("field", "The number of signatures")),
    Option(Step.ASSOCIATION, pgettext("field", "The association")),
    Option(Step.DECLARED, pgettext("field", "The day of its declaration")),
)
# What an association's petition has not, and what a residents' one has not.
NOT_FOR = {
    PetitionKind.ASSOCIATION: frozenset({Step.THRESHOLD}),
    PetitionKind.RESIDENTS: frozenset({Step.ASSOCIATION, Step.DECLARED}),
}
RESIDENTS = Option(
    PetitionKind.RESIDENTS.value, pgettext("drafting", "Residents, with their signatures")
)
BY_ASSOCIATION = Option(
    PetitionKind.ASSOCIATION.value, pgettext("drafting", "An association of the commune")
)
ASK_KIND = Reply(
    _(
        "Who files this petition? Residents sign it with their CIN, up to the legal number of "
        "signatures; an association files it in its own name, with no number of signatures, "
        "and residents can support it."
    ),
    (RESIDENTS, BY_ASSOCIATION),
)
ASK_DECLARED = Reply(
    _(
        "The day the association's declaration was received by the authorities (its receipt), "
        "as DD/MM/YYYY:"
    )
)
NO_ASSOCIATION = _(
    "This commune has no association in Hayna yet. Create it first in the organizer tools "
    "(Groups, kind association) or on the dashboard, then come back; or let residents sign."
)
ASK_THEME = Reply(_("What is the petition about? Its theme helps residents find it."), CATEGORIES)
BAD_THRESHOLD = _("Please type a whole number of signatures, from 1 to 100,000.")
NOT_ORGANIZER = _("Only the organizers of an association can create a petition here.")


def _ask_threshold(data: Answers) -> Reply:
    keep = data.threshold or OTHERWISE
    question = _(
        "How many signatures does the petition need? The usual legal minimum is 100 for a "
        "commune under 35,000 inhabitants, 200 for other communes and 400 for a commune with "
        "arrondissements. Keep {n}, or type another whole number.",
        n=keep,
    )
    return Reply(question, (Option("keep", pgettext("drafting", "Keep {n}", n=keep)),))


class PetitionDrafting(Flow[Step, Answers]):
    name = FlowName.PETITION_DRAFTING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        if not await ctx.services.organizing.is_organizer():
            return Turn((Reply(NOT_ORGANIZER),), None, Answers())
        home = await ctx.services.places.commune(ctx.resident.commune_code or "")
        if home is None:
            return Turn((ASK_COMMUNE_NAME,), Step.FIND_COMMUNE, Answers())
        return Turn((_ask_commune(home),), Step.COMMUNE, Answers())

    def underway(self, step: Step, data: Answers) -> Renderable:
        return _("You were writing a petition.")

    async def _with_commune(self, ctx: Context, data: Answers, code: str) -> Answers:
        # The suggested threshold follows the commune, unless the organizer already set one.
        place = await ctx.services.places.commune(code)
        suggested = default_threshold(place.kind if place else "")
        return replace(data, commune=code, threshold=data.threshold or suggested)

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.KIND | Step.ASSOCIATION | Step.DECLARED:
                return await self._filer(ctx, step, data, msg)
            case Step.COMMUNE | Step.FIND_COMMUNE | Step.CHOOSE_COMMUNE:
                return await self._where(ctx, step, data, msg)
            case Step.TITLE | Step.SUMMARY | Step.TEXT | Step.REQUESTS | Step.REPRESENTATIVE:
                return await self._text(ctx, step, data, msg)
            case Step.THEME:
                return await self._theme(ctx, data, msg)
            case Step.DEADLINE:
                return await self._deadline(ctx, data, msg)
            case Step.THRESHOLD:
                return await self._threshold(ctx, data, msg)
            case Step.PREVIEW:
                return await self._on_preview(ctx, data, msg)
            case Step.CHANGE:
                return await self._change(ctx, data, msg)
            case _:
                assert_never(step)

    async def _where(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        """The commune the petition is addressed to: offered, searched, chosen."""
        if step is Step.COMMUNE:
            return await self._commune(ctx, data, msg)
        if step is Step.FIND_COMMUNE:
            return await self._find(ctx, data, msg)
        return await self._choose_commune(ctx, data, msg)

    async def _commune(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The organizer's own commune, another one, or a name typed straight away."""
        if msg.option == HERE:
            here = await self._with_commune(ctx, data, ctx.resident.commune_code or "")
            return await self._after(ctx, Step.COMMUNE, here)
        if msg.option == ANOTHER.id:
            return Turn((ASK_COMMUNE_NAME,), Step.FIND_COMMUNE, data)
        # A typed name instead of a choice is a search, as in onboarding.
        return await self._find(ctx, data, msg)

    async def _choose_commune(
        self, ctx: Context, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        """One of the communes found, another page of them, or another search."""
        code = answered(msg, data.candidates)
        if code == OTHER.id:
            return Turn((ASK_COMMUNE_NAME,), Step.FIND_COMMUNE, _unchosen(data))
        if (page := turned(msg)) is not None:
            places = await places_of(ctx, data.candidates)
            return _offer(data, places, data.query, page)
        if code is not None:
            chosen = await self._with_commune(ctx, _unchosen(data), code)
            return await self._after(ctx, Step.CHOOSE_COMMUNE, chosen)
        return await self._find(ctx, data, msg)

    async def _theme(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        chosen = pick(msg, CATEGORIES)
        if chosen is None:
            return Turn((Reply(NOT_AN_OPTION), ASK_THEME), Step.THEME, data)
        return await self._after(ctx, Step.THEME, replace(data, category=chosen.id))

    async def _threshold(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        """The signatures needed: the suggestion kept, or a number typed."""
        if msg.option == "keep":
            kept = replace(data, threshold=data.threshold or OTHERWISE)
            return await self._after(ctx, Step.THRESHOLD, kept)
        typed = _whole_number(msg.text)
        if typed is not None and THRESHOLD_MIN <= typed <= THRESHOLD_MAX:
            return await self._after(ctx, Step.THRESHOLD, replace(data, threshold=typed))
        return Turn((Reply(BAD_THRESHOLD), _ask_threshold(data)), Step.THRESHOLD, data)

    async def _on_preview(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        answer = pick(msg, (PUBLISH, DRAFT_ONLY, CHANGE, CANCEL))
        if answer is PUBLISH or answer is DRAFT_ONLY:
            return await self._save(ctx, data, publish=answer is PUBLISH)
        if answer is CHANGE:
            return Turn((_ask_change(data),), Step.CHANGE, data)
        if answer is CANCEL:
            return Turn((Reply(CANCELLED),), None, data)
        return Turn((Reply(NOT_AN_OPTION), *await self._preview(ctx, data)), Step.PREVIEW, data)

    async def _change(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        asked = _ask_change(data)
        field = pick(msg, asked.options)
        if field is None:
            return Turn((Reply(NOT_AN_OPTION), asked), Step.CHANGE, data)
        target, editing = Step(field.id), replace(data, editing=True)
        if target is Step.ASSOCIATION:
            return await self._ask_association(ctx, editing)
        return Turn((_question(target, data),), target, editing)

    async def _after(self, ctx: Context, done: Step, data: Answers) -> Turn[Step, Answers]:
        """The next question, or the preview when the last one (or a change) is answered."""
        association = data.kind == PetitionKind.ASSOCIATION
        if done in (Step.COMMUNE, Step.CHOOSE_COMMUNE) and data.editing and association:
            # Another commune: its own associations.
            return await self._ask_association(ctx, replace(data, association_id=0))
        following = NEXT.get(done)
        if following in NOT_FOR[PetitionKind(data.kind)]:
            following = None
        if data.editing and (missing := _missing(data)) is not None:
            following = missing
        elif following is None or data.editing:
            done_data = replace(data, editing=False)
            return Turn(await self._preview(ctx, done_data), Step.PREVIEW, done_data)
        if following is Step.ASSOCIATION:
            return await self._ask_association(ctx, data)
        return Turn((_question(following, data),), following, data)

    async def _filer(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        """Who files the petition: residents, or an association of the commune (which one,
        and the day its declaration was received)."""
        if step is Step.KIND:
            chosen = pick(msg, (RESIDENTS, BY_ASSOCIATION))
            if chosen is None:
                return Turn((Reply(NOT_AN_OPTION), ASK_KIND), Step.KIND, data)
            kept = replace(data, kind=chosen.id)
            if chosen is BY_ASSOCIATION:
                return await self._ask_association(ctx, kept)
            kept = replace(kept, association_id=0, association="", declared="")
            return await self._after(ctx, Step.KIND, kept)
        if step is Step.ASSOCIATION:
            return await self._association(ctx, data, msg)
        day = read_day(msg.text)
        today = ctx.now.astimezone(MOROCCO).date()
        if day is None or day > today:
            bad = _(
                "Please type a day that is today ({today}) or before, as DD/MM/YYYY.", today=today
            )
            return Turn((Reply(bad), ASK_DECLARED), Step.DECLARED, data)
        return await self._after(ctx, Step.DECLARED, replace(data, declared=day.isoformat()))

    async def _ask_association(
        self, ctx: Context, data: Answers, page: int = 0, before: tuple[Reply, ...] = ()
    ) -> Turn[Step, Answers]:
        found = await ctx.services.petitions.associations(data.commune)
        if not found:
            kept = replace(data, kind=PetitionKind.RESIDENTS.value, association_id=0)
            return Turn((Reply(NO_ASSOCIATION), ASK_KIND), Step.KIND, kept)
        options = [Option(str(group.id), Verbatim(group.name)) for group in found]
        asked, shown = offer(_("Which association files it?"), options, page)
        return Turn((*before, asked), Step.ASSOCIATION, replace(data, page=shown.page))

    async def _association(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if (page := turned(msg)) is not None:
            return await self._ask_association(ctx, data, page)
        found = await ctx.services.petitions.associations(data.commune)
        chosen = next((group for group in found if str(group.id) == msg.option), None)
        if chosen is None:
            return await self._ask_association(ctx, data, data.page, (Reply(NOT_AN_OPTION),))
        kept = replace(data, association_id=chosen.id, association=chosen.name, page=0)
        return await self._after(ctx, Step.ASSOCIATION, kept)

    async def _text(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        field = FIELDS_OF[step]
        # Stored as typed, only trimmed: residents read these words as the organizer wrote them.
        text = " ".join(msg.text.split()) if field.one_line else msg.text.strip()
        hint: Renderable | None = None
        if not text:
            hint = _("Please type the answer as text.")
        elif too_long(field.text, text):
            hint = _too_long(field.text, len(text))
        elif field.one_line and text.startswith(FORMULA_STARTS):
            # Exports open in spreadsheets, where such a start runs as a formula.
            hint = _("It cannot start with =, +, - or @. Please start with a letter or a digit.")
        if hint is not None:
            return Turn((Reply(hint), field.question), step, data)
        return await self._after(ctx, step, field.put(data, text))

    async def _deadline(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        day = read_day(msg.text)
        today = ctx.now.astimezone(MOROCCO).date()
        if day is None:
            bad = _(
                "I could not read this date. Please type it as DD/MM/YYYY, for example 31/01/2027."
            )
            return Turn((Reply(bad), _ask_deadline(data)), Step.DEADLINE, data)
        if day <= today:
            return Turn((Reply(_not_ahead(today)), _ask_deadline(data)), Step.DEADLINE, data)
        return await self._after(ctx, Step.DEADLINE, replace(data, deadline=day.isoformat()))

    async def _find(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        query = msg.text.strip()
        if not query or len(query) > MAX_COMMUNE_NAME:
            return Turn((ASK_COMMUNE_NAME,), Step.FIND_COMMUNE, data)
        places = await ctx.services.places.find_communes(query, MAX_CANDIDATES)
        if not places:
            unknown = _(
                "I found no commune called “{name}”. Check the spelling, or try the name in "
                "French or Arabic.",
                name=query,
            )
            return Turn((Reply(unknown), ASK_COMMUNE_NAME), Step.FIND_COMMUNE, data)
        return _offer(data, places, query)

    async def _preview(self, ctx: Context, data: Answers) -> tuple[Reply, ...]:
        # Three messages: the text and the requests may each be 3,000 characters, near a channel's
        # text limit.
        place = await ctx.services.places.commune(data.commune)
        head = lines(
            _("Preview of the petition (not saved yet):"),
            _("Commune: {commune}", commune=place.label() if place else data.commune),
            _("Title: {title}", title=data.title),
            _("Theme: {theme}", theme=CATEGORY_LABELS[Category(data.category)]),
            _("Summary: {summary}", summary=data.summary),
            *_filed_by(data),
        )
        body = lines(_("Text:"), data.body)
        requests = lines(_("Requests:"), data.requests)
        ask = Reply(_("Save this petition?"), (PUBLISH, DRAFT_ONLY, CHANGE, CANCEL))
        return (Reply(head), Reply(body), Reply(requests), ask)

    async def _save(self, ctx: Context, data: Answers, publish: bool) -> Turn[Step, Answers]:
        association = data.kind == PetitionKind.ASSOCIATION
        draft = PetitionDraft(
            commune_code=data.commune,
            title=data.title,
            summary=data.summary,
            body=data.body,
            requests=data.requests,
            representative=data.representative,
            threshold=0 if association else data.threshold,
            deadline=date.fromisoformat(data.deadline),
            category=Category(data.category),
            kind=PetitionKind(data.kind),
            association_id=data.association_id if association else None,
            declared_on=date.fromisoformat(data.declared) if association else None,
        )
        try:
            code = await ctx.services.petitions.draft_petition(draft)
            if publish:
                await ctx.services.petitions.publish_petition(code)
        except PermissionError:
            return Turn((Reply(NOT_ORGANIZER),), None, Answers())
        except PetitionError as error:
            # Checked again when stored: the last day may have passed while the organizer was
            # away from the preview. Asked again, then back to the preview.
            return _refused(ctx, replace(data, editing=True), error.refusal)
        if not publish:
            kept = _(
                "Saved as draft {code}. Residents do not see it yet; publish it from the "
                "dashboard (write “dashboard” for your sign-in link).",
                code=code,
            )
            return Turn((Reply(kept),), None, Answers())
        done = _published(code, association, ctx.channels.share(code))
        return Turn((Reply(done),), None, Answers())


def _ask_change(data: Answers) -> Reply:
    absent = NOT_FOR[PetitionKind(data.kind)]
    return Reply(_("What do you want to change?"), tuple(o for o in CHANGES if o.id not in absent))


def _ask_deadline(data: Answers) -> Reply:
    if data.kind == PetitionKind.ASSOCIATION:
        return ASK_SUPPORT_DEADLINE
    return ASK_DEADLINE


def _missing(data: Answers) -> Step | None:
    """What an association's petition still lacks before its preview (after a change of who
    files it)."""
    if data.kind != PetitionKind.ASSOCIATION:
        return None
    if not data.association_id:
        return Step.ASSOCIATION
    return None if data.declared else Step.DECLARED


def _filed_by(data: Answers) -> tuple[Renderable, ...]:
    """The preview's lines on who files the petition, its last day and what it needs."""
    last = date.fromisoformat(data.deadline)
    if data.kind != PetitionKind.ASSOCIATION:
        return (
            _("Representative of the petitioners: {name}", name=data.representative),
            _("Last day to sign: {date}", date=last),
            ngettext("{n} signature needed", "{n} signatures needed", data.threshold),
        )
    return (
        _("Filed by the association {name}.", name=data.association),
        _("Its declaration was received on {date}.", date=date.fromisoformat(data.declared)),
        _("Representative of the association: {name}", name=data.representative),
        _("Last day to support it: {date}", date=last),
        _(
            "No number of signatures: residents can support it. Before it is filed, its "
            "checklist is ticked on the dashboard or the command line."
        ),
    )


def _published(code: str, association: bool, ways: Renderable) -> Renderable:
    if association:
        return _(
            "Published: petition {code} is open for residents' support in its commune. To share "
            "it: {ways}",
            code=code,
            ways=ways,
        )
    return _(
        "Published: petition {code} is open for signatures in its commune. To share it: {ways}",
        code=code,
        ways=ways,
    )


def _too_long(text: PetitionField, length: int) -> Renderable:
    return ngettext(
        "That is {length} characters; at most {n} is allowed. Please shorten it.",
        "That is {length} characters; at most {n} are allowed. Please shorten it.",
        LIMITS[text],
        length=length,
    )


def _not_ahead(today: date) -> Renderable:
    return _("The last day must be after today ({today}). Please type a later date.", today=today)


def _refused(ctx: Context, data: Answers, refusal: PetitionRefusal) -> Turn[Step, Answers]:
    """What storage refused in a draft, said as the question that gets it right is asked."""
    step = next((s for s, f in FIELDS_OF.items() if f.text is refusal.field), None)
    if refusal.why is PetitionWhy.FIELD_LENGTH and step is not None:
        hint = _too_long(FIELDS_OF[step].text, refusal.length)
        return Turn((Reply(hint), FIELDS_OF[step].question), step, data)
    if refusal.why is PetitionWhy.THRESHOLD:
        return Turn((Reply(BAD_THRESHOLD), _ask_threshold(data)), Step.THRESHOLD, data)
    if refusal.why is PetitionWhy.DEADLINE_NOT_AHEAD:
        today = ctx.now.astimezone(MOROCCO).date()
        return Turn((Reply(_not_ahead(today)), _ask_deadline(data)), Step.DEADLINE, data)
    if refusal.why is PetitionWhy.NO_ASSOCIATION:
        # The association is no longer one of the commune's: who files it is asked again.
        again = _("That association is not one of the commune's. Who files the petition?")
        return Turn((Reply(again), ASK_KIND), Step.KIND, replace(data, association_id=0))
    if refusal.why is PetitionWhy.DECLARED_AHEAD:
        return Turn((ASK_DECLARED,), Step.DECLARED, data)
    raise PetitionError(refusal)  # the flow asks for nothing else storage checks


def _ask_commune(home: Place) -> Reply:
    here = Option(HERE, pgettext("drafting", "This commune: {name}", name=home.label()))
    return Reply(_("Which commune is the petition addressed to?"), (here, ANOTHER))


def _question(step: Step, data: Answers) -> Reply:
    if step in FIELDS_OF:
        return FIELDS_OF[step].question
    if step is Step.DEADLINE:
        return _ask_deadline(data)
    if step is Step.KIND:
        return ASK_KIND
    if step is Step.DECLARED:
        return ASK_DECLARED
    if step is Step.THEME:
        return ASK_THEME
    if step is Step.THRESHOLD:
        return _ask_threshold(data)
    return ASK_COMMUNE_NAME


def _offer(
    data: Answers, places: Sequence[Place], query: str, page: int = 0
) -> Turn[Step, Answers]:
    which = ngettext(
        "I found one commune for “{name}”. Is it this one?",
        "I found {n} communes for “{name}”. Which one?",
        len(places),
        name=query,
    )
    codes = tuple(place.code for place in places)
    asked, page = candidates(which, places, page)
    found = replace(data, candidates=codes, query=query, page=page)
    return Turn((asked,), Step.CHOOSE_COMMUNE, found)


def _unchosen(data: Answers) -> Answers:
    return replace(data, candidates=(), query="", page=0)


def _whole_number(typed: str) -> int | None:
    text = to_ascii_digits(typed).strip()
    return int(re.sub(r"[^0-9]", "", text)) if _WHOLE.fullmatch(text) else None
