"""Settings from environment variables, checked once at start-up.

A missing or malformed value stops start-up with one line naming the variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.channels import CHANNELS
from bot.data_folder import FolderProblem, default_database, key_file, read_or_create_key
from conversations.answer_clock import DELAY_MONTHS
from conversations.association import DEFAULT_CHECKLIST, CheckItem, Checklist, read_checklist
from conversations.kit import Address
from conversations.petition_terms import PetitionTerms
from conversations.phone import parse_phone
from handlers.telegram.settings import (
    BOT_USERNAME,
    TELEGRAM_API,
    TELEGRAM_RATE,
    TelegramSettings,
)
from handlers.web.map import MapTiles
from handlers.whatsapp.settings import TWILIO_API, WHATSAPP_RATE, WhatsAppSettings
from storage.database import DatabaseURL

MIN_KEY_LENGTH = 32
MIN_TOKEN_LENGTH = 16
# The longest answer delay a setting may give: two years.
MONTHS_MOST = 24
YEARS_MOST = 20
LOCALES = ("ar", "fr", "zgh", "zgh_Latn", "en")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(Exception):
    """A setting that stops start-up; str() is the one line to print."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: DatabaseURL
    secret_key: str
    admins: frozenset[Address]
    log_level: str
    telegram: TelegramSettings | None = None
    whatsapp: WhatsAppSettings | None = None
    # The https URL the platforms reach this server at; webhooks are registered and signed on it.
    public_base_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    # A file the logs also go to (redacted, one line per event), besides standard error.
    log_file: Path | None = None
    # Flood control per resident: messages a minute, and how many may come at once.
    flood_per_minute: float = 20.0
    flood_burst: int = 10
    # The council's legal delay to answer a filed petition (conversations/answer_clock.py).
    answer_delay_months: int = DELAY_MONTHS
    # The checklist new association petitions get (conversations/association.py).
    association_checklist: Checklist = DEFAULT_CHECKLIST
    # The file the secret key was read from; None when it came from HAYNA_SECRET_KEY.
    key_file: Path | None = None
    # Map tiles under the dashboard's reports map, and the credit their server asks for; the
    # map is the communes' outlines alone without them.
    map_tiles: MapTiles | None = None
    # The Telegram bot's username, for the links of petitions' public pages; read without the
    # token, since the bot may be served by another process than the one serving the pages.
    telegram_bot_username: str | None = None
    # The bearer token a Prometheus scraper presents at /metrics; without it there is no /metrics.
    metrics_token: str | None = None

    @property
    def petition_terms(self) -> PetitionTerms:
        return PetitionTerms(self.answer_delay_months, self.association_checklist)

    @property
    def dashboard_url(self) -> str:
        """Where organizers' browsers reach the dashboard: PUBLIC_BASE_URL, or this machine's
        own address for a trial without one (`hayna serve` on 127.0.0.1)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment; the same for every command, so all of them use one key."""
        env = os.environ if env is None else env
        database = _database(env.get("DATABASE_URL", "").strip())
        raw_key = env.get("HAYNA_SECRET_KEY", "").strip()
        return cls(
            database_url=database,
            admins=_admins(env.get("HAYNA_ADMINS", "")),
            log_level=_log_level(env.get("HAYNA_LOG_LEVEL", "WARNING")),
            telegram=_telegram(env),
            whatsapp=_whatsapp(env),
            public_base_url=_public_url(env.get("PUBLIC_BASE_URL", "")),
            host=env.get("HAYNA_HOST", "").strip() or "127.0.0.1",
            port=_port(env.get("PORT", "8080")),
            log_file=Path(env["HAYNA_LOG_FILE"]) if env.get("HAYNA_LOG_FILE", "").strip() else None,
            flood_per_minute=_positive("HAYNA_FLOOD_PER_MINUTE", env.get("HAYNA_FLOOD_PER_MINUTE")),
            flood_burst=int(_positive("HAYNA_FLOOD_BURST", env.get("HAYNA_FLOOD_BURST"), 10)),
            answer_delay_months=_months(env.get("HAYNA_ANSWER_DELAY_MONTHS")),
            association_checklist=_checklist(env),
            key_file=None if raw_key or database.path is None else key_file(database.path),
            map_tiles=_map_tiles(env),
            telegram_bot_username=_bot_username(_value(env, "TELEGRAM_BOT_USERNAME")),
            metrics_token=_metrics_token(_value(env, "HAYNA_METRICS_TOKEN")),
            # Last: a new database's key file is written only once every other value is good.
            secret_key=_secret(raw_key, database),
        )


def _database(raw: str) -> DatabaseURL:
    if not raw:
        try:
            raw = f"sqlite:///{default_database()}"
        except FolderProblem as problem:
            raise SettingsError("DATABASE_URL", str(problem)) from None
    try:
        return DatabaseURL.parse(raw)
    except Exception as error:  # SQLAlchemy raises several kinds for a bad URL
        raise SettingsError("DATABASE_URL", f"cannot be used ({error})") from None


def _secret(raw: str, database: DatabaseURL) -> str:
    """HAYNA_SECRET_KEY, else the key file beside an SQLite database (created with it)."""
    if raw:
        if len(raw) < MIN_KEY_LENGTH:
            raise SettingsError("HAYNA_SECRET_KEY", f"must be at least {MIN_KEY_LENGTH} characters")
        return raw
    if database.path is None:
        # A server database has no folder on this machine to keep a key file beside.
        raise SettingsError(
            "HAYNA_SECRET_KEY",
            "is required with a PostgreSQL DATABASE_URL; for a new database generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))' and keep it: "
            "the database accepts only the key it was first used with",
        )
    try:
        return read_or_create_key(database.path, MIN_KEY_LENGTH)
    except FolderProblem as problem:
        raise SettingsError("HAYNA_SECRET_KEY", str(problem)) from None


def parse_address(item: str) -> Address | None:
    """A resident's address typed as CHANNEL:ID (``whatsapp:+212600000000``); None if it is not
    one."""
    channel, _, user = item.strip().partition(":")
    if channel not in CHANNELS.names() or not user.strip():
        return None
    if CHANNELS.get(channel).phone_addresses:
        # As such addresses arrive (+212612345678), however the number was typed.
        return Address(channel, parse_phone(user) or user.strip())
    return Address(channel, user.strip())


def _admins(raw: str) -> frozenset[Address]:
    admins = set()
    for item in filter(None, (part.strip() for part in raw.split(","))):
        address = parse_address(item)
        if address is None:
            raise SettingsError(
                "HAYNA_ADMINS",
                f"{item!r} is not CHANNEL:ID (channels: {', '.join(CHANNELS.names())}), "
                "for example telegram:123456789,whatsapp:+212600000000",
            )
        admins.add(address)
    return frozenset(admins)


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("HAYNA_LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
    return level


def _value(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _url(variable: str, raw: str) -> str:
    """An http(s) URL without a trailing slash; plain http only on this machine (tests, proxies
    on loopback)."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(variable, f"{raw!r} is not an http(s) URL")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SettingsError(variable, "must be https (plain http only for 127.0.0.1)")
    return raw.rstrip("/")


def _public_url(raw: str) -> str | None:
    return _url("PUBLIC_BASE_URL", raw.strip()) if raw.strip() else None


def _map_tiles(env: Mapping[str, str]) -> MapTiles | None:
    template = env.get("HAYNA_MAP_TILES", "").strip()
    if not template:
        return None
    parts = urlsplit(template.replace("{", "").replace("}", ""))
    if (
        parts.scheme != "https"
        or not parts.netloc
        or any(f"{{{name}}}" not in template for name in ("z", "x", "y"))
    ):
        raise SettingsError(
            "HAYNA_MAP_TILES",
            "must be an https URL with {z}, {x} and {y}, e.g. "
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        )
    try:
        template.format(z=0, x=0, y=0)
    except (KeyError, IndexError, ValueError):
        # {s} sub-domains and {r} retina marks are other maps' libraries' words, not a URL's.
        raise SettingsError(
            "HAYNA_MAP_TILES", "may hold only {z}, {x} and {y} (no {s} or {r})"
        ) from None
    credit = env.get("HAYNA_MAP_ATTRIBUTION", "").strip()
    if not credit:
        raise SettingsError("HAYNA_MAP_ATTRIBUTION", "is required with HAYNA_MAP_TILES")
    return MapTiles(template, credit[:200])


def _positive(variable: str, raw: str | None, default: float = 20.0) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value >= 1:  # also refuses NaN
        raise SettingsError(variable, f"{raw!r} is not a number of at least 1")
    return value


def _months(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DELAY_MONTHS
    if not raw.strip().isdecimal() or not 1 <= int(raw) <= MONTHS_MOST:
        raise SettingsError(
            "HAYNA_ANSWER_DELAY_MONTHS", f"{raw!r} is not a whole number of months, 1 to 24"
        )
    return int(raw)


def _checklist(env: Mapping[str, str]) -> Checklist:
    """HAYNA_ASSOCIATION_CHECKLIST (item keys, comma-separated) and HAYNA_ASSOCIATION_YEARS."""
    raw = env.get("HAYNA_ASSOCIATION_CHECKLIST", "").strip()
    keys = ", ".join(CheckItem)
    # Commas alone ("," or " , ") name no item: said so, not as an unknown one.
    if raw and not raw.replace(",", "").strip():
        raise SettingsError("HAYNA_ASSOCIATION_CHECKLIST", f"names no item; the items are {keys}")
    try:
        items = read_checklist(raw) if raw else DEFAULT_CHECKLIST.items
    except ValueError as unknown:
        raise SettingsError(
            "HAYNA_ASSOCIATION_CHECKLIST", f"unknown item {unknown}; the items are {keys}"
        ) from None
    years = env.get("HAYNA_ASSOCIATION_YEARS", "").strip()
    if not years:
        return Checklist(items)
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not years.isdecimal() or not 1 <= int(years) <= YEARS_MOST:
        raise SettingsError(
            "HAYNA_ASSOCIATION_YEARS",
            f"{years!r} is not a whole number of years, 1 to {YEARS_MOST}",
        )
    return Checklist(items, int(years))


def _port(raw: str) -> int:
    if not raw.strip().isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError("PORT", f"{raw!r} is not a port number")
    return int(raw)


def _telegram(env: Mapping[str, str]) -> TelegramSettings | None:
    token = _value(env, "TELEGRAM_BOT_TOKEN")
    if not token:
        return None
    if ":" not in token:
        raise SettingsError("TELEGRAM_BOT_TOKEN", "is not a bot token (123456:ABC-...)")
    secret = _value(env, "TELEGRAM_WEBHOOK_SECRET") or None
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET", "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
        )
    base = _value(env, "TELEGRAM_API_BASE_URL") or TELEGRAM_API
    rate = _rate(env, "TELEGRAM_RATE", TELEGRAM_RATE)
    return TelegramSettings(token, _url("TELEGRAM_API_BASE_URL", base), secret, rate)


def _rate(env: Mapping[str, str], name: str, default: int) -> int:
    """A platform's messages a second: a whole number, at least 1."""
    rate = _value(env, name) or str(default)
    if not rate.isdigit() or int(rate) < 1:
        raise SettingsError(name, "must be a whole number of messages per second")
    return int(rate)


def _bot_username(raw: str) -> str | None:
    username = raw.removeprefix("@")
    if not username:
        return None
    if not BOT_USERNAME.fullmatch(username):
        raise SettingsError(
            "TELEGRAM_BOT_USERNAME", f"{raw!r} is not a bot's username such as HaynaBot"
        )
    return username


def _metrics_token(raw: str) -> str | None:
    if not raw:
        return None
    # Sent in a header: printable ASCII, and long enough not to be guessed.
    if len(raw) < MIN_TOKEN_LENGTH or not (raw.isascii() and raw.isprintable()):
        raise SettingsError(
            "HAYNA_METRICS_TOKEN",
            f"must be at least {MIN_TOKEN_LENGTH} printable ASCII characters",
        )
    return raw


def _whatsapp(env: Mapping[str, str]) -> WhatsAppSettings | None:
    sid = _value(env, "TWILIO_ACCOUNT_SID")
    if not sid:
        return None
    token = _value(env, "TWILIO_AUTH_TOKEN")
    if not token:
        raise SettingsError("TWILIO_AUTH_TOKEN", "is required with TWILIO_ACCOUNT_SID")
    sender = _value(env, "TWILIO_WHATSAPP_FROM")
    if not re.fullmatch(r"whatsapp:\+\d{6,15}", sender):
        raise SettingsError(
            "TWILIO_WHATSAPP_FROM", f"{sender!r} is not a sender such as whatsapp:+14155238886"
        )
    base = _value(env, "TWILIO_API_BASE_URL") or TWILIO_API
    return WhatsAppSettings(
        sid,
        token,
        sender,
        _url("TWILIO_API_BASE_URL", base),
        _templates(_value(env, "TWILIO_TEMPLATES")),
        _rate(env, "WHATSAPP_RATE", WHATSAPP_RATE),
    )


def _templates(raw: str) -> dict[str, str]:
    """``ar:HX...,fr:HX...``: the approved notice template of each language."""
    templates = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        locale, _, sid = item.partition(":")
        if locale not in LOCALES or not sid.startswith("HX"):
            raise SettingsError(
                "TWILIO_TEMPLATES",
                f"{item!r} is not LOCALE:CONTENT_SID (locales: {', '.join(LOCALES)}), "
                "for example ar:HXaaaa...,fr:HXbbbb...",
            )
        templates[locale] = sid
    return templates
