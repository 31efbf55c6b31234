"""What the contract tests share: one message's transaction on any store, a resident settled in
Ben M'Sick, a petition the admin opened, a signature."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from conversations.kit import Address
from conversations.petition import PetitionDraft, SigningOutcome
from conversations.seams import ConversationStore, Services, Unit
from tests.support.clock import Clock

ADMIN = Address("console", "admin")
# A second organizer everywhere, for what two organizers do to the same thing.
DEPUTY = Address("console", "deputy")
BEN_MSICK = "141.01.61"
PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca
_messages = itertools.count(1)


@asynccontextmanager
async def message(store: ConversationStore, user: str | Address) -> AsyncIterator[Unit]:
    """One message's transaction, as ``user`` (a console user, or an address)."""
    address = user if isinstance(user, Address) else Address("console", user)
    async with store.unit(address) as unit:
        assert await unit.open(f"contract-{next(_messages)}") is not None
        yield unit


@asynccontextmanager
async def acting(store: ConversationStore, user: str | Address) -> AsyncIterator[Services]:
    """The services of one message as ``user``."""
    async with message(store, user) as unit:
        yield unit.services


async def settle_in(
    store: ConversationStore, user: str | Address, commune: str = BEN_MSICK
) -> None:
    """A resident of ``commune``, as onboarding leaves them."""
    async with acting(store, user) as services:
        await services.profile.set_language("fr")
        await services.profile.give_consent("v1")
        await services.profile.set_commune(commune)


def draft(clock: Clock, threshold: int = 2) -> PetitionDraft:
    return PetitionDraft(
        commune_code=BEN_MSICK,
        title="Éclairage du boulevard",
        summary="Des lampadaires",
        body="Nous demandons l'éclairage du boulevard.",
        requests="Installer 20 lampadaires.",
        representative="Fatima Zahra",
        threshold=threshold,
        deadline=(clock() + timedelta(days=30)).date(),
    )


async def opened(store: ConversationStore, clock: Clock, threshold: int = 2) -> str:
    """A petition of Ben M'Sick the admin drafted and opened; its code."""
    async with acting(store, ADMIN) as services:
        code = await services.petitions.draft_petition(draft(clock, threshold))
        await services.petitions.publish_petition(code)
    return code


async def sign(
    store: ConversationStore, user: str, code: str, cin: str
) -> tuple[SigningOutcome, bool]:
    async with acting(store, user) as services:
        signing = await services.petitions.sign_petition(
            code, user.title(), await services.petitions.seal(cin)
        )
    return signing.outcome, signing.signed_at is not None
