"""The public page of each petition, at ``/p/CODE``, and its printable poster: what anyone may
read, in the reader's language, with the links that open a chat to sign it. No session, no
signer: the page shows only what `PublicPetitions` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from conversations.kit import MOROCCO
from conversations.language import DEFAULT, SUPPORTED, supported
from conversations.petition import SIGNING, PetitionKind, life_labels
from conversations.public import PublicPetition, PublicPetitions
from conversations.text import _
from handlers.telegram.settings import deep_link
from handlers.web.templating import Pages

PUBLIC = "/p"
# Nothing on these pages is anyone's own: shared caches may keep them a few minutes.
CACHED = {"cache-control": "public, max-age=300"}
# Open Graph writes a locale with its territory, and no script: Tamazight is zgh_MA in both.
OG_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "zgh": "zgh_MA", "zgh_Latn": "zgh_MA", "en": "en_GB"}
# More tags than any browser sends; the rest of a longer header is not read.
MAX_TAGS = 20


def reader_language(request: Request) -> str:
    """``?l=`` when it names a language of Hayna, else the browser's first among them by
    Accept-Language's order of preference, else Arabic."""
    asked = request.query_params.get("l", "")
    if asked in SUPPORTED:
        return asked
    ranked: list[tuple[float, int, str]] = []
    header = request.headers.get("accept-language", "")
    for index, item in enumerate(header.split(",")[:MAX_TAGS]):
        tag, _sep, params = item.strip().partition(";")
        primary = supported(tag.strip())
        weight = params.strip().removeprefix("q=")
        try:
            quality = float(weight) if params else 1.0
        except ValueError:
            continue
        if primary is not None and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else DEFAULT


@dataclass(frozen=True, slots=True)
class SigningLinks:
    """Where the page and the chats are: the site's address, the WhatsApp number (digits, no
    "+") and the Telegram bot's username; a channel not configured has no link."""

    base_url: str
    whatsapp_number: str = ""
    telegram_bot: str = ""

    def page(self, code: str) -> str:
        return f"{self.base_url.rstrip('/')}{PUBLIC}/{code}"

    def whatsapp(self, code: str) -> str:
        if not self.whatsapp_number:
            return ""
        return f"https://wa.me/{self.whatsapp_number}?text={quote(f'P {code}')}"

    def telegram(self, code: str) -> str:
        return deep_link(self.telegram_bot, f"p_{code}") if self.telegram_bot else ""


class PublicPages:
    """``GET /p/{code}`` and ``GET /p/{code}/poster.pdf``."""

    def __init__(self, petitions: PublicPetitions, pages: Pages, links: SigningLinks) -> None:
        self.petitions = petitions
        self.pages = pages
        self.links = links

    def routes(self) -> list[BaseRoute]:
        return [
            Route(PUBLIC + "/{code}", self.petition, methods=["GET"]),
            Route(PUBLIC + "/{code}/poster.pdf", self.poster, methods=["GET"]),
        ]

    async def petition(self, request: Request) -> Response:
        locale = reader_language(request)
        found = await self.petitions.petition(request.path_params["code"])
        if found is None:
            return self.pages.render(locale, "public_missing.html", 404)
        values = self._values(found, locale)
        response = self.pages.render(locale, "public_petition.html", 200, **values)
        response.headers.update(CACHED)
        return response

    def _values(self, petition: PublicPetition, locale: str) -> dict[str, object]:
        code = petition.code
        supported = petition.kind is PetitionKind.ASSOCIATION
        return {
            "petition": petition,
            "supported": supported,
            "description": self._description(petition, locale),
            "commune": petition.commune_ar if locale == "ar" else petition.commune_fr,
            "signing": petition.life in SIGNING,
            "life": life_labels(petition.kind)[petition.life],
            "last_day": petition.deadline.astimezone(MOROCCO).date(),
            "url": self.links.page(code),
            "whatsapp": self.links.whatsapp(code),
            "telegram": self.links.telegram(code),
            "og_locale": OG_LOCALES[locale],
            "og_alternates": list(
                dict.fromkeys(
                    OG_LOCALES[o] for o in SUPPORTED if OG_LOCALES[o] != OG_LOCALES[locale]
                )
            ),
        }

    def _description(self, petition: PublicPetition, locale: str) -> str:
        """What a link's preview says under the title: the summary, and for an association's
        petition the association that files it first."""
        if petition.kind is not PetitionKind.ASSOCIATION:
            return petition.summary
        said = _(
            "A petition of {association}: {summary}",
            association=petition.association,
            summary=petition.summary,
        )
        return said.render(self.pages.translators(locale))

    async def poster(self, request: Request) -> Response:
        found = await self.petitions.petition(request.path_params["code"])
        if found is None:
            return self.pages.render(reader_language(request), "public_missing.html", 404)
        # Laying out a page and its QR code takes a moment of CPU: not in the event loop.
        pdf = await run_in_threadpool(self.petitions.poster, found, self.links.page(found.code))
        disposition = f'inline; filename="{found.code}-poster.pdf"'
        headers = {**CACHED, "content-disposition": disposition}
        return Response(pdf, media_type="application/pdf", headers=headers)
