"""The `hayna` command: terminal chat, database upgrades and backups, the dispatcher, reports,
petitions, voice prompts."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot import (
    commitment_commands,
    consultation_commands,
    db_commands,
    doctor,
    group_commands,
    meeting_commands,
    petition_commands,
    prompt_commands,
    report_commands,
)
from bot.app import App, NotUpgraded, OtherKey, create_app, open_database
from bot.chat import converse, interactive
from bot.demo import load_demo
from bot.housekeeping import keep_house
from bot.poll import poll
from bot.role import Role
from bot.serve import serve
from bot.settings import Settings, SettingsError
from handlers.console.lines import ConsoleFetcher, ConsoleOutbox


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hayna", description="Hayna, the neighbourhood chatbot.")
    commands = parser.add_subparsers(dest="command", required=True)
    chat = commands.add_parser("chat", help="talk to the bot in this terminal as one resident")
    chat.add_argument(
        "--as", dest="user", default="resident", help="which resident (default: resident)"
    )
    chat.add_argument(
        "--script", type=Path, help="read one message per line from FILE, print the transcript"
    )
    db_commands.configure(
        commands.add_parser("db", help="database schema upgrades, backups and restores")
    )
    commands.add_parser(
        "doctor", help="check this deployment: key, database, Telegram, Twilio, https, disk"
    )
    commands.add_parser("dispatch", help="queue due announcements and keep house until interrupted")
    serving = commands.add_parser(
        "serve", help="serve the Telegram and WhatsApp webhooks (and send notifications)"
    )
    serving.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.ALL.value,
        help="web: webhooks and dashboard; dispatch: send pushes and keep house; all (default)",
    )
    commands.add_parser(
        "poll", help="run the Telegram bot by long polling (no public server needed)"
    )
    commands.add_parser(
        "demo", help="load a small fictional demo set (two petitions, a few reports), once"
    )
    _organizing(commands)
    return parser


def _organizing(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The organizers' commands: reports, petitions, meetings, consultations, commitments,
    groups and organizers, updates."""
    report_commands.configure(
        commands.add_parser("reports", help="list reported needs, change their status, export")
    )
    petition_commands.configure(
        commands.add_parser("petitions", help="draft, publish, list, file and export petitions")
    )
    meeting_commands.configure(
        commands.add_parser("meetings", help="draft, publish, move, cancel and list meetings")
    )
    consultation_commands.configure(
        commands.add_parser("consultations", help="create, publish and list consultations, results")
    )
    commitment_commands.configure(
        commands.add_parser(
            "commitments", help="record the commune's commitments, change their status, export"
        )
    )
    group_commands.configure_groups(commands.add_parser("groups", help="groups of a commune"))
    group_commands.configure_organizers(
        commands.add_parser("organizers", help="invite organizers, read the audit log")
    )
    group_commands.configure_broadcast(
        commands.add_parser("broadcast", help="send an update to an audience, follow it")
    )
    prompt_commands.configure(
        commands.add_parser("prompts", help="voice prompts: which are recorded, add or remove one")
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_run(args, Settings.from_env()))
    except (SettingsError, NotUpgraded, OtherKey) as error:
        print(f"hayna: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`hayna organizers audit | head`): stop quietly, as `cat` does,
        # and point standard output at nothing so the interpreter's last flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


# The organizers' commands, each its module's `run`.
ORGANIZING: dict[str, Callable[[argparse.Namespace, Settings], Awaitable[int]]] = {
    "reports": report_commands.run,
    "petitions": petition_commands.run,
    "meetings": meeting_commands.run,
    "consultations": consultation_commands.run,
    "commitments": commitment_commands.run,
    "groups": group_commands.run,
    "organizers": group_commands.run,
    "broadcast": group_commands.run,
    "prompts": prompt_commands.run,
    "db": db_commands.run,
}


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    # On standard error, so an export on standard output stays clean.
    key = "HAYNA_SECRET_KEY" if settings.key_file is None else str(settings.key_file)
    print(f"hayna: database {settings.database_url.shown}, key from {key}", file=sys.stderr)
    if args.command == "demo":
        return await _demo(settings)
    if args.command == "doctor":
        return await doctor.run(settings)
    if (organizing := ORGANIZING.get(args.command)) is not None:
        return await organizing(args, settings)
    if args.command == "serve":
        return await serve(settings, Role(args.role))
    if args.command == "poll":
        return await poll(settings, _stop_on_signals(), _write)
    # The terminal's pushes print in their resident's own `hayna chat`, never in another's
    # terminal: `hayna dispatch` queues them and leaves them there.
    outboxes = {"console": ConsoleOutbox(_write)} if args.command == "chat" else {}
    app = await create_app(settings, outboxes, fetchers={"console": ConsoleFetcher()})
    try:
        if args.command == "chat":
            return await _chat(app, args)
        return await _dispatch(app)
    finally:
        await app.close()


async def _chat(app: App, args: argparse.Namespace) -> int:
    if args.script is None:
        await interactive(app, args.user, _write)
        return 0
    try:
        lines = args.script.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        print(f"hayna: --script: {error.strerror}: {args.script}", file=sys.stderr)
        return 2
    # Blank lines and lines starting with '#' are comments, so scripts can explain themselves.
    messages = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    await converse(app, args.user, messages, _write, args.script.resolve().parent)
    return 0


async def _demo(settings: Settings) -> int:
    db = await open_database(settings, upgrade=settings.database_url.sqlite)
    try:
        codes = await load_demo(db, datetime.now(UTC))
    finally:
        await db.close()
    if codes is None:
        print("the demo set is already loaded")
        return 0
    print("demo loaded: fictional petitions in Ben M'Sick (Casablanca) and Agadir, a few reports")
    print(f"petition codes: {', '.join(codes)}; try `hayna chat` and choose Ben M'Sick or Agadir")
    return 0


def _stop_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C or SIGTERM, so a long-running command ends cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _dispatch(app: App) -> int:
    stop = _stop_on_signals()
    housekeeping = asyncio.create_task(keep_house(app.db, app.vault, stop))
    await app.wakeups.start()
    _write(
        "hayna: queueing due announcements; stop with Ctrl-C or SIGTERM"
        " (terminal residents' notifications print in their own `hayna chat`)"
    )
    await app.dispatcher.run(stop)
    await housekeeping
    return 0


def _write(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
