"""Petitions' public pages and posters in a real browser, against `hayna serve` on 127.0.0.1
with the demo set, WhatsApp configured and the Telegram bot's username given: the page in French
and Arabic, its Open Graph tags and signing links, no signer's data, 404s, and the poster's PDF
with its QR code. Screenshots of the page are left in tests/screenshots/."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pypdfium2
import pytest
import segno
from playwright.sync_api import Browser, Page

from tests.support.cli import SCRIPTS, run
from tests.support.dashboard_site import (
    DESKTOP,
    KEY,
    PHONE,
    Site,
    serve_site,
    shots_folder,
)

NUMBER = "212600000042"
BOT = "HaynaTestBot"
# The demo's open petition of Ben M'Sick, which tests/scripts/petition_fr.txt signs.
SIGNED_BY = ("Hugo Benali", "BK-654321", "BK654321")


def settings(base: str) -> dict[str, str]:
    return {
        "PUBLIC_BASE_URL": base,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "t" * 32,
        "TWILIO_WHATSAPP_FROM": f"whatsapp:+{NUMBER}",
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # no push goes out
        "TELEGRAM_BOT_USERNAME": "@" + BOT,
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory, demo=True, served=settings)


@pytest.fixture(scope="module")
def code(site: Site) -> str:
    """The petition a resident signed in the chat, so that there is a name to look for."""
    said = run(site.folder, "chat", "--as", "hugo", "--script", str(SCRIPTS / "petition_fr.txt"),
               HAYNA_SECRET_KEY=KEY)  # fmt: skip
    assert said.returncode == 0, said.stderr
    [(found,)] = site.rows(
        "SELECT p.code FROM petition p JOIN signature s ON s.petition_id = p.id "
        "WHERE s.full_name = ?",
        SIGNED_BY[0],
    )
    return str(found)


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    yield from shots_folder()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def meta(page: Page, name: str) -> str | None:
    return page.locator(f'meta[property="{name}"]').get_attribute("content")


def test_the_french_page_shows_the_petition_its_tags_and_the_exact_links(
    site: Site, code: str, page: Page, shots: Path
) -> None:
    [(title, summary)] = site.rows("SELECT title, summary FROM petition WHERE code = ?", code)
    seen = page.goto(f"{site.base}/p/{code}?l=fr")
    assert seen is not None and seen.status == 200
    assert "public" in (seen.headers.get("cache-control") or "")
    assert "frame-ancestors 'none'" in (seen.headers.get("content-security-policy") or "")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#title").inner_text() == title
    assert meta(page, "og:title") == title
    assert meta(page, "og:description") == summary
    assert meta(page, "og:url") == f"{site.base}/p/{code}"
    assert meta(page, "og:type") == "website"
    assert meta(page, "og:locale") == "fr_MA"
    whatsapp = page.locator("#sign-whatsapp").get_attribute("href")
    assert whatsapp == f"https://wa.me/{NUMBER}?text=P%20{code}"
    assert page.locator("#sign-telegram").get_attribute("href") == (
        f"https://t.me/{BOT}?start=p_{code}"
    )
    assert page.locator("#sign-chat").count() == 0, "buttons, not the chat's instructions"
    assert page.locator("#poster").get_attribute("href") == f"/p/{code}/poster.pdf"
    page.screenshot(path=shots / "public-fr.png", full_page=True)


def test_the_arabic_page_is_right_to_left_counts_exactly_and_shows_no_signer(
    site: Site, code: str, page: Page, shots: Path
) -> None:
    [(representative, threshold)] = site.rows(
        "SELECT representative, threshold FROM petition WHERE code = ?", code
    )
    [(count,)] = site.rows(
        "SELECT count(*) FROM signature s JOIN petition p ON p.id = s.petition_id WHERE p.code = ?",
        code,
    )
    assert count >= 1
    page.goto(f"{site.base}/p/{code}?l=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("#count").get_attribute("data-signatures") == str(count)
    assert page.locator("#count").get_attribute("data-threshold") == str(threshold)
    assert page.locator("#progress").get_attribute("value") == str(min(count, int(threshold)))
    assert meta(page, "og:locale") == "ar_MA"
    html = page.content()
    for secret in (*SIGNED_BY, str(representative)):
        assert secret not in html, f"{secret!r} is on the public page"
    page.screenshot(path=shots / "public-ar.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "public-ar-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 360-px phone"


def test_the_browsers_language_is_read_and_links_switch_it(
    site: Site, code: str, page: Page
) -> None:
    page.goto(f"{site.base}/p/{code}")
    assert page.locator("html").get_attribute("lang") == "fr", "Accept-Language: fr-FR"
    page.locator('.languages a[hreflang="zgh"]').click()
    page.wait_for_url(f"{site.base}/p/{code}?l=zgh")
    assert page.locator("html").get_attribute("lang") == "zgh"
    assert page.locator("html").get_attribute("dir") == "ltr"
    answered = httpx.get(f"{site.base}/p/{code}", headers={"Accept-Language": "xx, en;q=0.5"})
    assert '<html lang="en"' in answered.text
    assert '<html lang="ar"' in httpx.get(f"{site.base}/p/{code}").text, "Arabic by default"


def test_a_draft_and_junk_codes_are_not_found(site: Site, page: Page) -> None:
    made = run(site.folder, "petitions", "create", "--commune", "Agadir", "--title", "Brouillon",
               "--summary", "Pas encore publiée", "--text", "Texte", "--requests", "Rien",
               "--representative", "Nadia Alaoui", "--deadline", "2099-01-01",
               HAYNA_SECRET_KEY=KEY)  # fmt: skip
    assert made.returncode == 0, made.stderr
    draft = made.stdout.strip().split()[-1]
    assert site.rows("SELECT status FROM petition WHERE code = ?", draft) == [("draft",)]
    for path in (draft, f"{draft}/poster.pdf", "%00", "x" * 5_000, "ZZZZZZ", "%ff%fe"):
        seen = page.goto(f"{site.base}/p/{path}?l=fr")
        assert seen is not None and seen.status == 404, path
        assert page.locator("#missing").count() == 1
        assert page.locator("html").get_attribute("lang") == "fr"
    assert "Nadia Alaoui" not in page.content()


def test_the_poster_is_a_pdf_with_the_title_the_url_and_its_qr_code(site: Site, code: str) -> None:
    [(title,)] = site.rows("SELECT title FROM petition WHERE code = ?", code)
    answered = httpx.get(f"{site.base}/p/{code.lower()}/poster.pdf")
    assert answered.status_code == 200
    assert answered.headers["content-type"] == "application/pdf"
    url = f"{site.base}/p/{code}"
    document = pypdfium2.PdfDocument(answered.content)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    assert title in text and url in text
    assert "وقّع هذه العريضة" in text or "العريضة" in text
    # The QR code is one filled square per dark module of segno's matrix for the page's URL.
    drawn = pypdf.PdfReader(io.BytesIO(answered.content)).pages[0].get_contents()
    assert drawn is not None
    squares = len(re.findall(rb"\bre\s+f\b", drawn.get_data()))
    matrix = segno.make(url, error="m", micro=False).matrix
    assert squares == sum(sum(1 for dark in row if dark) for row in matrix)


def test_the_latin_tamazight_page_is_left_to_right_in_latin_letters(
    site: Site, code: str, page: Page, shots: Path
) -> None:
    page.goto(f"{site.base}/p/{code}?l=zgh_Latn")
    assert page.locator("html").get_attribute("lang") == "zgh-Latn"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert meta(page, "og:locale") == "zgh_MA"
    chrome = page.locator("nav, #count, footer").all_inner_texts()
    assert not any("\u2d30" <= ch <= "\u2d7f" for text in chrome[1:] for ch in text)
    assert page.locator('nav a[hreflang="zgh-Latn"]').inner_text() == "Tamaziɣt"
    page.screenshot(path=shots / "public-zgh_Latn.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=shots / "public-zgh_Latn-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390-px phone"
