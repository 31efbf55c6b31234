"""Residents' questions on the dashboard through `hayna serve`'s real app (httpx, no network):
two organizers of Agadir see a resident's question; the first claims it, the second is told
another is answering it and cannot answer; the first answers (kept as a canned answer), which
queues the resident's push; an empty answer is refused with nothing sent; an organizer of
another commune is refused and audited; an unknown question is missing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.question import Author, Message
from storage import questions
from storage.models import AUDIT_ENTRY, CANNED_ANSWER, DELIVERY, QUESTION
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR, TIZNIT
from tests.support.web_session import signed_browser, sqlite_app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async for built in sqlite_app(tmp_path):
        yield built


async def rows(app: App, table, *where) -> list:
    async with app.db.transaction() as tx:
        return await tx.run(lambda c: c.execute(select(table).where(*where)).all())


async def asked(app: App, text: str) -> int:
    resident = await add_resident(app.db, app.clock, "amina", "ar")
    said = Message(Author.RESIDENT, datetime.now(UTC), "ar", text)
    async with app.db.transaction() as tx:
        return await tx.run(questions.ask, resident, AGADIR, None, said)


async def test_claimed_by_one_answered_and_pushed(app: App) -> None:
    number = await asked(app, "فين نقدر نجدد البطاقة؟")
    async with (
        await signed_browser(app, "fatima", AGADIR) as first,
        await signed_browser(app, "youssef", AGADIR) as second,
    ):
        listed = await first.get("/dashboard/questions")
        assert f'id="question-{number}"' in listed.text and "فين نقدر" in listed.text
        page = await first.get(f"/dashboard/questions/{number}")
        assert 'id="claim"' in page.text and 'id="answer-form"' not in page.text
        claimed = await first.post(
            f"/dashboard/questions/{number}/claim", data={"csrf": first.csrf}
        )
        assert claimed.headers["location"].endswith("?done=claimed")
        taken = await second.post(
            f"/dashboard/questions/{number}/claim", data={"csrf": second.csrf}
        )
        assert taken.headers["location"].endswith("?done=taken")
        sneaked = await second.post(
            f"/dashboard/questions/{number}/answer",
            data={"csrf": second.csrf, "text": "Moi aussi"},
        )
        assert sneaked.status_code == 409 and await rows(app, DELIVERY) == []
        empty = await first.post(
            f"/dashboard/questions/{number}/answer", data={"csrf": first.csrf, "text": " "}
        )
        assert empty.status_code == 400 and await rows(app, DELIVERY) == []
        answer = {"csrf": first.csrf, "text": "À la commune, guichet 3.", "keep": "on"}
        sent = await first.post(f"/dashboard/questions/{number}/answer", data=answer)
        assert sent.headers["location"].endswith("?done=answered")
    (ticket,) = await rows(app, QUESTION)
    assert ticket.status == "answered" and ticket.answered_at is not None
    (pushed,) = await rows(app, DELIVERY)
    assert "À la commune, guichet 3." in str(pushed.body)
    (saved,) = await rows(app, CANNED_ANSWER)
    assert saved.text == "À la commune, guichet 3."


async def test_another_commune_is_refused_and_an_unknown_one_missing(app: App) -> None:
    number = await asked(app, "Le marché ouvre quand ?")
    async with await signed_browser(app, "karim", TIZNIT) as other:
        listed = await other.get("/dashboard/questions")
        assert f'id="question-{number}"' not in listed.text
        assert (await other.get(f"/dashboard/questions/{number}")).status_code == 403
        claim = await other.post(f"/dashboard/questions/{number}/claim", data={"csrf": other.csrf})
        assert claim.status_code == 404, "outside the scope: told as not there"
        assert (await other.get("/dashboard/questions/999")).status_code == 404
    (ticket,) = await rows(app, QUESTION)
    assert ticket.status == "open" and ticket.claimed_by is None
    refused = await rows(app, AUDIT_ENTRY, AUDIT_ENTRY.c.allowed.is_(False))
    assert {r.action for r in refused} >= {"read_question", "claim_question"}
