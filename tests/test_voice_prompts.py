"""Voice prompts kept and read: OGG/Opus, MP3 and M4A known by their bytes and lengths; stored
once per prompt and language on SQLite and PostgreSQL (a new one replaces the old); one sent in
the chat fetched and checked later; and `hayna prompts list|add|remove`, each refusal in one
line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.prompt_fetch import WaitingPrompts
from bot.prompt_links import PromptLinks
from conversations.audio import MAX_BYTES, AudioProblem, AudioRefused, recording
from conversations.prompts import KEYS, PROMPTS, prompt_key
from conversations.seams import MediaFetcher
from handlers.console.lines import ConsoleFetcher
from storage import prompts
from storage.database import Database
from storage.prompts import SqlVoices
from tests.support.audio import m4a, mp3, opus
from tests.support.cli import hayna
from tests.support.clock import Clock


@pytest.mark.parametrize(
    ("data", "kind", "seconds"),
    [
        (opus(3.5), "audio/ogg", 3.5),
        (mp3(2.0), "audio/mpeg", 2.0),
        (mp3(2.0, tagged=False), "audio/mpeg", 2.0),
        (m4a(4.25), "audio/mp4", 4.25),
    ],
    ids=["opus", "mp3", "mp3 untagged", "m4a"],
)
def test_audio_is_known_by_its_bytes_and_length(data: bytes, kind: str, seconds: float) -> None:
    found = recording(data)
    assert found.content_type == kind
    assert found.seconds == pytest.approx(seconds, abs=0.03)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), AudioProblem.NOT_AUDIO),
        (b"OggS" + bytes(60), AudioProblem.NOT_AUDIO),
        (opus(1)[:30], AudioProblem.NOT_AUDIO),
        (opus(1) + bytes(MAX_BYTES), AudioProblem.TOO_LARGE),
        (opus(61), AudioProblem.TOO_LONG),
        (mp3(61), AudioProblem.TOO_LONG),
        (m4a(90), AudioProblem.TOO_LONG),
    ],
    ids=["png", "ogg of nothing", "cut short", "too large", "opus", "mp3", "m4a"],
)
def test_what_is_no_prompt_is_refused(data: bytes, problem: AudioProblem) -> None:
    with pytest.raises(AudioRefused) as refused:
        recording(data)
    assert refused.value.problem is problem


def test_every_prompt_has_its_own_key_and_message() -> None:
    assert len(set(KEYS)) == len(KEYS) == len(PROMPTS)
    assert all(prompt_key(prompt.text) == prompt.key for prompt in PROMPTS)


async def test_a_prompt_is_stored_once_and_replaced(db: Database, clock: Clock) -> None:
    voices = SqlVoices(db)
    assert await voices.voice("menu", "fr") is None
    first, second = opus(2), opus(3)
    await prompts.add(db, "menu", "fr", first, recording(first), clock(), "test")
    await prompts.add(db, "menu", "ar", m4a(2), recording(m4a(2)), clock(), "test")
    found = await voices.voice("menu", "fr")
    assert found is not None and (found.data, found.filename) == (first, "menu-fr.ogg")
    await prompts.add(db, "menu", "fr", second, recording(second), clock(), "test")
    found = await voices.voice("menu", "fr")
    assert found is not None and found.data == second
    stored = await prompts.stored(db)
    assert [(p.key, p.language, p.content_type) for p in stored] == [
        ("menu", "ar", "audio/mp4"),
        ("menu", "fr", "audio/ogg"),
    ]
    assert await prompts.remove(db, "menu", "fr", clock(), "test") == 1
    assert await voices.voice("menu", "fr") is None


async def test_a_prompt_sent_in_the_chat_is_fetched_checked_and_stored(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    (tmp_path / "good").write_bytes(opus(2))
    (tmp_path / "long").write_bytes(opus(70))
    async with db.transaction() as tx:
        for key, ref in (("menu", "good"), ("commune", "long"), ("privacy", "gone")):
            await tx.run(prompts.wait, key, "fr", "console", str(tmp_path / ref), clock())
    fetchers: dict[str, MediaFetcher] = {"console": ConsoleFetcher()}
    assert await WaitingPrompts(db, fetchers).fetch(clock()) == 3
    assert [(p.key, p.language) for p in await prompts.stored(db)] == [("menu", "fr")]
    assert await prompts.waiting(db) == []
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 2, dropped


def test_hayna_prompts_add_list_and_remove(tmp_path: Path) -> None:
    note, song = tmp_path / "menu.ogg", tmp_path / "commune.mp3"
    note.write_bytes(opus(4))
    song.write_bytes(mp3(3))
    assert hayna(tmp_path, "db", "upgrade").returncode == 0
    added = hayna(tmp_path, "prompts", "add", "menu", "fr", str(note))
    assert added.returncode == 0, added.stderr
    assert "menu recorded in fr (4.0 s)" in added.stdout
    assert hayna(tmp_path, "prompts", "add", "commune", "ar", str(song)).returncode == 0
    listed = hayna(tmp_path, "prompts", "list").stdout
    menu = next(line for line in listed.splitlines() if line.startswith("menu "))
    assert menu.split()[1:4] == ["fr", "ar", "zgh"], menu
    assert "What would you like to do?" in menu
    removed = hayna(tmp_path, "prompts", "remove", "menu", "fr")
    assert removed.returncode == 0 and "removed" in removed.stdout
    again = hayna(tmp_path, "prompts", "remove", "menu", "fr")
    assert (again.returncode, again.stderr.strip()) == (2, "hayna: menu has no recording in fr")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"%PDF-1.7" + bytes(64), "is not OGG/Opus, MP3 or M4A audio (by its first bytes)"),
        (opus(1) + bytes(MAX_BYTES), "is larger than 1 MB"),
        (opus(75), "plays 75 s, more than 60 s"),
    ],
    ids=["not audio", "too large", "too long"],
)
def test_hayna_prompts_add_refuses_in_one_line(tmp_path: Path, content: bytes, said: str) -> None:
    given = tmp_path / "prompt.ogg"
    given.write_bytes(content)
    result = hayna(tmp_path, "prompts", "add", "menu", "fr", str(given))
    assert result.returncode == 2
    assert result.stderr.strip() == f"hayna: {given} {said}"
    assert "menu " in hayna(tmp_path, "prompts", "list").stdout


def test_a_prompt_link_is_signed(sqlite_db: Database) -> None:
    links = PromptLinks(sqlite_db, "k" * 40, "https://hayna.example.org/")
    url = links.url(12, "menu-fr.ogg")
    token = url.split("/")[-2]
    assert url == f"https://hayna.example.org/prompts/{token}/menu-fr.ogg"
    assert links.prompt_id(token) == 12
    assert links.prompt_id(token.replace("12-", "13-")) is None
    assert links.prompt_id("12-" + "0" * 32) is None
    assert PromptLinks(links.db, "k" * 40, None).url(12, "menu-fr.ogg") == ""
