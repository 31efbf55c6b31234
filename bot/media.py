"""Photos of organizers' updates: checked, fetched from the organizer's channel before the update
is expanded, loaded for the dispatcher, and served at ``GET /media/{token}`` for platforms that
fetch media by URL (Twilio). The token is the photo's id signed with HAYNA_SECRET_KEY, so a link
needs no row per recipient and cannot be guessed; anything else is a plain 404."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.channels import CHANNELS
from conversations.kit import PHOTO_TYPES, Attachment
from conversations.seams import MediaFetcher, TransientFailure
from handlers.filetype import HEAD, sniff
from storage import media
from storage.database import Database

log = logging.getLogger(__name__)

PATH = "/media"
# The largest photo every channel sends: an update's photo reaches everyone.
PHOTO_MAX = CHANNELS.media_limit()
# A photo its channel cannot give this long after the update is due: the text goes without it.
GIVE_UP = timedelta(minutes=10)
RETRY = timedelta(seconds=30)
_SIGNATURE = 32
# An id of at most 18 digits (a 64-bit integer), a dash, the signature in lowercase hex.
_TOKEN = re.compile(rf"[0-9]{{1,18}}-[0-9a-f]{{{_SIGNATURE}}}")


class MediaLinks:
    """Signs, resolves and serves the links of stored photos."""

    def __init__(self, db: Database, secret_key: str, public_base_url: str | None) -> None:
        self.db = db
        # A key of its own, so a media link says nothing of the key that seals CINs.
        self.key = hmac.new(secret_key.encode(), b"hayna media links", hashlib.sha256).digest()
        self.public_base_url = (public_base_url or "").rstrip("/")

    def token(self, media_id: int) -> str:
        mac = hmac.new(self.key, str(media_id).encode(), hashlib.sha256).hexdigest()
        return f"{media_id}-{mac[:_SIGNATURE]}"

    def media_id(self, token: str) -> int | None:
        """The photo a token names, when its signature is ours."""
        # Of our alphabet and length first: compare_digest takes ASCII text or bytes only.
        if not _TOKEN.fullmatch(token):
            return None
        media_id = int(token.partition("-")[0])
        ours = self.token(media_id).encode()
        return media_id if hmac.compare_digest(token.encode(), ours) else None

    def url(self, media_id: int) -> str:
        """The public link of a photo; empty when no PUBLIC_BASE_URL is set."""
        if not self.public_base_url:
            return ""
        return f"{self.public_base_url}{PATH}/{self.token(media_id)}"

    async def photos(self, ids: Collection[int]) -> dict[int, Attachment]:
        """The photos with these ids, as attachments carrying their public link."""
        found = await media.load(self.db, ids)
        return {
            i: Attachment(m.filename, m.content_type, m.data, self.url(i)) for i, m in found.items()
        }

    def routes(self) -> Sequence[BaseRoute]:
        async def serve(request: Request) -> Response:
            media_id = self.media_id(request.path_params["token"])
            found = await media.load(self.db, [media_id]) if media_id is not None else {}
            if media_id is None or media_id not in found:
                return Response(status_code=404)
            photo = found[media_id]
            headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
            return Response(photo.data, media_type=photo.content_type, headers=headers)

        return [Route(PATH + "/{token}", serve, methods=["GET"])]


def photo_type(data: bytes) -> str | None:
    """The content type of a photo an update may carry: JPEG, PNG or WebP by its first bytes
    (a name or a declared type proves nothing), at most `PHOTO_MAX` bytes; None otherwise."""
    kind = sniff(data[:HEAD])
    return kind if kind in PHOTO_TYPES and len(data) <= PHOTO_MAX else None


class WaitingPhotos:
    """Fetches the photos organizers sent in the chat into `media`, outside any transaction (a
    download must not hold the database). A photo that cannot be had, or still not after
    `GIVE_UP`, is dropped and its update goes as text; one that may come later is tried again
    every `RETRY`."""

    def __init__(self, db: Database, fetchers: Mapping[str, MediaFetcher]) -> None:
        self.db = db
        self.fetchers = fetchers
        # When each update's photo was last tried in vain, so a slow platform is not hammered.
        self.tried: dict[int, datetime] = {}

    async def fetch(self, now: datetime) -> int:
        """Settle the photos that can be settled now; returns how many were."""
        settled = 0
        for waiting in await media.waiting(self.db):
            number = waiting.announcement_id
            if now - self.tried.get(number, now - RETRY) < RETRY:
                continue
            fetcher = self.fetchers.get(waiting.channel)
            data, problem, again = await fetch_file(fetcher, waiting.ref, PHOTO_MAX)
            kind = photo_type(data) if data is not None else None
            if data is not None and kind is not None:
                name = f"update-{number}.{kind.removeprefix('image/')}"
                await media.attach(self.db, number, name, kind, data, now)
            elif again and now - waiting.due_at <= GIVE_UP:
                # Another round, or another process that has the channel.
                self.tried[number] = now
                continue
            else:
                problem = problem or "the file is not a JPEG, PNG or WebP photo of at most 5 MB"
                log.warning("update %s goes without its photo: %s", number, problem)
                await media.give_up(self.db, number)
            self.tried.pop(number, None)
            settled += 1
        return settled


async def fetch_file(
    fetcher: MediaFetcher | None, ref: str, limit: int
) -> tuple[bytes | None, str, bool]:
    """A file an organizer sent in the chat, of at most ``limit`` bytes; or what went wrong,
    and whether trying again may help (its channel is slow, or served by another process)."""
    if fetcher is None:
        return None, "no channel here can fetch it", True
    try:
        return await fetcher.fetch(ref, limit), "", False
    except TransientFailure as error:
        return None, str(error), True
    except ValueError as error:
        return None, str(error), False
