"""`hayna meetings ...`: organizers draft consultation meetings, publish them (announced at once,
reminders planned), move or cancel them, list them and count the answers; once held, check in,
record and publish the outcome, and export it (bot/outcome_commands.py). Every action is
written to the audit log under the operator's name."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from bot import outcome_commands
from bot.app import on_database
from bot.command_line import CommandRefused, commune_code, organizer_name, shortened, table
from bot.natural_dates import NaturalDates
from bot.refusals import refused
from bot.settings import Settings
from conversations.dates import Problem, example
from conversations.groups import DEFAULT_REMINDERS, MeetingDraft
from conversations.kit import MOROCCO
from storage import meetings
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.operator import Operator

TITLE_MAX, PLACE_MAX, AGENDA_MAX = 120, 200, 2000
_OFFSET = re.compile(r"(\d+)([dhm])")
_UNIT = {"d": 24 * 60, "h": 60, "m": 1}


def local_time(text: str, now: datetime | None = None) -> datetime:
    """A day and time to come in Moroccan time (``2026-12-09 18:00``, ``demain 18h``, ``غدا
    18:00``...), as an aware UTC datetime; what is wrong with it otherwise, with an example
    built from today."""
    now = now or datetime.now(UTC)
    reading = NaturalDates().read(text, now, "en")
    if reading.moment is not None:
        return reading.moment
    instead = f"for example '{example(now)}' or 'demain 18h' (Moroccan time)"
    match reading.problem:
        case Problem.PAST:
            past = (reading.at or now).astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")
            why = f"{text!r} is {past} in Morocco, which has already passed; {instead}"
        case Problem.IMPOSSIBLE:
            why = f"{text!r} is not a day and time of the calendar; {instead}"
        case Problem.NO_TIME:
            why = f"{text!r} has no time of day; {instead}"
        case _:
            why = f"{text!r} is not a day and time; {instead}"
    raise argparse.ArgumentTypeError(why)


def _pin(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a pin as LAT,LON") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"{text!r} is not on Earth")
    return lat, lon


def _reminders(text: str) -> tuple[int, ...]:
    """``48h,2h`` (or ``2d,30m``) as minutes before the start."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    found = [_OFFSET.fullmatch(part) for part in parts]
    if not parts or not all(found):
        raise argparse.ArgumentTypeError(f"{text!r} is not a list such as 48h,2h")
    return tuple(int(m.group(1)) * _UNIT[m.group(2)] for m in found if m)


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    new = actions.add_parser("create", help="draft a meeting; prints its number")
    new.add_argument("--commune", required=True, metavar="CODE_OR_NAME")
    new.add_argument("--title", required=True, help=f"at most {TITLE_MAX} characters")
    new.add_argument("--at", required=True, type=local_time, metavar="WHEN")
    new.add_argument("--place", required=True, help=f"at most {PLACE_MAX} characters")
    new.add_argument("--pin", type=_pin, metavar="LAT,LON", help="the place on a map")
    new.add_argument("--agenda", required=True, help=f"at most {AGENDA_MAX} characters")
    new.add_argument(
        "--group", type=int, action="append", default=[], metavar="ID",
        help="for this group only (repeat for several; see `hayna groups list`)",
    )  # fmt: skip
    new.add_argument(
        "--reminders", type=_reminders, default=None, metavar="48h,2h",
        help="when to remind before the start (default 48h,2h)",
    )  # fmt: skip
    _by(new)
    for action, purpose in (
        ("publish", "announce it to its audience now and plan the reminders"),
        ("cancel", "cancel it: everyone is told once, the reminders stop"),
        ("rsvps", "count the answers"),
    ):
        one = actions.add_parser(action, help=purpose)
        one.add_argument("id", type=int, metavar="ID")
        _by(one)
    move = actions.add_parser("move", help="change its time: reminders planned again, told")
    move.add_argument("id", type=int, metavar="ID")
    move.add_argument("--at", required=True, type=local_time, metavar="WHEN")
    _by(move)
    listing = actions.add_parser("list", help="meetings as a table, latest first")
    listing.add_argument("--commune", metavar="CODE_OR_NAME")
    outcome_commands.configure(actions)


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    return await on_database(settings, lambda db: _act(db, args))


async def _act(db: Database, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    if args.action == "list":
        await _list(db, args)
        return
    if args.action in outcome_commands.ACTIONS:
        await outcome_commands.act(db, args)
        return
    draft = _draft(args, now) if args.action == "create" else None
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, getattr(args, "actor", None) or organizer_name(), now)
        done = await _change(operator, args, draft)
    if done is None:
        raise refused(operator)
    print(done)


async def _change(
    operator: Operator, args: argparse.Namespace, draft: MeetingDraft | None
) -> str | None:
    """One change, checked and audited by storage; what to print, or None when refused."""
    if draft is not None:
        meeting_id = await operator.create_meeting(draft)
        return None if meeting_id is None else str(meeting_id)
    if args.action == "publish":
        done = await operator.publish_meeting(args.id)
        return f"meeting {args.id} published; reminders planned" if done else None
    if args.action == "move":
        done = await operator.move_meeting(args.id, args.at)
        return f"meeting {args.id} moved; those who answered are told" if done else None
    if args.action == "cancel":
        done = await operator.cancel_meeting(args.id)
        return f"meeting {args.id} cancelled; its audience is told" if done else None
    counts = await operator.meeting_counts(args.id)
    if counts is None:
        return None
    return f"attending {counts.yes}, maybe {counts.maybe}, not attending {counts.no}"


async def _list(db: Database, args: argparse.Namespace) -> None:
    commune = commune_code(Gazetteer.load(), args.commune) if args.commune else None
    async with db.transaction() as tx:
        found = await tx.run(meetings.listing, commune)
    rows = [["id", "when (Morocco)", "commune", "status", "title"]]
    for m in found:
        when = m.starts_at.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")
        rows.append([str(m.id), when, m.commune_code, m.status, shortened(m.title, 50)])
    print(table(rows))


def _draft(args: argparse.Namespace, now: datetime) -> MeetingDraft:
    title, place, agenda = (text.strip() for text in (args.title, args.place, args.agenda))
    for name, text, limit in (
        ("--title", title, TITLE_MAX),
        ("--place", place, PLACE_MAX),
        ("--agenda", agenda, AGENDA_MAX),
    ):
        if not text or len(text) > limit:
            raise CommandRefused(f"{name} must have 1 to {limit} characters")
    if args.at <= now + timedelta(minutes=5):
        raise CommandRefused("--at must be in the future")
    lat, lon = args.pin if args.pin else (None, None)
    return MeetingDraft(
        commune_code(Gazetteer.load(), args.commune),
        title,
        args.at,
        place,
        agenda,
        tuple(args.group),
        lat,
        lon,
        args.reminders or DEFAULT_REMINDERS,
    )
