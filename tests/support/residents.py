"""Residents set up as onboarding leaves them, on any store (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from conversations.kit import Address
from conversations.menu import ITEMS
from tests.resident import FakeResident

ADMIN = Address("console", "admin")
PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca


async def onboard(resident: FakeResident, language: str) -> None:
    """Language, consent, a pin in Ben M'Sick and its commune: the menu follows."""
    await resident.say("salam")
    await resident.tap(language)
    await resident.tap("agree")
    await resident.share_location(*PIN)
    await resident.say("1")
    assert resident.option_ids == [item.id for item in ITEMS]
