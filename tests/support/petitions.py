"""A petition open for signing, a resident onboarded in Ben M'Sick, a signature by chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from conversations.petition import PetitionLife
from storage import tally
from storage.database import Database
from storage.models import SIGNATURE
from storage.petitions import NewPetition, create, move
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.residents import PIN
from tests.support.residents import onboard as settle


async def open_petition(db: Database, clock: Clock, commune: str, threshold: int = 3) -> str:
    new = NewPetition(
        commune_code=commune,
        title="Éclairage du boulevard",
        summary="Des lampadaires pour le boulevard principal",
        body="Nous, habitants, demandons l'éclairage du boulevard.",
        requests="Installer 20 lampadaires.",
        representative="Fatima Zahra",
        threshold=threshold,
        deadline=(clock() + timedelta(days=30)).date(),
    )
    async with db.transaction() as tx:
        code = await tx.run(create, new, "organizer", clock())
        await tx.run(move, code, PetitionLife.OPEN, "", "organizer", clock())
    return code


async def onboard(resident: FakeResident, language: str) -> str:
    """Onboarded in Ben M'Sick; the commune's code."""
    await settle(resident, language)
    return resident.engine.store.gazetteer.at(*PIN).code


async def sign_by_chat(resident: FakeResident, code: str, name: str, cin: str) -> None:
    await resident.say("menu")
    await resident.tap("petitions")
    await resident.tap(code)
    await resident.tap("sign")
    await resident.tap("agree")
    await resident.say(name)
    await resident.say(cin)
    await resident.tap("yes")
    await resident.tap("confirm")


async def count(db: Database) -> tuple[int, int]:
    async with db.transaction() as tx:
        # What every reader shows: the petition's column and its tallies.
        counter = await tx.run(lambda c: c.execute(select(tally.SIGNATURES)).scalar_one())
        rows = await tx.run(
            lambda c: c.execute(select(func.count()).select_from(SIGNATURE)).scalar_one()
        )
    return counter, rows
