"""What a channel can show and carry, declared once in its folder of `handlers` and read here:
the engine renders for it, and a message meant for every channel (an update, a shared
petition) is bounded by the tightest of them. Flows never name a platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from conversations.text import Renderable, Verbatim, pgettext


@dataclass(frozen=True, slots=True)
class Capabilities:
    """One channel's means and limits."""

    # The channel's code, as addresses carry it.
    name: str
    # Its name as residents read it ("my data" says which channel a record came from).
    label: Renderable
    # How a location is asked for: None where the channel shows a way of its own (a button, a
    # command), else the hint added below the question.
    location_hint: Renderable | None
    # The longest text of one message, and of a file's caption (None: no captions).
    text_limit: int
    caption_limit: int | None
    # The largest photo it sends, in bytes.
    media_limit: int
    # Options as buttons: at most this many in one message, each id at most `button_id_limit`
    # bytes. 0: options are numbered lines (`handlers/numbered.py`), as they also are where a
    # reply has more options, or a longer id, than the buttons carry. A typed number or label
    # picks an option on every channel.
    buttons: int = 0
    button_id_limit: int = 0
    # A push outside the platform's window goes as the one variable of an approved template of
    # at most this many characters; None when every push is free text.
    template_variable_limit: int | None = None
    # How a petition's code is shared there, as a short clause ("on X, ..."); None: it is not.
    share: Callable[[str], Renderable] | None = None
    # Flood control applies; not to the operator's own channel.
    limited: bool = True
    # Addresses are phone numbers as E.164 writes them (+212612345678).
    phone_addresses: bool = False

    @property
    def push_limit(self) -> int:
        """The longest text a push carries wherever the resident is in the platform's window."""
        if self.template_variable_limit is None:
            return self.text_limit
        return min(self.text_limit, self.template_variable_limit)


def unknown(name: str) -> Capabilities:
    """What an unregistered channel is taken to have: no location hint, short texts and small
    photos, so that nothing is lost on it."""
    return Capabilities(
        name=name,
        label=Verbatim(name),
        location_hint=None,
        text_limit=1_600,
        caption_limit=None,
        media_limit=5 * 1024 * 1024,
    )


@dataclass(frozen=True, slots=True)
class Channels:
    """Every channel Hayna runs on."""

    every: tuple[Capabilities, ...] = ()

    @staticmethod
    def of_all(channels: Iterable[Capabilities]) -> Channels:
        return Channels(tuple(channels))

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.every)

    def get(self, name: str) -> Capabilities:
        return next((c for c in self.every if c.name == name), None) or unknown(name)

    def share(self, code: str) -> Renderable:
        """How to share the petition ``code`` on each channel that can, in registry order."""
        return listed([c.share(code) for c in self.every if c.share is not None])

    def push_limit(self) -> int:
        """The longest push text every channel carries."""
        return min((c.push_limit for c in self.every), default=unknown("").push_limit)

    def media_limit(self) -> int:
        """The largest photo every channel sends."""
        return min((c.media_limit for c in self.every), default=unknown("").media_limit)


def listed(parts: Sequence[Renderable]) -> Renderable:
    """Clauses one after the other, as the resident's language separates them."""
    if not parts:
        return Verbatim("")
    joined = parts[0]
    for part in parts[1:]:
        # TRANSLATORS: two clauses of a list, such as the ways to share a petition on each
        # chat app ("on ..., ...; on ..., ..."); keep both placeholders.
        joined = pgettext("list", "{earlier}; {later}", earlier=joined, later=part)
    return joined


# Where no channel is known (a flow tested on its own): every channel is taken as `unknown`.
NO_CHANNELS = Channels()
