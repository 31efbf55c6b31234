"""`hayna prompts`: the voice prompts of the resident flows (conversations/prompts.py), which are
recorded in which language, and adding or removing a recording from a file. A file is taken by
its first bytes and its own length: OGG/Opus, MP3 or M4A, at most 1 MB and 60 seconds."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.app import on_database
from bot.command_line import CommandRefused, organizer_name, table
from bot.i18n import translator
from bot.settings import Settings
from conversations.audio import MAX_SECONDS, AudioProblem, AudioRefused, Recording, recording
from conversations.prompts import KEYS, LANGUAGES, PROMPTS, gist
from storage import prompts
from storage.database import Database


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every prompt, the languages it is recorded in, and missing")
    add = actions.add_parser("add", help="record a prompt in a language from an audio file")
    add.add_argument("key", choices=KEYS, metavar="KEY", help="a key `hayna prompts list` shows")
    add.add_argument("language", choices=LANGUAGES, metavar="LANG", help=", ".join(LANGUAGES))
    add.add_argument("file", type=Path, metavar="FILE", help="OGG/Opus, MP3 or M4A; 1 MB, 60 s")
    add.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")
    remove = actions.add_parser("remove", help="forget a prompt's recording in a language")
    remove.add_argument("key", choices=KEYS, metavar="KEY")
    remove.add_argument("language", choices=LANGUAGES, metavar="LANG")
    remove.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    return await on_database(settings, lambda db: _act(db, args, datetime.now(UTC)))


async def _act(db: Database, args: argparse.Namespace, now: datetime) -> None:
    by = getattr(args, "actor", None) or organizer_name()
    if args.action == "list":
        await _list(db)
    elif args.action == "add":
        data, found = _read(args.file)
        await prompts.add(db, args.key, args.language, data, found, now, by)
        print(f"{args.key} recorded in {args.language} ({found.seconds:.1f} s)")
    else:
        if not await prompts.remove(db, args.key, args.language, now, by):
            raise CommandRefused(f"{args.key} has no recording in {args.language}")
        print(f"{args.key} in {args.language} removed")


async def _list(db: Database) -> None:
    recorded = {(p.key, p.language): p for p in await prompts.stored(db)}
    english = translator("en")
    rows = [["key", "recorded", "missing", "text"]]
    for prompt in PROMPTS:
        have = [lang for lang in LANGUAGES if (prompt.key, lang) in recorded]
        missing = [lang for lang in LANGUAGES if lang not in have]
        text = gist(prompt).render(english)
        rows.append([prompt.key, " ".join(have) or "-", " ".join(missing) or "-", text])
    print(table(rows))


def _read(path: Path) -> tuple[bytes, Recording]:
    """The file's bytes and what they are; refused in one line when it is no prompt."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandRefused(f"FILE: {error.strerror}: {path}") from None
    try:
        return data, recording(data)
    except AudioRefused as refused:
        raise CommandRefused(_why(refused, path)) from None


def _why(refused: AudioRefused, path: Path) -> str:
    match refused.problem:
        case AudioProblem.NOT_AUDIO:
            return f"{path} is not OGG/Opus, MP3 or M4A audio (by its first bytes)"
        case AudioProblem.TOO_LARGE:
            return f"{path} is larger than 1 MB"
        case AudioProblem.TOO_LONG:
            return f"{path} plays {refused.seconds:.0f} s, more than {MAX_SECONDS:.0f} s"
