"""A dashboard session for tests that speak HTTP to the app: the organizer's resident made by a
first message, a link issued and opened as a browser would."""

from __future__ import annotations

from bot.app import App
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
