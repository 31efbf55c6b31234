"""Channels are declared once: each folder of `handlers` declares its capabilities, the registry
lists every one of them, the engine renders with them, and `conversations` names no platform."""

from __future__ import annotations

import importlib
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import every_flow
from bot.channels import CHANNELS, REGISTRY
from bot.i18n import translator
from conversations.capabilities import Capabilities, Channels
from conversations.engine import Engine
from conversations.kit import Media, MediaKind
from conversations.language import SUPPORTED
from conversations.organizing import text_limit
from handlers.whatsapp.capabilities import CAPABILITIES as WHATSAPP
from tests.memory.store import MemoryStore
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.residents import ADMIN, onboard

ROOT = Path(__file__).resolve().parent.parent
# A platform's name, its link domains, or the names of Hayna's own channels.
PLATFORM = re.compile(
    r"telegram|whatsapp|twilio|\bt\.me\b|\bwa\.me\b|\bconsole\b|\bterminal\b", re.I
)


def test_conversations_name_no_platform() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "conversations").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PLATFORM.search(line)
    ]
    assert found == [], "platform habits belong in the channel's folder:\n" + "\n".join(found)


def test_the_platform_check_sees_a_platform() -> None:
    assert PLATFORM.search("# Telegram's deep links carry 64 bytes")
    assert PLATFORM.search("see https://t.me/HaynaBot")
    assert not PLATFORM.search("if wanted.intent is Intent.MENU:")


def channel_folders() -> list[str]:
    return sorted(
        folder.name
        for folder in (ROOT / "handlers").iterdir()
        if (folder / "capabilities.py").is_file()
    )


def test_every_channel_folder_is_registered_once() -> None:
    assert {"console", "telegram", "whatsapp"} <= set(channel_folders())
    registered = [entry.capabilities.name for entry in REGISTRY]
    assert sorted(registered) == channel_folders(), "one registry line per channel folder"
    assert len(set(registered)) == len(registered)


@pytest.mark.parametrize("name", channel_folders())
def test_each_channel_declares_its_capabilities_in_its_folder(name: str) -> None:
    declared = importlib.import_module(f"handlers.{name}.capabilities").CAPABILITIES
    assert isinstance(declared, Capabilities) and declared.name == name
    assert CHANNELS.get(name) is declared, "the registry reads the folder's declaration"
    assert declared.text_limit > 0 and declared.media_limit > 0
    assert declared.caption_limit is None or 0 < declared.caption_limit <= declared.text_limit
    for locale in SUPPORTED:
        tr = translator(locale)
        assert declared.label.render(tr).strip()
        if declared.location_hint is not None:
            assert declared.location_hint.render(tr).strip()
        if declared.share is not None:
            assert "K7QD2M" in declared.share("K7QD2M").render(tr)


def test_a_channel_declaration_loads_no_platform_library() -> None:
    # Every `hayna` command reads the registry; only serving needs the platforms' libraries.
    for name in channel_folders():
        source = (ROOT / "handlers" / name / "capabilities.py").read_text(encoding="utf-8")
        imported = re.findall(r"^(?:from|import) ([\w.]+)", source, re.M)
        assert all(module.split(".")[0] in ("__future__", "conversations") for module in imported)


def test_an_update_fits_every_channel() -> None:
    # An update goes everywhere: its text and the line naming its sender fit the shortest push
    # any channel carries (WhatsApp's template variable), and its photo the smallest media limit.
    assert text_limit(CHANNELS) == 740
    assert CHANNELS.media_limit() == 5 * 1024 * 1024
    assert CHANNELS.push_limit() < max(c.text_limit for c in CHANNELS.every), "a template binds"


async def test_the_organizer_flow_reads_the_limits_of_the_channels(clock: Clock) -> None:
    # A channel with a shorter template variable and a smaller photo limit: the flow follows it.
    tight = Channels.of_all([replace(WHATSAPP, template_variable_limit=400, media_limit=999)])
    store = MemoryStore(clock, organizers=frozenset({ADMIN}))
    admin = FakeResident(Engine(store, every_flow(), translator, clock, channels=tight), "admin")
    await onboard(admin, "en")
    await admin.tap("meetings")
    await admin.tap("organize")
    await admin.tap("broadcast")
    assert "at most 240 characters" in admin.text, "400 less the sender's line"
    await admin.send_photo()  # 1,000 bytes
    assert "Only a photo" in admin.text
    await admin.send(media=(Media(MediaKind.PHOTO, "small.jpg", "image/jpeg", 999),))
    assert "Photo added" in admin.text
    await admin.say("x" * 241)
    assert "at most 240 characters" in admin.text
    await admin.say("x" * 240)
    assert admin.option_ids == ["ar", "fr", "zgh", "continue"]


def test_only_the_operators_own_channel_escapes_flood_control() -> None:
    assert [c.name for c in CHANNELS.every if not c.limited] == ["console"]


@pytest.mark.parametrize(
    ("channel", "hinted"), [("telegram", False), ("whatsapp", True), ("console", False)]
)
async def test_the_location_hint_follows_the_channel(
    engine: Engine, channel: str, hinted: bool
) -> None:
    resident = FakeResident(engine, "+212600000001", channel)
    await resident.say("Salam")
    await resident.say("1")  # العربية
    await resident.say("1")  # I agree
    asked = resident.last[-1]
    assert asked.ask_location
    hint = CHANNELS.get(channel).location_hint
    expected = hint.render(translator("ar")) if hint is not None else ""
    assert asked.location_hint == expected and bool(asked.location_hint) is hinted
