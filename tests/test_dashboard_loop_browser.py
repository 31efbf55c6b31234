"""A resident's question and a meeting's outcome in a real browser, against `hayna serve` on
127.0.0.1: a resident of Agadir asks the association in the chat; the organizer claims the
question on the dashboard and answers it; a meeting held an hour ago gets its outcome recorded
and published, its dated decision becoming a commitment. In French and in Arabic, on a desktop
and a 360-px phone; screenshots are left in tests/screenshots/."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page

from handlers.web.fields import local_value
from tests.support.cli import run
from tests.support.dashboard_site import (
    KEY,
    Site,
    choose_language,
    serve_site,
    shots_folder,
    snap,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory, reports=False)


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    yield from shots_folder()


def chat(site: Site, user: str, *lines: str) -> None:
    script = site.folder / f"{user}.txt"
    script.write_text("\n".join(["Bonjour", "1", "Agadir", "1", *lines, ""]), encoding="utf-8")
    said = run(site.folder, "chat", "--as", user, "--script", str(script), HAYNA_SECRET_KEY=KEY)
    assert said.returncode == 0, said.stderr


def test_a_question_claimed_and_answered(site: Site, page: Page, shots: Path) -> None:
    chat(site, "amina", "question", "Où renouveler la carte d'identité ?")
    [(number, status)] = site.rows("SELECT id, status FROM question")
    assert status == "open"
    page.goto(f"{site.base}/dashboard/questions")
    with page.expect_navigation():
        page.locator(f"#question-{number} a").click()
    with page.expect_navigation():
        page.locator("#claim").click()
    assert page.locator("#done").get_attribute("data-done") == "claimed"
    page.fill("#text", "Au guichet 3 de la commune, le matin.")
    snap(page, shots, "question-fr")
    with page.expect_navigation():
        page.locator("#send").click()
    assert page.locator("#done").get_attribute("data-done") == "answered"
    assert site.rows("SELECT status FROM question") == [("answered",)]
    assert page.locator("#claim").count() == 0, "answered: nothing to claim until a reply"
    choose_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    snap(page, shots, "question-ar")
    choose_language(page, "fr")


def test_a_held_meetings_outcome_published(site: Site, page: Page, shots: Path) -> None:
    page.goto(f"{site.base}/dashboard/meetings/new")
    page.fill("#title", "Forum du quartier")
    page.fill("#when", local_value(datetime.now(UTC) + timedelta(days=2)))
    page.fill("#place", "Maison des jeunes")
    page.fill("#agenda", "L'éclairage et le marché")
    with page.expect_navigation():
        page.locator("#publish").click()
    [(meeting,)] = site.rows("SELECT id FROM meeting")
    with sqlite3.connect(site.folder / "hayna.db") as conn:
        started = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.000000")
        conn.execute("UPDATE meeting SET starts_at = ? WHERE id = ?", (started, meeting))
    page.goto(f"{site.base}/dashboard/meetings/{meeting}")
    page.fill("#attended-field", "37")
    page.fill("#summary-field", "Les habitants demandent l'éclairage de la rue Tafoukt.")
    due = (date.today() + timedelta(days=60)).strftime("%d/%m/%Y")
    page.fill(
        "#decisions-field",
        f"Éclairer la rue Tafoukt; Service technique; {due}\nUn marché le samedi",
    )
    with page.expect_navigation():
        page.locator("#publish-outcome").click()
    assert page.locator("#done").get_attribute("data-done") == "publish_outcome"
    assert page.locator("#attended").inner_text() == "37"
    assert page.locator("#decisions li").count() == 2
    snap(page, shots, "meeting-outcome-fr")
    choose_language(page, "ar")
    snap(page, shots, "meeting-outcome-ar")
    choose_language(page, "fr")
    assert site.rows("SELECT text, source_kind FROM commitment") == [
        ("Éclairer la rue Tafoukt", "meeting")
    ]
