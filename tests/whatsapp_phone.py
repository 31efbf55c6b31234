"""A resident's phone on WhatsApp, as Twilio relays it: signed webhook forms in, TwiML out.

Requests are signed with twilio's own RequestValidator over the public URL, and sent to the app
on another address, as a reverse proxy would.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from xml.etree import ElementTree

import httpx
from twilio.request_validator import RequestValidator

from bot.app import App, build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from bot.prompt_links import PromptLinks
from bot.settings import Settings
from bot.voices import KeptVoices
from bot.web import web_app
from conversations.kit import Address, Option
from conversations.onboarding import AGREE
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.webhook import MESSAGES
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.gazetteer import Gazetteer
from tests.fake_twilio import SID, TOKEN, FakeTwilio
from tests.support.clock import Clock
from tests.support.vault import VAULT

PUBLIC = "https://hayna.example.org"
SENDER = "whatsapp:+14155238886"
TEMPLATES = {"ar": "HX" + "a" * 32, "fr": "HX" + "f" * 32}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_LINE = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)
_sids = itertools.count(1)
JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def sign(url: str, form: dict[str, str]) -> str:
    return str(RequestValidator(TOKEN).compute_signature(url, form))


def settings_for(fake: FakeTwilio, **extra: str) -> Settings:
    """Settings as `hayna serve` reads them; the test gives the database itself."""
    env = {
        "DATABASE_URL": "sqlite:///unused.db",
        "HAYNA_SECRET_KEY": "test-secret-key-that-is-long-enough-for-hayna",
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_WHATSAPP_FROM": SENDER,
        "TWILIO_API_BASE_URL": fake.url,
        "TWILIO_TEMPLATES": ",".join(f"{k}:{v}" for k, v in TEMPLATES.items()),
        "PUBLIC_BASE_URL": PUBLIC,
        **extra,
    }
    return Settings.from_env(env)


@dataclass
class WhatsApp:
    """The app behind its webhooks, the channel, and a client posting to them."""

    app: App
    channel: WhatsAppChannel
    client: httpx.AsyncClient
    fake: FakeTwilio

    async def post(
        self, path: str, form: dict[str, str], url: str | None = None, signed: bool = True
    ) -> httpx.Response:
        """POST ``form`` to ``path``, signed over ``url`` (the public URL unless told)."""
        headers = {"X-Twilio-Signature": sign(url or PUBLIC + path, form)} if signed else {}
        return await self.client.post(path, data=form, headers=headers)

    def phone(self, number: str, name: str = "") -> Phone:
        return Phone(self, number, name)


@asynccontextmanager
async def whatsapp(
    fake: FakeTwilio, db: Database, gazetteer: Gazetteer, clock: Clock, **extra: str
) -> AsyncIterator[WhatsApp]:
    settings = settings_for(fake, **extra)
    assert settings.whatsapp is not None and settings.public_base_url is not None
    channel = WhatsAppChannel(settings.whatsapp, settings.public_base_url, clock)
    # Voice prompts at their public link, as `create_app` builds it; voice notes kept.
    links = PromptLinks(db, settings.secret_key, settings.public_base_url).url
    voices = KeptVoices(db, {"whatsapp": channel.fetcher}, clock)
    engine = build_engine(
        db, gazetteer, VAULT, clock, settings.admins, prompt_links=links, keeper=voices
    )
    dispatcher = Dispatcher(DeliveryQueue(db), {"whatsapp": channel.outbox}, translator, clock)
    app = App(settings, db, engine, dispatcher)
    # The app sees itself on another address than the public one, as behind a proxy.
    transport = httpx.ASGITransport(app=web_app(app, [channel]))
    async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5:8080") as client:
        try:
            yield WhatsApp(app, channel, client, fake)
        finally:
            await channel.stop()


class Phone:
    """One resident's WhatsApp number; keeps what the bot last answered."""

    def __init__(self, whatsapp: WhatsApp, number: str, name: str = "") -> None:
        self.whatsapp = whatsapp
        self.number = number
        self.name = name
        self.texts: list[str] = []
        self.locale = "ar"

    @property
    def address(self) -> Address:
        return Address("whatsapp", self.number)

    @property
    def replies(self) -> list[str]:
        """The messages of the bot's last answer."""
        return self.texts

    async def send(self, message_id: str | None = None, **fields: str) -> httpx.Response:
        message_id = message_id or f"SM{next(_sids):032x}"
        form = {
            "SmsMessageSid": message_id,
            "NumMedia": "0",
            "ProfileName": self.name,
            "WaId": self.number.lstrip("+"),
            "Body": "",
            "To": SENDER,
            "From": f"whatsapp:{self.number}",
            "MessageSid": message_id,
            "AccountSid": SID,
            "ApiVersion": "2010-04-01",
            **fields,
        }
        response = await self.whatsapp.post(MESSAGES, form)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        self.texts = [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]
        return response

    async def say(self, text: str, message_id: str | None = None) -> httpx.Response:
        return await self.send(message_id, Body=text)

    async def share_location(self, lat: float, lon: float) -> httpx.Response:
        return await self.send(Latitude=str(lat), Longitude=str(lon), Address="", Label="")

    async def send_photo(self, url: str, caption: str = "") -> str:
        """A photo at ``url``, or, given a name, a photo of that name the fake Twilio holds;
        returns its MediaUrl, which the bot keeps."""
        if not url.startswith(("http://", "https://")):
            url = self.whatsapp.fake.add_media(JPEG_START + url.encode())
        await self.send(Body=caption, NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
        return url

    async def send_voice(self, data: bytes, content_type: str = "audio/ogg") -> str:
        """A voice note the fake Twilio holds, as its MediaUrl (no size: Twilio gives none)."""
        url = self.whatsapp.fake.add_media(data)
        await self.send(NumMedia="1", MediaUrl0=url, MediaContentType0=content_type)
        return url

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    def numbered(self) -> dict[int, str]:
        """The options of the last answer, by their number."""
        return {int(n): label for n, label in _LINE.findall(self.text)}

    def number_of(self, option: Option | str) -> int:
        label = option if isinstance(option, str) else option.label.render(translator(self.locale))
        offered = self.numbered()
        found = [n for n, shown in offered.items() if label == shown] or [
            n for n, shown in offered.items() if label in shown
        ]
        assert len(found) == 1, f"{label!r} not offered once in:\n{self.text}"
        return found[0]

    async def choose(self, option: Option | str, how: str = "number") -> httpx.Response:
        """Pick an option by typing its number (``number``), its number in Arabic-Indic digits
        (``arabic``) or its label as shown (``label``)."""
        number = self.number_of(option)
        if how == "label":
            return await self.say(self.numbered()[number])
        typed = str(number).translate(ARABIC_INDIC) if how == "arabic" else str(number)
        return await self.say(typed)


async def settled(phone: Phone, language: str, how: str, pin: tuple[float, float]) -> None:
    """``phone`` onboarded in the commune at ``pin``: its language by its name, the privacy
    notice agreed and the commune confirmed, each typed as ``how`` says."""
    await phone.say("Salam")
    await phone.choose({"ar": "العربية", "fr": "Français"}[language], "number")
    phone.locale = language
    await phone.choose(AGREE, how)
    await phone.share_location(*pin)
    await phone.say("1")  # "this location is in ...: is it your commune?"
