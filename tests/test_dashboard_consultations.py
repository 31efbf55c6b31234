"""The consultations pages through `hayna serve`'s real app (httpx, no network): an organizer
of Agadir writes a consultation in two languages, adds a question, previews it (nothing
stored), is told what is wrong with the form kept, saves it as a draft and publishes it (its
push planned); residents answer; its results page shows counts, shares, Borda points and a
breakdown whose cells under 5 say so; the CSV and the PDF are the command line's. An organizer
of another commune is refused and audited; a form without the token changes nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pypdfium2
import pytest
from sqlalchemy import select

from bot.app import App
from conversations.consultation import Response
from handlers.web.fields import local_value
from storage import consultations
from storage.announcements import Kind
from storage.models import ANNOUNCEMENT, AUDIT_ENTRY, CONSULTATION, CONSULTATION_QUESTION
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR, TIZNIT
from tests.support.web_session import signed_browser, sqlite_app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async for built in sqlite_app(tmp_path):
        yield built


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with await signed_browser(app, "org", AGADIR) as signed:
        yield signed


async def rows(app: App, table, *where) -> list:
    async with app.db.transaction() as tx:
        return await tx.run(lambda c: c.execute(select(table).where(*where)).all())


def form(csrf: str, action: str, **changed: str) -> dict[str, str]:
    closes = local_value(datetime.now(UTC) + timedelta(days=10))
    return {
        "csrf": csrf,
        "count": "2",
        "audience": f"c:{AGADIR}",
        "asked_by": "Association Nour",
        "anonymous": "on",
        "title_fr": "Nos priorités",
        "title_ar": "أولوياتنا",
        "purpose_fr": "Préparer le budget participatif.",
        "closes": closes,
        "q1_kind": "rank",
        "q1_prompt_fr": "Classez trois priorités",
        "q1_prompt_ar": "رتبوا ثلاث أولويات",
        "q1_options_fr": "Éclairage\r\nEau\r\nBus scolaire\r\n",
        "q1_options_ar": "الإنارة\r\nالماء\r\nالنقل المدرسي",
        "q2_kind": "yes_no",
        "q2_prompt_fr": "Viendrez-vous au forum ?",
        "q2_optional": "on",
        "action": action,
        **changed,
    }


async def test_written_previewed_refused_saved_published_and_counted(
    app: App, client: httpx.AsyncClient
) -> None:
    blank = await client.get("/dashboard/consultations/new")
    assert blank.status_code == 200 and f'value="c:{AGADIR}"' in blank.text
    assert 'id="question-1"' in blank.text and 'id="question-2"' not in blank.text
    more = await client.post("/dashboard/consultations/new", data=form(client.csrf, "more"))
    assert 'id="question-3"' in more.text and "Classez trois priorités" in more.text
    preview = await client.post("/dashboard/consultations/new", data=form(client.csrf, "preview"))
    assert preview.status_code == 200 and 'id="preview"' in preview.text
    assert "Bus scolaire" in preview.text and await rows(app, CONSULTATION) == []

    uneven = form(client.csrf, "draft", q1_options_ar="الإنارة\r\nالماء")
    refused = await client.post("/dashboard/consultations/new", data=uneven)
    assert refused.status_code == 400 and "même nombre d’options" in refused.text
    assert "الإنارة\nالماء" in refused.text, "what was typed is kept"
    two = form(client.csrf, "draft", q1_options_fr="Éclairage\r\nEau", q1_options_ar="")
    refused = await client.post("/dashboard/consultations/new", data=two)
    assert refused.status_code == 400 and "Question 1" in refused.text
    past = form(client.csrf, "publish", closes=local_value(datetime.now(UTC) - timedelta(days=1)))
    refused = await client.post("/dashboard/consultations/new", data=past)
    assert refused.status_code == 400 and await rows(app, CONSULTATION) == []

    saved = await client.post("/dashboard/consultations/new", data=form(client.csrf, "draft"))
    assert saved.status_code == 303, saved.text
    found = re.fullmatch(r"/dashboard/consultations/(\d+)\?done=draft", saved.headers["location"])
    assert found, saved.headers["location"]
    number = int(found.group(1))
    (stored,) = await rows(app, CONSULTATION)
    assert (stored.status, stored.title) == ("draft", {"ar": "أولوياتنا", "fr": "Nos priorités"})
    asked = await rows(app, CONSULTATION_QUESTION)
    assert [q.options[2] for q in asked[:1]] == [{"fr": "Bus scolaire", "ar": "النقل المدرسي"}]
    assert asked[1].optional and await rows(app, ANNOUNCEMENT) == []

    forged = await client.post(f"/dashboard/consultations/{number}/publish", data={"csrf": "x"})
    assert forged.status_code == 403 and await rows(app, ANNOUNCEMENT) == []
    published = await client.post(
        f"/dashboard/consultations/{number}/publish", data={"csrf": client.csrf}
    )
    assert published.headers["location"].endswith("?done=open")
    assert {row.kind for row in await rows(app, ANNOUNCEMENT)} == {Kind.CONSULTATION, Kind.CLOSING}
    again = await client.post(
        f"/dashboard/consultations/{number}/publish", data={"csrf": client.csrf}
    )
    assert again.headers["location"].endswith("?done=again")

    await answered(app, number, 6)
    page = await client.get(f"/dashboard/consultations/{number}")
    assert page.status_code == 200 and 'id="completed">6<' in page.text
    # Bus scolaire first six times (18 points), Eau second (12), Éclairage third (6).
    ranked = re.findall(
        r"<tr><td><bdi>([^<]+)</bdi></td><td>6</td>.*?<td>(\d+)</td></tr>", page.text
    )
    assert ranked == [("Bus scolaire", "18"), ("Eau", "12"), ("Éclairage", "6")]
    assert "moins de 5" in page.text, "the yes/no's 'no' cell holds 1 answer: not shown"
    listed = await client.get("/dashboard/consultations")
    assert f'id="consultation-{number}"' in listed.text and "Nos priorités" in listed.text

    exported = await client.get(f"/dashboard/consultations/{number}/export/csv")
    lines = list(csv.reader(io.StringIO(exported.text)))
    assert ["", "", "Bus scolaire", "6", "100%", "18"] in lines
    assert ["  by commune: Agadir", "", "no", "fewer than 5", "", ""] in lines
    pdf = await client.get(f"/dashboard/consultations/{number}/export/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf.content))
    assert "Nos priorités" in text and "أولوياتنا" in text


async def answered(app: App, number: int, count: int) -> None:
    """``count`` residents of Agadir rank bus, water, lighting; all but one say yes."""
    now = datetime.now(UTC)
    for n in range(count):
        resident = await add_resident(app.db, app.clock, f"r{n}", "fr")
        async with app.db.transaction() as tx:
            await tx.run(
                consultations.answer, number, resident, AGADIR, 0, Response((2, 1, 0)), now
            )
            yes = Response((1,)) if n else Response((0,))
            await tx.run(consultations.answer, number, resident, AGADIR, 1, yes, now)
            await tx.run(consultations.complete, number, resident, now)


async def test_another_communes_organizer_is_refused_and_audited(
    app: App, client: httpx.AsyncClient
) -> None:
    saved = await client.post("/dashboard/consultations/new", data=form(client.csrf, "draft"))
    number = int(saved.headers["location"].split("/")[-1].split("?")[0])
    async with await signed_browser(app, "tiznit", TIZNIT) as other:
        assert (await other.get(f"/dashboard/consultations/{number}")).status_code == 403
        exported = await other.get(f"/dashboard/consultations/{number}/export/csv")
        assert exported.status_code == 403
        tried = await other.post(
            f"/dashboard/consultations/{number}/publish", data={"csrf": other.csrf}
        )
        assert tried.status_code == 403
        listed = await other.get("/dashboard/consultations")
        assert f'id="consultation-{number}"' not in listed.text
        outside = await other.post("/dashboard/consultations/new", data=form(other.csrf, "draft"))
        assert outside.status_code == 403
        missing = await other.get("/dashboard/consultations/999")
        assert missing.status_code == 404
    (stored,) = await rows(app, CONSULTATION)
    assert stored.status == "draft"
    refused = await rows(app, AUDIT_ENTRY, AUDIT_ENTRY.c.allowed.is_(False))
    assert {r.action for r in refused} >= {"consultation_results", "publish_consultation"}


async def test_after_a_meeting_and_a_free_answer_hidden_by_the_organizer(
    app: App, client: httpx.AsyncClient
) -> None:
    meeting = {
        "csrf": client.csrf,
        "audience": f"c:{AGADIR}",
        "title": "Forum du budget",
        "when": local_value(datetime.now(UTC) + timedelta(days=3)),
        "place": "Salle communale",
        "agenda": "Le budget participatif",
        "action": "publish",
    }
    made = await client.post("/dashboard/meetings/new", data=meeting)
    held = int(made.headers["location"].split("/")[-1].split("?")[0])
    blank = await client.get("/dashboard/consultations/new")
    assert f'<option value="{held}">Forum du budget' in blank.text
    free = {
        "count": "1",
        "meeting": str(held),
        "q1_kind": "text",
        "q1_prompt_fr": "Une idée ?",
        "q1_prompt_ar": "",
        "q1_options_fr": "",
        "q1_options_ar": "",
    }
    unknown = form(client.csrf, "publish", **{**free, "meeting": "999"})
    refused = await client.post("/dashboard/consultations/new", data=unknown)
    assert refused.status_code == 400 and "pas une réunion de sa commune" in refused.text
    saved = await client.post(
        "/dashboard/consultations/new", data=form(client.csrf, "publish", **free)
    )
    number = int(saved.headers["location"].split("/")[-1].split("?")[0])
    (stored,) = await rows(app, CONSULTATION)
    assert stored.meeting_id == held
    now = datetime.now(UTC)
    for n, idea in enumerate(("Un banc devant l'école", "Des insultes")):
        resident = await add_resident(app.db, app.clock, f"r{n}", "fr")
        async with app.db.transaction() as tx:
            await tx.run(
                consultations.answer, number, resident, AGADIR, 0, Response(text=idea), now
            )
    page = await client.get(f"/dashboard/consultations/{number}")
    (insult,) = re.findall(r'<li id="free-(\d+)"><span dir="auto">Des insultes', page.text)
    async with await signed_browser(app, "tiznit", TIZNIT) as other:
        tried = await other.post(
            f"/dashboard/consultations/{number}/hide/{insult}", data={"csrf": other.csrf}
        )
        assert tried.status_code == 403
    hidden = await client.post(
        f"/dashboard/consultations/{number}/hide/{insult}", data={"csrf": client.csrf}
    )
    assert hidden.headers["location"].endswith("?done=hidden")
    page = await client.get(hidden.headers["location"])
    assert "Des insultes" not in page.text and "Un banc devant" in page.text
    exported = await client.get(f"/dashboard/consultations/{number}/export/csv")
    assert "Des insultes" not in exported.text and "hidden,1" in exported.text
    again = await client.post(
        f"/dashboard/consultations/{number}/hide/{insult}", data={"csrf": client.csrf}
    )
    assert again.status_code == 404
    audited = await rows(app, AUDIT_ENTRY, AUDIT_ENTRY.c.action == "hide_answer")
    assert [r.allowed for r in audited] == [False, True, True]
