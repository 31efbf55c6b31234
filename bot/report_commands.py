"""`hayna reports ...`: organizers list reported needs, change their status and export them.

What is refused (an unknown report, a rejection without its reason, an ambiguous commune) is
said on standard error, starting "hayna: ", with exit code 2, like a bad setting.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.app import open_database
from bot.command_line import CommandRefused, commune_code, organizer_name, shortened, table
from bot.exports import located, to_csv, to_geojson, to_open311
from bot.i18n import TIMEZONE
from bot.refusals import refused
from bot.settings import Settings
from conversations.fixed_check import FixedRate
from conversations.report import Category, ReportStatus
from storage import fixed_checks
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.operator import Operator
from storage.reports import ReportBook, Row

EXPORTS: dict[str, Callable[[Sequence[Row], Gazetteer], str]] = {
    "csv": to_csv,
    "geojson": to_geojson,
    "open311": to_open311,
}
PLACE_WIDTH = 40


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `list`, `set-status` and `export` to the `hayna reports` parser."""
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="reports as a table, newest first")
    _filters(listing)
    change = actions.add_parser("set-status", help="change a report's status, notify followers")
    change.add_argument("ref", metavar="REF", help="the report, such as R-2026-000123")
    change.add_argument(
        "status",
        choices=[s.value for s in ReportStatus],
        metavar="STATUS",
        help=_choices(ReportStatus),
    )
    change.add_argument("--note", default="", help="why, shown to followers (required to reject)")
    change.add_argument(
        "--of", dest="kept", default="", metavar="REF", help="for duplicate: the report kept"
    )
    change.add_argument("--by", dest="actor", help="who decided (default: your user name)")
    export = actions.add_parser("export", help="reports as CSV, GeoJSON or Open311 JSON")
    export.add_argument("--format", required=True, choices=EXPORTS)
    export.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE (default: standard output)"
    )
    _filters(export)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--commune", metavar="CODE_OR_NAME", help="a commune code or name")
    parser.add_argument(
        "--status",
        choices=[s.value for s in ReportStatus],
        metavar="S",
        help=_choices(ReportStatus),
    )
    parser.add_argument(
        "--category", choices=[c.value for c in Category], metavar="C", help=_choices(Category)
    )


def _choices(values: type[ReportStatus] | type[Category]) -> str:
    return "one of: " + ", ".join(value.value for value in values)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one `hayna reports` action; 0 when done, 2 when refused."""
    # An embedded database is upgraded on the spot, as `create_app` does; a server one
    # must already be current.
    db = await open_database(settings, upgrade=settings.database_url.sqlite)
    book = ReportBook(db)
    try:
        if args.action == "set-status":
            await _set_status(db, args)
        else:
            gazetteer = Gazetteer.load()
            rows = await book.rows(
                commune_code(gazetteer, args.commune) if args.commune else None,
                ReportStatus(args.status) if args.status else None,
                Category(args.category) if args.category else None,
            )
            if args.action == "list":
                _table(rows, gazetteer)
                async with db.transaction() as tx:
                    commune = commune_code(gazetteer, args.commune) if args.commune else None
                    rate = await tx.run(fixed_checks.rate, commune)
                if rate.asked:
                    print(_fixed(rate))
            else:
                _export(rows, gazetteer, args)
    except CommandRefused as error:
        print(f"hayna: {error}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    return 0


def _table(rows: list[Row], gazetteer: Gazetteer) -> None:
    if not rows:
        print("no reports match")
        return
    header = ("REF", "DATE", "COMMUNE", "CATEGORY", "STATUS", "SUPPORTERS", "PLACE")
    lines = [header] + [
        (
            row.ref,
            row.created_at.astimezone(TIMEZONE).date().isoformat(),
            commune.name_fr if (commune := gazetteer.get(row.commune_code)) else row.commune_code,
            row.category.value,
            row.status.value,
            str(row.supporters),
            shortened(" ".join(row.place.split()), PLACE_WIDTH),
        )
        for row in rows
    ]
    print(table(lines))
    print(f"{len(rows)} reports")


def _fixed(rate: FixedRate) -> str:
    """The "is it fixed?" questions: asked, answered, and the share that said "not fixed"."""
    return (
        f"is it fixed? asked {rate.asked}, answered {rate.answered}, "
        f"not fixed {rate.not_fixed} ({rate.share:.0%} of the answers)"
    )


def _export(rows: list[Row], gazetteer: Gazetteer, args: argparse.Namespace) -> None:
    data = EXPORTS[args.format](rows, gazetteer).encode("utf-8")
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            args.output.write_bytes(data)
        except OSError as error:
            raise CommandRefused(f"--output: {error.strerror}: {args.output}") from None
        print(f"{len(rows)} reports written to {args.output}")
    if args.format == "geojson" and (unplaced := sum(not located(row) for row in rows)):
        print(f"{unplaced} reports without a pin are not in the GeoJSON", file=sys.stderr)


async def _set_status(db: Database, args: argparse.Namespace) -> None:
    ref, status = args.ref.strip().upper(), ReportStatus(args.status)
    actor = args.actor or organizer_name()
    kept = args.kept.strip().upper()
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, actor, datetime.now(UTC))
        changed = await operator.set_report_status(ref, status, args.note.strip(), kept)
    if changed is None:
        raise refused(operator)
    before, followers = changed
    if followers is None:
        print(f"{ref} is already {status}")
        return
    became = f"{status} of {kept}" if status is ReportStatus.DUPLICATE else str(status)
    print(f"{ref}: {before} → {became} (by {actor})")
    print(f"followers to notify: {followers} (`hayna dispatch` sends the notifications)")
