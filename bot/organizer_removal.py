"""`hayna organizers remove CHANNEL:ID`: an organizer's scopes taken away (one group's, those
in a commune, or all), written to the audit log. The addresses in HAYNA_ADMINS are organizers
by the environment, not by a stored scope: this command says so and cannot remove them."""

from __future__ import annotations

import argparse

from bot.command_line import CommandRefused
from bot.refusals import admin_note
from bot.settings import parse_address
from conversations.kit import Address
from storage.operator import Operator


def configure(remove: argparse.ArgumentParser) -> None:
    remove.add_argument(
        "address", metavar="CHANNEL:ID",
        help="where the organizer writes from: telegram:123456789, whatsapp:+212600000000",
    )  # fmt: skip
    scope = remove.add_mutually_exclusive_group(required=True)
    scope.add_argument(
        "--commune", metavar="CODE_OR_NAME", help="their scopes in this commune and its groups"
    )
    scope.add_argument("--all", action="store_true", help="all their scopes")
    remove.add_argument("--group", type=int, metavar="ID", help="only this group of --commune")
    remove.add_argument("--by", dest="actor", metavar="NAME", help="default: your user name")


async def remove(
    operator: Operator, args: argparse.Namespace, commune: str, admins: frozenset[Address]
) -> bool:
    """Remove the scopes asked for and print them; False when refused (the caller says why once
    the audit entry is committed)."""
    address = parse_address(args.address)
    if address is None:
        raise CommandRefused(
            f"{args.address!r} is not CHANNEL:ID, for example telegram:123456789 or "
            "whatsapp:+212600000000"
        )
    admin = address in admins
    removed = await operator.remove_organizer(address, commune, args.group, admin)
    if removed is None:
        return False
    for removed_commune, group_id in removed:
        scope = f"group {group_id} of {removed_commune}" if group_id else removed_commune
        print(f"removed: {address} as organizer of {scope}")
    if admin:
        print(f"note: {admin_note(str(address))}")
    return True
