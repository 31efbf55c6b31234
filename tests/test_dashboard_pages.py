"""The dashboard's pages over HTTP, through `hayna serve`'s own app: what a page runs against the
database does not grow with the reports (counted), a report's photo comes through the channel's
fetcher and never as a platform's link, hiding takes effect for other residents, and the
language switch stays on the dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event

from bot.app import App, create_app
from bot.settings import Settings
from bot.web import web_app
from conversations.kit import Address, Media, MediaKind
from conversations.report import Category, Draft
from storage import reports
from tests.support.web_session import web_session

ADMIN = Address("console", "admin")
AGADIR = "001.01.01"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hayna.db'}",
            "HAYNA_SECRET_KEY": "p" * 40,
            "HAYNA_ADMINS": str(ADMIN),
        }
    )
    made = await create_app(settings, {})
    yield made
    await made.close()


async def _file(app: App, n: int, photo: Path | None = None) -> list[str]:
    media = (Media(MediaKind.PHOTO, str(photo), "image/png", len(PNG)),) if photo else ()
    draft = Draft(Category.ROADS, "", AGADIR, "Hay Dakhla", 30.42, -9.59, "Un trou", media)
    async with app.db.transaction() as tx:
        resident = await tx.run(
            lambda conn: conn.exec_driver_sql("SELECT id FROM resident LIMIT 1").scalar_one()
        )
        return [await tx.run(reports.file, resident, draft, app.clock()) for _ in range(n)]


async def _client(app: App) -> tuple[httpx.AsyncClient, str]:
    session, csrf = await web_session(app, ADMIN)
    transport = httpx.ASGITransport(app=web_app(app, []))
    client = httpx.AsyncClient(
        transport=transport, base_url="http://hayna", cookies={"hayna_session": session}
    )
    return client, csrf


async def _statements(app: App, client: httpx.AsyncClient, path: str) -> int:
    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        sent.append(statement)

    engine = app.db._sync  # SQLite's one engine: every statement of the process goes through it
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = await client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200, (path, answer.status_code)
    return len(sent)


async def test_a_page_runs_as_many_statements_for_5_or_300_reports(app: App) -> None:
    client, _ = await _client(app)
    async with client:
        await _file(app, 5)
        pages = ("/dashboard", "/dashboard/reports", "/dashboard/reports?page=2")
        few = [await _statements(app, client, path) for path in pages]
        await _file(app, 295)
        many = [await _statements(app, client, path) for path in pages]
    assert few == many, (few, many)
    assert max(many) <= 16


async def test_a_photo_comes_through_the_fetcher_and_hiding_it_keeps_it_from_residents(
    app: App, tmp_path: Path
) -> None:
    photo = tmp_path / "trou.png"
    photo.write_bytes(PNG)
    client, csrf = await _client(app)
    async with client:
        [ref] = await _file(app, 1, photo)
        page = (await client.get(f"/dashboard/reports/{ref}")).text
        assert str(photo) not in page, "a file's reference never reaches the browser"
        shown = await client.get(f"/dashboard/reports/{ref}/media/1")
        assert shown.status_code == 200 and shown.content == PNG
        assert shown.headers["content-type"] == "image/png"
        hidden = await client.post(
            f"/dashboard/reports/{ref}/hide",
            data={"csrf": csrf, "media": "1", "reason": "Un visage"},
        )
        assert hidden.status_code == 303
        async with app.db.transaction() as tx:
            seen = await tx.run(reports.detail, ref, -1)
        assert seen is not None and seen.media == (), "other residents no longer see it"
        assert "Un visage" in (await client.get(f"/dashboard/reports/{ref}")).text


async def test_the_language_switch_stays_on_the_dashboard(app: App) -> None:
    client, csrf = await _client(app)
    async with client:
        for back in ("https://evil.example/", "//evil.example/", "/dashboard/reports?page=2"):
            moved = await client.post(
                "/dashboard/language", data={"csrf": csrf, "language": "ar", "back": back}
            )
            assert moved.status_code == 303
            assert moved.headers["location"].startswith("/dashboard")
        assert 'dir="rtl"' in (await client.get("/dashboard")).text
        refused = await client.post("/dashboard/language", data={"csrf": "x", "language": "fr"})
        assert refused.status_code == 403
        assert 'dir="rtl"' in (await client.get("/dashboard")).text
