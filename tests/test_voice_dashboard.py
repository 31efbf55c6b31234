"""Residents' voice notes on the dashboard: each report's, consultation free answer's and
question's note kept by Hayna plays in an ``<audio>`` player, served to a signed-in organizer of
its commune with the type its first bytes show; an organizer of another commune is refused;
the pages' policy lets the player load it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from conversations.consultation import Response
from conversations.kit import Media, MediaKind
from conversations.question import Author, Message
from conversations.report import Category, Draft
from conversations.voice import stored_ref
from handlers.web.fields import local_value
from storage import consultations, media, questions, reports
from tests.support.deliveries import add_resident
from tests.support.desk import AGADIR, TIZNIT
from tests.support.web_session import signed_browser, sqlite_app

OGG = b"OggS\x00\x02" + b"opus" * 300
MP3 = b"ID3\x04\x00" + b"mpeg" * 300
AMR = b"#!AMR\n" + b"amr!" * 300


def free_question(csrf: str) -> dict[str, str]:
    """A published consultation of Agadir of one free question, as the form sends it."""
    closes = local_value(datetime.now(UTC) + timedelta(days=10))
    return {
        "csrf": csrf,
        "count": "1",
        "audience": f"c:{AGADIR}",
        "asked_by": "Association Nour",
        "anonymous": "on",
        "title_fr": "Nos idées",
        "title_ar": "أفكارنا",
        "purpose_fr": "Préparer le budget participatif.",
        "closes": closes,
        "q1_kind": "text",
        "q1_prompt_fr": "Une idée ?",
        "action": "publish",
    }


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async for built in sqlite_app(tmp_path):
        yield built


async def kept(app: App, data: bytes, kind: str) -> str:
    return stored_ref(await media.keep_voice(app.db, "n.x", kind, data, app.clock()))


async def test_every_voice_note_plays_for_its_communes_organizers_only(app: App) -> None:
    resident = await add_resident(app.db, app.clock, "amina", "fr")
    now = datetime.now(UTC)
    place = Media(MediaKind.VOICE, await kept(app, OGG, "audio/ogg"), "audio/ogg", len(OGG))
    draft = Draft(Category.LIGHTING, "", AGADIR, "", None, None, "", (), place)
    said = Message(Author.RESIDENT, now, "fr", "", await kept(app, AMR, "audio/amr"))
    async with app.db.transaction() as tx:
        ref = await tx.run(reports.file, resident, draft, now)
        ticket = await tx.run(questions.ask, resident, AGADIR, None, said)
    async with await signed_browser(app, "org", AGADIR) as organizer:
        saved = await organizer.post(
            "/dashboard/consultations/new",
            data=free_question(organizer.csrf),
        )
        assert saved.status_code == 303, saved.text[-3000:]
        number = int(saved.headers["location"].split("/")[-1].split("?")[0])
        voice = Response(voice=await kept(app, MP3, "audio/mpeg"))
        now = datetime.now(UTC)  # once it is open
        async with app.db.transaction() as tx:
            await tx.run(consultations.answer, number, resident, AGADIR, 0, voice, now)
            await tx.run(consultations.complete, number, resident, now)

        page = await organizer.get(f"/dashboard/reports/{ref}")
        (file_id,) = [
            part.split('"')[0] for part in page.text.split(f"/dashboard/reports/{ref}/media/")[1:]
        ]
        assert "<audio controls" in page.text and "default-src 'self'" in str(page.headers)
        played = await organizer.get(f"/dashboard/reports/{ref}/media/{file_id}")
        assert (played.content, played.headers["content-type"]) == (OGG, "audio/ogg")

        page = await organizer.get(f"/dashboard/questions/{ticket}")
        assert f'src="/dashboard/questions/{ticket}/voice/1"' in page.text
        played = await organizer.get(f"/dashboard/questions/{ticket}/voice/1")
        assert (played.content, played.headers["content-type"]) == (AMR, "audio/amr")
        missing = await organizer.get(f"/dashboard/questions/{ticket}/voice/2")
        assert missing.status_code == 404

        page = await organizer.get(f"/dashboard/consultations/{number}")
        (answer,) = [
            part.split('"')[0]
            for part in page.text.split(f'src="/dashboard/consultations/{number}/voice/')[1:]
        ]
        played = await organizer.get(f"/dashboard/consultations/{number}/voice/{answer}")
        assert (played.content, played.headers["content-type"]) == (MP3, "audio/mpeg")

    async with await signed_browser(app, "tiznit", TIZNIT) as other:
        for path in (
            f"/dashboard/reports/{ref}/media/{file_id}",
            f"/dashboard/questions/{ticket}/voice/1",
            f"/dashboard/consultations/{number}/voice/{answer}",
        ):
            refused = await other.get(path)
            assert refused.status_code in (403, 404) and refused.content not in (OGG, AMR, MP3)
