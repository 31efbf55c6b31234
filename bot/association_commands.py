"""An association's petition at the terminal: `hayna petitions create --association`, which
names the association among the commune's groups, and `hayna petitions checklist`, which shows
and ticks the checklist its filing waits for.

The checklist's items and the years of existence it asks for are commonly cited (organic law
113.14, decree 2.16.403), not verified against the official text: they are settings
(HAYNA_ASSOCIATION_CHECKLIST, HAYNA_ASSOCIATION_YEARS), and a young association is warned of,
never refused.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from typing import Any

from bot.command_line import CommandRefused, actor_option, iso_day, organizer_name, table
from bot.i18n import translator
from bot.refusals import refused
from conversations.association import Check, CheckItem, Checklist, years_since
from conversations.groups import Group, GroupKind
from conversations.kit import MOROCCO
from conversations.petition import PetitionKind, PetitionLife
from conversations.petition_rules import FILED, PetitionRefusal, PetitionWhy
from storage import groups, petitions
from storage.database import Database, Tx
from storage.gazetteer import key
from storage.operator import Operator

ITEMS = [item.value for item in CheckItem]


def configure_create(new: argparse.ArgumentParser) -> None:
    """The flags of `hayna petitions create` that make an association's petition."""
    new.add_argument(
        "--association", metavar="NAME_OR_ID",
        help="an association's petition, filed by this association of the commune (its name or "
        "id in `hayna groups list`); no threshold, residents support it",
    )  # fmt: skip
    new.add_argument(
        "--declared", type=iso_day, metavar="YYYY-MM-DD",
        help="with --association: the day the association's declaration was received",
    )  # fmt: skip


def configure(actions: Any) -> None:
    """`hayna petitions checklist`."""
    checklist = actions.add_parser(
        "checklist", help="an association's petition's checklist; tick or untick its items"
    )
    checklist.add_argument("code", metavar="CODE")
    for flag, what in (("--tick", "ticked"), ("--untick", "no longer ticked")):
        checklist.add_argument(
            flag, action="append", default=[], choices=ITEMS, metavar="ITEM",
            help=f"an item checked and {what} (repeat for several): " + ", ".join(ITEMS),
        )  # fmt: skip
    actor_option(checklist)


def refuse_mixed(args: argparse.Namespace) -> None:
    """`--association` goes with `--declared`, and without `--threshold`."""
    if args.association is None:
        if args.declared is not None:
            raise CommandRefused(
                "--declared goes with --association: the day the association's declaration "
                "was received"
            )
        return
    if args.threshold is not None:
        raise CommandRefused(
            "--threshold has no meaning for an association's petition: it needs no signatures "
            "(residents support it, which is counted, not signed); leave it out"
        )
    if args.declared is None:
        raise CommandRefused(
            "--association needs --declared YYYY-MM-DD: the day the association's declaration "
            "was received"
        )


async def association_in(tx: Tx, commune: str, given: str, now: datetime) -> Group:
    """The association of the commune that ``given`` names by its id or its name (any case or
    accents); refused with the commune's associations when none or several fit."""
    every = await tx.run(groups.groups_in, commune, None, now)
    associations = [group for group in every if group.kind is GroupKind.ASSOCIATION]
    text = given.strip()
    by_id = [group for group in associations if text.isdecimal() and group.id == int(text)]
    found = by_id or [group for group in associations if key(group.name) == key(text)]
    if len(found) == 1:
        return found[0]
    create = f"`hayna groups create --commune {commune} --kind association --name NAME`"
    if not associations:
        raise CommandRefused(f"{commune} has no association yet: create it with {create}")
    listed = ", ".join(f"{group.id} {group.name}" for group in associations)
    if found:
        raise CommandRefused(f"{text!r} names several associations: give its id ({listed})")
    raise CommandRefused(
        f"no association {text!r} in {commune}; its associations: {listed} (a name or an id), "
        f"or create one with {create}"
    )


def tell_created(code: str, name: str, declared: date, checklist: Checklist) -> None:
    """What `create` made, on standard error (standard output holds the code alone)."""
    count = len(checklist.items)
    print(
        f"draft {code}: association petition of {name} (declaration received on {declared}), "
        f"no signature threshold; checklist: {count} item{'s' if count != 1 else ''} to tick "
        "before filing",
        file=sys.stderr,
    )
    years = checklist.years if CheckItem.EXISTENCE in checklist.items else None
    _warn_if_young(declared, years)
    print(
        f"tick them with `hayna petitions checklist {code} --tick ITEM`; open it for residents' "
        f"support with `hayna petitions publish {code}`",
        file=sys.stderr,
    )


def _warn_if_young(declared: date, years: int | None) -> None:
    """A warning when the declaration is younger than the existence item asks (``years``, None
    without that item): the figure is commonly cited, not verified, so it is not refused."""
    since = years_since(declared, datetime.now(UTC).astimezone(MOROCCO).date())
    if years is None or since >= years:
        return
    print(
        f"warning: the association's declaration was received {since} year"
        f"{'s' if since != 1 else ''} ago ({declared}); the item existence asks for at least "
        f"{years} (a commonly cited value, not verified against the official text)",
        file=sys.stderr,
    )


async def checklist(db: Database, args: argparse.Namespace) -> None:
    """Tick and untick what `--tick` and `--untick` say, then show the checklist."""
    code = args.code.strip().upper()
    ticks = _ticks(args)
    if ticks:
        async with db.transaction() as tx:
            operator = Operator.at_terminal(tx, args.actor or organizer_name(), datetime.now(UTC))
            done = await operator.tick_checklist(code, ticks)
        if done is None:
            raise await _tick_refused(db, code, ticks, operator)
    async with db.transaction() as tx:
        record = await tx.run(petitions.record, code)
        checks = await tx.run(petitions.checklist, code)
        life = await tx.run(petitions.status, code)
        text = record.text
        group = await tx.run(groups.group, text.association_id) if text.association_id else None
    if text.kind is PetitionKind.RESIDENTS or text.declared_on is None:
        raise CommandRefused(_residents(code))
    name = group.name if group is not None else "(an association no longer listed)"
    _show(code, name, text.declared_on, checks)
    _next(code, life, checks)


def _ticks(args: argparse.Namespace) -> list[tuple[CheckItem, bool]]:
    both = sorted(set(args.tick) & set(args.untick))
    if both:
        raise CommandRefused(f"{', '.join(both)}: given to both --tick and --untick")
    return [(CheckItem(item), True) for item in args.tick] + [
        (CheckItem(item), False) for item in args.untick
    ]


async def _tick_refused(
    db: Database, code: str, ticks: list[tuple[CheckItem, bool]], operator: Operator
) -> CommandRefused:
    """What a refused tick says: which items the checklist lacks, or that it no longer
    changes once filed; else what the refusal says."""
    refusal = operator.refusal
    if not isinstance(refusal, PetitionRefusal):
        return refused(operator)
    if refusal.why is PetitionWhy.NOT_A_MOVE:
        return CommandRefused(
            f"{code} is {refusal.current}: its checklist went to the commune with it and no "
            "longer changes"
        )
    if refusal.why is not PetitionWhy.NOT_ON_CHECKLIST:
        return refused(operator)
    async with db.transaction() as tx:
        kind = (await tx.run(petitions.record, code)).text.kind
        items = [check.item for check in await tx.run(petitions.checklist, code)]
    if kind is PetitionKind.RESIDENTS:
        return CommandRefused(_residents(code))
    missing = ", ".join(item for item, _ in ticks if item not in items)
    return CommandRefused(
        f"{code}'s checklist has no {missing}: it has {', '.join(items)} (the items of "
        "HAYNA_ASSOCIATION_CHECKLIST when it was created)"
    )


def _residents(code: str) -> str:
    return f"{code} is a residents' petition: only an association's petition has a checklist"


def _show(code: str, name: str, declared: date, checks: list[Check]) -> None:
    today = datetime.now(UTC).astimezone(MOROCCO).date()
    since, english = years_since(declared, today), translator("en")
    print(f"{code}: association petition of {name}")
    print(f"declaration received on {declared} ({since} year{'s' if since != 1 else ''} ago)")
    rows = [("ITEM", "CHECK", "TICKED BY", "WHEN")] + [
        (check.item, check.label().render(english), check.ticked_by, _when(check))
        for check in checks
    ]
    print(table(rows))
    existence = [check.years for check in checks if check.item is CheckItem.EXISTENCE]
    _warn_if_young(declared, existence[0] if existence else None)


def _next(code: str, life: PetitionLife | None, checks: list[Check]) -> None:
    """What is left to do: the items to tick, filing, or nothing once it is filed."""
    unticked = [check.item for check in checks if not check.ticked]
    if life in FILED:
        print(f"{code} is {life}: its checklist went to the commune with it")
    elif unticked:
        ticked = len(checks) - len(unticked)
        print(f"{ticked} of {len(checks)} ticked; to tick: {', '.join(unticked)}")
    else:
        print(f"all ticked: file it with `hayna petitions file {code} --receipt NUMBER`")


def _when(check: Check) -> str:
    if check.ticked_at is None:
        return ""
    return check.ticked_at.astimezone(MOROCCO).strftime("%Y-%m-%d %H:%M")
