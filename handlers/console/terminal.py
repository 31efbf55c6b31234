"""A terminal chat as one resident, interactive or from a script: lines in, the engine's answers
and the resident's pushes printed."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from conversations.seams import Answerer
from handlers.console.lines import (
    CommandError,
    save_attachment,
    save_voice,
    to_inbound,
    to_text,
)

PROMPT = "> "
BYE = ("/quit", "/exit")
# Prints what is due for one resident now (their pushes go to their own terminal only).
Flush = Callable[[str], Awaitable[object]]


async def converse(
    answerer: Answerer,
    flush: Flush,
    user: str,
    lines: Iterable[str],
    write: Callable[[str], None],
    base: Path,
) -> None:
    """Send each line as ``user`` and write the bot's answers; their pushes due print after each.

    Files named in the lines (``/photo road.jpg``) are found from ``base``, the script's folder.
    """
    # What was queued for them while away prints first.
    await flush(user)
    for sequence, line in enumerate(lines):
        await _exchange(answerer, flush, user, line, sequence, write, echo=True, base=base)


async def interactive(
    answerer: Answerer, flush: Flush, user: str, write: Callable[[str], None]
) -> None:
    """Read lines from the keyboard until end of input or /quit."""
    write(f"Hayna — terminal chat as “{user}”. /location LAT LON, /photo PATH, /voice PATH, /quit")
    await flush(user)
    sequence = 0
    # Typed at a keyboard the line is already on screen; piped in, it is echoed after a prompt.
    typing = sys.stdin.isatty()
    while True:
        try:
            line = await asyncio.to_thread(input, PROMPT if typing else "")
        except EOFError:
            return
        if line.strip() in BYE:
            return
        await _exchange(answerer, flush, user, line, sequence, write, echo=not typing)
        sequence += 1


async def _exchange(
    answerer: Answerer,
    flush: Flush,
    user: str,
    line: str,
    sequence: int,
    write: Callable[[str], None],
    echo: bool,
    base: Path | None = None,
) -> None:
    if echo:
        write(f"{PROMPT}{line}")
    try:
        inbound = to_inbound(line, user, sequence, base)
    except CommandError as error:
        write(f"!! {error}")
        return
    for reply in await answerer.handle(inbound):
        write(_indent(to_text(reply)))
        saved = save_attachment(reply)
        if saved is not None:
            write(_indent(f"📎 {saved}"))
        voiced = save_voice(reply)
        if voiced is not None:
            write(_indent(f"🔊 {voiced}"))
    # Only this resident's: another terminal's pushes wait for their own chat.
    await flush(user)


def _indent(text: str) -> str:
    return "\n".join(f"  {row}" if row else "" for row in text.splitlines()) + "\n"
