"""A consultation in a real browser, against `hayna serve` on 127.0.0.1: the organizer of
Agadir writes one in French with its title and first question in Arabic too (the other
languages folded until opened), adds a question, previews it, publishes it; five residents of
Agadir answer in the chat; its results page shows the counts, the scale's mean, a breakdown by
commune whose cells under 5 say so, in French and in Arabic (right to left), on a desktop and
on a 360-px phone. Screenshots are left in tests/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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


def write(page: Page) -> None:
    page.goto(page.url.split("/dashboard")[0] + "/dashboard/consultations/new")
    page.fill("#asked_by", "Association Tilila")
    page.fill("#title_fr", "Les priorités de Talborjt")
    assert not page.locator("#title_ar").is_visible(), "other languages are folded"
    page.locator("details.languages summary").first.click()
    page.fill("#title_ar", "أولويات تالبرجت")
    page.fill("#purpose_fr", "Préparer le budget participatif de 2027.")
    page.fill("#closes", local_value(datetime.now(UTC) + timedelta(days=7)))
    page.select_option("#q1_kind", "one")
    page.fill("#q1_prompt_fr", "Le plus urgent ?")
    page.fill("#q1_options_fr", "Éclairage\nEau potable\nTransport scolaire")
    with page.expect_navigation():
        page.locator("#more").click()
    assert page.is_visible("#question-2") and page.input_value("#title_ar") == "أولويات تالبرجت"
    page.select_option("#q2_kind", "scale")
    page.fill("#q2_prompt_fr", "Êtes-vous satisfait de l'éclairage ?")
    with page.expect_navigation():
        page.locator("#more").click()
    page.select_option("#q3_kind", "text")
    page.fill("#q3_prompt_fr", "Une idée pour le quartier ?")
    page.check("#q3_optional")


def answer(site: Site, user: str, choice: int) -> None:
    """A resident set up in Agadir answers it in the chat: Menu → Consultations, the first."""
    script = site.folder / f"{user}.txt"
    script.write_text(
        f"Bonjour\n1\nAgadir\n1\nconsultations\n1\n1\n{choice}\n٤\nUn banc, {user}\n",
        encoding="utf-8",
    )
    said = run(site.folder, "chat", "--as", user, "--script", str(script), HAYNA_SECRET_KEY=KEY)
    assert said.returncode == 0, said.stderr


def test_written_previewed_published_answered_and_shown(
    site: Site, page: Page, shots: Path
) -> None:
    write(page)
    with page.expect_navigation():
        page.locator("#preview-button").click()
    assert "Transport scolaire" in page.locator("#preview").inner_text()
    assert site.rows("SELECT count(*) FROM consultation") == [(0,)]
    snap(page, shots, "consultation-form-fr")
    with page.expect_navigation():
        page.locator("#publish").click()
    assert page.locator("#done").get_attribute("data-done") == "open"
    [(number, status)] = site.rows("SELECT id, status FROM consultation")
    assert status == "open"

    for n, choice in enumerate((1, 1, 1, 1, 1, 2)):
        answer(site, f"voisin{n}", choice)
    page.reload()
    assert page.locator("#completed").inner_text() == "6"
    assert "4.0" in page.locator("#mean-2").inner_text()
    result = page.locator("#result-1").inner_text()
    assert "Éclairage" in result and "83 %" in result and "moins de 5" in result
    assert page.locator("#result-3 li").count() == 6
    with page.expect_navigation():
        page.locator("#result-3 li button").first.click()
    assert page.locator("#done").get_attribute("data-done") == "hidden"
    assert page.locator("#result-3 li").count() == 5
    snap(page, shots, "consultation-results-fr")
    choose_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "أولويات تالبرجت"
    assert "أقل من 5" in page.locator("#result-1").inner_text()
    snap(page, shots, "consultation-results-ar")
    page.goto(f"{site.base}/dashboard/consultations")
    assert page.locator(f"#consultation-{number}").inner_text().startswith("أولويات تالبرجت")
    snap(page, shots, "consultations-ar")
    page.goto(f"{site.base}/dashboard/consultations/new")
    snap(page, shots, "consultation-form-ar")
    choose_language(page, "fr")
