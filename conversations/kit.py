"""The vocabulary every flow and adapter shares: who speaks, what came in, what goes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from conversations.flow_names import FlowName
from conversations.text import ByLocale, Renderable, from_json

# Every time a resident sees is in Moroccan time; zoneinfo follows the Ramadan change to UTC+0.
MOROCCO = ZoneInfo("Africa/Casablanca")

# The photos every platform shows as one: what a report or an update may carry.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})

S = TypeVar("S", bound=StrEnum)
D = TypeVar("D")


class MediaKind(StrEnum):
    PHOTO = "photo"
    VOICE = "voice"
    VIDEO = "video"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Address:
    """One resident on one channel: the channel's name and that channel's id of them."""

    channel: str
    user: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user}"


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Media:
    """A photo or voice note as the channel gave it: a file id, URL or local path."""

    kind: MediaKind
    ref: str
    content_type: str = ""
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a resident, already authenticated and translated by an adapter."""

    address: Address
    message_id: str
    text: str = ""
    option: str | None = None
    location: Location | None = None
    media: tuple[Media, ...] = ()
    language_hint: str | None = None
    display_name: str = ""
    start_payload: str | None = None
    # The chat is shared by several people (a group chat): Hayna answers only in private.
    shared: bool = False
    # How to reach Hayna in a private chat, when the channel knows it (a link to the bot).
    private_link: str = ""


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the resident: ``id`` travels, ``label`` is shown."""

    id: str
    label: Renderable


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply, such as the JSON of "my data": adapters send it as a document
    (a document message, a media message fetched by URL, a file written to disk)."""

    filename: str
    content_type: str
    data: bytes
    # A public link the file is also served at, for platforms that attach only by URL.
    url: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the resident, maybe with options, a request for a location pin, a file."""

    text: Renderable
    options: tuple[Option, ...] = ()
    ask_location: bool = False
    attachment: Attachment | None = None

    def to_json(self) -> Any:
        """The question as JSON, to ask it again later; a file sent with it is not kept."""
        return {
            "text": self.text.to_json(),
            "options": [[option.id, option.label.to_json()] for option in self.options],
            "ask_location": self.ask_location,
        }

    @staticmethod
    def from_json(obj: Any) -> Reply:
        options = tuple(Option(key, from_json(label)) for key, label in obj["options"])
        return Reply(from_json(obj["text"]), options, bool(obj["ask_location"]))


@dataclass(frozen=True, slots=True)
class Turn(Generic[S, D]):
    """What a flow step decides: replies, the next step (None ends the flow), the answers so far.

    ``next_flow`` hands the conversation to another flow, whose opening replies follow these.
    """

    replies: tuple[Reply, ...]
    step: S | None
    data: D
    next_flow: FlowName | None = None
    # What the next flow opens on, such as a petition's code from a shared link.
    link: str = ""
    # The next flow starts on this very message (a photo sent at the menu): see `Flow.take`.
    carry: bool = False
    # Something "back" must not undo was done (a signature counted, an update planned): the
    # flow's earlier questions are forgotten.
    settled: bool = False


@dataclass(frozen=True, slots=True)
class Place:
    """A commune or arrondissement, as flows need to name it."""

    code: str
    name_ar: str
    name_fr: str
    province_ar: str
    province_fr: str
    # "arrondissement", "municipality" or "rural", as the gazetteer says.
    kind: str = ""

    def label(self) -> ByLocale:
        """The name and province in Arabic script for Arabic, in Latin script otherwise."""
        return ByLocale(
            (("ar", f"{self.name_ar} ({self.province_ar})"),),
            f"{self.name_fr} ({self.province_fr})",
        )


@dataclass(frozen=True, slots=True)
class Resident:
    """What the engine knows of the resident at the start of a message."""

    id: int
    address: Address
    language: str | None
    consent_version: str | None
    commune_code: str | None
    pushes_enabled: bool
    created_at: datetime
    # Questions come with their recorded voice prompt too; None: never chosen nor offered.
    voice: bool | None = None

    @property
    def onboarded(self) -> bool:
        return bool(self.language and self.consent_version and self.commune_code)


@dataclass(frozen=True, slots=True)
class Choice:
    """A rendered option."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply rendered in the resident's locale, ready for an adapter to send."""

    text: str
    options: tuple[Choice, ...] = ()
    ask_location: bool = False
    locale: str = "ar"
    # How to share a location, for channels with no location button to show instead.
    location_hint: str = ""
    # Sent with the text; never kept with the conversation's last question.
    attachment: Attachment | None = None
    # The voice prompt this reply can carry (see `prompts.py`), and its recording once found:
    # sent after the text (and its file) for a resident who chose voice.
    prompt: str = ""
    voice: Attachment | None = None


def pick(msg: Inbound, options: Sequence[Option]) -> Option | None:
    """The option the resident chose among ``options``, if any.

    The engine has already turned a typed number or label into ``msg.option``.
    """
    if msg.option is None:
        return None
    return next((option for option in options if option.id == msg.option), None)
