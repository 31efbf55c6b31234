"""`hayna doctor`: a deployment checked, one line each, for an association without a sysadmin:
the secret key, the database reachable and migrated, the Telegram token and its webhook, the
Twilio credentials and templates, the public address over https, the free disk. Exits 1 when
something is wrong, each line saying what to do."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bot.app import NotUpgraded, OtherKey, open_database
from bot.settings import Settings, SettingsError
from conversations.language import SUPPORTED
from handlers.telegram.settings import TelegramSettings
from handlers.telegram.webhook import WEBHOOK_PATH
from handlers.whatsapp.settings import WhatsAppSettings

# Each outside call waits this long at most: a doctor that hangs says nothing.
TIMEOUT = 5.0
# Below this, backups and the SQLite file may not fit: said before it is too late.
FREE_MIN = 500 * 1024 * 1024
LOCAL = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    what: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.what}"


async def run(settings: Settings, public: httpx.AsyncBaseTransport | None = None) -> int:
    """Every check, printed; 1 when one failed. ``public`` carries the request to the public
    address (a test's own transport: tests reach no other machine)."""
    found = [_key(settings), await _database(settings)]
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        if settings.telegram is not None:
            found += await _telegram(client, settings.telegram, settings.public_base_url)
        if settings.whatsapp is not None:
            found += await _whatsapp(client, settings.whatsapp)
    async with httpx.AsyncClient(timeout=TIMEOUT, transport=public) as outside:
        found.append(await _public(outside, settings.public_base_url))
    found.append(_disk(settings))
    for finding in found:
        print(finding.line())
    return 0 if all(f.ok for f in found) else 1


def _key(settings: Settings) -> Finding:
    # Read and checked by the settings already: a key too short stops every command.
    where = str(settings.key_file) if settings.key_file else "HAYNA_SECRET_KEY"
    return Finding(True, f"secret key: set, from {where}")


async def _database(settings: Settings) -> Finding:
    try:
        db = await open_database(settings, upgrade=False)
    except NotUpgraded:
        return Finding(False, "database: reachable, but not up to date: run `hayna db upgrade`")
    except OtherKey:
        return Finding(
            False, "database: made with another secret key: set the key it was made with"
        )
    except SettingsError as error:
        return Finding(False, f"database: {error}")
    await db.close()
    return Finding(True, f"database: {settings.database_url.shown}, reachable and up to date")


async def _telegram(
    client: httpx.AsyncClient, telegram: TelegramSettings, public: str | None
) -> list[Finding]:
    api = f"{telegram.api_base_url.rstrip('/')}/bot{telegram.token}"
    try:
        me = await client.get(f"{api}/getMe")
        if me.status_code == 401:
            return [Finding(False, "telegram: the token is refused: check TELEGRAM_BOT_TOKEN")]
        name = me.json()["result"]["username"]
        info = (await client.get(f"{api}/getWebhookInfo")).json()["result"]
    except (httpx.HTTPError, ValueError, KeyError) as error:
        return [Finding(False, f"telegram: the Bot API does not answer ({type(error).__name__})")]
    found = [Finding(True, f"telegram: the token is @{name}'s")]
    registered = str(info.get("url", ""))
    if public is None:
        found.append(Finding(True, "telegram webhook: not checked (no PUBLIC_BASE_URL: poll)"))
    elif registered == public.rstrip("/") + WEBHOOK_PATH:
        found.append(Finding(True, f"telegram webhook: registered to {registered}"))
    elif not registered:
        found.append(Finding(False, "telegram webhook: none registered: start `hayna serve`"))
    else:
        found.append(Finding(False, f"telegram webhook: registered to {registered}, not here"))
    return found


async def _whatsapp(client: httpx.AsyncClient, whatsapp: WhatsAppSettings) -> list[Finding]:
    account = f"{whatsapp.api_base_url.rstrip('/')}/2010-04-01/Accounts/{whatsapp.account_sid}"
    try:
        answered = await client.get(
            f"{account}.json", auth=(whatsapp.account_sid, whatsapp.auth_token)
        )
    except httpx.HTTPError as error:
        return [Finding(False, f"twilio: the API does not answer ({type(error).__name__})")]
    if answered.status_code != 200:
        said = "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
        return [
            Finding(False, f"twilio: the credentials are refused ({answered.status_code}): {said}")
        ]
    found = [Finding(True, f"twilio: account {whatsapp.account_sid} answers")]
    missing = [language for language in SUPPORTED if language not in whatsapp.templates]
    if missing:
        said = ", ".join(missing)
        found.append(Finding(False, f"twilio templates: none for {said} (TWILIO_TEMPLATES): "
                                    "pushes after 24 hours fail in those languages"))  # fmt: skip
    else:
        found.append(Finding(True, "twilio templates: one for each language"))
    return found


async def _public(client: httpx.AsyncClient, public: str | None) -> Finding:
    if public is None:
        return Finding(True, "public address: none (PUBLIC_BASE_URL not set: no webhooks)")
    parts = urlsplit(public)
    if parts.hostname in LOCAL:
        return Finding(True, f"public address: {public} is this machine: not checked")
    if parts.scheme != "https":
        return Finding(False, f"public address: {public} is not https: the platforms need it")
    try:
        answered = await client.get(public.rstrip("/") + "/healthz")
    except httpx.HTTPError as error:
        return Finding(False, f"public address: {public} does not answer ({type(error).__name__})")
    ok = answered.status_code == 200
    return Finding(ok, f"public address: {public}/healthz answers {answered.status_code}")


def _disk(settings: Settings) -> Finding:
    where = _folder(settings)
    free = shutil.disk_usage(where).free
    shown = f"{free / 1024**3:.1f} GB free in {where}"
    return Finding(
        free >= FREE_MIN, f"disk: {shown}" + ("" if free >= FREE_MIN else ": too little")
    )


def _folder(settings: Settings) -> Path:
    """Where the data grows: the SQLite file's folder (made at the first start), else here."""
    path = settings.database_url.path
    return path.parent if path is not None and path.parent.exists() else Path.cwd()
