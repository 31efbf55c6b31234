"""Logs: one line per event, with phone numbers, chat ids, CINs and residents' words redacted."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.logs import OneLine, Redactor, configure_logging, redact
from bot.settings import Settings, SettingsError
from conversations.kit import Address

KEY = "k" * 40


@pytest.mark.parametrize(
    "line",
    [
        "to whatsapp:+212612345678",
        "to 0612345678",
        "to 06 12 34 56 78",
        "to 06-12-34-56-78",
        "to +212 6-12-34-56-78",
        "to 00212612345678",
        "telegram chat 5512345678",
        "cin AB123456",
        "cin ab 123456",
        "Inbound(text='Lampadaire devant chez Amina')",
        'full_name="Amina Alaoui" signed',
        "body: Bonjour",
        "form {'Body': 'Bonjour', 'ProfileName': 'Amina'}",
        "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
    ],
)
def test_personal_data_is_redacted(line: str) -> None:
    redacted = redact(line)
    assert "[redacted]" in redacted
    for secret in (
        "612345678",
        "12 34 56",
        "5512345678",
        "123456",
        "Amina",
        "Bonjour",
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    ):
        assert secret not in redacted


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("cin AB-123456", "123456"),
        ("cin ZK 445 566 given", "445 566"),
        ("cin AB.123456", "123456"),
        ("cin zk-٤٤٥٥٦٦", "٤٤٥٥٦٦"),
        ("to ٠٦١٢٣٤٥٦٧٨", "٠٦١٢٣٤٥٦٧٨"),
        ("to ٠٦-١٢-٣٤-٥٦-٧٨", "٣٤-٥٦"),
        ("to +٢١٢ ٦١٢ ٣٤٥ ٦٧٨", "٣٤٥ ٦٧٨"),
    ],
)
def test_every_spelling_of_a_cin_and_phone_numbers_in_arabic_digits_are_redacted(
    line: str, secret: str
) -> None:
    redacted = redact(line)
    assert "[redacted]" in redacted and secret not in redacted, redacted


@pytest.mark.parametrize(
    "line", ["report R-2026-000123 moved", "petition K7Q2MX flagged: 60 of 61", "took 340 ms"]
)
def test_ordinary_details_stay_readable(line: str) -> None:
    assert redact(line) == line


def test_a_download_links_secret_is_redacted_from_access_logs() -> None:
    token = "Zq3v8mN1xYtR0pLk4sW7eA2bC9dF6gH5jK8lM1nO3pQ"
    line = f'127.0.0.1:5050 - "GET /files/{token}/hayna-my-data.json HTTP/1.1" 200'
    assert token not in redact(line)
    assert "/files/[redacted]/hayna-my-data.json" in redact(line)


def test_a_sign_in_links_token_is_redacted_from_access_logs() -> None:
    token = "Zq3v8mN1xYtR0pLk4sW7eA2bC9dF6gH5jK8lM1nO3pQ"
    line = f'127.0.0.1:5050 - "POST /dashboard/sign-in/{token}?l=fr HTTP/1.1" 303'
    assert token not in redact(line)
    assert "/dashboard/sign-in/[redacted]?l=fr" in redact(line)


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError("cannot reach +212612345678\nsecond line")
        except ValueError:
            import sys

            info = sys.exc_info()
    return logging.LogRecord("hayna", logging.ERROR, __file__, 1, message, args, info)


def test_an_event_is_one_line_even_with_a_traceback() -> None:
    record = _record("send to %s failed", "+212612345678", exc=True)
    assert Redactor().filter(record)
    line = OneLine().format(record)
    assert "\n" not in line
    assert line.startswith("ts=") and "level=ERROR" in line and "exc=" in line
    assert "612345678" not in line and "second line" in line


def test_logging_is_configured_once_with_a_file(tmp_path: Path) -> None:
    root = logging.getLogger()
    level = root.level
    path = tmp_path / "hayna.log"
    try:
        configure_logging("INFO", path)
        handlers = configure_logging("INFO", path)
        assert sum(1 for h in root.handlers if h in handlers) == 2
        assert len([h for h in root.handlers if getattr(h, "_hayna_handler", False)]) == 2
        logging.getLogger("hayna.test").info("hello %s", "0612345678")
        for handler in handlers:
            handler.flush()
        assert path.read_text(encoding="utf-8").count("hello [redacted]") == 1
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_hayna_handler", False)]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)


def test_settings_read_the_log_file_flood_limits_and_typed_admin_phones(tmp_path: Path) -> None:
    env = {"HAYNA_SECRET_KEY": KEY, "HAYNA_LOG_FILE": str(tmp_path / "h.log")}
    settings = Settings.from_env(env)
    assert settings.log_file == tmp_path / "h.log"
    assert (settings.flood_per_minute, settings.flood_burst) == (20.0, 10)
    tuned = Settings.from_env({**env, "HAYNA_FLOOD_PER_MINUTE": "30", "HAYNA_FLOOD_BURST": "8"})
    assert (tuned.flood_per_minute, tuned.flood_burst) == (30.0, 8)
    admins = Settings.from_env({**env, "HAYNA_ADMINS": "whatsapp:06 12 34 56 78"}).admins
    assert admins == {Address("whatsapp", "+212612345678")}
    with pytest.raises(SettingsError, match="HAYNA_FLOOD_BURST"):
        Settings.from_env({**env, "HAYNA_FLOOD_BURST": "zero"})


async def test_housekeeping_goes_on_after_a_failed_round(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from bot import housekeeping

    rounds: list[int] = []
    second = asyncio.Event()

    async def chores(_db: object, _vault: object, _now: object) -> None:
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database is locked")
        second.set()

    monkeypatch.setattr(housekeeping, "chores", chores)
    monkeypatch.setattr(housekeeping, "EVERY_SECONDS", 0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(housekeeping.keep_house(None, None, stop))  # type: ignore[arg-type]
    await asyncio.wait_for(second.wait(), 5)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert len(rounds) >= 2
