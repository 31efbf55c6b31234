"""The baseline of the engine benchmark: Hayna's onboarding and menu written with
python-telegram-bot's ConversationHandler, state in memory, driven with no network.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

# PTB itself is imported inside the functions: the Hayna child imports this module too, and its
# peak memory must not include PTB.
from bench.dialog import Result, Seen, drive
from conversations.commune_choice import MAX_CANDIDATES, OTHER, candidates
from conversations.folding import to_ascii_digits
from conversations.kit import Reply
from conversations.language import language_menu
from conversations.menu import HOME
from conversations.onboarding import ASK_COMMUNE, PRIVACY, WELCOME
from conversations.phrases import COMING_SOON, FINISH_SETUP, HELP, NOT_AN_OPTION
from conversations.text import _, lines, ngettext
from conversations.words import Word, global_word


class State(StrEnum):
    LANGUAGE = "language"
    CONSENT = "consent"
    COMMUNE = "commune"
    CHOOSE = "choose"
    HOME = "home"
    CHANGE_LANGUAGE = "change_language"


class PtbDialog:
    """Hayna's onboarding and menu written the PTB way: a handler per state, `user_data`.

    Same replies (Hayna's phrases through the same catalogs), same gazetteer search: what differs
    is the machinery. Replies go to `outbox` rather than to the Bot API, as `Engine.handle`
    returns its replies rather than sending them: neither side pays for a transport.
    """

    def __init__(self, gazetteer: Any) -> None:
        from bot.i18n import translator
        from storage.services.places import place_of

        self.gazetteer = gazetteer
        self.translator = translator
        self.place_of = place_of
        self.outbox: dict[int, list[tuple[str, tuple[str, ...]]]] = {}

    def conversation(self) -> Any:
        from telegram.ext import ConversationHandler, MessageHandler, filters

        class GlobalWord(filters.MessageFilter):
            def filter(self, message: Any) -> bool:
                return global_word(message.text or "") is not None

        word = GlobalWord()
        plain = filters.TEXT & ~word
        steps = {
            State.LANGUAGE: self.language,
            State.CONSENT: self.consent,
            State.COMMUNE: self.commune,
            State.CHOOSE: self.choose,
            State.HOME: self.home,
            State.CHANGE_LANGUAGE: self.change_language,
        }
        return ConversationHandler(
            entry_points=[MessageHandler(filters.TEXT, self.greet)],
            states={state: [MessageHandler(plain, step)] for state, step in steps.items()},
            fallbacks=[MessageHandler(word, self.word)],
        )

    def say(self, update: Any, context: Any, *replies: Reply) -> None:
        tr = self.translator(context.user_data.get("locale", "ar"))
        said = self.outbox.setdefault(update.effective_chat.id, [])
        for reply in replies:
            labels = tuple(option.label.render(tr) for option in reply.options)
            said.append((reply.text.render(tr), labels))
        context.user_data["offered"] = [option.id for option in replies[-1].options]
        context.user_data["prompt"] = replies[-1]

    @staticmethod
    def option(update: Any, context: Any) -> str | None:
        typed = to_ascii_digits(update.message.text).strip()
        offered = context.user_data.get("offered", [])
        return (
            offered[int(typed) - 1] if typed.isdigit() and 0 < int(typed) <= len(offered) else None
        )

    async def greet(self, update: Any, context: Any) -> State:
        menu = language_menu()
        self.say(update, context, Reply(lines(WELCOME, menu.text), menu.options))
        return State.LANGUAGE

    async def language(self, update: Any, context: Any) -> State | None:
        if (code := self.option(update, context)) is None:
            self.say(update, context, Reply(NOT_AN_OPTION), language_menu())
            return None
        context.user_data["locale"] = code
        self.say(update, context, PRIVACY)
        return State.CONSENT

    async def consent(self, update: Any, context: Any) -> State | None:
        if self.option(update, context) != "agree":
            self.say(update, context, Reply(NOT_AN_OPTION), PRIVACY)
            return None
        context.user_data["consented_at"] = now = datetime.now(UTC)
        thanks = _("Thank you. Your consent was recorded on {when}.", when=now)
        self.say(update, context, Reply(thanks), ASK_COMMUNE)
        return State.COMMUNE

    async def commune(self, update: Any, context: Any) -> State | None:
        query = update.message.text.strip()
        places = [self.place_of(c) for c in self.gazetteer.search(query, MAX_CANDIDATES)]
        if not places:
            self.say(update, context, Reply(NOT_AN_OPTION), ASK_COMMUNE)
            return None
        which = ngettext(
            "I found one commune for “{name}”. Is it yours?",
            "I found {n} communes for “{name}”. Which one is yours?",
            len(places),
            name=query,
        )
        # The first page of them, as Hayna offers it (8, then More and "none of these").
        asked, _page = candidates(which, places, 0)
        self.say(update, context, asked)
        context.user_data["candidates"] = [place.code for place in places]
        return State.CHOOSE

    async def choose(self, update: Any, context: Any) -> State | None:
        code = self.option(update, context)
        if code == OTHER.id:
            self.say(update, context, ASK_COMMUNE)
            return State.COMMUNE
        if code not in context.user_data["candidates"]:
            return await self.commune(update, context)
        context.user_data["commune"] = code
        place = self.place_of(self.gazetteer.get(code))
        done = _("All set! Your commune is {commune}.", commune=place.label())
        self.say(update, context, Reply(done), HOME)
        return State.HOME

    async def home(self, update: Any, context: Any) -> State | None:
        match self.option(update, context):
            case None:
                self.say(update, context, Reply(NOT_AN_OPTION), HOME)
            case "help":
                self.say(update, context, Reply(HELP), HOME)
            case "language":
                self.say(update, context, language_menu(context.user_data["locale"]))
                return State.CHANGE_LANGUAGE
            case _:
                self.say(update, context, Reply(COMING_SOON), HOME)
        return None

    async def change_language(self, update: Any, context: Any) -> State | None:
        if (code := self.option(update, context)) is None:
            self.say(update, context, Reply(NOT_AN_OPTION), language_menu())
            return None
        context.user_data["locale"] = code
        done = _("Done: I will write to you in English from now on.")
        self.say(update, context, Reply(done), HOME)
        return State.HOME

    async def word(self, update: Any, context: Any) -> State | None:
        """Global words as the engine answers them (the dialog uses only help and menu)."""
        prompt = context.user_data["prompt"]
        if global_word(update.message.text) is Word.HELP:
            self.say(update, context, Reply(HELP), prompt)
            return None
        if "commune" not in context.user_data:
            self.say(update, context, Reply(FINISH_SETUP), prompt)
            return None
        self.say(update, context, HOME)
        return State.HOME


def _offline_request() -> Any:
    """A Bot API that answers getMe in memory, so `Application.initialize` needs no network."""
    from telegram.request import BaseRequest

    class OfflineRequest(BaseRequest):
        @property
        def read_timeout(self) -> float | None:
            return None

        async def initialize(self) -> None:
            pass

        async def shutdown(self) -> None:
            pass

        async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
            if not url.endswith("/getMe"):  # replies go to the outbox: nothing else is called
                raise AssertionError(f"the baseline called the Bot API: {url}")
            me = {"id": 123, "is_bot": True, "first_name": "Hayna", "username": "hayna_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()

    return OfflineRequest()


async def run_ptb(residents: int, concurrency: int) -> Result:
    from telegram import Update
    from telegram.ext import Application

    from storage.gazetteer import Gazetteer

    ptb = PtbDialog(Gazetteer.load())
    builder = Application.builder().token("123:ABC").updater(None)
    app = builder.request(_offline_request()).get_updates_request(_offline_request()).build()
    app.add_handler(ptb.conversation())
    await app.initialize()
    update_ids = iter(range(1, 1 << 62))

    def prepare(i: int, k: int, text: str) -> Any:
        user = {"id": 100_000 + i, "is_bot": False, "first_name": "Resident"}
        chat = {"id": user["id"], "type": "private"}
        message = {"message_id": k + 1, "date": 1_790_000_000, "chat": chat, "from": user}
        update = {"update_id": next(update_ids), "message": {**message, "text": text}}
        return Update.de_json(update, app.bot)

    async def handle(update: Any) -> Callable[[], Seen]:
        await app.process_update(update)
        said = ptb.outbox.pop(update.effective_chat.id, [])
        return lambda: [(text, len(labels)) for text, labels in said]

    try:
        label = "PTB ConversationHandler, memory"
        return await drive(label, residents, concurrency, prepare, handle, set())
    finally:
        await app.shutdown()
