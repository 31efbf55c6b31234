"""The organizers' dashboard in a real browser, against `hayna serve` on 127.0.0.1: an organizer
redeems an invite and types "dashboard" in the terminal chat, opens the link in Chromium, and
works without the command line. Screenshots of the overview in French and Arabic, and on a
phone's width, are left in tests/screenshots/ (emptied at each run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.support.cli import run
from tests.support.dashboard_site import (
    DESKTOP,
    KEY,
    PHONE,
    Site,
    serve_site,
    shots_folder,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory, demo=True)


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    yield from shots_folder()


def test_the_link_signs_in_once_and_the_overview_is_in_the_chat_language(
    site: Site, page: Page, browser: Browser, shots: Path
) -> None:
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Vue d’ensemble").is_visible()
    assert page.locator(".chart svg").count() == 3
    page.screenshot(path=shots / "overview-fr.png", full_page=True)
    cookie = next(c for c in page.context.cookies() if c["name"] == "hayna_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    other = browser.new_page()
    other.goto(site.link)
    other.get_by_role("button", name="Se connecter").click()
    assert "déjà servi" in other.locator("main").inner_text()
    other.close()


def test_arabic_is_laid_out_right_to_left_and_fits_a_phone(
    site: Site, page: Page, shots: Path
) -> None:
    page.select_option("#language", "ar")
    page.locator("form.language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    assert brand is not None and brand["x"] > 600, "the title starts on the right"
    page.screenshot(path=shots / "overview-ar.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{site.base}/dashboard/reports")
    page.screenshot(path=shots / "reports-ar-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 360-px phone"
    page.set_viewport_size(DESKTOP)
    page.select_option("#language", "fr")
    page.locator("form.language button").click()
    page.wait_for_load_state()


def test_a_status_change_queues_the_residents_notice(site: Site, page: Page) -> None:
    page.goto(f"{site.base}/dashboard/reports")
    page.get_by_role("link", name=site.mine).click()
    page.select_option("#new-status", "in_progress")
    page.fill("#note", "Les services techniques passent jeudi.")
    page.get_by_role("button", name="Enregistrer et prévenir les habitants").click()
    assert "1 habitant sera prévenu" in page.locator(".flash").inner_text()
    [(status,)] = site.rows("SELECT status FROM report WHERE ref = ?", site.mine)
    assert status == "in_progress"
    queued = site.rows(
        "SELECT d.body FROM delivery d JOIN resident r ON r.id = d.resident_id "
        "WHERE r.user_id = 'reporter' AND d.status = 'pending'"
    )
    assert any("jeudi" in str(body) for (body,) in queued), queued


def test_a_form_with_a_wrong_token_changes_nothing(site: Site, page: Page) -> None:
    page.goto(f"{site.base}/dashboard/reports/{site.mine}")
    before = site.rows("SELECT status FROM report WHERE ref = ?", site.mine)
    page.eval_on_selector_all("input[name=csrf]", "inputs => inputs.forEach(i => i.value = 'x')")
    page.select_option("#new-status", "resolved")
    with page.expect_response(lambda r: r.url.endswith("/status")) as answered:
        page.get_by_role("button", name="Enregistrer et prévenir les habitants").click()
    assert answered.value.status == 403
    assert site.rows("SELECT status FROM report WHERE ref = ?", site.mine) == before


def test_another_communes_report_is_refused(site: Site, page: Page) -> None:
    seen = page.goto(f"{site.base}/dashboard/reports/{site.theirs}")
    assert seen is not None and seen.status == 403
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    before = site.rows("SELECT status, updated_at FROM report WHERE ref = ?", site.theirs)
    posted = page.request.post(
        f"{site.base}/dashboard/reports/{site.theirs}/status",
        form={"csrf": csrf or "", "status": "resolved", "note": ""},
        max_redirects=0,
    )
    assert posted.status == 403
    assert site.rows("SELECT status, updated_at FROM report WHERE ref = ?", site.theirs) == before
    refused = site.rows(
        "SELECT action FROM audit_entry WHERE allowed = 0 AND target = ?", site.theirs
    )
    assert refused, "the refused try is in the audit log"


def test_signing_out_ends_the_session_at_once(site: Site, browser: Browser) -> None:
    context = browser.new_context()
    mine = context.new_page()
    # The module's link is spent: a new one from the operator's command.
    port = site.base.rsplit(":", 1)[1]
    made = run(site.folder, "organizers", "login-link", "console:organizer",
               HAYNA_SECRET_KEY=KEY, PORT=port)  # fmt: skip
    assert made.returncode == 0, made.stderr
    mine.goto(made.stdout.strip())
    mine.get_by_role("button", name="Se connecter").click()
    mine.wait_for_url(f"{site.base}/dashboard")
    mine.get_by_role("button", name="Se déconnecter").click()
    assert "/dashboard/signed-out" in mine.url
    again = mine.goto(f"{site.base}/dashboard/reports")
    assert again is not None and "/dashboard/signed-out" in mine.url
    context.close()


def test_a_group_and_an_invite_code_are_made_in_the_browser(site: Site, page: Page) -> None:
    page.goto(f"{site.base}/dashboard/groups")
    page.fill("#group-name", "Jeunes de Dakhla")
    page.get_by_role("button", name="Créer le groupe").click()
    assert page.locator("table").get_by_text("Jeunes de Dakhla").is_visible()
    page.reload()
    made = site.rows("SELECT count(*) FROM community_group WHERE name = 'Jeunes de Dakhla'")
    assert made == [(1,)], "reloading the page after creating makes no second group"
    row = page.locator("tr", has_text="Jeunes de Dakhla")
    row.get_by_role("button", name="Code d’invitation").click()
    code = page.locator(".code-big").inner_text().removeprefix("ORG ").strip()
    [(group_id,)] = site.rows("SELECT id FROM community_group WHERE name = 'Jeunes de Dakhla'")
    assert site.rows("SELECT group_id FROM organizer_invite WHERE code = ?", code) == [(group_id,)]
    page.get_by_role("link", name="Le journal des actions").click()
    assert page.locator("td", has_text="Jeunes de Dakhla").count() >= 1


def test_a_paper_signature_moves_the_count_once(site: Site, page: Page, shots: Path) -> None:
    page.goto(f"{site.base}/dashboard/petitions")
    page.locator("tr", has_text="[DÉMO]").locator("a").first.click()
    before = page.locator("#count").inner_text()
    page.fill("#paper-name", "Fatima Alaoui")
    page.fill("#paper-cin", "JB 123456")
    page.fill("#paper-residence", "Hay Dakhla")
    page.fill("#paper-day", "2026-11-20")
    page.fill("#paper-sheet", "3")
    page.locator("#paper-add").click()
    counted = page.locator("#count").inner_text()
    assert counted != before and counted.split()[0] == str(int(before.split()[0]) + 1)
    assert "1" in page.locator("#paper-count").inner_text()
    assert page.locator("#paper-day").input_value() == "2026-11-20", "the sheet's day stays"
    assert page.locator("#paper-cin").input_value() == "", "a CIN is never typed back"
    page.fill("#paper-name", "Fatima Alaoui")
    page.fill("#paper-cin", "jb-0123456")
    page.fill("#paper-residence", "Hay Dakhla")
    page.locator("#paper-add").click()
    assert page.locator("#count").inner_text() == counted, "one card counts once"
    assert page.locator("#paper-said").is_visible()
    page.screenshot(path=shots / "petition-fr.png", full_page=True)
    [(source, sheet)] = site.rows("SELECT source, sheet FROM signature WHERE source = 'paper'")
    assert (source, sheet) == ("paper", "3")


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""


def every_page(site: Site) -> list[str]:
    pages = ["", "/reports", f"/reports/{site.mine}", "/petitions", "/petitions/new", "/meetings"]
    pages += ["/meetings/new", "/consultations", "/consultations/new", "/updates", "/updates/new"]
    return [*pages, "/questions", "/groups", "/audit"]


def test_every_field_of_every_page_has_a_label_and_the_keyboard_reaches_it(
    site: Site, page: Page
) -> None:
    for path in every_page(site):
        answered = page.goto(f"{site.base}/dashboard{path}")
        assert answered is not None and answered.status == 200, path
        assert page.evaluate(UNLABELLED) == [], path
    page.goto(f"{site.base}/dashboard/reports/{site.mine}")
    page.focus("#new-status")
    for _ in range(2):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "duplicate-of", "in the form's order"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_fits_a_phone_in_arabic_and_french(
    site: Site, page: Page, shots: Path, language: str
) -> None:
    page.goto(f"{site.base}/dashboard")
    page.select_option("#language", language)
    page.locator("form.language button").click()
    page.wait_for_load_state()
    page.set_viewport_size(PHONE)
    try:
        for path in every_page(site):
            page.goto(f"{site.base}/dashboard{path}")
            name = (path.strip("/").replace("/", "-") or "overview") + "-phone"
            page.screenshot(path=shots / f"{name}-{language}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} in {language} is {width} px wide"
    finally:
        page.set_viewport_size(DESKTOP)
        page.select_option("#language", "fr")
        page.locator("form.language button").click()
