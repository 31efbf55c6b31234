"""An association's petition in a real browser, against `hayna serve` on 127.0.0.1: the organizer
of Agadir adds the association on the Groups page, drafts its petition in the form (the kind
shows its own fields; a declaration ahead is said beside it), publishes it, a resident supports
it in the chat, the public page says supporters in French and Arabic, the checklist (the
deployment's own, three items) is ticked item by item and the petition filed once it is
complete. Screenshots, desktop and a 390-px phone, are left in tests/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from bot.i18n import translator
from conversations.association import CheckItem
from tests.support.cli import run
from tests.support.dashboard_site import (
    DESKTOP,
    KEY,
    Site,
    choose_language,
    serve_site,
    shots_folder,
    snap,
)

BOT = "HaynaAssociationBot"
PHONE = {"width": 390, "height": 844}
NAME = "Association Tilila"
ITEMS = (CheckItem.EXISTENCE, CheckItem.SEAT, CheckItem.STATUTES)


def settings(base: str) -> dict[str, str]:
    return {
        "PUBLIC_BASE_URL": base,
        "TELEGRAM_BOT_USERNAME": BOT,
        # A deployment's own checklist, shorter than the default one: the dashboard's is it.
        "HAYNA_ASSOCIATION_CHECKLIST": ",".join(ITEMS),
        "HAYNA_ASSOCIATION_YEARS": "3",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory, served=settings, reports=False)


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    yield from shots_folder()


def draft(site: Site, page: Page, shots: Path) -> str:
    """The association added, its petition drafted in the form (refused once, a declaration
    ahead) and published; its code."""
    page.goto(f"{site.base}/dashboard/groups")
    page.select_option("#group-kind", "association")
    page.fill("#group-name", NAME)
    with page.expect_navigation():
        page.locator("#group-name").press("Enter")
    [(association,)] = site.rows("SELECT id FROM community_group WHERE name = ?", NAME)
    page.goto(f"{site.base}/dashboard/petitions/new")
    page.check("#kind-association")
    assert not page.locator("#threshold").is_visible(), "no threshold for an association's"
    page.select_option("#association", str(association))
    page.fill("#title", "Rouvrir la maison des jeunes de Talborjt")
    page.fill("#summary", "La maison des jeunes est fermée depuis deux ans")
    page.fill("#body", "L'association demande au conseil la réouverture de la maison des jeunes.")
    page.fill("#requests", "Rouvrir la maison des jeunes avant l'été.")
    page.fill("#representative", "Youssef Amrani")
    page.fill("#deadline", (date.today() + timedelta(days=40)).isoformat())
    page.fill("#declared", (date.today() + timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.locator("#save-draft").click()
    assert page.locator("#declared-error").is_visible() and page.is_checked("#kind-association")
    page.screenshot(path=shots / "association-form-fr.png", full_page=True)
    # Two years: fewer than the three the checklist asks for, which the page warns of.
    page.fill("#declared", (date.today() - timedelta(days=2 * 366)).isoformat())
    with page.expect_navigation():
        page.locator("#save-draft").click()
    [(code, threshold, kind)] = site.rows("SELECT code, threshold, kind FROM petition")
    assert (threshold, kind) == (0, "association")
    with page.expect_navigation():
        page.locator("#move-open").click()
    return str(code)


def support(site: Site, code: str) -> None:
    """A resident of Agadir supports it in the chat: the petition's code, then one
    confirmation."""
    script = site.folder / "support.txt"
    script.write_text(f"Bonjour\n1\nAgadir\n1\nP {code}\n2\n1\n", encoding="utf-8")
    said = run(site.folder, "chat", "--as", "amina", "--script", str(script), HAYNA_SECRET_KEY=KEY)
    assert said.returncode == 0, said.stderr


def public(site: Site, browser: Browser, code: str, shots: Path) -> None:
    """Its public page in French and Arabic: supporters, no threshold, the Telegram link in
    the words of support (the WhatsApp one: tests/test_association_pages.py, since starting
    `hayna serve` with WhatsApp takes a second more)."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    reader = context.new_page()
    for locale in ("fr", "ar"):
        reader.goto(f"{site.base}/p/{code}?l={locale}")
        assert reader.locator("#count").get_attribute("data-supporters") == "1"
        assert reader.locator("#progress").count() == 0
        assert NAME in reader.locator("#association").inner_text()
        telegram = reader.locator("#sign-telegram")
        assert telegram.get_attribute("href") == f"https://t.me/{BOT}?start=p_{code}"
        assert telegram.inner_text() == translator(locale).gettext("Support on Telegram")
        snap(reader, shots, f"association-public-{locale}", PHONE)
    assert reader.locator("html").get_attribute("dir") == "rtl"
    context.close()


def tick(page: Page, items: Sequence[CheckItem]) -> None:
    for item in items:
        # The page itself, not its stylesheet: the next tick's button is in its HTML.
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.locator(f"#tick-{item}").click()
        assert page.locator(f"#check-{item}").get_attribute("data-ticked") == "yes", item


def test_an_associations_petition_drafted_supported_ticked_and_filed(
    site: Site, page: Page, browser: Browser, shots: Path
) -> None:
    code = draft(site, page, shots)
    support(site, code)
    public(site, browser, code, shots)

    page.goto(f"{site.base}/dashboard/petitions/{code}")
    assert page.locator("#count").get_attribute("data-supporters") == "1"
    assert page.locator("#paper").count() == 0, "no paper sheet for supports"
    assert page.locator("#years-warning").is_visible()
    assert page.locator("#move-filed").count() == 0 and page.locator("#filing-waits").count()
    checklist = page.locator("#checklist li")
    assert [checklist.nth(n).get_attribute("id") for n in range(checklist.count())] == [
        f"check-{item}" for item in ITEMS
    ]
    tick(page, ITEMS[:1])
    snap(page, shots, "association-petition-fr", PHONE)
    choose_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    snap(page, shots, "association-petition-ar", PHONE)
    tick(page, ITEMS[1:])
    page.fill("#receipt", "2026/77")
    with page.expect_navigation():
        page.locator("#move-filed").click()
    assert site.rows("SELECT status, receipt FROM petition") == [("filed", "2026/77")]
    assert page.locator("#checklist button").count() == 0, "filed: the checklist stays as it was"
    page.goto(f"{site.base}/dashboard/petitions")
    assert page.locator(f"#petition-{code} .supporters").get_attribute("data-supporters") == "1"
    page.screenshot(path=shots / "association-list-ar.png")
