"""A Hayna for the dashboard's browser tests: `hayna serve` on 127.0.0.1 over an SQLite file,
two residents' reports made in the terminal chat (one in Agadir, one in Casablanca), an
organizer of Agadir who redeemed an invite and typed "dashboard", and Chromium signed in with
the link the chat printed."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import FLAGS, need_chromium, screenshots
from tests.support.cli import HAYNA, SCRIPTS, environment, run
from tests.support.ports import free_port

KEY = "d" * 40
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1200, "height": 900}
# The elements reaching past the viewport's width, for a failure to name them.
WIDER = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 8).map((e) => `${e.tagName}#${e.id}.${e.className}`)"""


@dataclass(frozen=True)
class Site:
    base: str
    link: str
    folder: Path
    # A report of the organizer's commune (Agadir), and one of another commune (Casablanca).
    mine: str
    theirs: str

    def rows(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.folder / "hayna.db") as conn:
            return conn.execute(sql, args).fetchall()


def _reference(output: str) -> str:
    """The reference a report's confirmation gives: the last one in the transcript (the
    duplicate suggestions before it may name others)."""
    found = re.findall(r"R-\d{4}-\d{6}", output)
    assert found, output[-2000:]
    return str(found[-1])


def _organizer_link(folder: Path, env: dict[str, str]) -> str:
    code = run(folder, "organizers", "invite", "--commune", "Agadir", **env).stdout.strip()
    script = folder / "organizer.txt"
    script.write_text(f"Bonjour\n1\nAgadir\n1\nORG {code}\ndashboard\n", encoding="utf-8")
    chat = run(folder, "chat", "--as", "organizer", "--script", str(script), **env)
    found = re.search(r"http://127\.0\.0\.1:\d+/dashboard/sign-in/\S+", chat.stdout)
    assert found, chat.stdout[-2000:]
    return found.group()


def serve_site(
    tmp_path_factory: pytest.TempPathFactory,
    demo: bool = False,
    served: Callable[[str], Mapping[str, str]] | None = None,
    reports: bool = True,
) -> Iterator[Site]:
    """The site; with ``demo``, the fictional demo set loaded first (`hayna demo`: petitions
    and reports in Agadir and Ben M'Sick), for pages that look like a commune's; ``served``
    gives `hayna serve` more settings, knowing the site's base URL (PUBLIC_BASE_URL...);
    without ``reports``, no resident's report is made (`Site.mine` and `theirs` are empty),
    for tests about other pages that need not wait for two chats."""
    need_chromium()
    folder = tmp_path_factory.mktemp("dashboard")
    port = free_port()
    env = {"HAYNA_SECRET_KEY": KEY, "PORT": str(port)}
    if demo:
        loaded = run(folder, "demo", **env)
        assert loaded.returncode == 0, loaded.stderr
    (folder / "pothole.png").write_bytes((SCRIPTS / "pothole.png").read_bytes())
    made = {"reporter": "", "voisine": ""}
    for user, script in (("reporter", "report_fr.txt"), ("voisine", "report_ar.txt")):
        if reports:
            said = run(folder, "chat", "--as", user, "--script", str(SCRIPTS / script), **env)
            made[user] = _reference(said.stdout)
    link = _organizer_link(folder, env)
    base = f"http://127.0.0.1:{port}"
    extra = dict(served(base)) if served else {}
    server = subprocess.Popen(
        [*HAYNA, "serve"],
        cwd=folder,
        env=environment(folder, **env, **extra),
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(base, server)
        yield Site(base, link, folder, made["reporter"], made["voisine"])
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode() if server.stderr else "")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("hayna serve did not answer in 20 s")


def open_browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=need_chromium(), args=FLAGS)
        yield launched
        launched.close()


def shots_folder() -> Iterator[Path]:
    yield screenshots()


def signed_page(site: Site, browser: Browser) -> Iterator[Page]:
    """One organizer's browser, signed in by their link."""
    context = browser.new_context(viewport=DESKTOP)
    # A page of the dashboard answers in well under a second: a lost element fails fast.
    context.set_default_timeout(10_000)
    signed = context.new_page()
    signed.goto(site.link)
    signed.get_by_role("button", name="Se connecter").click()
    signed.wait_for_url(f"{site.base}/dashboard")
    yield signed
    context.close()


def snap(page: Page, shots: Path, name: str, phone: Mapping[str, int] = PHONE) -> None:
    """A full-page screenshot at desktop width, then one on a phone, which must not scroll
    sideways; the page is left at desktop width."""
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    page.set_viewport_size({"width": phone["width"], "height": phone["height"]})
    page.screenshot(path=shots / f"{name}-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone["width"], f"{name} is {width} px wide: {page.evaluate(WIDER)}"
    page.set_viewport_size({"width": DESKTOP["width"], "height": DESKTOP["height"]})


def choose_language(page: Page, language: str) -> None:
    page.select_option("#language", language)
    with page.expect_navigation():
        page.locator("form.language button").click()
