"""The one shape of a fake user: a resident on a channel (the terminal, Telegram, WhatsApp),
saying things, choosing options by the label they see, sending a pin or a photo, and reading
what the bot last answered, as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from conversations.kit import Address

if TYPE_CHECKING:  # the fakes use `chosen`: only mypy reads them from here
    from tests.resident import FakeResident
    from tests.telegram_user import TelegramUser
    from tests.whatsapp_phone import Phone


@runtime_checkable
class User(Protocol):
    """A resident as a dialog test drives them, whatever the channel."""

    @property
    def address(self) -> Address:
        """Who the bot sees: the channel and the user id it keeps."""
        ...

    @property
    def replies(self) -> list[str]:
        """What the bot answered to the last thing sent, as the resident reads it."""
        ...

    async def say(self, text: str, /) -> object: ...

    async def choose(self, label: str, /) -> object:
        """Pick an option of the last question by its label as shown (or a unique part of it),
        the way this channel picks: a tap on a button, or the option's number typed."""
        ...

    async def share_location(self, lat: float, lon: float, /) -> object: ...

    async def send_photo(self, name: str, /) -> str:
        """Send a photo; returns the reference the platform gives the bot for it, the one a
        report keeps."""
        ...

    async def send_voice(self, data: bytes, /) -> object:
        """Send a voice note of these bytes, as the channel carries one (a Telegram voice of
        a file id, a Twilio MediaUrl, a local file)."""
        ...


def chosen(label: str, offered: list[str]) -> int:
    """The index in ``offered`` of the label ``label`` names: the same label, or else the one
    label that holds it."""
    found = [i for i, shown in enumerate(offered) if shown == label] or [
        i for i, shown in enumerate(offered) if label in shown
    ]
    assert len(found) == 1, f"{label!r} is not offered once in {offered}"
    return found[0]


def _conforming(console: FakeResident, telegram: TelegramUser, whatsapp: Phone) -> list[User]:
    """Never called: mypy checks here that each fake user is a `User`."""
    return [console, telegram, whatsapp]
