"""`hayna serve` and its web app: the health check, and clear refusals of an unusable setup."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.app import create_app
from bot.settings import Settings, SettingsError
from bot.web import web_app

KEY = "k" * 40


async def test_healthz_answers_with_the_database_reachable(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HAYNA_SECRET_KEY": KEY}
    )
    app = await create_app(settings, {})
    try:
        web = web_app(app, [])
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://hayna") as client:
            answer = await client.get("/healthz")
            assert answer.status_code == 200
            assert answer.json() == {
                "status": "ok",
                "database": True,
                "channels": [],
                "senders": {},
            }
    finally:
        await app.close()


async def test_without_a_channel_the_app_serves_the_dashboard_alone(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HAYNA_SECRET_KEY": KEY}
    )
    assert settings.dashboard_url == "http://127.0.0.1:8080"
    app = await create_app(settings, {})
    try:
        transport = httpx.ASGITransport(app=web_app(app, []))
        async with httpx.AsyncClient(transport=transport, base_url="http://hayna") as client:
            away = await client.get("/dashboard")
            assert away.status_code == 303
            assert away.headers["location"] == "/dashboard/signed-out"
            page = await client.get("/dashboard/signed-out?l=fr")
            assert page.status_code == 200 and 'lang="fr"' in page.text
            assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
            assert page.headers["referrer-policy"] == "no-referrer"
            # The webhooks' answers keep their own headers.
            assert "content-security-policy" not in (await client.get("/healthz")).headers
    finally:
        await app.close()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"TELEGRAM_BOT_TOKEN": "no-colon"}, "TELEGRAM_BOT_TOKEN"),
        (
            {"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_SECRET": "has space"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_API_BASE_URL": "ftp://x"},
            "TELEGRAM_API_BASE_URL",
        ),
        ({"PUBLIC_BASE_URL": "http://example.org"}, "PUBLIC_BASE_URL"),
        ({"TWILIO_ACCOUNT_SID": "AC1"}, "TWILIO_AUTH_TOKEN"),
        (
            {
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_WHATSAPP_FROM": "+2126",
            },
            "TWILIO_WHATSAPP_FROM",
        ),
        (
            {
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
                "TWILIO_TEMPLATES": "de:HX1",
            },
            "TWILIO_TEMPLATES",
        ),
        ({"PORT": "http"}, "PORT"),
        ({"HAYNA_METRICS_TOKEN": "short"}, "HAYNA_METRICS_TOKEN"),
        ({"HAYNA_METRICS_TOKEN": "long enough but\tnot printable"}, "HAYNA_METRICS_TOKEN"),
    ],
)
def test_a_bad_platform_setting_names_its_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"HAYNA_SECRET_KEY": KEY, **env})
    assert raised.value.variable == variable


def test_platform_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            "HAYNA_SECRET_KEY": KEY,
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret_-",
            "PUBLIC_BASE_URL": "https://hayna.example.ma/",
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "t",
            "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
            "TWILIO_TEMPLATES": "ar:HXa, fr:HXf",
        }
    )
    assert settings.telegram is not None and settings.telegram.webhook_secret == "s3cret_-"
    assert settings.telegram.api_base_url == "https://api.telegram.org"
    assert settings.public_base_url == "https://hayna.example.ma"
    assert settings.whatsapp is not None and dict(settings.whatsapp.templates) == {
        "ar": "HXa",
        "fr": "HXf",
    }
    assert settings.whatsapp.rate == 80
