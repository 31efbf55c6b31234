"""`hayna organizers remove CHANNEL:ID`: an organizer's scopes taken away (one group's, those
in a commune, or all), written to the audit log. The addresses in HAYNA_ADMINS are organizers
by the environment, not by a stored scope: this command says so and cannot remove them."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.settings import parse_address
from conversations.kit import Address
from storage import groups
from storage.database import Tx

ACTION = "remove_organizer"


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
    tx: Tx,
    args: argparse.Namespace,
    commune: str,
    actor: str,
    now: datetime,
    admins: frozenset[Address],
) -> str | None:
    """Remove the scopes asked for and print them; the refusal to give, if any, is returned
    rather than raised, so that the audit entry of a refused removal is kept."""
    address = parse_address(args.address)
    if address is None:
        return (
            f"{args.address!r} is not CHANNEL:ID, for example telegram:123456789 or "
            "whatsapp:+212600000000"
        )
    where = f"in {commune}" if commune else "anywhere"
    if args.group is not None:
        found = await tx.run(groups.group, args.group)
        if found is None or found.commune_code != commune:
            return f"group {args.group} is not a group of {commune or 'a commune: add --commune'}"
        where = f"in group {args.group} of {commune}"
    resident_id = await tx.run(groups.resident_at, address)
    removed = []
    if resident_id is not None:
        removed = await tx.run(groups.remove_scopes, resident_id, commune or None, args.group)
    # Who, never their number or chat id: the audit log outlives an erasure.
    who = f"{address.channel} resident {resident_id}" if resident_id else address.channel
    admin = address in admins
    if admin:
        note = (
            f"{address} is in HAYNA_ADMINS: an organizer everywhere, set by the environment, "
            "which this command cannot change. To remove them, take the address out of "
            "HAYNA_ADMINS and restart hayna."
        )
    if removed:
        await tx.run(groups.audit, None, actor, ACTION, f"{who}: {where}", True, now)
        for removed_commune, group_id in removed:
            scope = f"group {group_id} of {removed_commune}" if group_id else removed_commune
            print(f"removed: {address} as organizer of {scope}")
        if admin:
            print(f"note: {note}")
        return None
    if admin:
        await tx.run(groups.audit, None, actor, ACTION, f"{who} admin: {where}", False, now)
        return f"not removed: {note}"
    return f"{address} has no organizer scope to remove {where}"
