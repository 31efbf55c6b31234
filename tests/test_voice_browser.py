"""Voice notes in a real browser, against `hayna serve` on 127.0.0.1: a resident of Agadir says
a report's place and description in voice notes and asks a question by one, in the terminal
chat; the organizer's report and question pages play each in an ``<audio>`` player that loads
its sound under the pages' policy, in French and in Arabic (right to left), on a desktop and on
a 390-px phone. Screenshots are left in tests/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.cli import run
from tests.support.dashboard_site import KEY, Site, choose_language, serve_site, shots_folder, snap

PHONE = {"width": 390, "height": 844}
# MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, 417 bytes each): about a second.
MP3 = b"\xff\xfb\x90\x64" + bytes(413)
# The duration the player reads once it loaded the file: the sound was served and decoded.
DURATION = """a => new Promise((done) => {
  a.onloadedmetadata = () => done(a.duration);
  a.onerror = () => done(-1);
  a.preload = "auto";
  a.load();
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory, reports=False)


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    yield from shots_folder()


def said_by_voice(site: Site) -> None:
    """A report of Agadir whose place and description are voice notes, then a question."""
    for name in ("place", "need", "question"):
        (site.folder / f"{name}.mp3").write_bytes(MP3 * (20 + len(name)))
    script = site.folder / "voices.txt"
    script.write_text(
        "Bonjour\n1\nAgadir\n1\n1\n1\n/voice place.mp3\n/voice need.mp3\n1\n1\n"
        "poser une question\n/voice question.mp3\n",
        encoding="utf-8",
    )
    chat = run(site.folder, "chat", "--as", "amina", "--script", str(script), HAYNA_SECRET_KEY=KEY)
    assert chat.returncode == 0, chat.stderr


def players(page: Page, count: int) -> None:
    audio = page.locator("audio[controls]")
    assert audio.count() == count
    for n in range(count):
        assert audio.nth(n).evaluate(DURATION) > 0.5, "the sound loaded and decoded"


def test_voice_notes_play_on_the_report_and_question_pages(
    site: Site, page: Page, shots: Path
) -> None:
    said_by_voice(site)
    [(ref,)] = site.rows("SELECT ref FROM report")
    page.goto(f"{site.base}/dashboard/reports/{ref}")
    assert "Message vocal : où se trouve-t-il" in page.inner_text("main")
    assert "Dit dans un message vocal, ci-dessous" in page.inner_text("main")
    players(page, 2)
    snap(page, shots, "voice-report-fr", PHONE)
    choose_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "رسالة صوتية: أين توجد" in page.inner_text("main")
    players(page, 2)
    snap(page, shots, "voice-report-ar", PHONE)
    [(ticket,)] = site.rows("SELECT id FROM question")
    page.goto(f"{site.base}/dashboard/questions/{ticket}")
    players(page, 1)
    snap(page, shots, "voice-question-ar", PHONE)
    choose_language(page, "fr")
    snap(page, shots, "voice-question-fr", PHONE)
