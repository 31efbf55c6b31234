"""Throughput of Hayna's engine, against python-telegram-bot's ConversationHandler as a baseline.

Residents go through onboarding and the menu (10 messages each) through `Engine.handle` on a
database, then through the same dialog written with PTB's ConversationHandler, state in memory.
Each side runs in a child process of its own, so that its peak memory is its own.

    .venv/bin/python -m bench.engine [--residents 1000] [--concurrency 16] [--database URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/engine.py`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import json
import resource
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from time import perf_counter
from typing import Any

# Only channel-free modules here: each child imports its own stack (SQLAlchemy or PTB) itself.
from conversations.folding import to_ascii_digits
from conversations.kit import Option, Reply
from conversations.language import SUPPORTED, language_menu
from conversations.menu import HOME
from conversations.onboarding import ASK_COMMUNE, MAX_CANDIDATES, OTHER, PRIVACY, WELCOME
from conversations.phrases import COMING_SOON, FINISH_SETUP, HELP, NOT_AN_OPTION, SOMETHING_WRONG
from conversations.text import _, lines, ngettext
from conversations.words import Word, global_word

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE, TARGET_P99_MS = 1_000, 20.0
# Real names in both scripts, with and without accents; each has several candidates.
COMMUNES = ("Agadir", "Kénitra", "الدار البيضاء", "Tanger", "Fès", "مراكش")

# What a side answered to one message, as the checks see it: each reply's text and option count.
Seen = list[tuple[str, int]]


def dialog(i: int) -> list[str]:
    """What resident ``i`` types: even residents speak Arabic, odd ones French."""
    arabic = i % 2 == 0
    language = "1" if arabic else "2"
    greeting, help_word = ("السلام عليكم", "مساعدة") if arabic else ("Bonjour", "aide")
    commune = COMMUNES[i % len(COMMUNES)]
    # The menu's help item, the help word, the menu's language item and the same language again.
    return [greeting, language, "1", commune, "1", "6", help_word, "5", language, "menu"]


@dataclass
class Result:
    label: str
    messages: int
    seconds: float
    p50_ms: float
    p99_ms: float
    rss_mb: float  # the child's peak resident set: interpreter, imports and the run
    grew_mb: float  # how much of it the run itself added
    failures: int
    problems: list[str]  # the first few failures, described


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def drive(
    label: str,
    residents: int,
    concurrency: int,
    prepare: Callable[[int, int, str], Any],
    handle: Callable[[Any], Awaitable[Callable[[], Seen]]],
    wrong: set[str],
) -> Result:
    """Run every resident's dialog, ``concurrency`` residents at a time, timing each message.

    Only ``handle`` counts. ``prepare`` builds the message as an adapter would have (PTB's
    `Update.de_json` alone costs more than its dispatch); ``handle`` returns a function that
    describes the replies, called after the clock stops.
    """
    for k, text in enumerate(dialog(-1)):  # warm caches (catalogs, statements) unmeasured
        await handle(prepare(-1, k, text))
    latencies: list[float] = []
    problems: list[str] = []
    aside = 0.0  # time spent preparing and checking, taken out of the run's duration
    queue = iter(range(residents))  # shared: each worker takes the next resident when free
    rss_before = _rss_mb()

    async def worker() -> None:
        nonlocal aside
        for i in queue:
            for k, text in enumerate(dialog(i)):
                prepared = perf_counter()
                message = prepare(i, k, text)
                start = perf_counter()
                describe = await handle(message)
                end = perf_counter()
                problems.extend(_check(i, k, describe(), wrong))
                # Neither segment awaits, so none overlaps another worker's: exact to subtract.
                aside += (start - prepared) + (perf_counter() - end)
                latencies.append(end - start)

    started = perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = perf_counter() - started - aside
    latencies.sort()
    n = len(latencies)
    p50, p99 = latencies[n // 2] * 1000, latencies[min(n - 1, n * 99 // 100)] * 1000
    grew = _rss_mb() - rss_before
    return Result(label, n, seconds, p50, p99, _rss_mb(), grew, len(problems), problems[:10])


def _check(i: int, k: int, seen: Seen, wrong: set[str]) -> list[str]:
    """Light checks, enough that the bench cannot silently measure errors."""
    where = f"resident {i}, message {k + 1}"
    if any(text in wrong for text, _ in seen):
        return [f"{where}: 'something went wrong'"]
    if not seen:
        return [f"{where}: no reply"]
    if k == 3 and seen[-1][1] < 2:
        return [f"{where}: no commune candidates for {dialog(i)[3]!r}"]
    if k == 9 and seen[-1][1] != len(HOME.options):
        return [f"{where}: the dialog does not end on the home menu: {seen[-1][0][:60]!r}"]
    return []


# --- Hayna: Engine.handle over SQLite or PostgreSQL --------------------------------------------


async def run_hayna(residents: int, concurrency: int, database: str | None) -> Result:
    from bot.app import build_engine
    from bot.i18n import translator
    from conversations.kit import Address, Inbound
    from storage.database import Database
    from storage.gazetteer import Gazetteer

    wrong = {SOMETHING_WRONG.render(translator(locale)) for locale in SUPPORTED}
    with tempfile.TemporaryDirectory(prefix="hayna-bench-") as tmp:
        async with _fresh_database(database or f"sqlite:///{tmp}/bench.db") as url:
            db = Database.open(url)
            await db.upgrade()
            engine = build_engine(db, Gazetteer.load())

            def prepare(i: int, k: int, text: str) -> Inbound:
                return Inbound(Address("console", f"r{i}"), f"{i}-{k}", text)

            async def handle(message: Inbound) -> Callable[[], Seen]:
                out = await engine.handle(message)
                return lambda: [(o.text, len(o.options)) for o in out]

            label = f"Hayna Engine.handle, {'SQLite' if db.sqlite else 'PostgreSQL'}"
            try:
                return await drive(label, residents, concurrency, prepare, handle, wrong)
            finally:
                await db.close()


@asynccontextmanager
async def _fresh_database(url: str) -> AsyncIterator[str]:
    """SQLite as given; for PostgreSQL a new database on that server, dropped afterwards."""
    if url.startswith("sqlite"):
        yield url
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    server = make_url(url)
    name = f"hayna_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


# --- Baseline: PTB's ConversationHandler, state in memory only ---------------------------------


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
        from storage.store import place_of

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
        options = (*(Option(place.code, place.label()) for place in places), OTHER)
        self.say(update, context, Reply(which, options))
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


# --- The parent: one child per side, then the table -------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16, help="residents at once")
    parser.add_argument(
        "--database",
        help="sqlite:///… or postgresql://… (a fresh database is "
        "made on that server and dropped); default: a temporary SQLite file",
    )
    parser.add_argument("--side", choices=("hayna", "ptb"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.side:  # a child: run one side, answer in JSON on the last line of stdout
        if args.side == "hayna":
            result = asyncio.run(run_hayna(args.residents, args.concurrency, args.database))
        else:
            result = asyncio.run(run_ptb(args.residents, args.concurrency))
        print(json.dumps(asdict(result)))
        return 0

    common = ["--residents", str(args.residents), "--concurrency", str(args.concurrency)]
    if args.database:
        common += ["--database", args.database]
    hayna, ptb = (_child(side, common) for side in ("hayna", "ptb"))
    print(_table(hayna, ptb, args.concurrency))
    if failures := hayna.failures + ptb.failures:
        for problem in hayna.problems + ptb.problems:
            print(f"  {problem}", file=sys.stderr)
        print(f"FAILED: {failures:,} messages went wrong; the numbers above measure errors")
        return 1
    return 0


def _child(side: str, common: list[str]) -> Result:
    command = [sys.executable, "-m", "bench.engine", "--side", side, *common]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    return Result(**json.loads(done.stdout.strip().splitlines()[-1]))


def _table(hayna: Result, ptb: Result, concurrency: int) -> str:
    def rate(r: Result) -> float:
        return r.messages / r.seconds

    def row(r: Result) -> str:
        return (
            f"{r.label:<34}{r.messages:>8,}{rate(r):>9,.0f}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}"
            f"{r.rss_mb:>9.0f}{r.grew_mb:>8.0f}"
        )

    target = f"target on SQLite: >= {TARGET_RATE:,} msg/s, p99 < {TARGET_P99_MS:.0f} ms: "
    if not hayna.label.endswith("SQLite"):
        target += "not measured here"
    elif rate(hayna) >= TARGET_RATE and hayna.p99_ms < TARGET_P99_MS and not hayna.failures:
        target += "MET"
    else:
        target += "NOT MET"
    return "\n".join(
        [
            f"{'what':<34}{'messages':>8}{'msg/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'peak MB':>9}{'run +MB':>8}",
            row(hayna),
            row(ptb),
            f"{'ratio (Hayna / PTB)':<42}{rate(hayna) / rate(ptb):>9.2f}",
            target,
            "",
            f"Residents {concurrency} at once (asyncio workers, each taking the next resident), "
            "10 messages each,",
            "after a warm-up dialog; msg/s leaves out building inputs and checking replies.",
            "PTB: ConversationHandler via Application.process_update with an offline bot (getMe",
            "answered in memory, replies recorded, nothing sent); its state lives in memory only,",
            "with no persistence, while Hayna commits every message to the database.",
            "peak MB: each side's own process (ru_maxrss); run +MB: what the run added to it.",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
