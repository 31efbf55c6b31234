"""`hayna serve` and `hayna poll`: the Telegram webhook registered and served with /healthz,
and a missing setting stopping start-up with one line naming it."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.support.cli import hayna, run_until_terminated
from tests.support.ports import free_port
from tests.support.telegram import SECRET, update

KEY = "serve-test-secret-key-long-enough-for-hayna-0123456789"


def test_serve_registers_and_answers_the_webhook(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def converse() -> None:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "hayna serve did not start"
                time.sleep(0.05)
        assert health.json() == {
            "status": "ok",
            "database": True,
            "channels": ["telegram"],
            "senders": {"telegram": True},
        }
        (hook,) = fake_telegram.calls("setWebhook")
        assert hook.params["url"] == "https://hayna.example.org/webhooks/telegram"

        body = update(text="salam", update_id=1)
        refused = httpx.post(f"{base}/webhooks/telegram", json=body, timeout=5)
        assert refused.status_code == 403
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        answered = httpx.post(f"{base}/webhooks/telegram", json=body, headers=headers, timeout=10)
        assert answered.status_code == 200
        deadline = time.monotonic() + 10  # the replies go out after the 200
        while not fake_telegram.messages(5012345678):
            assert time.monotonic() < deadline, "no reply was sent"
            time.sleep(0.05)
        (menu,) = fake_telegram.messages(5012345678)
        assert "inline_keyboard" in menu["reply_markup"]

    server = run_until_terminated(
        tmp_path,
        "serve",
        meanwhile=converse,
        HAYNA_SECRET_KEY=KEY,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_telegram.url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        PUBLIC_BASE_URL="https://hayna.example.org",
        PORT=str(port),
    )
    # uvicorn shuts down cleanly on SIGTERM.
    assert server.returncode == 0, server.stderr
    assert "Traceback" not in server.stderr, server.stderr


def test_serve_without_a_webhook_secret_and_poll_without_a_token_say_what_is_missing(
    tmp_path: Path,
) -> None:
    serve = hayna(
        tmp_path,
        "serve",
        HAYNA_SECRET_KEY=KEY,
        TELEGRAM_BOT_TOKEN=TOKEN,
        PUBLIC_BASE_URL="https://hayna.example.org",
    )
    assert serve.returncode == 2
    assert serve.stderr.startswith("hayna: TELEGRAM_WEBHOOK_SECRET: is required")
    poll = hayna(tmp_path, "poll", HAYNA_SECRET_KEY=KEY)
    assert (poll.returncode, poll.stderr.strip()) == (
        2,
        "hayna: TELEGRAM_BOT_TOKEN: is required for `hayna poll`",
    )
