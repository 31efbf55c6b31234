"""A meeting's outcome on the dashboard, through `hayna serve`'s real app (httpx, no network):
refused before the meeting is held, recorded with bad input answered, published once to the
audience and to an answerer from elsewhere, then shown on the meeting's page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select, update

from bot.app import App
from conversations.groups import Answer
from handlers.web.fields import local_value
from storage.announcements import Kind, expand_due
from storage.models import ANNOUNCEMENT, DELIVERY, MEETING, MEETING_OUTCOME, RSVP
from tests.support.announcements import add_residents
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR
from tests.support.web_session import signed_browser, sqlite_app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async for built in sqlite_app(tmp_path):
        yield built


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with await signed_browser(app, "org", AGADIR) as browser:
        await add_residents(app.db, app.clock, 2, AGADIR)
        yield browser


async def run(app: App, statement):  # type: ignore[no-untyped-def]
    async with app.db.transaction() as tx:
        return await tx.run(lambda c: c.execute(statement))


async def published_meeting(app: App, client: httpx.AsyncClient) -> int:
    meeting = {
        "audience": f"c:{AGADIR}",
        "title": "Forum du budget",
        "when": local_value(datetime.now(UTC) + timedelta(days=3)),
        "place": "Salle communale",
        "agenda": "Le budget participatif",
        "action": "publish",
    }
    made = await client.post("/dashboard/meetings/new", data={"csrf": client.csrf, **meeting})
    found = re.fullmatch(r"/dashboard/meetings/(\d+)\?done=published", made.headers["location"])
    assert found, made.headers["location"]
    return int(found.group(1))


async def test_an_outcome_is_recorded_published_once_and_shown(
    app: App, client: httpx.AsyncClient
) -> None:
    number = await published_meeting(app, client)
    page = f"/dashboard/meetings/{number}"
    assert 'id="outcome"' not in (await client.get(page)).text, "not held: no outcome form"
    typed = {
        "csrf": client.csrf,
        "attended": "12",
        "summary": "Priorités votées.",
        "action": "save",
    }
    early = await client.post(f"{page}/outcome", data=typed)
    assert early.status_code == 400 and 'data-done="invalid:not_held"' in early.text

    # Held an hour ago; someone of another commune had answered it.
    started = datetime.now(UTC) - timedelta(hours=1)
    await run(app, update(MEETING).where(MEETING.c.id == number).values(starts_at=started))
    visitor = await add_resident(app.db, app.clock, "visitor", "ar")
    await run(app, insert(RSVP).values(meeting_id=number, resident_id=visitor, answer=Answer.NO,
                                       updated_at=started))  # fmt: skip
    shown = await client.get(page)
    assert 'id="outcome"' in shown.text and 'id="publish-outcome"' in shown.text

    bad = await client.post(f"{page}/outcome", data={**typed, "attended": "douze"})
    assert bad.status_code == 400 and 'data-done="invalid:not_a_number"' in bad.text
    past = await client.post(
        f"{page}/outcome", data={**typed, "decisions": "Réparer; ; 01/01/2020"}
    )
    assert past.status_code == 400 and 'data-done="invalid:due_past"' in past.text
    wrong = await client.post(f"{page}/outcome", data={**typed, "decisions": "Réparer; x; demain"})
    assert wrong.status_code == 400 and 'data-done="invalid:decision_form"' in wrong.text
    assert "Réparer; x; demain</textarea>" in wrong.text, "what was typed is shown again"
    assert 'value="douze"' in bad.text
    assert (await run(app, select(MEETING_OUTCOME))).all() == []

    decisions = "Éclairer la place; Service technique; 31/12/2030\r\nOuvrir la salle le samedi"
    saved = await client.post(f"{page}/outcome", data={**typed, "decisions": decisions})
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=outcome")
    told = await client.post(f"{page}/publish_outcome", data={"csrf": client.csrf})
    assert told.status_code == 303
    again = await client.post(f"{page}/publish_outcome", data={"csrf": client.csrf})
    assert again.status_code == 400 and "invalid:already_published" in again.text

    kinds = [row.kind for row in (await run(app, select(ANNOUNCEMENT))).all()]
    assert kinds.count(Kind.OUTCOME) == 1
    await expand_due(app.db, datetime.now(UTC))
    (outcome,) = [r.id for r in (await run(app, select(ANNOUNCEMENT))).all() if r.kind == "outcome"]
    told_to = (
        await run(app, select(DELIVERY.c.resident_id).where(
            DELIVERY.c.message_key == f"announcement:{outcome}"))
    ).scalars().all()  # fmt: skip
    assert len(told_to) == len(set(told_to)) == 3, "the two residents, the visitor, once each"
    assert visitor in told_to

    final = (await client.get(page)).text
    assert 'id="summary">Priorités votées.<' in final and "Service technique" in final
    assert 'id="attended">12<' in final and 'id="publish-outcome"' not in final
    csv_file = await client.get(f"{page}/export/csv")
    assert csv_file.status_code == 200 and "Éclairer la place,Service technique,2030-12-31" in (
        csv_file.text
    )
    pdf_file = await client.get(f"{page}/export/pdf")
    assert pdf_file.status_code == 200 and pdf_file.content.startswith(b"%PDF")
    assert (await client.get("/dashboard/meetings/999/export/csv")).status_code == 404
