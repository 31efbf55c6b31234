"""`hayna doctor` against the fake Bot API and the fake Twilio, on 127.0.0.1 only: a
deployment whose every check passes exits 0, one line each; a refused token, a webhook not
registered here, credentials refused, a language without its template, a schema not upgraded,
a public address that does not answer each say what is wrong and exit 1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot import doctor
from bot.app import open_database
from bot.settings import Settings
from handlers.telegram.webhook import WEBHOOK_PATH
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_twilio import running
from tests.support.cli import run as hayna
from tests.whatsapp_phone import PUBLIC, settings_for

ALL_TEMPLATES = ",".join(
    f"{code}:HX{code * 16}"[:36] for code in ("ar", "fr", "zgh", "zgh_Latn", "en")
)


def healthy(request: httpx.Request) -> httpx.Response:
    """The public address, as a reverse proxy in front of `hayna serve` answers it."""
    ok = request.url.path == "/healthz" and request.url.host == "hayna.example.org"
    return httpx.Response(200 if ok else 404, json={"database": True})


async def checked(settings: Settings, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = await doctor.run(settings, httpx.MockTransport(healthy))
    return code, capsys.readouterr().out


async def test_a_healthy_deployment_and_what_goes_wrong(
    tmp_path: Path, fake_telegram: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running() as twilio:

        def settings(**changed: str) -> Settings:
            env = {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_WEBHOOK_SECRET": "s" * 32,
                "TELEGRAM_API_BASE_URL": fake_telegram.url,
                "TWILIO_TEMPLATES": ALL_TEMPLATES,
            }
            return settings_for(twilio, **{**env, **changed})

        code, said = await checked(settings(), capsys)
        assert code == 1 and "FAIL  database: reachable, but not up to date" in said
        db = await open_database(settings(), upgrade=True)
        await db.close()
        code, said = await checked(settings(), capsys)
        assert code == 1, said
        assert "FAIL  telegram webhook: none registered: start `hayna serve`" in said
        fake_telegram.state.webhook = PUBLIC + WEBHOOK_PATH
        code, said = await checked(settings(), capsys)
        assert code == 0, said
        for line in ("ok    secret key", "ok    database", "ok    telegram: the token is "
                     "@hayna_test_bot's", "ok    telegram webhook: registered to",
                     "ok    twilio: account", "ok    twilio templates: one for each language",
                     "ok    public address: https://hayna.example.org/healthz answers 200",
                     "ok    disk:"):  # fmt: skip
            assert line in said, (line, said)

        fake_telegram.state.webhook = "https://elsewhere.example.org" + WEBHOOK_PATH
        code, said = await checked(
            settings(TELEGRAM_BOT_TOKEN="999:wrong", TWILIO_AUTH_TOKEN="nope" * 8), capsys
        )
        assert code == 1
        assert "FAIL  telegram: the token is refused: check TELEGRAM_BOT_TOKEN" in said
        assert "FAIL  twilio: the credentials are refused (401)" in said
        code, said = await checked(settings(TWILIO_TEMPLATES="ar:HX" + "a" * 32), capsys)
        assert "FAIL  telegram webhook: registered to https://elsewhere" in said
        assert "FAIL  twilio templates: none for fr, zgh, zgh_Latn, en" in said
        down = httpx.MockTransport(lambda request: httpx.Response(502))
        assert await doctor.run(settings(), down) == 1
        said = capsys.readouterr().out
        assert "FAIL  public address: https://hayna.example.org/healthz answers 502" in said


def test_from_the_command_line_without_channels(tmp_path: Path) -> None:
    assert hayna(tmp_path, "db", "upgrade").returncode == 0
    ran = hayna(tmp_path, "doctor")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    lines = ran.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * len(lines)
    assert any(line.startswith("ok    public address: none") for line in lines)
