"""The engine: one inbound message in, rendered replies out, state saved with the side effects.

Per message: claim its id (a retry is dropped), lock the resident, settle the language, turn a
typed number or label into the option it names, answer the engine's own questions, apply global
words, remind a resident back after a pause where they were, run the current flow step, follow
hand-overs between flows, render in the resident's locale, and save — one transaction.
Before all of it, every field is cleaned and bounded (`bounds.py`); then flood control: a message
over the resident's rate costs no database work; nor does a message from a chat several people
share, which only learns to write privately.

No word loses work: "back" returns to the previous question (see `trail.py`), a global word
leaving a flow halfway keeps it to continue later, and an answer the question offers wins over
a global word spelt the same.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from conversations.asked import (
    outgoing_from_json,
    outgoing_json,
    question_json,
    reply_of,
    resolve_option,
)
from conversations.bounds import bounded
from conversations.capabilities import NO_CHANNELS, Channels
from conversations.consent import PRIVACY_VERSION
from conversations.context import Context
from conversations.flood import Flood, Verdict
from conversations.flow import Flow, Flows
from conversations.flow_names import CONSULTATION_MARK, FlowName, flow_named
from conversations.kit import Choice, Inbound, MediaKind, Outgoing, Reply, Resident, Turn
from conversations.language import DEFAULT, supported
from conversations.petition import petition_code
from conversations.phrases import (
    CANCELLED,
    EMPTY,
    FINISH_SETUP,
    HELP,
    NOT_AN_OPTION,
    NOT_AN_ORGANIZER,
    RESUMED,
    SLOW_DOWN,
    SOMETHING_WRONG,
    STOPPED,
    YOU_ARE_WELCOME,
    private_only,
)
from conversations.prompts import prompt_key, spoken
from conversations.returning import (
    ASK_STOP,
    CONTINUE,
    KEEP_ON,
    OWN,
    RESTART,
    STILL_ON,
    STOP_ALL,
    kept,
    offered,
    reminder,
    stale,
)
from conversations.seams import (
    Bookmark,
    ConversationStore,
    FlowState,
    Paused,
    Unit,
    VoiceKeeper,
    Voices,
)
from conversations.text import Renderable, Text, Translator, Verbatim, _
from conversations.trail import bookmark, moved, progressed, without
from conversations.voice_choice import ANSWERS as VOICE_ANSWERS
from conversations.voice_choice import OFFER as VOICE_OFFER
from conversations.voice_choice import VOICE_ON, chosen, to_offer
from conversations.voicing import Voicing
from conversations.words import Word, global_word

log = logging.getLogger(__name__)

ONBOARDING = FlowName.ONBOARDING
MENU = FlowName.MENU
LANGUAGE = FlowName.LANGUAGE
REPORT = FlowName.REPORT_NEED
PETITIONS = FlowName.PETITIONS
CONSULTATIONS = FlowName.CONSULTATIONS
ASKING = FlowName.ASKING
MY_DATA = FlowName.MY_DATA
# What the my-data flow opens on to ask for erasure straight away.
ERASE = "erase"
# How a petition is shared: a link's start payload p_CODE, or a first message "P CODE".
_LINK = re.compile(r"[Pp][ _](\w+)")
# "C 12", or a link's start payload "c_12": consultation 12, as its push says to reply.
_CONSULTATION_LINK = re.compile(r"[Cc][ _](\d{1,9})")
# A flow handing over to a flow handing over...: more than this is a bug, not a conversation.
MAX_HANDOVERS = 4
# The global words about notifications, and those that open a flow.
_PushWord = Literal[Word.OPT_OUT, Word.STOP, Word.START]
_FlowWord = Literal[
    Word.LANGUAGE, Word.REPORT, Word.ASK, Word.MY_DATA, Word.ERASE, Word.MENU, Word.CANCEL
]


@dataclass(frozen=True, slots=True)
class _Said:
    """Replies of this message: new ones to render, or a question asked before, as rendered."""

    fresh: tuple[Reply, ...] = ()
    again: tuple[Outgoing, ...] = ()
    # The question asked before is not shown again in full: its options go with the last fresh
    # reply ("Sorry, I did not understand..." and the buttons), `again` is what stays asked.
    short: bool = False
    # What stays asked, when it is not the last reply shown: the question a hint or an aside
    # (a reminder, "stop all?") is about, kept in full for "help" and for its numbers.
    remember: Reply | Outgoing | None = None


class Engine:
    """Runs flows for every channel; adapters call `handle` and send what it returns."""

    def __init__(
        self,
        store: ConversationStore,
        flows: Flows,
        translator: Callable[[str], Translator],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        flood: Flood | None = None,
        channels: Channels = NO_CHANNELS,
        voices: Voices | None = None,
        keeper: VoiceKeeper | None = None,
    ) -> None:
        self.store = store
        # The recorded voice prompts, for residents who chose voice; None: text only.
        self.voicing = Voicing(voices) if voices is not None else None
        # Voice notes are fetched and kept before the transaction: a download holds no row.
        self.keeper = keeper
        self.flood = flood
        # What each channel can show: the engine renders for the resident's.
        self.channels = channels
        # Every flow by name, from the registry (`flows.py`): the engine names none of its own.
        self.flows = flows
        for required in (ONBOARDING, MENU, LANGUAGE):
            if required not in self.flows:
                raise ValueError(f"the engine needs a flow named {required!r}")
        self.translator = translator
        self.clock = clock
        # A conversation last saved before this is picked up after a restart.
        self.started = clock()

    async def handle(self, msg: Inbound) -> list[Outgoing]:
        """Answer one message; a message seen before gets no answer and changes nothing."""
        settled = bounded(msg)
        if settled is None:
            # Its sender or its id would be stored changed, or not at all: nothing is done.
            log.warning(
                "a message with an unusable sender or id refused (%r)", msg.address.channel[:16]
            )
            return []
        msg = settled
        refused = await self._flooded(msg)
        if refused is not None:
            return refused
        if msg.shared:
            # One conversation for a whole group would let any member sign, read or erase in
            # everyone's name, in front of everyone: nothing is read, stored or remembered.
            locale = supported(msg.language_hint) or DEFAULT
            return self._render(_Said((Reply(private_only(msg.private_link)),)), locale, msg)
        locale = supported(msg.language_hint) or DEFAULT
        try:
            msg = await self._keep_voices(msg)
            async with self.store.unit(msg.address) as unit:
                state = await unit.open(msg.message_id)
                if state is not None:
                    locale = self._locale(unit.resident, msg)  # for an apology, should one be due
                if state is None:
                    log.info(
                        "duplicate message %s from %s dropped", msg.message_id, msg.address.channel
                    )
                    return []
                said, new_state = await self._step(unit, state, msg)
                new_state = replace(new_state, version=state.version)
                said = await self._offer_voice(unit, said, msg, state.flow)
                said = self._offer_paused(said, new_state)
                locale = self._locale(unit.resident, msg)
                out = self._render(said, locale, msg)
                await unit.save(self._remember(new_state, out, self._kept(said, locale, msg)))
            if self.flood is not None:
                if unit.erased:
                    # Not even their language stays in memory once their data is erased.
                    await self.flood.forget(msg.address)
                else:
                    self.flood.remember(msg.address, locale)
            # After the transaction: looking recordings up holds no resident's lock.
            return await self._voiced(unit.resident, out)
        except Exception:
            # The transaction rolled back, so a platform retry will be processed afresh.
            log.exception("message %s from %s failed", msg.message_id, msg.address.channel)
            return self._render(_Said((Reply(SOMETHING_WRONG),)), locale, msg)

    async def _flooded(self, msg: Inbound) -> list[Outgoing] | None:
        """None when flood control admits ``msg``; else what to answer: the notice, or nothing."""
        if self.flood is None:
            return None
        verdict = await self.flood.admit(msg.address)
        if verdict == Verdict.ADMIT:
            return None
        if verdict == Verdict.DROP:
            return []
        locale = self.flood.locale(msg.address) or supported(msg.language_hint) or DEFAULT
        return self._render(_Said((Reply(SLOW_DOWN),)), locale, msg)

    async def _keep_voices(self, msg: Inbound) -> Inbound:
        if self.keeper is None or not any(m.kind is MediaKind.VOICE for m in msg.media):
            return msg
        return await self.keeper.keep(msg)

    async def _step(self, unit: Unit, state: FlowState, msg: Inbound) -> tuple[_Said, FlowState]:
        resident = unit.resident
        ctx = self._context(unit, msg)
        choices = [Choice(**item) for item in json.loads(state.offered)]
        tapped = msg.option
        msg = resolve_option(msg, choices)
        asked = tuple(outgoing_from_json(item) for item in json.loads(state.prompt))

        # A typed "P CODE" is a link only where nothing else is being asked: mid-flow it may be
        # a CIN or a name. A link's start payload is always one.
        linking = msg.start_payload or free(state)
        link = _petition_link(msg) if linking else ""
        consulted = _consultation_link(msg) if linking else ""
        # A changed privacy notice is asked again before anything else; seeing or erasing one's
        # data is a right that needs no consent. A link is opened once it is agreed.
        if not _ready(resident) and state.flow not in (ONBOARDING, MY_DATA):
            carried = CONSULTATION_MARK + consulted if consulted else link
            return await self._leave(unit, state, msg, ONBOARDING, (), carried)
        if link and _ready(resident):
            return await self._leave(unit, state, msg, PETITIONS, (), link)
        if consulted and _ready(resident):
            return await self._leave(unit, state, msg, CONSULTATIONS, (), consulted)
        if tapped is not None and msg.option is None and not msg.text:
            # A button of an earlier question: say so, with the current question's options.
            return _Said((Reply(NOT_AN_OPTION),), asked, short=True), state
        if not (msg.text or msg.option or msg.location or msg.media):
            return _Said((Reply(EMPTY),), asked, short=True), state
        if msg.option in OWN or msg.option in VOICE_ANSWERS:
            return await self._own(unit, state, msg, asked)
        # Only typed words can be mistaken for an answer: a tap, a pin or a photo is one.
        typed = tapped is None and not msg.location and not msg.media
        late = typed and not free(state) and stale(state.saved_at, self.clock(), self.started)
        word = _word_of(msg, typed, late)
        if word is not None:
            return await self._global(unit, state, msg, word, asked)
        if late:
            question = self._question(state, asked)
            remind = reminder(self._underway(state.flow, state.step, state.data), question)
            return _Said((remind,), remember=asked[-1] if asked else None), state
        flow = self._flow(state.flow) or self.flows[MENU]
        try:
            step, data = flow.load(state.step or "", state.data)
        except (ValueError, TypeError, KeyError):
            # A state written by an older version of the flow: start it again rather than fail.
            log.warning("state of flow %s could not be read; restarting it", flow.name)
            return await self._start(
                unit, msg, flow.name, (), origin=FlowState(paused=state.paused)
            )
        turn = await flow.handle(ctx, step, data, msg)
        return await self._follow(unit, msg, flow, turn, (), state, answering=True)

    async def _global(
        self, unit: Unit, state: FlowState, msg: Inbound, word: Word, asked: tuple[Outgoing, ...]
    ) -> tuple[_Said, FlowState]:
        match word:
            case Word.HELP:
                return _Said((Reply(HELP),), asked), state
            case Word.THANKS:
                # Kindness, then the question still open: a thank-you answers nothing.
                return _Said((Reply(YOU_ARE_WELCOME),), asked), state
            case Word.GREETING:
                # A hello answers nothing either: the question still open, or the menu.
                return await self._again(unit, msg, state, (), asked)
            case Word.DASHBOARD:
                # The link, then the question still open: nothing the resident did is lost.
                return _Said((await _dashboard(unit),), asked), state
            case Word.OPT_OUT | Word.STOP | Word.START:
                return await self._notifications(unit, state, msg, word, asked)
            case (
                Word.LANGUAGE
                | Word.REPORT
                | Word.ASK
                | Word.MY_DATA
                | Word.ERASE
                | Word.MENU
                | Word.CANCEL
            ):
                return await self._elsewhere(unit, state, msg, word, asked)
            case Word.BACK:
                return await self._back(unit, state, msg)

    async def _notifications(
        self,
        unit: Unit,
        state: FlowState,
        msg: Inbound,
        word: _PushWord,
        asked: tuple[Outgoing, ...],
    ) -> tuple[_Said, FlowState]:
        """Notifications off at once (a platform's opt-out), off once confirmed, or on again."""
        match word:
            case Word.OPT_OUT:
                await unit.services.profile.set_pushes(False)
                return _Said((Reply(STOPPED),), asked), state
            case Word.STOP:
                if not unit.resident.pushes_enabled:
                    return _Said((Reply(STOPPED),), asked), state
                return _Said((ASK_STOP,), remember=asked[-1] if asked else None), state
            case Word.START:
                was_off = not unit.resident.pushes_enabled
                await unit.services.profile.set_pushes(True)
                said = (Reply(RESUMED),) if was_off else ()
                if _ready(unit.resident):
                    return await self._leave(unit, state, msg, MENU, said)
                return _Said(said, asked), state

    async def _elsewhere(
        self,
        unit: Unit,
        state: FlowState,
        msg: Inbound,
        word: _FlowWord,
        asked: tuple[Outgoing, ...],
    ) -> tuple[_Said, FlowState]:
        """The flow a word opens; before set-up only "my data" does (and "language", which is
        part of onboarding)."""
        onboarded = _ready(unit.resident)
        match word:
            case Word.LANGUAGE:
                if not onboarded:
                    kept = FlowState(paused=state.paused)
                    return await self._start(unit, msg, ONBOARDING, (), origin=kept)
                return await self._leave(unit, state, msg, LANGUAGE, ())
            case Word.REPORT | Word.ASK:
                if not onboarded:
                    return _Said((Reply(FINISH_SETUP),), asked), state
                wanted = REPORT if word is Word.REPORT else ASKING
                return await self._leave(unit, state, msg, wanted if wanted in self.flows else MENU)
            case Word.MY_DATA | Word.ERASE:
                # A right of every resident, also halfway through onboarding.
                if MY_DATA not in self.flows:
                    return _Said((Reply(FINISH_SETUP),), asked), state
                link = ERASE if word is Word.ERASE else ""
                return await self._leave(unit, state, msg, MY_DATA, (), link)
            case Word.MENU | Word.CANCEL:
                if not onboarded:
                    return _Said((Reply(FINISH_SETUP),), asked), state
                # What is kept was not cancelled: the menu says so instead.
                lost = word is Word.CANCEL and not free(state) and self._pause(unit, state) is None
                return await self._leave(
                    unit, state, msg, MENU, (Reply(CANCELLED),) if lost else ()
                )

    async def _own(
        self, unit: Unit, state: FlowState, msg: Inbound, asked: tuple[Outgoing, ...]
    ) -> tuple[_Said, FlowState]:
        """An answer to one of the engine's own questions (see `returning.py`)."""
        if msg.option in VOICE_ANSWERS:
            return await self._voice(unit, state, msg, asked)
        paused = state.paused if free(state) else None
        if msg.option == CONTINUE.id:
            if paused is not None:
                return await self._restore(unit, msg, paused.at, paused.trail, None)
            return await self._again(unit, msg, state, (), asked)
        if msg.option == RESTART.id:
            if paused is not None:
                name, origin = (
                    paused.at.flow,
                    FlowState(trail=without(paused.trail, paused.at.flow)),
                )
            else:
                name = state.flow or MENU
                origin = FlowState(trail=without(state.trail, name), paused=state.paused)
            return await self._start(unit, msg, self._registered(name) or MENU, (), origin=origin)
        if msg.option == STOP_ALL.id:
            await unit.services.profile.set_pushes(False)
            return await self._again(unit, msg, state, (Reply(STOPPED),), asked)
        assert msg.option == KEEP_ON.id
        return await self._again(unit, msg, state, (Reply(STILL_ON),), asked)

    async def _back(self, unit: Unit, state: FlowState, msg: Inbound) -> tuple[_Said, FlowState]:
        """The previous question, as it stood; at a flow's first step, where it was opened from."""
        if state.trail:
            *before, previous = state.trail
            return await self._restore(unit, msg, previous, tuple(before), state.paused)
        if free(state) and state.paused is not None and _ready(unit.resident):
            # Left for the menu a moment ago: back is where they were.
            return await self._restore(unit, msg, state.paused.at, state.paused.trail, None)
        return await self._start(
            unit, msg, self._home(unit), (), origin=FlowState(paused=state.paused)
        )

    async def _restore(
        self,
        unit: Unit,
        msg: Inbound,
        mark: Bookmark,
        trail: tuple[Bookmark, ...],
        paused: Paused | None,
    ) -> tuple[_Said, FlowState]:
        """Put the resident back at a question kept earlier, and ask it again."""
        flow = self._flow(mark.flow)
        question = reply_of(mark.question)
        if flow is None or question is None or not _readable(flow, mark.step, mark.data):
            log.warning("a kept question of flow %s could not be read; showing the menu", mark.flow)
            return await self._start(unit, msg, self._home(unit), (), origin=FlowState())
        state = FlowState(
            flow=mark.flow,
            step=mark.step,
            data=mark.data,
            question=mark.question,
            trail=() if mark.flow == MENU else trail,
            paused=paused,
        )
        return _Said((question,)), state

    async def _again(
        self,
        unit: Unit,
        msg: Inbound,
        state: FlowState,
        before: tuple[Reply, ...],
        asked: tuple[Outgoing, ...],
    ) -> tuple[_Said, FlowState]:
        """The current question again, in full, after an aside."""
        if free(state):
            return await self._start(unit, msg, self._home(unit), before, origin=state)
        question = reply_of(state.question)
        if question is None:
            return _Said(before, asked), state
        return _Said((*before, question)), state

    def _pause(self, unit: Unit, state: FlowState) -> tuple[Paused, Renderable] | None:
        """What leaving the current flow would leave half done, kept to continue; None when
        nothing would be lost (no answer given yet, or a flow of lists and menus)."""
        mark = bookmark(state)
        if not unit.resident.onboarded or free(state) or mark is None or not progressed(state):
            return None
        underway = self._underway(mark.flow, mark.step, mark.data)
        return (Paused(mark, state.trail), underway) if underway is not None else None

    async def _leave(
        self,
        unit: Unit,
        state: FlowState,
        msg: Inbound,
        name: FlowName,
        before: tuple[Reply, ...] = (),
        link: str = "",
    ) -> tuple[_Said, FlowState]:
        """Go to flow ``name`` for a global word, keeping the current flow if it is half done."""
        pausing = self._pause(unit, state)
        paused = pausing[0] if pausing else state.paused
        # The menu says it itself, with the option to continue.
        note = (kept(pausing[1]),) if pausing and name != MENU else ()
        return await self._start(unit, msg, name, before + note, link, FlowState(paused=paused))

    async def _start(
        self,
        unit: Unit,
        msg: Inbound,
        name: FlowName,
        before: tuple[Reply, ...],
        link: str = "",
        origin: FlowState | None = None,
    ) -> tuple[_Said, FlowState]:
        flow = self.flows[name]
        ctx = self._context(unit, msg)
        turn = await (flow.open(ctx, link) if link else flow.start(ctx))
        return await self._follow(unit, msg, flow, turn, before, origin or FlowState())

    async def _follow(
        self,
        unit: Unit,
        msg: Inbound,
        flow: Flow[Any, Any],
        turn: Turn[Any, Any],
        before: tuple[Reply, ...],
        origin: FlowState,
        answering: bool = False,
    ) -> tuple[_Said, FlowState]:
        """Apply a turn, following hand-overs until a flow waits for the resident.

        ``origin`` is where the resident was (or, for a fresh start, what of it is kept): the
        question they leave joins the trail for "back". ``answering``: the turn answers the
        question of ``origin``, which may then be asked again in short.
        """
        flow, turn, said, settled = await self._hand_over(unit, msg, flow, turn)
        replies = before + said
        step, data = str(turn.step), flow.dump(turn.data)
        same = (origin.flow, origin.step) == (flow.name, step)
        question = question_json(turn.replies[-1]) if turn.replies else ""
        if same and not turn.replies:
            question = origin.question
        after = FlowState(
            flow=flow.name, step=step, data=data, question=question, paused=origin.paused
        )
        if flow.name != MENU:
            after = replace(after, trail=moved(origin, after, settled))
        repeated = answering and same and data == origin.data and question == origin.question
        if repeated and question and len(replies) > 1 and _can_carry(replies[-2]):
            # The answer was not taken: the hint goes with the question's options, not the
            # whole question again (the privacy notice is 528 characters); "help" shows it.
            *hints, asked = replies
            carried = replace(hints[-1], options=asked.options, ask_location=asked.ask_location)
            return _Said((*hints[:-1], carried), remember=asked), after
        return _Said(replies), after

    async def _hand_over(
        self, unit: Unit, msg: Inbound, flow: Flow[Any, Any], turn: Turn[Any, Any]
    ) -> tuple[Flow[Any, Any], Turn[Any, Any], tuple[Reply, ...], bool]:
        """Follow ``turn``'s hand-overs: the flow that waits for the resident, its turn, the
        replies of every flow on the way, and whether any of them settled something."""
        replies, settled = turn.replies, turn.settled
        hops = 0
        while (following := turn.next_flow or (MENU if turn.step is None else None)) is not None:
            if following == MENU and not _ready(unit.resident):
                following = ONBOARDING  # the menu is for residents who are set up
            hops += 1
            if hops > MAX_HANDOVERS:
                raise RuntimeError(f"flows keep handing over (last: {flow.name})")
            if following not in self.flows:
                raise LookupError(f"flow {flow.name} hands over to unknown flow {following!r}")
            flow, ctx = self.flows[following], self._context(unit, msg)
            if turn.carry:
                turn = await flow.take(ctx, msg)
            else:
                turn = await (flow.open(ctx, turn.link) if turn.link else flow.start(ctx))
            settled = settled or turn.settled
            replies += turn.replies
        return flow, turn, replies, settled

    async def _voice(
        self, unit: Unit, state: FlowState, msg: Inbound, asked: tuple[Outgoing, ...]
    ) -> tuple[_Said, FlowState]:
        """The answer to the offer of voice prompts, then the question it came beside."""
        await unit.services.profile.set_voice(msg.option == VOICE_ON.id)
        said = chosen(msg.option)
        return await self._again(unit, msg, state, (said,) if said else (), asked)

    async def _offer_voice(self, unit: Unit, said: _Said, msg: Inbound, flow: str | None) -> _Said:
        """After a resident's first voice note, whether questions should come with voice: asked
        once (the choice is then text only until they say otherwise), beside the question, and
        only once the association recorded prompts in their language. An organizer recording
        prompts is not asked: their voice notes are the prompts."""
        plain = said.fresh and not said.again and not said.short
        if self.voicing is None or not plain or not _ready(unit.resident):
            return said
        if flow == FlowName.PROMPT_RECORDING:
            return said
        if not to_offer(unit.resident, msg):
            return said
        language = spoken(self._locale(unit.resident, msg))
        if not await unit.services.prompts.recorded(language):
            return said
        await unit.services.profile.set_voice(False)
        remember = said.remember if said.remember is not None else said.fresh[-1]
        return replace(said, fresh=(*said.fresh, VOICE_OFFER), remember=remember)

    async def _voiced(self, resident: Resident, out: list[Outgoing]) -> list[Outgoing]:
        """The replies, with their voice prompts for a resident who chose voice."""
        if self.voicing is None or not resident.voice:
            return out
        return await self.voicing.voiced(out)

    def _offer_paused(self, said: _Said, state: FlowState) -> _Said:
        """At the menu, offer what was left half done: a line above it, and two options."""
        if state.flow != MENU or state.paused is None or not said.fresh:
            return said
        at = state.paused.at
        underway = self._underway(at.flow, at.step, at.data)
        if underway is None or not said.fresh[-1].options:
            return said
        fresh = (*said.fresh[:-1], offered(said.fresh[-1], underway))
        remember = said.remember
        if isinstance(remember, Reply) and remember.options:
            remember = offered(remember, underway)
        return replace(said, fresh=fresh, remember=remember)

    def _underway(self, name: str | None, step: str | None, data: str) -> Renderable | None:
        """What the resident was in the middle of there, as its flow says."""
        flow = self._flow(name)
        if flow is None or step is None or not _readable(flow, step, data):
            return None
        return flow.underway(*flow.load(step, data))

    @staticmethod
    def _question(state: FlowState, asked: tuple[Outgoing, ...]) -> Renderable:
        question = reply_of(state.question)
        if question is not None:
            return question.text
        return Verbatim(asked[-1].text if asked else "")

    def _registered(self, name: str | None) -> FlowName | None:
        """The registered flow a stored name stands for; None for a flow there is not."""
        known = flow_named(name)
        return known if known is not None and known in self.flows else None

    def _flow(self, name: str | None) -> Flow[Any, Any] | None:
        known = self._registered(name)
        return None if known is None else self.flows[known]

    def _home(self, unit: Unit) -> FlowName:
        return MENU if _ready(unit.resident) else ONBOARDING

    def _context(self, unit: Unit, msg: Inbound) -> Context:
        resident = unit.resident
        locale = self._locale(resident, msg)
        return Context(resident, unit.services, self.clock(), locale, msg.text, self.channels)

    @staticmethod
    def _locale(resident: Resident, msg: Inbound) -> str:
        return resident.language or supported(msg.language_hint) or DEFAULT

    def _hint(self, msg: Inbound) -> Renderable | None:
        return self.channels.get(msg.address.channel).location_hint

    def _render(self, said: _Said, locale: str, msg: Inbound) -> list[Outgoing]:
        tr, hint = self.translator(locale), self._hint(msg)
        fresh = [_rendered(reply, tr, locale, hint) for reply in said.fresh]
        if said.short and said.again and fresh:
            asked = said.again[-1]
            fresh[-1] = replace(
                fresh[-1],
                options=asked.options,
                ask_location=asked.ask_location,
                location_hint=asked.location_hint,
            )
            return fresh
        return fresh + list(said.again)

    def _kept(self, said: _Said, locale: str, msg: Inbound) -> Outgoing | None:
        """The question that stays asked when it is not the last reply shown."""
        if isinstance(said.remember, Reply):
            return _rendered(said.remember, self.translator(locale), locale, self._hint(msg))
        if said.remember is None and said.short and said.again:
            return said.again[-1]
        return said.remember

    @staticmethod
    def _remember(state: FlowState, out: list[Outgoing], asked: Outgoing | None) -> FlowState:
        """Keep the last question and the options shown with the state, for numbers, labels and
        help."""
        if not out:
            return state
        shown = out[-1]
        prompt = [outgoing_json(asked or shown)]
        offered = [{"id": c.id, "label": c.label} for c in shown.options]
        return replace(
            state,
            prompt=json.dumps(prompt, ensure_ascii=False),
            offered=json.dumps(offered, ensure_ascii=False),
        )


def _word_of(msg: Inbound, typed: bool, late: bool) -> Word | None:
    """The global word a message is, if any. A hello alone is one only when it is all the
    message says now: after a pause the reminder greets back, and a photo's caption is a photo."""
    word = global_word(msg.text) if msg.option is None else None
    return None if word is Word.GREETING and (late or not typed) else word


def free(state: FlowState) -> bool:
    """At the menu (or nowhere yet): nothing is being asked but what to do."""
    return state.flow in (None, MENU)


def _ready(resident: Resident) -> bool:
    """Set up, and agreed to the privacy notice as it reads today."""
    return resident.onboarded and resident.consent_version == PRIVACY_VERSION


def _readable(flow: Flow[Any, Any], step: str, data: str) -> bool:
    """Whether a kept state still fits its flow (it may have been written by an older one)."""
    try:
        flow.load(step, data)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def _can_carry(reply: Reply) -> bool:
    """Whether the reply before a question asked again is a hint that can carry its options.

    A hint is one sentence ("Sorry, I did not understand...", "That is too long"); after
    something shown in several lines (a report's details, a petition's full text), a file, or
    help, the question is asked again in full.
    """
    one_sentence = isinstance(reply.text, Text) and reply.text != HELP
    return one_sentence and not reply.options and reply.attachment is None


def _rendered(reply: Reply, tr: Translator, locale: str, hint: Renderable | None) -> Outgoing:
    """``reply`` in the resident's language; ``hint`` says how to share a location on a channel
    without a way of its own."""
    return Outgoing(
        text=reply.text.render(tr),
        options=tuple(Choice(o.id, o.label.render(tr)) for o in reply.options),
        ask_location=reply.ask_location,
        locale=locale,
        location_hint=hint.render(tr) if reply.ask_location and hint is not None else "",
        attachment=reply.attachment,
        prompt=prompt_key(reply.text),
    )


def _petition_link(msg: Inbound) -> str:
    """The petition code a shared link carries, or ""."""
    typed = msg.start_payload or msg.text.strip()
    found = _LINK.fullmatch(typed)
    return petition_code(found.group(1)) if found else ""


def _consultation_link(msg: Inbound) -> str:
    """The consultation's number a reply to its push (or a link) carries, or ""."""
    found = _CONSULTATION_LINK.fullmatch(msg.start_payload or msg.text.strip())
    return found.group(1) if found else ""


async def _dashboard(unit: Unit) -> Reply:
    """An organizer's one-time link to the dashboard; anyone else is told what it is for."""
    if not _ready(unit.resident):
        return Reply(FINISH_SETUP)
    link = await unit.services.organizing.dashboard_link()
    if link is None:
        return Reply(NOT_AN_ORGANIZER)
    return Reply(
        _(
            "Your link to the dashboard, for one use within 15 minutes. Open it on the device "
            "you will use, and share it with no one:\n{link}",
            link=Verbatim(link),
        )
    )
