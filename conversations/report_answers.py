"""The steps of the report flow and the answers it keeps between messages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.kit import Media, MediaKind
from conversations.report import Category, Draft

# A file as the channel gave it: reference, checked content type, size in bytes if known.
FileRef = tuple[str, str, int | None]


class Step(StrEnum):
    CATEGORY = "category"
    OTHER_LABEL = "other_label"
    PLACE = "place"
    SWITCH_COMMUNE = "switch_commune"
    DESCRIPTION = "description"
    PHOTOS = "photos"
    SIMILAR = "similar"
    SUMMARY = "summary"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class Answers:
    category: str = ""
    other_label: str = ""
    commune: str = ""
    place: str = ""
    # The place said in a voice note instead of typed.
    place_voice: FileRef | None = None
    lat: float | None = None
    lon: float | None = None
    # A pin in another commune, until the resident says whether to report it there.
    pin_commune: str = ""
    description: str = ""
    voice: FileRef | None = None
    photos: tuple[FileRef, ...] = ()
    # Changing one answer from the summary: go back to the summary after it.
    editing: bool = False
    # The similar reports offered, so only those can be supported.
    similar: tuple[str, ...] = ()


def media_of(data: Answers) -> tuple[Media, ...]:
    voice = (Media(MediaKind.VOICE, *data.voice),) if data.voice else ()
    return voice + tuple(Media(MediaKind.PHOTO, *photo) for photo in data.photos)


def draft_of(data: Answers) -> Draft:
    return Draft(
        category=Category(data.category),
        other_label=data.other_label,
        commune_code=data.commune,
        place=data.place,
        lat=data.lat,
        lon=data.lon,
        description=data.description,
        media=media_of(data),
        place_voice=Media(MediaKind.VOICE, *data.place_voice) if data.place_voice else None,
    )
