"""The terminal channel: typed lines become messages, replies and pushes become text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.kit import Choice, Location, MediaKind, Outgoing
from conversations.text import _
from handlers.console.lines import CommandError, ConsoleOutbox, to_inbound, to_text
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import RESIDENT
from tests.resident import FakeResident
from tests.support.clock import Clock


def test_lines_become_messages(tmp_path: Path) -> None:
    photo = tmp_path / "road.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    assert to_inbound("/location 33.57, -7.59", "amina", 1).location == Location(33.57, -7.59)
    media = to_inbound(f"/photo {photo}", "amina", 2).media[0]
    assert (media.kind, media.content_type, media.size) == (MediaKind.PHOTO, "image/jpeg", 103)
    voice = tmp_path / "note.ogg"
    voice.write_bytes(b"OggS" + b"0" * 50)
    assert to_inbound(f"/voice {voice}", "amina", 3).media[0].content_type == "audio/ogg"
    disguised = tmp_path / "cv.jpg"
    disguised.write_bytes(b"%PDF-1.4 a document")
    assert to_inbound(f"/photo {disguised}", "amina", 4).media[0].content_type == "application/pdf"
    first, second = to_inbound("salam", "amina", 4), to_inbound("salam", "amina", 5)
    assert first.text == "salam" and first.message_id != second.message_id


@pytest.mark.parametrize(
    "line", ["/location", "/location north south", "/photo", "/photo /no/such/file.jpg"]
)
def test_malformed_commands_are_explained(line: str) -> None:
    with pytest.raises(CommandError, match=r"usage|cannot read"):
        to_inbound(line, "amina", 1)


def test_options_are_numbered_and_a_pin_is_hinted() -> None:
    out = Outgoing("Choose:", (Choice("a", "Alpha"), Choice("b", "Beta")), ask_location=True)
    assert to_text(out) == "Choose:\n\n1. Alpha\n2. Beta\n📍 /location LAT LON"


@pytest.mark.parametrize("typed", ["2", "٢", "۲", "2.", " 2 "])
async def test_a_number_in_any_digit_script_picks_the_option(
    resident: FakeResident, typed: str
) -> None:
    await resident.say("salam")
    await resident.say(typed)
    assert resident.option_ids == ["agree", "decline"]
    assert "Acceptez-vous" in resident.text  # the second language is French


async def test_pushes_print_in_the_terminal(
    resident: FakeResident, sqlite_db: Database, clock: Clock
) -> None:
    await resident.say("salam")
    printed: list[str] = []
    queue = DeliveryQueue(sqlite_db)
    await queue.enqueue("hello", 1, _("Notifications are on again.").to_json(), clock())
    dispatcher = Dispatcher(queue, {"console": ConsoleOutbox(printed.append)}, translator, clock)
    assert await dispatcher.run_once() == 1
    assert printed == ["🔔 [amina] " + _("Notifications are on again.").render(translator("ar"))]


@pytest.mark.parametrize("line", ["/photo ~nosuchuser/x.jpg", "/photo /" + "x" * 5000])
def test_unreadable_paths_are_explained(line: str) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        to_inbound(line, "amina", 1)


@pytest.mark.parametrize("pin", ["1e308 1e308", "999 999", "nan nan", "90 180"])
async def test_impossible_pins_are_answered(resident: FakeResident, pin: str) -> None:
    await resident.say("salam")
    await resident.tap("fr")
    await resident.tap("agree")
    lat, lon = (float(part) for part in pin.split())
    await resident.share_location(lat, lon)
    assert resident.last[-1].ask_location
    assert "commune" in resident.texts[0]


async def test_a_push_prints_only_in_its_residents_own_chat(tmp_path: Path) -> None:
    from bot.app import create_app
    from bot.chat import converse
    from bot.settings import Settings

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HAYNA_SECRET_KEY": "k" * 40}
    amina_screen: list[str] = []
    karim_screen: list[str] = []
    apps = []
    for screen in (amina_screen, karim_screen):
        # Two terminals, two processes' worth of apps on one database.
        outbox = ConsoleOutbox(screen.append)
        apps.append(await create_app(Settings.from_env(env), {"console": outbox}))
    amina_app, karim_app = apps
    try:
        await converse(amina_app, "amina", ["salam"], amina_screen.append, tmp_path)
        await converse(karim_app, "karim", ["salam"], karim_screen.append, tmp_path)
        queue = DeliveryQueue(amina_app.db)
        notice = _("Notifications are on again.")
        async with amina_app.db.transaction() as tx:
            ids = await tx.run(_resident_ids)
        await queue.enqueue("for-karim", ids["karim"], notice.to_json(), datetime.now(UTC))
        await queue.enqueue("for-amina", ids["amina"], notice.to_json(), datetime.now(UTC))

        await converse(amina_app, "amina", ["1"], amina_screen.append, tmp_path)
        assert [line for line in amina_screen if line.startswith("🔔")] == [
            "🔔 [amina] " + notice.render(translator("ar"))
        ]
        assert not [line for line in karim_screen if line.startswith("🔔")], "not yet: not here"
        # Karim's prints when he next opens his chat, in his own terminal.
        await converse(karim_app, "karim", [], karim_screen.append, tmp_path)
        assert [line for line in karim_screen if line.startswith("🔔")] == [
            "🔔 [karim] " + notice.render(translator("ar"))
        ]
    finally:
        for app in apps:
            await app.close()


def _resident_ids(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(RESIDENT.c.user_id, RESIDENT.c.id)).all()
    return {user: resident for user, resident in rows}
