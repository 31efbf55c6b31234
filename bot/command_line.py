"""What the organizers' commands share: refusals, communes named by code or name, who acts,
days as YYYY-MM-DD, and plain-text tables."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from storage.gazetteer import Gazetteer, key

CANDIDATES = 10


class CommandRefused(Exception):
    """A request the command cannot carry out; str() says why, for the organizer."""


def commune_code(gazetteer: Gazetteer, given: str) -> str:
    """The code of the commune meant by a code or a name; refused when none or several fit."""
    text = given.strip()
    if gazetteer.get(text) is not None:
        return text
    found = gazetteer.search(text, limit=CANDIDATES)
    # "Agadir" also finds Agadir Melloul: a commune named exactly so is the one meant.
    exact = [c for c in found if key(text) in (key(c.name_fr), key(c.name_ar))]
    chosen = exact or found
    if not chosen:
        raise CommandRefused(f"no commune is named {text!r}")
    if len(chosen) > 1:
        listed = "\n".join(
            f"  {c.code}  {c.name_fr} ({c.name_ar}), {c.province_fr}" for c in chosen
        )
        more = "\n  …" if len(chosen) == CANDIDATES else ""
        raise CommandRefused(
            f"{text!r} names several communes; give one of these codes:\n{listed}{more}"
        )
    # Said on standard error, so an export on standard output stays clean.
    print(f"commune: {chosen[0].code} {chosen[0].name_fr}", file=sys.stderr)
    return chosen[0].code


def actor_option(parser: argparse.ArgumentParser) -> None:
    """`--by NAME`: who acts, for the audit log."""
    parser.add_argument(
        "--by", dest="actor", metavar="NAME", help="who did it (default: your user name)"
    )


def iso_day(text: str) -> date:
    """A day given as YYYY-MM-DD, for argparse (which says the refusal with the flag)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def organizer_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in /etc/passwd
        return "organizer"


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(lines: Sequence[Sequence[str]]) -> str:
    """Rows as left-aligned columns, the first row being the header."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def write_out(done: str | bytes, output: Path | None) -> None:
    """A command's table, CSV or PDF: on standard output, or written to ``output`` (said on
    standard error, so that standard output stays the file's)."""
    if output is None:
        if isinstance(done, bytes):
            sys.stdout.buffer.write(done)
        else:
            print(done)
        return
    if isinstance(done, bytes):
        output.write_bytes(done)
    else:
        output.write_text(done, encoding="utf-8")
    print(f"written to {output}", file=sys.stderr)
