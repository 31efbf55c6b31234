"""The meetings and updates pages in Chromium against a real `hayna serve`: the organizer of
Agadir writes an update in French, sees its count change as they type, sends it now and
watches its delivery report; then creates and publishes a meeting. Only ids, names, URLs and
numbers are read: the new pages' French wording is translated after merging."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page

from handlers.web.fields import local_value
from tests.support.dashboard_site import Site, serve_site, shots_folder

AGADIR = "001.01.01"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory)


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    yield from shots_folder()


def figure(page: Page, name: str) -> int:
    return int(page.locator(f"#figure-{name}").inner_text())


def test_an_update_is_counted_as_typed_sent_now_and_reported(
    site: Site, page: Page, shots: Path
) -> None:
    page.goto(f"{site.base}/dashboard/updates/new")
    limit = int(page.locator("#text-fr").get_attribute("maxlength") or 0)
    assert limit > 0
    assert page.locator("#count-fr").inner_text() == f"0 / {limit}"
    page.locator("#text-fr").press_sequentially("Coupure d'eau")
    assert page.locator("#count-fr").inner_text() == f"13 / {limit}"
    page.locator("#text-fr").press_sequentially(" demain")
    assert page.locator("#count-fr").inner_text() == f"20 / {limit}"
    page.select_option("#audience", f"c:{AGADIR}")
    page.check("#timing-now")
    page.click("#send")
    page.wait_for_url(re.compile(r".*/dashboard/updates/\d+\?sent=\d+$"))
    number = int(re.search(r"/updates/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    (residents,) = site.rows(
        "SELECT count(*) FROM resident WHERE commune_code = ? AND pushes_enabled", AGADIR
    )
    assert figure(page, "recipients") == residents[0] > 0
    assert page.locator("#sent").is_visible()

    # `hayna serve` has no terminal outbox: the dispatcher expands the update into deliveries
    # that stay queued for the terminal's residents, and the page keeps refreshing itself.
    statuses = wait_for_deliveries(site, number, residents[0])
    assert statuses == {"pending": residents[0]}
    # The page asks to be loaded again while some are queued: as the browser will, now.
    refresh = page.locator('meta[http-equiv="refresh"]').get_attribute("content")
    assert refresh is not None and int(refresh) > 0
    page.reload()
    assert figure(page, "recipients") == residents[0] == figure(page, "queued")
    assert figure(page, "sent") == figure(page, "failed") == figure(page, "read") == 0
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    page.screenshot(path=shots / "update-report-fr.png", full_page=True)
    page.goto(f"{site.base}/dashboard/updates")
    assert page.locator(f"#update-{number} a").inner_text() == "Coupure d'eau demain"


def wait_for_deliveries(site: Site, number: int, expected: int) -> dict[str, int]:
    """The statuses of the update's deliveries once the dispatcher queued them all."""
    deadline = datetime.now(UTC) + timedelta(seconds=15)
    while True:
        rows = site.rows(
            "SELECT status, count(*) FROM delivery WHERE message_key = ? GROUP BY status",
            f"announcement:{number}",
        )
        found = {str(status): int(count) for status, count in rows}  # type: ignore[call-overload]
        if sum(found.values()) >= expected or datetime.now(UTC) > deadline:
            return found
        time.sleep(0.2)


def test_a_meeting_is_created_and_published(site: Site, page: Page, shots: Path) -> None:
    page.goto(f"{site.base}/dashboard/meetings")
    page.click("#new-meeting")
    page.wait_for_url(f"{site.base}/dashboard/meetings/new")
    when = local_value(datetime.now(UTC) + timedelta(days=4))
    page.select_option("#audience", f"c:{AGADIR}")
    page.fill("#title", "Forum du budget participatif")
    page.fill("#when", when)
    page.fill("#place", "Salle communale")
    page.fill("#agenda", "Les priorités du quartier")
    page.click("#publish")
    page.wait_for_url(re.compile(r".*/dashboard/meetings/\d+\?done=published$"))
    assert page.locator("#done").get_attribute("data-done") == "published"
    assert page.locator("#answers-yes").inner_text() == "0"
    assert page.locator("#move").is_visible() and page.locator("#cancel").is_visible()
    ((status, kinds),) = site.rows(
        "SELECT m.status, group_concat(a.kind) FROM meeting m JOIN announcement a"
        " ON a.meeting_id = m.id WHERE m.title = ? GROUP BY m.id",
        "Forum du budget participatif",
    )
    assert status == "published" and "meeting" in str(kinds)
    page.screenshot(path=shots / "meeting-fr.png", full_page=True)
    page.goto(f"{site.base}/dashboard/meetings")
    assert page.get_by_role("link", name="Forum du budget participatif").is_visible()
