"""An association's petition through `hayna serve`'s real app, over HTTP: drafted in the form
(a missing association, a declaration ahead or unreadable said beside its field, never a 500),
published, its checklist ticked item by item with the session's token, filing offered only once
all are ticked and a refused filing naming the missing items, its supporters in the list, and
its public page and poster saying supporters, not signatures."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pypdfium2
import pytest

from bot.app import App, create_app
from bot.settings import Settings
from bot.web import web_app
from conversations.association import CheckItem
from conversations.groups import GroupKind
from conversations.kit import Address
from storage import groups, petitions
from tests.support.deliveries import add_resident
from tests.support.web_session import forged, web_session

ADMIN = Address("console", "admin")
AGADIR, TIZNIT = "001.01.01", "581.01.07"
BOT = "HaynaTestBot"
NUMBER = "212600000042"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
            "HAYNA_SECRET_KEY": "a" * 40,
            "HAYNA_ADMINS": str(ADMIN),
            "PUBLIC_BASE_URL": "https://hayna.example",
            "TELEGRAM_BOT_USERNAME": BOT,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "t" * 32,
            "TWILIO_WHATSAPP_FROM": f"whatsapp:+{NUMBER}",
            "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # no push goes out
        }
    )
    made = await create_app(settings, {})
    yield made
    await made.close()


@pytest.fixture
async def web(app: App) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The admin's browser, its pages in English (the words these tests read), and its token."""
    session, csrf = await web_session(app, ADMIN)
    transport = httpx.ASGITransport(app=web_app(app, []))
    cookie = {"Cookie": f"hayna_session={session}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hayna", headers=cookie
    ) as client:
        chosen = await client.post("/dashboard/language", data={"csrf": csrf, "language": "en"})
        assert chosen.status_code == 303
        yield client, csrf


async def associations(app: App) -> tuple[int, int]:
    """An association of Agadir and one of Tiznit."""
    async with app.db.transaction() as tx:
        made = [
            await tx.run(
                groups.create_group, commune, GroupKind.ASSOCIATION, name, "t", app.clock()
            )
            for commune, name in ((AGADIR, "Tilila"), (TIZNIT, "Amal"))
        ]
    return made[0], made[1]


def fields(app: App, csrf: str, **changed: str) -> dict[str, str]:
    today = app.clock().date()
    return {
        "csrf": csrf,
        "commune": AGADIR,
        "kind": "association",
        "title": "Une maison des jeunes",
        "summary": "Rouvrir la maison des jeunes",
        "body": "L'association demande la réouverture.",
        "requests": "Rouvrir avant l'été.",
        "representative": "Youssef Amrani",
        "deadline": (today + timedelta(days=30)).isoformat(),
        "declared": (today - timedelta(days=4 * 366)).isoformat(),
        # Hidden for an association's petition: whatever it holds is not read.
        "threshold": "beaucoup",
        **changed,
    }


async def test_drafted_ticked_and_filed_through_the_forms(
    app: App, web: tuple[httpx.AsyncClient, str]
) -> None:
    client, csrf = web
    tilila, amal = await associations(app)
    form = await client.get("/dashboard/petitions/new")
    assert form.status_code == 200 and 'id="kind-association"' in form.text
    assert f'<option value="{tilila}">Tilila · ' in form.text
    assert f'<option value="{amal}">Amal · ' in form.text, "the admin organizes everywhere"
    tomorrow = (app.clock().date() + timedelta(days=1)).isoformat()
    for wrong, field in (
        ({"association": ""}, "association"),
        ({"association": str(amal)}, "association"),  # another commune's association
        ({"association": str(tilila), "declared": tomorrow}, "declared"),
        ({"association": str(tilila), "declared": "l'an dernier"}, "declared"),
    ):
        refused = await client.post("/dashboard/petitions/new", data=fields(app, csrf, **wrong))
        assert refused.status_code == 400, wrong
        assert f'id="{field}-error"' in refused.text and "Youssef Amrani" in refused.text
    drafted = await client.post(
        "/dashboard/petitions/new", data=fields(app, csrf, association=str(tilila))
    )
    assert drafted.status_code == 303
    found = re.fullmatch(r"/dashboard/petitions/(\w{6})\?done=drafted", drafted.headers["location"])
    assert found, drafted.headers["location"]
    code = found.group(1)
    move, tick = f"/dashboard/petitions/{code}/move", f"/dashboard/petitions/{code}/tick"
    assert (await client.post(move, data={"csrf": csrf, "life": "open"})).status_code == 303
    await support(app, code)
    async with app.db.transaction() as tx:
        record = await tx.run(petitions.record, code)
    assert (record.text.threshold, record.text.association_id) == (0, tilila)

    page = (await client.get(f"/dashboard/petitions/{code}")).text
    assert 'id="paper"' not in page, "no paper signatures for an association's petition"
    assert 'id="move-filed"' not in page and 'id="filing-waits"' in page
    assert "it is not a legal signature" in page and "1 supporter" in page
    assert "Its declaration was received 4 years ago." in page
    assert 'id="years-warning"' not in page, "four years are more than the three asked"
    refused = await client.post(move, data={"csrf": csrf, "life": "filed", "receipt": "R-1"})
    assert refused.status_code == 400 and 'id="missing-items"' in refused.text
    assert "A copy of its statutes is attached" in refused.text

    wrong = await client.post(tick, data={"csrf": forged(csrf), "item": "seat", "ticked": "1"})
    assert wrong.status_code == 403
    junk = await client.post(tick, data={"csrf": csrf, "item": "nope", "ticked": "1"})
    assert junk.status_code == 400 and "not on this petition&#39;s checklist" in junk.text
    for item in CheckItem:
        ticked = await client.post(tick, data={"csrf": csrf, "item": item, "ticked": "1"})
        assert ticked.status_code == 303, item
        assert ticked.headers["location"] == f"/dashboard/petitions/{code}?done=ticked:0"
    page = (await client.get(f"/dashboard/petitions/{code}")).text
    assert 'id="move-filed"' in page and "Ticked by console resident " in page
    # The language switch comes back to the page, "what was done" and all.
    back = f"/dashboard/petitions/{code}?done=ticked:0"
    switched = await client.post(
        "/dashboard/language", data={"csrf": csrf, "language": "en", "back": back}
    )
    assert switched.headers["location"] == back
    untick = {"csrf": csrf, "item": "seat", "ticked": "0"}
    assert (await client.post(tick, data=untick)).status_code == 303
    assert 'id="move-filed"' not in (await client.get(f"/dashboard/petitions/{code}")).text
    assert (await client.post(tick, data={**untick, "ticked": "1"})).status_code == 303

    filed = await client.post(move, data={"csrf": csrf, "life": "filed", "receipt": "R-1"})
    assert filed.status_code == 303 and filed.headers["location"].endswith("done=moved:1")
    page = (await client.get(f"/dashboard/petitions/{code}")).text
    assert 'id="tick-seat"' not in page, "filed: the checklist stays as it was filed"
    listed = (await client.get("/dashboard/petitions")).text
    assert "Carried by Tilila" in listed and 'data-supporters="1"' in listed
    overview = (await client.get("/dashboard")).text
    assert 'data-supporters="1"' in overview and "1 of 0" not in overview


async def support(app: App, code: str) -> None:
    """A resident supports the petition, as the chat stores it."""
    amina = await add_resident(app.db, app.clock, "amina", "fr")
    async with app.db.transaction() as tx:
        await tx.run(petitions.support, code, amina, app.clock())


async def test_the_public_page_and_poster_say_supporters(
    app: App, web: tuple[httpx.AsyncClient, str]
) -> None:
    client, csrf = web
    tilila, _ = await associations(app)
    drafted = await client.post(
        "/dashboard/petitions/new", data=fields(app, csrf, association=str(tilila))
    )
    code = drafted.headers["location"].split("/")[-1].split("?")[0]
    await client.post(f"/dashboard/petitions/{code}/move", data={"csrf": csrf, "life": "open"})
    await support(app, code)

    english = (await client.get(f"/p/{code}?l=en")).text
    assert "Carried by Tilila" in english and "1 supporter" in english
    # The same links as a residents' petition's, in the words of support.
    telegram = f'id="sign-telegram" href="https://t.me/{BOT}?start=p_{code}" rel="noopener">'
    assert f"{telegram}Support on Telegram</a>" in english
    whatsapp = f'id="sign-whatsapp" href="https://wa.me/{NUMBER}?text=P%20{code}" rel="noopener">'
    assert f"{whatsapp}Support on WhatsApp</a>" in english
    assert 'id="progress"' not in english and "signatures of the" not in english
    assert '<meta property="og:description" content="A petition of Tilila: Rouvrir' in english
    for locale in ("ar", "fr", "zgh"):
        seen = await client.get(f"/p/{code}?l={locale}")
        assert seen.status_code == 200 and 'data-supporters="1"' in seen.text
        assert 'id="progress"' not in seen.text
    assert 'dir="rtl"' in (await client.get(f"/p/{code}?l=ar")).text

    poster = await client.get(f"/p/{code}/poster.pdf")
    assert poster.status_code == 200
    text = pypdfium2.PdfDocument(poster.content)[0].get_textpage().get_text_range()
    # (pdfium reads a line that mixes French and Arabic in its own order: words, not lines.)
    assert "Soutiens" in text and "Portée par : Tilila" in text and "Soutenez" in text
    assert "Signatures" not in text and "Signez" not in text
