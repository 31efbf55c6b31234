"""The petitions pages through `hayna serve`'s real app: a draft typed in the form, published,
signed, filed, each form with the session's token; a wrong token changes nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import App, create_app
from bot.settings import Settings
from bot.web import web_app
from conversations.desk import Opened
from conversations.kit import Address, Inbound
from storage import groups, petitions, sign_in
from storage.desk import SqlSignIn
from tests.support.web_session import forged

ADMIN = Address("console", "admin")
AGADIR = "001.01.01"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
            "HAYNA_SECRET_KEY": "k" * 40,
            "HAYNA_ADMINS": str(ADMIN),
        }
    )
    made = await create_app(settings, {})
    yield made
    await made.close()


async def signed_in(app: App) -> tuple[str, str]:
    """A dashboard session of an organizer everywhere (HAYNA_ADMINS), and its form token."""
    await app.engine.handle(Inbound(ADMIN, "pages-1", text="salam"))
    async with app.db.transaction() as tx:
        resident = await tx.run(groups.resident_at, ADMIN)
        token = await tx.run(sign_in.issue, resident, app.clock())
    opened = await SqlSignIn(app.db, app.settings.admins, app.clock).redeem(token)
    assert isinstance(opened, Opened), opened
    return opened.session, opened.csrf


async def status(app: App, code: str) -> str:
    async with app.db.transaction() as tx:
        return str(await tx.run(petitions.status, code))


async def test_draft_publish_and_file_with_the_sessions_token(app: App) -> None:
    session, csrf = await signed_in(app)
    transport = httpx.ASGITransport(app=web_app(app, []))
    cookie = {"Cookie": f"hayna_session={session}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hayna", headers=cookie
    ) as web:
        form = await web.get("/dashboard/petitions/new")
        assert form.status_code == 200 and f'value="{csrf}"' in form.text
        fields = {
            "csrf": csrf,
            "commune": AGADIR,
            "title": "Éclairage du boulevard",
            "summary": "Des lampadaires\npour le boulevard",
            "body": "Nous demandons l'éclairage.",
            "requests": "Installer 20 lampadaires.",
            "representative": "Fatima Zahra",
            "deadline": (app.clock() + timedelta(days=30)).date().isoformat(),
            "threshold": "1",
            "category": "lighting",
        }
        too_long = await web.post("/dashboard/petitions/new", data={**fields, "title": "x" * 121})
        assert too_long.status_code == 400 and 'id="title-error"' in too_long.text
        assert "Fatima Zahra" in too_long.text, "the form keeps what was typed"
        drafted = await web.post("/dashboard/petitions/new", data=fields)
        assert drafted.status_code == 303
        found = re.fullmatch(
            r"/dashboard/petitions/(\w{6})\?done=drafted", drafted.headers["location"]
        )
        assert found, drafted.headers["location"]
        code = found.group(1)
        assert await status(app, code) == "draft"
        themed = await web.get("/dashboard/petitions?category=lighting")
        assert code in themed.text and 'value="lighting" selected' in themed.text
        assert code not in (await web.get("/dashboard/petitions?category=water")).text

        move = f"/dashboard/petitions/{code}/move"
        assert (await web.post(move, data={"csrf": csrf, "life": "open"})).status_code == 303
        assert await status(app, code) == "open"
        async with app.db.transaction() as tx:
            resident = await tx.run(groups.resident_at, ADMIN)
            cin = "AB123456"
            sealed = app.vault.seal(cin)
            key = app.vault.key(cin)
            await tx.run(petitions.sign, code, resident, "Amina", key, sealed, app.clock())
        assert await status(app, code) == "threshold_reached"

        wrong = await web.post(move, data={"csrf": forged(csrf), "life": "filed"})
        assert wrong.status_code == 403
        assert await status(app, code) == "threshold_reached"
        unreceipted = await web.post(move, data={"csrf": csrf, "life": "filed"})
        assert unreceipted.status_code == 400 and "receipt" in unreceipted.text
        filed = await web.post(move, data={"csrf": csrf, "life": "filed", "receipt": "R-1"})
        assert filed.status_code == 303 and filed.headers["location"].endswith("done=moved:1")
        assert await status(app, code) == "filed"
        rejected = await web.post(move, data={"csrf": csrf, "life": "rejected", "note": ""})
        assert rejected.status_code == 400 and await status(app, code) == "filed"

        page = await web.get(f"/dashboard/petitions/{code}")
        assert page.status_code == 200 and 'id="move-accepted"' in page.text
        assert 'id="clock"' in page.text  # filed: it awaits the council's answer
        assert "Des lampadaires pour le boulevard" in page.text  # the summary kept on one line
        csv = await web.get(f"/dashboard/petitions/{code}/filing/csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert csv.headers["content-disposition"] == f'attachment; filename="petition-{code}.csv"'
        assert "AB123456" in csv.content.decode("utf-8-sig")
        assert csv.headers["cache-control"] == "no-store"
