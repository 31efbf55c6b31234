"""`hayna consultations ...`: organizers create a consultation from a JSON file, publish it
(its push planned for its opening, a reminder the day before it closes), list them and read
the results as a table or a CSV for the council. Every action is written to the audit log."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bot.app import on_database
from bot.command_line import (
    CommandRefused,
    actor_option,
    commune_code,
    organizer_name,
    shortened,
    table,
    write_out,
)
from bot.consultation_file import read_draft
from bot.refusals import refused
from bot.settings import Settings
from conversations.consultation import ConsultationDraft, ConsultationReport, in_language
from conversations.consultation_table import as_csv, result_rows
from conversations.kit import MOROCCO
from storage import consultations
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.operator import Operator

FORMATS = ("table", "csv", "pdf")


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    new = actions.add_parser("create", help="a draft from a JSON file; prints its number")
    new.add_argument("file", type=Path, metavar="FILE", help="see docs/organizers.md")
    actor_option(new)
    publish = actions.add_parser(
        "publish", help="open it (now, or at its time): its audience is told, reminded once"
    )
    publish.add_argument("id", type=int, metavar="ID")
    actor_option(publish)
    listing = actions.add_parser("list", help="consultations as a table, the latest first")
    listing.add_argument("--commune", metavar="CODE_OR_NAME")
    hide = actions.add_parser(
        "hide", help="keep a free answer out of the results (its #number in the results)"
    )
    hide.add_argument("id", type=int, metavar="ID")
    hide.add_argument("answer", type=int, metavar="ANSWER")
    actor_option(hide)
    results = actions.add_parser("results", help="the counts of every question, at any time")
    results.add_argument("id", type=int, metavar="ID")
    results.add_argument("--format", choices=FORMATS, default="table")
    results.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    actor_option(results)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    return await on_database(settings, lambda db: _act(db, args))


async def _act(db: Database, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    if args.action == "list":
        await _list(db, args)
        return
    gazetteer = Gazetteer.load()
    draft = read_draft(args.file, gazetteer, now) if args.action == "create" else None
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, args.actor or organizer_name(), now)
        done = await _done(operator, args, draft, gazetteer)
    if done is None:
        raise refused(operator)
    if done is False:
        raise CommandRefused(f"consultation {args.id}: no free answer #{args.answer} shown")
    write_out(done, getattr(args, "output", None))


async def _done(
    operator: Operator,
    args: argparse.Namespace,
    draft: ConsultationDraft | None,
    gazetteer: Gazetteer,
) -> str | bytes | Literal[False] | None:
    """What the action prints; None when it was refused, False for no such free answer."""
    if draft is not None:
        made = await operator.create_consultation(draft)
        return None if made is None else f"{made}"
    if args.action == "publish":
        life = await operator.publish_consultation(args.id)
        return None if life is None else f"consultation {args.id}: {life}"
    if args.action == "hide":
        hidden = await operator.hide_answer(args.id, args.answer)
        if hidden is None:
            return None
        return f"consultation {args.id}: answer #{args.answer} hidden" if hidden else False
    found = await operator.consultation_report(args.id, gazetteer)
    return None if found is None else _results(found, args.format, gazetteer)


async def _list(db: Database, args: argparse.Namespace) -> None:
    commune = commune_code(Gazetteer.load(), args.commune) if args.commune else None
    async with db.transaction() as tx:
        found = await tx.run(consultations.listing, commune)
    rows = [["id", "status", "commune", "opens", "closes", "reached", "answered", "title"]]
    for c in found:
        opens, closes = (_local(t) for t in (c.opens_at, c.closes_at))
        answered = f"{c.completed}/{c.started}"
        title = shortened(in_language(c.title, "fr"), 40)
        rows.append(
            [str(c.id), c.life, c.commune_code, opens, closes, str(c.reached), answered, title]
        )
    print(table(rows) if found else "no consultations")


def _local(moment: datetime) -> str:
    return moment.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")


def _results(report: ConsultationReport, kind: str, gazetteer: Gazetteer) -> str | bytes:
    """Every question's counts, as a table for people, a CSV for a spreadsheet or a PDF report
    in French and Arabic for the council."""
    if kind == "pdf":
        from storage.consultation_pdf import to_pdf  # fpdf, only when a PDF is asked for

        return to_pdf(report)
    if kind == "csv":
        return as_csv(result_rows(report, gazetteer.name_fr))
    return table(result_rows(report, gazetteer.name_fr, shortened))
