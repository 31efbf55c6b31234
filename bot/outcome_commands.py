"""`hayna meetings outcome|checkin|export`: after a meeting, its organizer checks residents in
by their door codes, records the outcome (attendance, by group too, a summary, decisions) and
publishes it, and exports it as CSV or as a PDF in French and Arabic. Checked and audited as
the chat's and the dashboard's actions are."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.command_line import CommandRefused, organizer_name, write_out
from bot.refusals import refused
from conversations.consultation_table import as_csv
from conversations.groups import Meeting
from conversations.outcome import (
    Decision,
    GroupAttendance,
    MeetingOutcome,
    OutcomeDraft,
    count_of,
    decision_of,
)
from conversations.outcome_table import outcome_rows
from storage import meetings
from storage.database import Database
from storage.operator import Operator

ACTIONS = ("outcome", "checkin", "export")


def _count(text: str) -> int:
    n = count_of(text)
    if n is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of people")
    return n


def _decision(text: str) -> Decision:
    """``text[;responsible[;YYYY-MM-DD]]``."""
    found = decision_of(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not TEXT[;RESPONSIBLE[;YYYY-MM-DD]]")
    return found


def _group_count(text: str) -> GroupAttendance:
    group, _, n = text.partition("=")
    if not group.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not GROUP_ID=COUNT")
    return GroupAttendance(int(group), _count(n))


def configure(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    told = actions.add_parser("outcome", help="record a held meeting's outcome; maybe publish it")
    told.add_argument("id", type=int, metavar="ID")
    told.add_argument("--summary", required=True, help="what was said and agreed")
    told.add_argument("--attended", required=True, type=_count, metavar="N")
    told.add_argument(
        "--decision", type=_decision, action="append", default=[],
        metavar="TEXT[;RESPONSIBLE[;YYYY-MM-DD]]", help="one decision (repeat for several)",
    )  # fmt: skip
    told.add_argument(
        "--group-attended", type=_group_count, action="append", default=[],
        metavar="GROUP_ID=N", help="how many of a group of the commune came (repeatable)",
    )  # fmt: skip
    told.add_argument(
        "--publish", action="store_true",
        help="tell it now to everyone who answered and to the meeting's audience, once each",
    )  # fmt: skip
    door = actions.add_parser("checkin", help="mark attended the RSVPs of door codes")
    door.add_argument("id", type=int, metavar="ID")
    door.add_argument("codes", nargs="+", metavar="CODE")
    export = actions.add_parser("export", help="its outcome as CSV or PDF (French and Arabic)")
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument("--format", choices=("csv", "pdf"), default="csv")
    export.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    for parser in (told, door, export):
        parser.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")


async def act(db: Database, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, args.actor or organizer_name(), now)
        done = await _done(operator, args)
    if done is None:
        raise refused(operator)
    write_out(done, getattr(args, "output", None))


async def _done(operator: Operator, args: argparse.Namespace) -> str | bytes | None:
    if args.action == "outcome":
        decisions = tuple(args.decision)
        draft = OutcomeDraft(args.summary, args.attended, decisions, tuple(args.group_attended))
        if not await operator.record_outcome(args.id, draft, args.publish):
            return None
        return f"meeting {args.id}: outcome " + ("published" if args.publish else "recorded")
    if args.action == "checkin":
        said = []
        for code in args.codes:
            checked = await operator.check_in(args.id, code)
            if checked is None:
                return None
            said.append(f"{code}: {checked}")
        return "\n".join(said)
    found = await operator.meeting_outcome(args.id)
    meeting = await operator.tx.run(meetings.view, args.id)
    if found is None or meeting is None:
        if operator.refusal is None and meeting is not None:
            raise CommandRefused(f"meeting {args.id} has no outcome recorded yet")
        return None
    return _exported(meeting, found, args.format)


def _exported(meeting: Meeting, found: MeetingOutcome, kind: str) -> str | bytes:
    if kind == "pdf":
        from storage.outcome_pdf import to_pdf  # fpdf, only when a PDF is asked for

        return to_pdf(meeting, found)
    return as_csv(outcome_rows(meeting, found))
