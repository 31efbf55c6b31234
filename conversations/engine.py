"""The engine: one inbound message in, rendered replies out, state saved with the side effects.

Per message: claim its id (a retry is dropped), lock the resident, settle the language, turn a
typed number or label into the option it names, apply global words, run the current flow step,
follow hand-overs between flows, render in the resident's locale, and save — one transaction.
Before all of it, every field is cleaned and bounded (`bounds.py`); then flood control: a message
over the resident's rate costs no database work; nor does a message from a chat several people
share, which only learns to write privately.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from conversations.bounds import bounded
from conversations.flood import Flood, Verdict
from conversations.flow import Flow
from conversations.folding import fold, to_ascii_digits
from conversations.kit import Choice, Context, Inbound, Outgoing, Reply, Resident, Turn
from conversations.language import DEFAULT, supported
from conversations.onboarding import PRIVACY_VERSION
from conversations.petition import petition_code
from conversations.phrases import (
    CANCELLED,
    EMPTY,
    FINISH_SETUP,
    HELP,
    NOT_AN_OPTION,
    RESUMED,
    SHARE_LOCATION,
    SLOW_DOWN,
    SOMETHING_WRONG,
    STOPPED,
    YOU_ARE_WELCOME,
    private_only,
)
from conversations.seams import ConversationStore, FlowState, Unit
from conversations.text import Translator
from conversations.words import Word, global_word

log = logging.getLogger(__name__)

ONBOARDING = "onboarding"
MENU = "menu"
LANGUAGE = "language"
REPORT = "report_need"
PETITIONS = "petitions"
MY_DATA = "my_data"
# What the my-data flow opens on to ask for erasure straight away.
ERASE = "erase"
# How a petition is shared: Telegram's /start p_CODE, or a first WhatsApp message "P CODE".
_LINK = re.compile(r"[Pp][ _](\w+)")
# A flow handing over to a flow handing over...: more than this is a bug, not a conversation.
MAX_HANDOVERS = 4
# A typed label must be at least this long to pick an option by its beginning.
MIN_PREFIX = 3


@dataclass(frozen=True, slots=True)
class _Said:
    """Replies of this message: new ones to render, or a question asked before, as rendered."""

    fresh: tuple[Reply, ...] = ()
    again: tuple[Outgoing, ...] = ()


class Engine:
    """Runs flows for every channel; adapters call `handle` and send what it returns."""

    def __init__(
        self,
        store: ConversationStore,
        flows: Iterable[Flow[Any, Any]],
        translator: Callable[[str], Translator],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        flood: Flood | None = None,
    ) -> None:
        self.store = store
        self.flood = flood
        self.flows = {flow.name: flow for flow in flows}
        for required in (ONBOARDING, MENU, LANGUAGE):
            if required not in self.flows:
                raise ValueError(f"the engine needs a flow named {required!r}")
        self.translator = translator
        self.clock = clock

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
        if self.flood is not None and (verdict := self.flood.check(msg.address)) != Verdict.ADMIT:
            if verdict == Verdict.DROP:
                return []
            locale = self.flood.locale(msg.address) or supported(msg.language_hint) or DEFAULT
            return self._render(_Said((Reply(SLOW_DOWN),)), locale)
        if msg.shared:
            # One conversation for a whole group would let any member sign, read or erase in
            # everyone's name, in front of everyone: nothing is read, stored or remembered.
            locale = supported(msg.language_hint) or DEFAULT
            return self._render(_Said((Reply(private_only(msg.private_link)),)), locale)
        locale = supported(msg.language_hint) or DEFAULT
        try:
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
                locale = self._locale(unit.resident, msg)
                out = self._render(said, locale)
                await unit.save(self._remember(new_state, out))
            if self.flood is not None:
                if unit.erased:
                    # Not even their language stays in memory once their data is erased.
                    self.flood.forget(msg.address)
                else:
                    self.flood.remember(msg.address, locale)
            return out
        except Exception:
            # The transaction rolled back, so a platform retry will be processed afresh.
            log.exception("message %s from %s failed", msg.message_id, msg.address.channel)
            return self._render(_Said((Reply(SOMETHING_WRONG),)), locale)

    async def _step(self, unit: Unit, state: FlowState, msg: Inbound) -> tuple[_Said, FlowState]:
        resident = unit.resident
        ctx = self._context(unit, msg)
        offered = [Choice(**item) for item in json.loads(state.offered)]
        tapped = msg.option
        msg = _resolve_option(msg, offered)
        asked = tuple(_outgoing_from_json(item) for item in json.loads(state.prompt))

        # A typed "P CODE" is a link only where nothing else is being asked: mid-flow it may be
        # a CIN or a name. Telegram's /start payload is always one.
        free = state.flow in (None, MENU)
        link = _petition_link(msg) if msg.start_payload or free else ""
        # A changed privacy notice is asked again before anything else; seeing or erasing one's
        # data is a right that needs no consent.
        if not _ready(resident) and state.flow not in (ONBOARDING, MY_DATA):
            return await self._start(unit, msg, ONBOARDING, (), link)
        if link and _ready(resident):
            return await self._start(unit, msg, PETITIONS, (), link)
        if tapped is not None and msg.option is None and not msg.text:
            # A button of an earlier question: say so and show the current one again.
            return _Said((Reply(NOT_AN_OPTION),), asked), state
        if not (msg.text or msg.option or msg.location or msg.media):
            return _Said((Reply(EMPTY),), asked), state
        word = global_word(msg.text) if msg.option is None else None
        if word is not None:
            return await self._global(unit, state, msg, word, asked)

        flow = self.flows.get(state.flow or MENU, self.flows[MENU])
        try:
            step, data = flow.load(state.step or "", state.data)
        except (ValueError, TypeError, KeyError):
            # A state written by an older version of the flow: start it again rather than fail.
            log.warning("state of flow %s could not be read; restarting it", flow.name)
            return await self._start(unit, msg, flow.name, ())
        turn = await flow.handle(ctx, step, data, msg)
        return await self._follow(unit, msg, flow, turn, ())

    async def _global(
        self, unit: Unit, state: FlowState, msg: Inbound, word: Word, asked: tuple[Outgoing, ...]
    ) -> tuple[_Said, FlowState]:
        onboarded = _ready(unit.resident)
        match word:
            case Word.HELP:
                return _Said((Reply(HELP),), asked), state
            case Word.THANKS:
                # Kindness, then the question still open: a thank-you answers nothing.
                return _Said((Reply(YOU_ARE_WELCOME),), asked), state
            case Word.STOP:
                await unit.services.set_pushes(False)
                return _Said((Reply(STOPPED),), asked), state
            case Word.START:
                was_off = not unit.resident.pushes_enabled
                await unit.services.set_pushes(True)
                said = (Reply(RESUMED),) if was_off else ()
                if onboarded:
                    return await self._start(unit, msg, MENU, said)
                return _Said(said, asked), state
            case Word.LANGUAGE:
                return await self._start(unit, msg, LANGUAGE if onboarded else ONBOARDING, ())
            case Word.REPORT:
                if not onboarded:
                    return _Said((Reply(FINISH_SETUP),), asked), state
                return await self._start(unit, msg, REPORT if REPORT in self.flows else MENU, ())
            case Word.MY_DATA | Word.ERASE:
                # A right of every resident, also halfway through onboarding.
                if MY_DATA not in self.flows:
                    return _Said((Reply(FINISH_SETUP),), asked), state
                link = ERASE if word is Word.ERASE else ""
                return await self._start(unit, msg, MY_DATA, (), link)
            case Word.MENU | Word.CANCEL:
                if not onboarded:
                    return _Said((Reply(FINISH_SETUP),), asked), state
                said = (Reply(CANCELLED),) if word is Word.CANCEL and state.flow != MENU else ()
                return await self._start(unit, msg, MENU, said)

    async def _start(
        self, unit: Unit, msg: Inbound, name: str, before: tuple[Reply, ...], link: str = ""
    ) -> tuple[_Said, FlowState]:
        flow = self.flows[name]
        ctx = self._context(unit, msg)
        turn = await (flow.open(ctx, link) if link else flow.start(ctx))
        return await self._follow(unit, msg, flow, turn, before)

    async def _follow(
        self,
        unit: Unit,
        msg: Inbound,
        flow: Flow[Any, Any],
        turn: Turn[Any, Any],
        before: tuple[Reply, ...],
    ) -> tuple[_Said, FlowState]:
        """Apply a turn, following hand-overs until a flow waits for the resident."""
        replies = before + turn.replies
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
            turn = await (flow.open(ctx, turn.link) if turn.link else flow.start(ctx))
            replies += turn.replies
        state = FlowState(flow=flow.name, step=str(turn.step), data=flow.dump(turn.data))
        return _Said(replies), state

    def _context(self, unit: Unit, msg: Inbound) -> Context:
        resident = unit.resident
        return Context(resident, unit.services, self.clock(), self._locale(resident, msg), msg.text)

    @staticmethod
    def _locale(resident: Resident, msg: Inbound) -> str:
        return resident.language or supported(msg.language_hint) or DEFAULT

    def _render(self, said: _Said, locale: str) -> list[Outgoing]:
        tr = self.translator(locale)
        fresh = [
            Outgoing(
                text=reply.text.render(tr),
                options=tuple(Choice(o.id, o.label.render(tr)) for o in reply.options),
                ask_location=reply.ask_location,
                locale=locale,
                location_hint=SHARE_LOCATION.render(tr) if reply.ask_location else "",
                attachment=reply.attachment,
            )
            for reply in said.fresh
        ]
        return fresh + list(said.again)

    @staticmethod
    def _remember(state: FlowState, out: Sequence[Outgoing]) -> FlowState:
        """Keep the last question and its options with the state, for numbers, labels and help."""
        if not out:
            return state
        last = out[-1]
        prompt = [_outgoing_json(last)]
        offered = [{"id": c.id, "label": c.label} for c in last.options]
        return replace(
            state,
            prompt=json.dumps(prompt, ensure_ascii=False),
            offered=json.dumps(offered, ensure_ascii=False),
        )


def _ready(resident: Resident) -> bool:
    """Set up, and agreed to the privacy notice as it reads today."""
    return resident.onboarded and resident.consent_version == PRIVACY_VERSION


def _outgoing_json(out: Outgoing) -> dict[str, Any]:
    return {
        "text": out.text,
        "options": [{"id": c.id, "label": c.label} for c in out.options],
        "ask_location": out.ask_location,
        "locale": out.locale,
        "location_hint": out.location_hint,
    }


def _outgoing_from_json(item: dict[str, Any]) -> Outgoing:
    options = tuple(Choice(**option) for option in item["options"])
    hint = item.get("location_hint", "")  # absent from prompts saved before it existed
    return Outgoing(item["text"], options, item["ask_location"], item["locale"], hint)


def _petition_link(msg: Inbound) -> str:
    """The petition code a shared link carries, or ""."""
    typed = msg.start_payload or msg.text.strip()
    found = _LINK.fullmatch(typed)
    return petition_code(found.group(1)) if found else ""


def _resolve_option(msg: Inbound, offered: Sequence[Choice]) -> Inbound:
    """Turn a tap, a typed number (any digit script) or a typed label into an offered option."""
    ids = [choice.id for choice in offered]
    if msg.option is not None:
        # A button from an older question no longer means anything.
        return msg if msg.option in ids else replace(msg, option=None)
    if not offered or not msg.text:
        return msg
    typed = to_ascii_digits(msg.text).strip().rstrip(".)-").strip()
    # isascii: "²" and "①" are digits to isdigit() but not to int().
    if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(offered):
        return replace(msg, option=offered[int(typed) - 1].id)
    folded = fold(msg.text)
    if not folded:
        return msg
    labels = [fold(choice.label) for choice in offered]
    if folded in labels:
        return replace(msg, option=offered[labels.index(folded)].id)
    if len(folded) >= MIN_PREFIX:
        starts = [i for i, label in enumerate(labels) if label.startswith(folded)]
        if len(starts) == 1:
            return replace(msg, option=offered[starts[0]].id)
    return msg
