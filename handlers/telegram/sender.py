"""Sending through the Bot API at Telegram's pace: replies, pushes (the Telegram `Outbox`), the
file a reply carries (a document after its text, a photo with the text as its caption), its voice
prompt (a voice message, last) and the answer to a tapped button. A 429 holds
the whole bot, then the message goes again; a 403 means the resident cannot be reached."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from conversations.kit import PHOTO_TYPES, Attachment, Outgoing
from conversations.seams import Push, Rejected, TransientFailure, Unreachable
from conversations.text import Translator
from handlers.metrics import Metrics
from handlers.splitting import units
from handlers.telegram.capabilities import CHANNEL, MAX_CAPTION
from handlers.telegram.inbound import Chat
from handlers.telegram.markup import Send, render
from handlers.telegram.pace import TelegramPace

log = logging.getLogger(__name__)

T = TypeVar("T")
# A reply waits out every 429 (the resident is waiting for it), up to this many.
MAX_ATTEMPTS = 5
# A push waits out a short 429 in place; a longer one sends it back to the queue.
PUSH_WAIT = 10.0
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")


class TelegramSender:
    """The Telegram `Outbox`, and the way replies go out: one pace for both."""

    channel = CHANNEL

    def __init__(
        self,
        bot: Bot,
        pace: TelegramPace,
        translator: Callable[[str], Translator],
        metrics: Metrics | None = None,
    ) -> None:
        self.bot = bot
        self.pace = pace
        self.translator = translator
        self.metrics = metrics or Metrics()

    async def send(self, push: Push) -> str | None:
        """Push one notice; the id of its (last) message, for the record."""
        chat = int(push.address.user)
        try:
            sent = await self._message(
                Chat(chat, chat > 0), push.message, reply=False, in_time=push.in_time
            )
        except RetryAfter as error:
            raise TransientFailure("Telegram asked to wait", retry_seconds(error)) from None
        except (Forbidden, _ChatGone) as error:
            raise Unreachable(str(error)) from None
        except BadRequest as error:
            # A request Telegram will never accept as it is: failed now, not retried for hours.
            raise Rejected(f"Telegram refused it: {error.message}") from None
        except NetworkError as error:  # timeouts, connection errors, Telegram's 5xx
            raise TransientFailure(str(error)) from None
        return sent

    async def reply(self, chat: Chat, out: Outgoing) -> None:
        """Answer a resident; logged, not raised, when Telegram refuses."""
        try:
            await self._message(chat, out, reply=True)
        except TelegramError as error:
            log.warning("reply to chat %s not sent: %s", chat.id, error)

    async def acknowledge(self, query_id: str, chat: int | None, message: int | None) -> None:
        """Stop the tapped button's spinner and take the answered question's keyboard away."""
        try:
            await self._call(None, True, partial(self.bot.answer_callback_query, query_id))
            if chat is not None and message is not None:
                edit = partial(self.bot.edit_message_reply_markup, chat, message, reply_markup=None)
                await self._call(None, True, edit)
        except TelegramError as error:
            # An old query or a keyboard already gone: the answer itself still goes out.
            log.info("tap in chat %s not acknowledged: %s", chat, error)

    async def _message(
        self, chat: Chat, out: Outgoing, reply: bool, in_time: Callable[[], bool] | None = None
    ) -> str | None:
        """Send ``out`` in as many messages as it takes; ``in_time`` is asked before the first
        (a push whose claim ran out while waiting for the pace is left for the next claim)."""
        pieces = render(out, self.translator(out.locale), chat.private, reply)
        photo = out.attachment if _is_photo(out.attachment) else None
        if photo is not None and len(pieces) == 1 and units(pieces[0].text) <= MAX_CAPTION:
            # One message: the photo, the text as its caption, the keyboard under it.
            return await self._photo(chat, reply, photo, pieces[0], reply, in_time)
        last = None
        if photo is not None:
            # Too long for a caption: the photo first, then the text it goes with.
            last = await self._photo(chat, reply, photo, None, reply, in_time)
        for piece in pieces:
            send = partial(self.bot.send_message, chat.id, piece.text, reply_markup=piece.markup)
            # Once a piece is out, the rest waits in place: a retry later would repeat it.
            first = in_time if last is None else None
            sent = await self._call(chat.id, reply, send, reply or last is not None, first)
            last = str(sent.message_id)
        if out.attachment is not None and photo is None:
            # After the text, in the same chat's turn order; no caption: the text said it all.
            last = await self._attached(chat, reply, out.attachment)
        if out.voice is not None:
            last = await self._voice(chat, reply, out.voice)
        return last

    async def _attached(self, chat: Chat, reply: bool, attachment: Attachment) -> str:
        """A file sent after the text: a sound as a voice message, anything else a document."""
        if attachment.content_type in VOICE_TYPES:
            return await self._voice(chat, reply, attachment)
        document = InputFile(attachment.data, filename=attachment.filename)
        upload = partial(self.bot.send_document, chat.id, document)
        sent = await self._call(chat.id, reply, upload, patient=True)
        return str(sent.message_id)

    async def _voice(self, chat: Chat, reply: bool, voice: Attachment) -> str:
        """A sound file as a voice message, played in the chat (sendVoice plays OGG/Opus, MP3
        and M4A): a resident's note heard again, or a recorded prompt after its text."""
        upload = partial(
            self.bot.send_voice, chat.id, InputFile(voice.data, filename=voice.filename)
        )
        sent = await self._call(chat.id, reply, upload, patient=True)
        return str(sent.message_id)

    async def _photo(
        self,
        chat: Chat,
        reply: bool,
        photo: Attachment,
        caption: Send | None,
        patient: bool,
        in_time: Callable[[], bool] | None = None,
    ) -> str:
        text = caption.text if caption is not None else None
        markup = caption.markup if caption is not None else None
        upload = partial(
            self.bot.send_photo,
            chat.id,
            InputFile(photo.data, filename=photo.filename),
            caption=text,
            reply_markup=markup,
        )
        try:
            sent = await self._call(chat.id, reply, upload, patient, in_time)
        except BadRequest as error:
            # Telegram refuses some images as photos (too wide, too large a side): the same
            # file as a document still shows, and the text with it; retrying would not help.
            log.warning("photo %s refused (%s); sent as a document", photo.filename, error)
            document = InputFile(photo.data, filename=photo.filename)
            upload = partial(
                self.bot.send_document, chat.id, document, caption=text, reply_markup=markup
            )
            sent = await self._call(chat.id, reply, upload, patient=patient)
        return str(sent.message_id)

    async def _call(
        self,
        chat: int | None,
        reply: bool,
        request: Callable[[], Awaitable[T]],
        patient: bool = True,
        in_time: Callable[[], bool] | None = None,
    ) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.pace.wait(chat, reply)
            if in_time is not None and not in_time():
                raise TransientFailure("the claim ran out while waiting for Telegram's pace")
            try:
                return await request()
            except RetryAfter as error:
                wait = retry_seconds(error)
                self.pace.hold(wait)
                self.metrics.too_many_requests(CHANNEL)
                log.warning("Telegram 429: holding every request for %.0f s", wait)
                if attempt == MAX_ATTEMPTS or (not patient and wait > PUSH_WAIT):
                    raise
            except BadRequest as error:
                if any(gone in error.message.lower() for gone in _GONE):
                    raise _ChatGone(error.message) from None
                raise
        raise AssertionError("unreachable: the last attempt returns or raises")


# What Telegram plays as a voice message: OGG/Opus, MP3, M4A.
VOICE_TYPES = frozenset({"audio/ogg", "audio/mpeg", "audio/mp4"})


def _is_photo(attachment: Attachment | None) -> bool:
    return attachment is not None and attachment.content_type in PHOTO_TYPES


class _ChatGone(TelegramError):
    """A 400 that means the same as a 403: the chat is no longer there for this bot."""


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds."""
    with warnings.catch_warnings():
        # PTB is moving retry_after from int to timedelta; either is fine here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
