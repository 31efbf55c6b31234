"""A real browser for the dashboard's tests: Debian's Chromium driven by Playwright, never a
browser Playwright would download. Without Chromium the browser tests skip with the reason,
except under CI=true, where they must run (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.postgres import IN_CI

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Chromium's own calls home are refused by a closed network, many at a time: none are made.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Where the tests leave their screenshots, emptied at each run.
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def chromium_path() -> str | None:
    given = os.environ.get("HAYNA_CHROMIUM", "")
    if given:
        return given if Path(given).is_file() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def need_chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = "no Chromium found (apt install chromium, or set HAYNA_CHROMIUM)"
        if IN_CI:
            pytest.fail(f"{reason}; under CI=true the browser tests must run")
        pytest.skip(reason)
    return path


def screenshots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS


def clean_screenshots() -> None:
    """The last run's screenshots gone (tests/conftest.py, once per run before the workers)."""
    for old in SHOTS.glob("*.png"):
        old.unlink()
