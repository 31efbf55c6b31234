"""`hayna serve` with Twilio settings answers signed WhatsApp webhooks on its port."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx

from bot.i18n import translator
from conversations.onboarding import PRIVACY
from tests.fake_twilio import SID, TOKEN
from tests.support.cli import HAYNA, environment
from tests.support.ports import free_port
from tests.whatsapp_phone import PUBLIC, SENDER, sign


def test_hayna_serve_answers_signed_whatsapp_webhooks(tmp_path: Path) -> None:
    port = free_port()
    env = environment(
        tmp_path,
        HAYNA_SECRET_KEY="k" * 40,
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_WHATSAPP_FROM=SENDER,
        TWILIO_API_BASE_URL="http://127.0.0.1:9",  # no push is sent here
        PUBLIC_BASE_URL=PUBLIC,
        PORT=str(port),
    )
    server = subprocess.Popen([*HAYNA, "serve"], cwd=tmp_path, env=env, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                health = httpx.get(base + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "hayna serve did not start in 30 s"
                time.sleep(0.2)
        assert health.json() == {
            "status": "ok",
            "database": True,
            "channels": ["whatsapp"],
            "senders": {"whatsapp": True},
        }

        form = {
            "MessageSid": "SM" + "5" * 32,
            "From": "whatsapp:+212600000050",
            "To": SENDER,
            "Body": "Salam",
            "NumMedia": "0",
        }
        url = base + "/webhooks/whatsapp"
        signed = {"X-Twilio-Signature": sign(PUBLIC + "/webhooks/whatsapp", form)}
        assert httpx.post(url, data=form, timeout=10).status_code == 403
        answer = httpx.post(url, data=form, headers=signed, timeout=10)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/xml")
        assert "1. العربية" in answer.text and "2. Français" in answer.text

        answer = httpx.post(
            url,
            data={**form, "Body": "2"},
            timeout=10,
            headers={
                "X-Twilio-Signature": sign(PUBLIC + "/webhooks/whatsapp", {**form, "Body": "2"})
            },
        )
        # The same MessageSid again, whatever its body: a retry, answered with nothing.
        assert "<Message>" not in answer.text
        second = {**form, "MessageSid": "SM" + "6" * 32, "Body": "2"}
        signed = {"X-Twilio-Signature": sign(PUBLIC + "/webhooks/whatsapp", second)}
        answer = httpx.post(url, data=second, headers=signed, timeout=10)
        assert PRIVACY.text.render(translator("fr"))[:40] in answer.text
    finally:
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught.
        assert server.wait(timeout=15) in (0, -signal.SIGTERM)
        errors = server.stderr.read().decode() if server.stderr else ""
        assert "Traceback" not in errors, errors
