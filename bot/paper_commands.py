"""`hayna petitions add-paper CODE`: signatures collected on paper, entered one at a time or
from a typed sheet (`--from-csv FILE`), each line answered: added, a CIN already counted (and
since when), or why it cannot count. One CIN counts once across paper and chat.

A sheet is UTF-8 CSV with a header naming its columns, in English or French:
``name,cin,residence,date,sheet`` (or ``nom,cin,residence,date,feuille``); dates are
``YYYY-MM-DD`` or ``DD/MM/YYYY``. Each line is its own transaction: a bad line stops nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.command_line import CommandRefused, organizer_name
from conversations.dates import read_day
from conversations.kit import MOROCCO
from conversations.paper import Entered, PaperOutcome, PaperSignature, PaperWhy
from storage.database import Database
from storage.operator import Operator
from storage.petitions import cross_reached_thresholds
from storage.vault import Vault

# A typed sheet of a whole commune's campaign is some thousands of lines; more is not a sheet.
MAX_LINES = 20_000
MAX_BYTES = 4 * 1024 * 1024
COLUMNS = {
    "name": "name",
    "nom": "name",
    "cin": "cin",
    "residence": "residence",
    "résidence": "residence",
    "date": "date",
    "sheet": "sheet",
    "feuille": "sheet",
}
WHY = {
    PaperWhy.CIN: "invalid CIN",
    PaperWhy.NAME: "the name is missing or longer than 120 characters",
    PaperWhy.RESIDENCE: "the residence (or interest in the commune) is missing or too long",
    PaperWhy.DATE: "signed after today or after the petition's last day",
    PaperWhy.SHEET: "the sheet number is longer than 32 characters",
}


def configure(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    paper = actions.add_parser(
        "add-paper",
        help="count signatures collected on paper (one, or a typed sheet --from-csv)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    paper.add_argument("code", metavar="CODE")
    one = paper.add_argument_group("one signature")
    one.add_argument("--name", metavar="FULL_NAME")
    one.add_argument("--cin", metavar="CIN")
    one.add_argument("--residence", metavar="R", help="where they live, or their interest")
    one.add_argument("--signed-on", type=_day, metavar="DATE", help="YYYY-MM-DD or DD/MM/YYYY")
    one.add_argument("--sheet", default="", metavar="N", help="the sheet's number")
    paper.add_argument("--from-csv", type=Path, metavar="FILE", help="a typed sheet (see above)")
    paper.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")


def _day(text: str) -> date:
    day = read_day(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD or DD/MM/YYYY")
    return day


def _one(args: argparse.Namespace) -> Iterator[tuple[int, PaperSignature | str]]:
    missing = [f"--{n}" for n in ("name", "cin", "residence") if not getattr(args, n)]
    if args.signed_on is None:
        missing.append("--signed-on")
    if missing:
        raise CommandRefused(f"add-paper needs --from-csv FILE, or {', '.join(missing)}")
    yield 0, PaperSignature(args.name, args.cin, args.residence, args.signed_on, args.sheet)


def _sheet(path: Path) -> Iterator[tuple[int, PaperSignature | str]]:
    """Each line of a typed sheet, as a signature or the reason it cannot be read."""
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as error:
        raise CommandRefused(f"--from-csv: {error.strerror}: {path}") from None
    if len(raw) > MAX_BYTES:
        raise CommandRefused(f"--from-csv: {path} is larger than {MAX_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandRefused(f"--from-csv: not UTF-8 text: {path}") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from _rows(rows)
    except csv.Error as error:
        # A stray quote makes one huge cell of the lines after it: say where, stop there.
        raise CommandRefused(f"--from-csv: line {rows.line_num}: {error}") from None


def _rows(rows: Any) -> Iterator[tuple[int, PaperSignature | str]]:
    header = [COLUMNS.get(cell.strip().lower(), "") for cell in next(rows, [])]
    if not {"name", "cin", "residence", "date"} <= set(header):
        raise CommandRefused(
            "--from-csv: the first line names the columns: name,cin,residence,date,sheet "
            "(or nom,cin,residence,date,feuille)"
        )
    for row in rows:
        number = rows.line_num
        if number > MAX_LINES + 1:
            raise CommandRefused(f"--from-csv: more than {MAX_LINES} lines; split the sheet")
        if not any(cell.strip() for cell in row):
            continue
        if any("\n" in cell or "\r" in cell for cell in row):
            # A quote left open swallows the next lines: none of them is counted unseen.
            yield number, 'a cell holds a line break: a quote (") is left open on this line'
            continue
        yield number, _line(dict(zip(header, row, strict=False)))


def _line(cells: dict[str, str]) -> PaperSignature | str:
    try:
        signed_on = _day(cells.get("date", ""))
    except argparse.ArgumentTypeError:
        return f"the date {cells.get('date', '')!r} is not YYYY-MM-DD or DD/MM/YYYY"
    return PaperSignature(
        cells.get("name", ""),
        cells.get("cin", ""),
        cells.get("residence", ""),
        signed_on,
        cells.get("sheet", ""),
    )


def _said(entered: Entered) -> str:
    match entered.outcome:
        case PaperOutcome.ADDED:
            return "added"
        case PaperOutcome.DUPLICATE:
            since = entered.counted_on
            when = since.astimezone(MOROCCO).strftime("%Y-%m-%d") if since else "before"
            return f"duplicate CIN, already counted on {when}"
        case PaperOutcome.INVALID:
            return WHY[entered.why] if entered.why else "invalid"
        case PaperOutcome.NOT_OPEN:
            return "the petition is not collecting signatures"
        case PaperOutcome.SUPPORTS_ONLY:
            return "an association's petition takes no signatures, only residents' support"
        case PaperOutcome.NO_PETITION:
            return "there is no such petition"
        case PaperOutcome.REFUSED:
            return "not allowed"


async def add_paper(db: Database, args: argparse.Namespace, vault: Vault) -> None:
    """Enter the signature or the sheet, saying what became of each line; refused (exit 2)
    when none could count."""
    code, actor = args.code.strip().upper(), args.actor or organizer_name()
    lines = _sheet(args.from_csv) if args.from_csv is not None else _one(args)
    tally: Counter[str] = Counter()
    for number, line in lines:
        if isinstance(line, str):
            said, outcome = line, PaperOutcome.INVALID.value
        else:
            async with db.transaction() as tx:
                entered = await Operator.at_terminal(tx, actor, datetime.now(UTC)).add_paper(
                    code, line, vault
                )
            said, outcome = _said(entered), entered.outcome.value
            if entered.outcome in (
                PaperOutcome.NO_PETITION,
                PaperOutcome.NOT_OPEN,
                PaperOutcome.SUPPORTS_ONLY,
            ):
                raise CommandRefused(f"{code}: {said}")
        tally[outcome] += 1
        print(f"line {number}: {said}" if number else said)
    # A threshold reached by paper is crossed now, not at the next hourly round.
    await cross_reached_thresholds(db, datetime.now(UTC))
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(tally.items()))
    print(f"{code}: {summary or 'no line'}", file=sys.stderr)
    if not tally[PaperOutcome.ADDED.value] and tally:
        raise CommandRefused(f"{code}: no signature was added")
