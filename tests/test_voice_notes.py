"""Voice notes in, on the terminal, on Telegram (its webhook, the file fetched by getFile) and
on WhatsApp (Twilio's signed webhook, the MediaUrl fetched with the account's credentials):
kept as bytes the moment they arrive, for a report's place and description; one over 2 MB
refused in the resident's language with the question asked again; erasure deletes the bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from conversations import activity, menu, my_data, onboarding, voice
from conversations.report import CATEGORIES
from conversations.report_need import ASK_DESCRIPTION, CONFIRM, SKIP
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import MEDIA, REPORT, REPORT_MEDIA
from tests.support.clock import Clock
from tests.support.dialog import CHANNELS, label, resident_on, rows
from tests.support.users import User

PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca
LIGHTING = next(option for option in CATEGORIES if option.id == "lighting")
# An OGG page header is all a sniffer reads: the rest stands for Opus packets.
PLACE = b"OggS\x00\x02" + b"place of the need " * 40
DESCRIPTION = b"OggS\x00\x02" + b"a lamp out for two weeks " * 60
TOO_LARGE = b"OggS\x00\x02" + b"\x00" * voice.VOICE_MAX


@pytest.fixture(params=CHANNELS)
async def user(
    request: pytest.FixtureRequest, sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> AsyncIterator[User]:
    telegram = request.getfixturevalue("fake_telegram") if request.param == "telegram" else None
    async with resident_on(request.param, sqlite_db, gazetteer, clock, telegram) as user:
        yield user


def said(user: User) -> str:
    return "\n".join(user.replies)


async def test_a_report_said_in_voice_notes_is_kept_as_bytes_and_erased_with_its_resident(
    user: User, sqlite_db: Database, gazetteer: Gazetteer
) -> None:
    db, commune = sqlite_db, gazetteer.at(*PIN)
    await user.say("Salam")
    await user.choose("Français")
    await user.choose(label(onboarding.AGREE))
    await user.share_location(*PIN)
    await user.choose(commune.name_fr)

    await user.choose(label(menu.REPORT))
    await user.choose(label(LIGHTING))
    await user.send_voice(PLACE)
    assert label(ASK_DESCRIPTION.text) in said(user), "the place said, the description asked"
    await user.send_voice(TOO_LARGE)
    # Refused in her language; the description is still what is asked (the engine does not
    # repeat a question just asked in full after its hint).
    assert said(user) == label(voice.TOO_LARGE)
    await user.send_voice(DESCRIPTION)
    await user.choose(label(SKIP))
    assert "message vocal" in said(user)
    await user.choose(label(CONFIRM))
    (report,) = await rows(db, REPORT)
    assert report["ref"] in said(user) and report["place"] is None

    files = await rows(db, REPORT_MEDIA)
    assert sorted((f["kind"], f["part"]) for f in files) == [("voice", ""), ("voice", "place")]
    assert all(f["ref"].startswith(voice.STORED) for f in files)
    kept = {m["id"]: m for m in await rows(db, MEDIA)}
    by_part = {f["part"]: kept[voice.stored_id(f["ref"]) or 0] for f in files}
    assert by_part["place"]["bytes"] == PLACE and by_part[""]["bytes"] == DESCRIPTION
    assert {m["content_type"] for m in kept.values()} == {"audio/ogg"}
    assert len(kept) == 2, "the note over 2 MB was never kept"

    await user.say("menu")
    await user.choose(label(menu.ACTIVITY))
    await user.choose(label(activity.MY_DATA))
    await user.choose(label(my_data.ERASE))
    await user.choose(label(my_data.CONFIRM))
    assert label(my_data.ERASED) in said(user)
    assert await rows(db, MEDIA) == [], "the voice notes' bytes go with their resident"
    assert await rows(db, REPORT_MEDIA) == []
