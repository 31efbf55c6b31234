"""`hayna commitments ...`: organizers record the commune's commitments — from the council's
answer to a petition (its signers follow it), a meeting's decision (those who attend follow it),
or as they were told — change their status with a note (their followers are told), list them
and export a commune's for the next council session as a CSV or a PDF in French and Arabic.
Every action is written to the audit log."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import on_database
from bot.command_line import (
    CommandRefused,
    actor_option,
    commune_code,
    organizer_name,
    shortened,
    table,
)
from bot.refusals import STATUSES, refused
from bot.settings import Settings
from conversations.commitment import (
    Commitment,
    CommitmentDraft,
    SourceKind,
    life_named,
)
from conversations.consultation_table import as_csv
from conversations.dates import read_day
from conversations.kit import MOROCCO
from storage import commitments
from storage.database import Database, Tx
from storage.gazetteer import Gazetteer
from storage.operator import Operator

FORMATS = ("csv", "pdf")


def _day(text: str) -> date:
    """A due date as DD/MM/YYYY (or YYYY-MM-DD), for argparse."""
    found = read_day(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as DD/MM/YYYY")
    return found


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="record a commitment; prints its number")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--petition", metavar="CODE", help="the council's answer to it")
    source.add_argument("--meeting", type=int, metavar="ID", help="a decision of that meeting")
    source.add_argument("--commune", metavar="CODE_OR_NAME", help="as an organizer was told")
    add.add_argument("--text", help="what was committed (default: the council's answer)")
    add.add_argument("--made-by", required=True, metavar="WHO", help='e.g. "Conseil communal"')
    add.add_argument("--due", required=True, type=_day, metavar="DD/MM/YYYY")
    actor_option(add)
    listing = actions.add_parser("list", help="commitments as a table, the soonest due first")
    listing.add_argument("--commune", metavar="CODE_OR_NAME")
    status = actions.add_parser("set-status", help="change a status; its followers are told")
    status.add_argument("id", type=int, metavar="ID")
    status.add_argument("status", metavar="STATUS", help=STATUSES)
    status.add_argument("--note", default="", help="what the commune said or did")
    actor_option(status)
    export = actions.add_parser("export", help="a commune's commitments for the council")
    export.add_argument("--commune", required=True, metavar="CODE_OR_NAME")
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--output", type=Path, required=True, metavar="FILE")
    actor_option(export)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    return await on_database(settings, lambda db: _act(db, args))


async def _act(db: Database, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    gazetteer = Gazetteer.load()
    given = getattr(args, "commune", None)
    commune = commune_code(gazetteer, given) if given else None
    if args.action == "list":
        async with db.transaction() as tx:
            found = await tx.run(commitments.listing, commune)
        print(_table(found, now) if found else "no commitments")
        return
    if args.action == "export":
        assert commune is not None  # required by its parser
        await _export(db, args, commune, gazetteer, now)
        return
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, args.actor or organizer_name(), now)
        done = await _change(tx, operator, args, commune)
    if done is None:
        raise refused(operator)
    print(done)


async def _change(
    tx: Tx, operator: Operator, args: argparse.Namespace, commune: str | None
) -> str | None:
    """What `add` or `set-status` prints; None when it was refused."""
    if args.action == "set-status":
        life = life_named(args.status)
        if life is None:
            raise CommandRefused(f"{args.status!r} is no status: use one of {STATUSES}")
        told = await operator.set_commitment_status(args.id, life, args.note)
        return None if told is None else f"commitment {args.id}: {life}, followers told: {told}"
    draft = await _draft(tx, args, commune)
    made = await operator.add_commitment(draft)
    return None if made is None else f"{made}"


async def _draft(tx: Tx, args: argparse.Namespace, commune: str | None) -> CommitmentDraft:
    """The commitment the flags describe, its commune and text from its source."""
    text = args.text or ""
    if args.petition:
        answer = await tx.run(commitments.petition_answer, args.petition)
        if answer is None:
            raise CommandRefused(f"no petition {args.petition.upper()}")
        where, said = answer
        kind, ref, text = SourceKind.PETITION, args.petition.upper(), text or said
    elif args.meeting is not None:
        found = await tx.run(commitments.meeting_commune, args.meeting)
        if found is None:
            raise CommandRefused(f"no meeting {args.meeting}")
        where, kind, ref = found, SourceKind.MEETING, str(args.meeting)
    else:
        assert commune is not None  # one source is required by the parser
        where, kind, ref = commune, SourceKind.ORGANIZER, ""
    return CommitmentDraft(where, text, args.made_by, args.due, kind, ref)


async def _export(
    db: Database, args: argparse.Namespace, commune: str, gazetteer: Gazetteer, now: datetime
) -> None:
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, args.actor or organizer_name(), now)
        await operator.authority.audit("export_commitments", commune, True)
        found = await operator.commitment_list(commune)
    today = now.astimezone(MOROCCO).date()
    if args.format == "pdf":
        from storage.commitment_pdf import to_pdf  # fpdf, only when a PDF is asked for

        place = gazetteer.get(commune)
        names = (place.name_fr, place.name_ar) if place else (commune, commune)
        args.output.write_bytes(to_pdf(found, names, today, now))
    else:
        args.output.write_text(as_csv(_rows(found, today)), encoding="utf-8")
    print(f"{len(found)} commitments written to {args.output}", file=sys.stderr)


HEADER = ["id", "status", "due", "overdue", "made by", "source", "followers", "text"]


def _rows(found: list[Commitment], today: date) -> list[list[str]]:
    rows = [HEADER]
    for c in found:
        source = f"{c.source_kind} {c.source_ref}".strip()
        rows.append(
            [
                str(c.id), c.life.value, c.due_on.strftime("%d/%m/%Y"),
                "yes" if c.overdue(today) else "", c.made_by, source, str(c.followers), c.text,
            ]
        )  # fmt: skip
    return rows


def _table(found: list[Commitment], now: datetime) -> str:
    today = now.astimezone(MOROCCO).date()
    rows = [[*row[:-1], shortened(row[-1], 50)] for row in _rows(found, today)]
    return table(rows)
