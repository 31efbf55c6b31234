"""Residents' questions, for organizers: those of their scope waiting for an answer, one claimed
(so that no other organizer answers it unknowingly), answered in the organizer's language —
typed, or one of the commune's saved answers — and the answer saved for next time if they
wish. Storage checks the scope, the claim and audits each step again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import assert_never

from conversations.context import Context
from conversations.flow import Flow
from conversations.flow_names import FlowName
from conversations.kit import Inbound, Option, Reply, Turn
from conversations.paging import offer, turned
from conversations.phrases import NOT_ALLOWED, NOT_AN_OPTION, type_within
from conversations.question import QUESTION_MAX, Claim, first_words, fits, label, thread
from conversations.text import Renderable, Verbatim, _, lines, ngettext, pgettext
from conversations.voice import stored_id


class Step(StrEnum):
    LIST = "list"
    ANSWER = "answer"
    CANNED = "canned"
    SAVE = "save"


@dataclass(frozen=True, slots=True)
class Answers:
    ticket: int = 0
    # The answer just sent, offered to be saved.
    text: str = ""
    # The tickets (or saved answers) of the list shown, and its page.
    ids: tuple[str, ...] = ()
    page: int = 0


BACK = Option("back", pgettext("organizer", "Back"))
SAVED = Option("canned", pgettext("organizer", "Saved answers"))
SAVE = Option("save", pgettext("organizer", "Save this answer"))
HEAR = Option("hear", pgettext("organizer", "Hear the voice notes"))
NO_SAVE = Option("no", pgettext("organizer", "Do not save it"))
ASK_ANSWER = ngettext(
    "Type your answer (at most {n} character); it goes to the resident as you write it.",
    "Type your answer (at most {n} characters); it goes to the resident as you write it.",
    QUESTION_MAX,
)
TAKEN = _("Another organizer is answering this question.")
GONE = _("This question is closed, or no longer in your reach.")
LOST = _("You no longer hold this question: open it again from the list.")


class Answering(Flow[Step, Answers]):
    name = FlowName.ANSWERING
    steps = Step
    answers = Answers

    async def start(self, ctx: Context) -> Turn[Step, Answers]:
        return await self._list(ctx, (), 0)

    def underway(self, step: Step, data: Answers) -> Renderable | None:
        if step is Step.ANSWER:
            return _("You were answering a resident's question.")
        return None

    async def handle(
        self, ctx: Context, step: Step, data: Answers, msg: Inbound
    ) -> Turn[Step, Answers]:
        match step:
            case Step.LIST:
                return await self._on_list(ctx, data, msg)
            case Step.ANSWER:
                return await self._on_answer(ctx, data, msg)
            case Step.CANNED:
                return await self._on_canned(ctx, data, msg)
            case Step.SAVE:
                return await self._on_save(ctx, data, msg)
            case _:
                assert_never(step)

    async def _list(
        self, ctx: Context, before: tuple[Reply, ...], page: int
    ) -> Turn[Step, Answers]:
        found = await ctx.services.questions.open_questions()
        if found is None:
            return Turn((*before, Reply(NOT_ALLOWED)), None, Answers())
        if not found:
            none = Reply(_("No resident's question is waiting for an answer."))
            return Turn((*before, none), None, Answers(), next_flow=FlowName.ORGANIZING)
        options = [Option(f"q{t.id}", label(t)) for t in found]
        asked, shown = offer(
            _("Residents' questions: choose one to answer."), options, page, (BACK,)
        )
        kept = Answers(ids=tuple(o.id for o in shown.items), page=shown.page)
        return Turn((*before, asked), Step.LIST, kept)

    async def _on_list(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return Turn((), None, data, next_flow=FlowName.ORGANIZING)
        if (page := turned(msg)) is not None:
            return await self._list(ctx, (), page)
        if msg.option not in data.ids or not msg.option:
            return await self._list(ctx, (Reply(NOT_AN_OPTION),), data.page)
        ticket = int(msg.option[1:])
        claimed = await ctx.services.questions.claim(ticket)
        match claimed:
            case Claim.CLAIMED:
                return await self._open(ctx, replace(data, ticket=ticket))
            case Claim.TAKEN:
                return await self._list(ctx, (Reply(TAKEN),), data.page)
            case Claim.GONE:
                return await self._list(ctx, (Reply(GONE),), data.page)
            case _:
                assert_never(claimed)

    async def _open(self, ctx: Context, data: Answers) -> Turn[Step, Answers]:
        """The claimed ticket's messages, and the answer asked for."""
        found = await ctx.services.questions.ticket(data.ticket)
        if found is None:
            return await self._list(ctx, (Reply(GONE),), data.page)
        saved = await ctx.services.questions.canned(data.ticket)
        heard = (HEAR,) if any(stored_id(m.media) is not None for m in found.messages) else ()
        options = (*heard, SAVED, BACK) if saved else (*heard, BACK)
        return Turn(
            (Reply(lines(thread(found, _("Resident:")), ASK_ANSWER), options),), Step.ANSWER, data
        )

    async def _hear(self, ctx: Context, data: Answers) -> Turn[Step, Answers]:
        """The ticket's voice notes sent back as voice messages, then the answer asked again."""
        voices = await ctx.services.questions.voices(data.ticket) or ()
        sent = tuple(
            Reply(_("Voice note {n} of question #{ticket}", n=n, ticket=data.ticket), attachment=v)
            for n, v in enumerate(voices, start=1)
        )
        if not sent:
            sent = (Reply(_("This question has no voice note to hear.")),)
        return Turn((*sent, Reply(ASK_ANSWER, (BACK,))), Step.ANSWER, data)

    async def _on_answer(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id:
            return await self._list(ctx, (), data.page)
        if msg.option == HEAR.id:
            return await self._hear(ctx, data)
        if msg.option == SAVED.id:
            saved = await ctx.services.questions.canned(data.ticket) or ()
            options = tuple(Option(f"k{c.id}", Verbatim(first_words(c.text))) for c in saved)
            ask = Reply(_("Choose a saved answer:"), (*options, BACK))
            return Turn((ask,), Step.CANNED, replace(data, ids=tuple(o.id for o in options)))
        text = msg.text.strip()
        if not fits(text):
            hint = Reply(type_within(QUESTION_MAX))
            return Turn((hint, Reply(ASK_ANSWER, (BACK,))), Step.ANSWER, data)
        return await self._send(ctx, data, text, offer_saving=True)

    async def _on_canned(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == BACK.id or msg.option not in data.ids:
            return await self._open(ctx, data)
        saved = await ctx.services.questions.canned(data.ticket) or ()
        chosen = next((c for c in saved if f"k{c.id}" == msg.option), None)
        if chosen is None:
            return await self._open(ctx, data)
        return await self._send(ctx, data, chosen.text, offer_saving=False)

    async def _send(
        self, ctx: Context, data: Answers, text: str, offer_saving: bool
    ) -> Turn[Step, Answers]:
        # Written in the organizer's language: the resident reads it as it was written.
        if not await ctx.services.questions.answer(data.ticket, text, ctx.locale):
            return await self._list(ctx, (Reply(LOST),), data.page)
        sent = _("Your answer to question #{n} is on its way to the resident.", n=data.ticket)
        if offer_saving:
            ask = Reply(lines(sent, _("Save it as an answer for your commune?")), (SAVE, NO_SAVE))
            return Turn((ask,), Step.SAVE, replace(data, text=text), settled=True)
        turn = await self._list(ctx, (Reply(sent),), data.page)
        return replace(turn, settled=True)

    async def _on_save(self, ctx: Context, data: Answers, msg: Inbound) -> Turn[Step, Answers]:
        if msg.option == SAVE.id:
            await ctx.services.questions.save_canned(data.ticket, data.text)
            return await self._list(ctx, (Reply(_("Saved for your commune's organizers.")),), 0)
        if msg.option == NO_SAVE.id:
            return await self._list(ctx, (), 0)
        ask = Reply(_("Save it as an answer for your commune?"), (SAVE, NO_SAVE))
        return Turn((Reply(NOT_AN_OPTION), ask), Step.SAVE, data)
