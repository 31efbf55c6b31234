"""A dashboard session for tests that speak HTTP to the app: `hayna serve`'s app on an SQLite
file, the organizer's resident made by a first message, a link issued and opened as a browser
would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import App, create_app
from bot.settings import Settings
from conversations.desk import Opened
from conversations.kit import Address, Inbound
from storage import groups, sign_in
from storage.desk import SqlSignIn


async def web_session(app: App, address: Address, first: str = "salam") -> tuple[str, str]:
    """(session cookie, form token) of ``address``, who must organize (HAYNA_ADMINS, or an
    invite redeemed); ``first`` is their first message if they never wrote."""
    await app.engine.handle(Inbound(address, f"first-{address.user}", text=first))
    async with app.db.transaction() as tx:
        resident = await tx.run(groups.resident_at, address)
        token = await tx.run(sign_in.issue, resident, app.clock())
    opened = await SqlSignIn(app.db, app.settings.admins, app.clock).redeem(token)
    assert isinstance(opened, Opened), opened
    return opened.session, opened.csrf


async def sqlite_app(folder: Path) -> AsyncIterator[App]:
    """`hayna serve`'s app on an SQLite file in ``folder``, no channel, closed after."""
    settings = Settings.from_env(
        {"DATABASE_URL": f"sqlite:///{folder / 'h.db'}", "HAYNA_SECRET_KEY": "k" * 40}
    )
    built = await create_app(settings, {})
    try:
        yield built
    finally:
        await built.close()
