"""Reporting public lighting in the chat, at a pin in Ben M'Sick or 100 m east of it."""

from __future__ import annotations

from conversations.kit import Media, MediaKind, Outgoing
from tests.resident import FakeResident
from tests.support.residents import PIN as PIN

# 100 m east of the pin in Ben M'Sick.
PIN_100M = (33.5570, -7.5839)


async def start_report(resident: FakeResident, pin: tuple[float, float]) -> None:
    await resident.tap("report")
    await resident.tap("lighting")
    await resident.share_location(*pin)


async def report(resident: FakeResident, pin: tuple[float, float], text: str) -> list[Outgoing]:
    """Report public lighting at ``pin``, saying it is different from any similar report."""
    await start_report(resident, pin)
    if "different" in resident.option_ids:
        await resident.tap("different")
    await resident.say(text)
    await resident.send(media=(Media(MediaKind.PHOTO, "file-1", "image/jpeg", 200_000),))
    return await resident.tap("done")
