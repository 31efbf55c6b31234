"""A dashboard session for tests that speak HTTP to the app: `hayna serve`'s app on an SQLite
file, the organizer's resident made by a first message, a link issued and opened as a browser
would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from bot.app import App, create_app
from bot.settings import Settings
from bot.web import web_app
from conversations.desk import Opened
from conversations.kit import Address, Inbound
from storage import groups, sign_in
from storage.desk import SqlSignIn
from tests.support.deliveries import add_resident
from tests.support.desk import link, make_organizer


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


async def signed_browser(app: App, user: str, commune: str) -> httpx.AsyncClient:
    """A browser of a new organizer of ``commune``, signed in; its form token in ``.csrf``."""
    organizer = await add_resident(app.db, app.clock, user, "fr")
    await make_organizer(app.db, app.clock, organizer, commune)
    opened = await SqlSignIn(app.db, app.settings.admins, app.clock).redeem(
        await link(app.db, app.clock, organizer)
    )
    assert isinstance(opened, Opened)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=web_app(app, [])),
        base_url="http://hayna",
        cookies={"hayna_session": opened.session},
    )
    client.csrf = opened.csrf  # type: ignore[attr-defined]
    return client


def forged(token: str) -> str:
    """``token`` with its first character changed (whatever that character was)."""
    return ("y" if token.startswith("x") else "x") + token[1:]
