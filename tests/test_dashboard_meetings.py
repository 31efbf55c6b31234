"""The meetings and updates pages through `hayna serve`'s real app (httpx, no network): an
organizer of Agadir creates and publishes a meeting and sends an update, each form with the
session's token; a text over the channels' limit is refused with what was typed kept; and a
form without the right token is refused with nothing changed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from handlers.web.fields import local_value
from storage.announcements import Kind
from storage.models import ANNOUNCEMENT, MEETING
from tests.support.announcements import add_residents
from tests.support.desk import AGADIR
from tests.support.web_session import signed_browser, sqlite_app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async for built in sqlite_app(tmp_path):
        yield built


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of an organizer of Agadir, signed in; its form token in ``client.csrf``."""
    async with await signed_browser(app, "org", AGADIR) as browser:
        await add_residents(app.db, app.clock, 2, AGADIR)
        yield browser


async def rows(app: App, table, *where) -> list:
    async with app.db.transaction() as tx:
        return await tx.run(lambda c: c.execute(select(table).where(*where)).all())


def in_three_days() -> str:
    return local_value(datetime.now(UTC) + timedelta(days=3))


async def test_a_meeting_is_created_published_and_a_wrong_token_changes_nothing(
    app: App, client: httpx.AsyncClient
) -> None:
    form = await client.get("/dashboard/meetings/new")
    assert form.status_code == 200 and f'value="c:{AGADIR}"' in form.text
    meeting = {
        "audience": f"c:{AGADIR}",
        "title": "Forum du budget",
        "when": in_three_days(),
        "place": "Salle communale",
        "agenda": "Le budget participatif",
        "action": "publish",
    }
    made = await client.post("/dashboard/meetings/new", data={"csrf": client.csrf, **meeting})
    assert made.status_code == 303, made.text
    found = re.fullmatch(r"/dashboard/meetings/(\d+)\?done=published", made.headers["location"])
    assert found, made.headers["location"]
    number = int(found.group(1))
    (stored,) = await rows(app, MEETING)
    assert (stored.id, stored.status, stored.title) == (number, "published", "Forum du budget")
    # The time was read in Moroccan time: 18:00 typed is 18:00 in Casablanca.
    assert local_value(stored.starts_at.replace(tzinfo=UTC)) == meeting["when"]
    kinds = [row.kind for row in await rows(app, ANNOUNCEMENT)]
    assert kinds[0] == Kind.MEETING
    page = await client.get(made.headers["location"])
    assert page.status_code == 200 and 'id="answers-yes">0<' in page.text

    wrong = await client.post(f"/dashboard/meetings/{number}/cancel", data={"csrf": "wrong"})
    assert wrong.status_code == 403
    missing = await client.post(f"/dashboard/meetings/{number}/cancel", data={})
    assert missing.status_code == 403
    assert [row.status for row in await rows(app, MEETING)] == ["published"]
    assert [row.kind for row in await rows(app, ANNOUNCEMENT)] == kinds
    done = await client.post(f"/dashboard/meetings/{number}/cancel", data={"csrf": client.csrf})
    assert done.status_code == 303
    assert [row.status for row in await rows(app, MEETING)] == ["cancelled"]


async def test_an_update_too_long_is_refused_with_the_form_kept_then_sent(
    app: App, client: httpx.AsyncClient
) -> None:
    form = await client.get("/dashboard/updates/new")
    limit = int(re.search(r'name="text_fr"[^>]*maxlength="(\d+)"', form.text).group(1))
    assert 'src="/dashboard/static/count.js"' in form.text and f"0 / {limit}" in form.text
    typed = "Coupure " + "x" * limit
    update = {"audience": f"c:{AGADIR}", "timing": "now", "action": "send"}
    refused = await client.post(
        "/dashboard/updates/new", data={"csrf": client.csrf, "text_fr": typed, **update}
    )
    assert refused.status_code == 400
    assert 'data-why="too_long"' in refused.text
    assert typed in refused.text and f"{len(typed)} / {limit}" in refused.text
    assert await rows(app, ANNOUNCEMENT) == []
    forged = await client.post(
        "/dashboard/updates/new", data={"csrf": "x" * 43, "text_fr": "Bonjour", **update}
    )
    assert forged.status_code == 403
    assert await rows(app, ANNOUNCEMENT) == []

    # A line break typed is two characters in the form and one in what residents read.
    text = "Coupure d'eau demain\r\nde 9h à 12h"
    sent = await client.post(
        "/dashboard/updates/new", data={"csrf": client.csrf, "text_fr": text, **update}
    )
    assert sent.status_code == 303, sent.text
    found = re.fullmatch(r"/dashboard/updates/(\d+)\?sent=(\d+)", sent.headers["location"])
    assert found and found.group(2) == "2", sent.headers["location"]
    (planned,) = await rows(app, ANNOUNCEMENT)
    assert planned.kind == Kind.BROADCAST and planned.commune_code == AGADIR
    report = await client.get(sent.headers["location"])
    assert 'id="figure-recipients">2<' in report.text
    assert '<meta http-equiv="refresh" content="5">' in report.text, "still queued"
    listed = await client.get("/dashboard/updates")
    assert f'href="/dashboard/updates/{found.group(1)}"' in listed.text
