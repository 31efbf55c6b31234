"""`hayna chat`: the terminal channel as one resident, over the app's engine and dispatcher."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from bot.app import App
from handlers.console import terminal


async def converse(
    app: App, user: str, lines: Iterable[str], write: Callable[[str], None], base: Path
) -> None:
    """`terminal.converse` over the app: ``lines`` as ``user``, files found from ``base``."""
    await terminal.converse(app.engine, _flush(app), user, lines, write, base)


async def interactive(app: App, user: str, write: Callable[[str], None]) -> None:
    """`terminal.interactive` over the app."""
    await terminal.interactive(app.engine, _flush(app), user, write)


def _flush(app: App) -> terminal.Flush:
    async def flush(user: str) -> int:
        # Only this resident's: another terminal's pushes wait for their own chat.
        return await app.dispatcher.run_once(user_id=user)

    return flush
