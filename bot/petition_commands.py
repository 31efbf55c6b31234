"""`hayna petitions ...`: organizers draft petitions, residents' or an association's
(bot/association_commands.py), move them along their life, list them and export one with its
signatories, or its association's checklist, for filing with the commune.

What is refused (a field too long, a move the petition's life does not allow, a rejection without
its reasons) is said on standard error, starting "hayna: ", with exit code 2, like a bad setting.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken

from bot import association_commands, paper_commands
from bot.app import open_database
from bot.command_line import (
    CommandRefused,
    actor_option,
    commune_code,
    iso_day,
    organizer_name,
    shortened,
    table,
)
from bot.refusals import refusal_text, refused
from bot.settings import Settings
from conversations.answer_clock import RECEIPT_MAX, Awaiting, Deposit
from conversations.association import Checklist
from conversations.groups import Group
from conversations.kit import MOROCCO
from conversations.petition import OTHERWISE, WITH_ARRONDISSEMENTS, PetitionKind, PetitionLife
from conversations.petition_desk import FilingKind
from conversations.petition_rules import LIMITS, MOVES, PetitionError, PetitionField
from conversations.report import Category
from storage import bursts
from storage.database import Database, Tx
from storage.filing import written
from storage.gazetteer import Gazetteer
from storage.operator import Operator
from storage.petition_desk import threshold_for
from storage.petitions import Listed, NewPetition, listing, record
from storage.vault import Vault

# Article 125 as commonly cited, not checked against the official text (DESIGN.md §5b). The
# gazetteer has no populations, so 100 (under 35,000 inhabitants) is never guessed.
THRESHOLDS = (
    "The default threshold is a commonly cited legal minimum (art. 125 of organic law 113.14: "
    "100 signatures under 35,000 inhabitants, 200 otherwise, 400 for communes with "
    f"arrondissements), not verified against the official text: {WITH_ARRONDISSEMENTS} for an "
    f"arrondissement, {OTHERWISE} for any other commune, since Hayna knows no populations. "
    "Set the right one with --threshold."
)
TITLE_WIDTH = 50
THEMES = [category.value for category in Category]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `create`, the moves, `checklist`, `add-paper`, `list` and `export` to the
    `hayna petitions` parser."""
    actions = parser.add_subparsers(dest="action", required=True)
    _create_parser(actions)
    for action, life, purpose in (
        ("publish", PetitionLife.OPEN, "open a draft for signatures"),
        ("close", PetitionLife.CLOSED, "stop collecting signatures without filing"),
    ):
        _move_parser(actions, action, purpose).set_defaults(life=life)
    _file_parser(actions)
    association_commands.configure(actions)
    decide = _move_parser(actions, "decide", "record the council's decision, notify signers")
    decisions = sorted(MOVES[PetitionLife.FILED])
    decide.add_argument("life", choices=decisions, metavar="|".join(decisions))
    answer = _move_parser(actions, "answer", "record the council's answer", note_required=True)
    answer.set_defaults(life=PetitionLife.ANSWERED)
    listing = actions.add_parser(
        "list", help="petitions as a table, newest first, the council's overdue answers first"
    )
    listing.add_argument("--commune", metavar="CODE_OR_NAME", help="a commune code or name")
    listing.add_argument(
        "--status",
        choices=[s.value for s in PetitionLife],
        metavar="S",
        help=", ".join(PetitionLife),
    )
    listing.add_argument("--category", choices=THEMES, metavar="C", help="only this theme")
    paper_commands.configure(actions)
    export = actions.add_parser("export", help="a petition and its signatories, to file")
    export.add_argument("code", metavar="CODE")
    export.add_argument("--format", required=True, choices=("csv", "pdf"))
    export.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")


def _file_parser(actions: Any) -> None:
    """`file`: the move that records the deposit and starts the council's answer clock."""
    filed = _move_parser(
        actions, "file", "record that it was filed with the commune; starts the answer clock"
    )
    filed.set_defaults(life=PetitionLife.FILED)
    filed.add_argument(
        "--receipt",
        required=True,
        metavar="NUMBER",
        help=f"the commune's receipt number, at most {RECEIPT_MAX} characters",
    )
    filed.add_argument(
        "--deposited", type=iso_day, metavar="YYYY-MM-DD", help="the deposit day (default: today)"
    )


def _create_parser(actions: Any) -> None:
    new = actions.add_parser("create", help="draft a petition; prints its code", epilog=THRESHOLDS)
    new.add_argument("--commune", required=True, metavar="CODE_OR_NAME", help="its commune")
    new.add_argument(
        "--title", required=True, help=f"at most {LIMITS[PetitionField.TITLE]} characters"
    )
    new.add_argument(
        "--summary", required=True, help=f"one line, at most {LIMITS[PetitionField.SUMMARY]}"
    )
    text = new.add_mutually_exclusive_group(required=True)
    text.add_argument("--text-file", type=Path, metavar="F", help="the text, from a UTF-8 file")
    text.add_argument(
        "--text", metavar="T", help=f"the text, at most {LIMITS[PetitionField.BODY]} characters"
    )
    new.add_argument("--requests", required=True, metavar="R", help="what the council is asked")
    new.add_argument("--representative", required=True, metavar="NAME", help="the mandataire")
    new.add_argument("--deadline", required=True, type=iso_day, metavar="YYYY-MM-DD")
    new.add_argument("--threshold", type=_count, metavar="N", help="signatures needed (see below)")
    association_commands.configure_create(new)
    new.add_argument(
        "--category", choices=THEMES, default=Category.OTHER.value, metavar="C",
        help="its theme, as reports have theirs: " + ", ".join(THEMES),
    )  # fmt: skip
    actor_option(new)


def _move_parser(
    actions: Any, action: str, purpose: str, note_required: bool = False
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(action, help=purpose)
    parser.add_argument("code", metavar="CODE")
    parser.add_argument(
        "--note", required=note_required, default="", help="told to signers (reasons to reject)"
    )
    actor_option(parser)
    return parser


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one `hayna petitions` action; 0 when done, 2 when refused."""
    # An embedded database is upgraded on the spot, as `create_app` does; a server one
    # must already be current.
    db = await open_database(settings, upgrade=settings.database_url.sqlite)
    try:
        if args.action == "create":
            await _create(db, args, settings.association_checklist)
        elif args.action == "checklist":
            await association_commands.checklist(db, args)
        elif args.action == "list":
            await _list(db, args)
        elif args.action == "add-paper":
            await paper_commands.add_paper(db, args, Vault(settings.secret_key))
        elif args.action == "export":
            await _export(db, args, Vault(settings.secret_key))
        else:
            await _move(db, args, settings.answer_delay_months)
    except CommandRefused as error:
        print(f"hayna: {error}", file=sys.stderr)
        return 2
    except PetitionError as error:
        print(f"hayna: {refusal_text(error.refusal)}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    return 0


async def _create(db: Database, args: argparse.Namespace, checklist: Checklist) -> None:
    """Draft a residents' petition, or an association's (with the settings' ``checklist``)."""
    association_commands.refuse_mixed(args)
    commune = commune_code(Gazetteer.load(), args.commune)
    body = args.text if args.text_file is None else _read(args.text_file)
    actor = args.actor or organizer_name()
    title, summary, body, requests, representative, actor = (
        text.strip()
        for text in (args.title, args.summary, body, args.requests, args.representative, actor)
    )
    now = datetime.now(UTC)
    new = NewPetition(
        commune, title, summary, body, requests, representative, 0, args.deadline,
        Category(args.category),
    )  # fmt: skip
    async with db.transaction() as tx:
        new, association = await _of_its_kind(tx, args, new, now)
        operator = Operator.at_terminal(tx, actor, now)
        code = await operator.draft_petition(new, checklist)
    if code is None:
        raise refused(operator)
    # The code alone on standard output, so that a script can keep it; the rest is for people.
    print(code)
    if association is not None:
        association_commands.tell_created(code, association.name, args.declared, checklist)
        return
    default = " (a default: see `hayna petitions create -h`)" if args.threshold is None else ""
    print(f"draft {code}: {new.threshold} signatures{default} by {args.deadline}", file=sys.stderr)
    print(f"open it for signatures with `hayna petitions publish {code}`", file=sys.stderr)


async def _of_its_kind(
    tx: Tx, args: argparse.Namespace, new: NewPetition, now: datetime
) -> tuple[NewPetition, Group | None]:
    """A residents' petition with its threshold, or an association's with its association."""
    if args.association is None:
        return replace(new, threshold=args.threshold or _default_threshold(new.commune_code)), None
    association = await association_commands.association_in(
        tx, new.commune_code, args.association, now
    )
    drafted = replace(
        new,
        kind=PetitionKind.ASSOCIATION,
        association_id=association.id,
        declared_on=args.declared,
    )
    return drafted, association


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandRefused(f"--text-file: {error.strerror}: {path}") from None
    except UnicodeDecodeError:
        raise CommandRefused(f"--text-file: not UTF-8 text: {path}") from None


def _default_threshold(commune: str) -> int:
    return threshold_for(Gazetteer.load(), commune)


async def _move(db: Database, args: argparse.Namespace, months: int) -> None:
    code, life, actor = (
        args.code.strip().upper(),
        PetitionLife(args.life),
        args.actor or organizer_name(),
    )
    now = datetime.now(UTC)
    deposit = None
    if life is PetitionLife.FILED:
        deposited = args.deposited or now.astimezone(MOROCCO).date()
        deposit = Deposit(args.receipt, deposited, months)
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, actor, now)
        moved = await operator.move_petition(code, life, args.note.strip(), deposit)
        kind = (await tx.run(record, code)).text.kind if moved is not None else None
    if moved is None:
        raise refused(operator)
    before, signers = moved
    print(f"{code}: {before} → {life} (by {actor})")
    if life is not PetitionLife.OPEN:  # opening notifies no one: nobody has signed a draft
        who = "supporters" if kind is PetitionKind.ASSOCIATION else "signers"
        print(f"{who} to notify: {signers} (`hayna dispatch` sends the notifications)")
    if deposit is not None:
        print(f"the council's answer is due by {deposit.due_on} (receipt {deposit.receipt})")
    if life in (PetitionLife.ACCEPTED, PetitionLife.ANSWERED):
        # What the council promised can be followed until it is kept, by the same signers.
        print(
            f"to follow what it promised: hayna commitments add --petition {code} "
            "--made-by WHO --due DD/MM/YYYY"
        )


async def _list(db: Database, args: argparse.Namespace) -> None:
    gazetteer = Gazetteer.load()
    commune = commune_code(gazetteer, args.commune) if args.commune else None
    today = datetime.now(UTC).astimezone(MOROCCO).date()
    life = PetitionLife(args.status) if args.status else None
    theme = Category(args.category) if getattr(args, "category", None) else None
    async with db.transaction() as tx:
        rows = await tx.run(listing, commune, life, None, today, theme)
        flagged = await tx.run(bursts.flags)
    if not rows:
        print("no petitions match")
        return
    header = (
        "CODE", "KIND", "STATUS", "SIGNATURES", "DEADLINE", "COMMUNE", "THEME", "TITLE", "ANSWER"
    )  # fmt: skip
    lines = [header] + [
        (
            row.code,
            row.kind,
            row.life,
            _counted(row),
            row.deadline.astimezone(MOROCCO).date().isoformat(),
            place.name_fr if (place := gazetteer.get(row.commune_code)) else row.commune_code,
            row.category,
            shortened(row.title, TITLE_WIDTH),
            _clock(row.clock(today)),
        )
        for row in rows
    ]
    print(table(lines))
    print(f"{len(rows)} petitions")
    # Bursts of signatures from new accounts (one flag an hour): worth an organizer's look.
    for row in rows:
        if row.id in flagged:
            print(
                f"⚑ {row.code}: {flagged[row.id]} burst(s) of signatures from accounts created "
                "minutes before"
            )


def _counted(row: Listed) -> str:
    """Signatures against the threshold; an association's petition has none: its supporters."""
    if row.kind is PetitionKind.ASSOCIATION:
        return f"{row.signatures} supporter{'s' if row.signatures != 1 else ''}"
    return f"{row.signatures}/{row.threshold}"


def _clock(clock: Awaiting | None) -> str:
    """The council's answer: how long awaited, or how long overdue; "" when not awaited."""
    if clock is None:
        return ""
    if clock.overdue:
        return f"overdue {clock.overdue} day{'s' if clock.overdue != 1 else ''}"
    return f"awaiting {clock.days} day{'s' if clock.days != 1 else ''}"


async def _export(db: Database, args: argparse.Namespace, vault: Vault) -> None:
    code = args.code.strip().upper()
    if args.output is None and args.format == "pdf" and sys.stdout.isatty():
        raise CommandRefused("a PDF does not belong on a terminal: add --output FILE")
    kind = FilingKind(args.format)
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, organizer_name(), datetime.now(UTC))
        try:
            found = await operator.petition_filing(code, vault, Gazetteer.load())
        except InvalidToken:
            raise CommandRefused(
                "the CINs cannot be opened: HAYNA_SECRET_KEY is not the one they were sealed with"
            ) from None
    if found is None:
        raise refused(operator)
    data = written(found, kind, operator.now)
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        # CINs in clear are sensitive personal data (law 09-08): the file is the owner's only,
        # also when it existed before with wider rights (the mode of os.open only sets new ones).
        descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise CommandRefused(f"--output: {error.strerror}: {args.output}") from None
    if found.association is not None:
        supports = found.association.supports
        print(
            f"{code}: the association's filing, with {supports} residents' supports (not legal "
            f"signatures), written to {args.output}"
        )
        return
    print(f"{code}: {len(found.signatories)} signatories written to {args.output}")
