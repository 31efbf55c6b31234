"""The dashboard's petitions in a real browser, against `hayna serve` on 127.0.0.1: the organizer
of Agadir drafts a petition in the form, publishes it, finds it in the list, and downloads its
filing, the same CSV as `hayna petitions export`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page

from tests.support.cli import run
from tests.support.dashboard_site import KEY, Site, serve_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve_site(tmp_path_factory)


def test_a_petition_drafted_and_published_in_the_browser(site: Site, page: Page) -> None:
    assert site.rows("SELECT code FROM petition") == []
    page.locator("nav a[href='/dashboard/petitions']").click()
    page.wait_for_url(f"{site.base}/dashboard/petitions")
    page.locator("#new-petition").click()
    page.wait_for_url(f"{site.base}/dashboard/petitions/new")
    page.select_option("#commune", "001.01.01")
    page.fill("#title", "Éclairage du boulevard Hassan II")
    page.fill("#summary", "Des lampadaires pour le boulevard")
    page.fill("#body", "Nous, habitants du quartier, demandons l'éclairage du boulevard.")
    page.fill("#requests", "Installer 20 lampadaires.")
    page.fill("#representative", "Fatima Zahra")
    page.fill("#deadline", (date.today() + timedelta(days=40)).isoformat())
    page.locator("#save-draft").click()
    page.wait_for_url(f"{site.base}/dashboard/petitions/*?done=drafted")
    [(code, status, threshold)] = site.rows("SELECT code, status, threshold FROM petition")
    assert status == "draft" and threshold == 200  # the default of a commune
    assert page.locator("#filing-csv").count() == 0, "a draft has no filing"

    page.locator("#move-open").click()
    page.wait_for_url(f"{site.base}/dashboard/petitions/{code}?done=moved:0")
    assert site.rows("SELECT status FROM petition") == [("open",)]

    page.goto(f"{site.base}/dashboard/petitions?status=open")
    row = page.locator(f"#petition-{code}")
    assert row.count() == 1 and row.locator("progress").get_attribute("max") == "200"
    page.goto(f"{site.base}/dashboard/petitions?status=draft")
    assert page.locator(f"#petition-{code}").count() == 0

    page.goto(f"{site.base}/dashboard/petitions/{code}")
    for kind, content_type in (("csv", "text/csv"), ("pdf", "application/pdf")):
        href = page.locator(f"#filing-{kind}").get_attribute("href")
        answered = page.request.get(f"{site.base}{href}")
        assert answered.status == 200
        assert answered.headers["content-type"].startswith(content_type)
        assert answered.headers["content-disposition"].startswith("attachment")
        if kind == "csv":
            exported = run(site.folder, "petitions", "export", code, "--format", "csv",
                           HAYNA_SECRET_KEY=KEY)  # fmt: skip
            assert answered.body() == exported.output
        else:
            assert answered.body().startswith(b"%PDF")
