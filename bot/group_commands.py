"""`hayna groups`, `hayna organizers` and `hayna broadcast`: the groups of a commune, invite
codes that make organizers and their removal (bot/organizer_removal.py), one-time links to the
dashboard, the audit log, and updates (maybe with a photo) sent to an audience now or later with
their delivery report. Every action is written to the audit log under the operator's name."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot import organizer_removal
from bot.app import on_database
from bot.channels import CHANNELS
from bot.command_line import CommandRefused, commune_code, organizer_name, shortened, table
from bot.media import PHOTO_MAX, photo_type
from bot.meeting_commands import local_time
from bot.refusals import refused
from bot.settings import Settings, parse_address
from conversations.desk import sign_in_path
from conversations.groups import NAMED, GroupKind, fits_group_name
from conversations.kit import MOROCCO, Address
from conversations.language import DEFAULT, SUPPORTED, WRITTEN
from conversations.organizing import text_limit
from handlers.filetype import HEAD, sniff
from storage import groups, sign_in
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.operator import Operator, OperatorRefusal, OperatorWhy, Photo


def configure_groups(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the groups of a commune, with their ids")
    listing.add_argument("--commune", required=True, metavar="CODE_OR_NAME")
    new = actions.add_parser("create", help="a named association or neighbourhood group")
    new.add_argument("--commune", required=True, metavar="CODE_OR_NAME")
    new.add_argument("--kind", required=True, choices=[k.value for k in NAMED])
    new.add_argument("--name", required=True, help=f"at most {groups.NAME_MAX} characters")
    _by(new)


def configure_organizers(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    invite = actions.add_parser("invite", help="print a single-use code, valid 48 hours")
    invite.add_argument("--commune", required=True, metavar="CODE_OR_NAME")
    invite.add_argument("--group", type=int, metavar="ID", help="only this group of the commune")
    _by(invite)
    link = actions.add_parser(
        "login-link", help="print a one-time link to the dashboard, valid 15 minutes"
    )
    link.add_argument(
        "address", metavar="CHANNEL:ID",
        help="where the organizer writes from: telegram:123456789, whatsapp:+212600000000",
    )  # fmt: skip
    _by(link)
    audit = actions.add_parser("audit", help="the latest organizer actions, done or refused")
    audit.add_argument("--limit", type=int, default=50)
    organizer_removal.configure(
        actions.add_parser(
            "remove",
            help="take an organizer's scopes away (not HAYNA_ADMINS: set by the environment)",
            description=organizer_removal.__doc__,
        )
    )


def configure_broadcast(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    send = actions.add_parser("send", help="plan an update; prints its number")
    send.add_argument("--commune", required=True, metavar="CODE_OR_NAME")
    send.add_argument(
        "--group", type=int, action="append", default=[], metavar="ID",
        help="only the members of this group (repeat for several)",
    )  # fmt: skip
    send.add_argument(
        "--text", required=True, action="append", metavar="LANG=TEXT",
        help="the update in one of ar, fr, zgh, en (repeat; the first goes to other languages)",
    )  # fmt: skip
    send.add_argument("--at", type=local_time, metavar="WHEN", help="default: now")
    send.add_argument("--photo", type=Path, metavar="FILE", help="JPEG, PNG or WebP, 5 MB at most")
    _by(send)
    report = actions.add_parser("report", help="queued, sent, delivered, failed, unreachable")
    report.add_argument("id", type=int, metavar="ID")


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    now, admins, site = datetime.now(UTC), settings.admins, settings.dashboard_url
    return await on_database(settings, lambda db: _act(db, args, now, admins, site))


@dataclass(frozen=True, slots=True)
class Command:
    """One `hayna groups|organizers|broadcast` command, its commune settled."""

    args: argparse.Namespace
    commune: str
    gazetteer: Gazetteer
    now: datetime
    admins: frozenset[Address]
    # Where the dashboard's links point.
    dashboard: str


async def _act(
    db: Database,
    args: argparse.Namespace,
    now: datetime,
    admins: frozenset[Address],
    dashboard: str,
) -> None:
    gazetteer = Gazetteer.load()
    given = getattr(args, "commune", None)
    commune = commune_code(gazetteer, given) if given else ""
    command = Command(args, commune, gazetteer, now, admins, dashboard)
    act = ACTIONS.get((args.command, args.action))
    if act is None:
        raise CommandRefused(f"unknown action {args.action}")
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, getattr(args, "actor", None) or organizer_name(), now)
        done = await act(operator, command)
    if not done:  # after the commit: the refusal stays in the audit log
        raise refused(operator)


async def _list_groups(operator: Operator, command: Command) -> bool:
    found = await operator.tx.run(groups.groups_in, command.commune, None, command.now)
    print(table([["id", "kind", "name"]] + [[str(g.id), g.kind, g.name] for g in found]))
    return True


async def _create_group(operator: Operator, command: Command) -> bool:
    name = command.args.name.strip()
    if not fits_group_name(name):
        raise CommandRefused(f"--name must have 1 to {groups.NAME_MAX} characters")
    kind = GroupKind(command.args.kind)
    created = await operator.create_group(command.commune, kind, name)
    if created is not None:
        print(created)
    return created is not None


async def _invite(operator: Operator, command: Command) -> bool:
    code = await operator.invite(command.commune, command.args.group)
    if code is not None:
        print(code)
        print("valid 48 hours, once: type it in the chat as  ORG " + code, file=sys.stderr)
    return code is not None


async def _remove(operator: Operator, command: Command) -> bool:
    return await organizer_removal.remove(operator, command.args, command.commune, command.admins)


async def _login_link(operator: Operator, command: Command) -> bool:
    address = parse_address(command.args.address)
    if address is None:
        raise CommandRefused(f"{command.args.address!r} is not CHANNEL:ID")
    issued = await operator.tx.run(sign_in.link_for, address, command.admins, command.now)
    await operator.authority.audit("login_link", address.channel, issued is not None)
    if issued is None:
        operator.refusal = OperatorRefusal(OperatorWhy.NOT_ORGANIZER, address=str(address))
        return False
    token, language = issued
    print(command.dashboard + sign_in_path(token, language if language in SUPPORTED else DEFAULT))
    print("valid 15 minutes, once; give it to that organizer only", file=sys.stderr)
    return True


async def _audit_trail(operator: Operator, command: Command) -> bool:
    rows = [["when (Morocco)", "who", "action", "on", "allowed"]]
    for at, who, action, target, allowed in await operator.tx.run(
        groups.audit_trail, command.args.limit
    ):
        when = at.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")
        rows.append([when, who, action, target, "yes" if allowed else "REFUSED"])
    print(table(rows))
    return True


async def _broadcast(operator: Operator, command: Command) -> bool:
    args = command.args
    texts = _texts(args.text)
    photo = _photo(args.photo) if args.photo is not None else None
    at = args.at or command.now
    planned = await operator.broadcast(
        command.commune, args.group, texts, at, photo, command.gazetteer
    )
    if planned is None:
        return False
    number, size = planned
    print(number)
    with_photo = ", with a photo" if photo is not None else ""
    print(
        f"{size} recipients{with_photo}; sent by `hayna dispatch` or `hayna serve`", file=sys.stderr
    )
    return True


async def _delivery_report(operator: Operator, command: Command) -> bool:
    report = await operator.delivery_report(command.args.id)
    if report is None:
        return False
    figures = (
        report.recipients,
        report.queued,
        report.sent,
        report.delivered,
        report.failed,
        report.unreachable,
    )
    rows = [["recipients", "queued", "sent", "delivered", "failed", "unreachable"]]
    print(table([*rows, [str(n) for n in figures]]))
    return True


ACTIONS: dict[tuple[str, str], Callable[[Operator, Command], Awaitable[bool]]] = {
    ("groups", "list"): _list_groups,
    ("groups", "create"): _create_group,
    ("organizers", "invite"): _invite,
    ("organizers", "remove"): _remove,
    ("organizers", "audit"): _audit_trail,
    ("organizers", "login-link"): _login_link,
    ("broadcast", "send"): _broadcast,
    ("broadcast", "report"): _delivery_report,
}


def _photo(path: Path) -> Photo:
    """The name, type and bytes of a photo to send; refused unless it is one (`photo_type`)."""
    try:
        size = path.stat().st_size
        if size > PHOTO_MAX:
            raise CommandRefused(f"--photo {path}: {size / 2**20:.1f} MB; at most 5 MB")
        data = path.read_bytes()
    except OSError as error:
        raise CommandRefused(
            f"--photo {path}: cannot read it ({error.strerror or error})"
        ) from None
    kind = photo_type(data)
    if kind is None:
        seen = sniff(data[:HEAD])
        shown = f"it looks like {seen}" if seen else "its content is not an image"
        raise CommandRefused(f"--photo {path}: not a JPEG, PNG or WebP photo ({shown})")
    return Photo(path.name[-120:], kind, data)


def _texts(given: list[str]) -> tuple[tuple[str, str], ...]:
    texts: list[tuple[str, str]] = []
    for item in given:
        language, sep, text = item.partition("=")
        language, text = language.strip(), text.strip()
        if not sep or language not in WRITTEN:
            raise CommandRefused(
                f"--text {shortened(item, 20)!r}: start with ar=, fr=, zgh= or en="
            )
        limit = text_limit(CHANNELS)
        if not text or len(text) > limit:
            raise CommandRefused(f"--text {language}= must have 1 to {limit} characters")
        if language in dict(texts):
            raise CommandRefused(f"--text {language}= is given twice")
        texts.append((language, text))
    return tuple(texts)
