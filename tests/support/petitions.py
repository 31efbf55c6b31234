"""A petition open for signing, a resident onboarded in Ben M'Sick, a signature by chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from conversations.association import DEFAULT_CHECKLIST, Checklist
from conversations.groups import GroupKind
from conversations.petition import PetitionKind, PetitionLife
from storage import tally
from storage.database import Database
from storage.groups import create_group
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


ASSOCIATION = "Association Nour du quartier"


async def open_association_petition(
    db: Database, clock: Clock, commune: str, checklist: Checklist = DEFAULT_CHECKLIST
) -> str:
    """An association's petition of ``commune``, open for support, filed by ASSOCIATION
    (declared five years ago), with ``checklist`` unticked."""
    async with db.transaction() as tx:
        association = await tx.run(
            create_group, commune, GroupKind.ASSOCIATION, ASSOCIATION, "organizer", clock()
        )
        new = NewPetition(
            commune_code=commune,
            title="Une maison des jeunes",
            summary="Rouvrir la maison des jeunes du quartier",
            body="L'association demande la réouverture de la maison des jeunes.",
            requests="Rouvrir la maison des jeunes avant l'été.",
            representative="Youssef Amrani",
            threshold=0,
            deadline=(clock() + timedelta(days=30)).date(),
            kind=PetitionKind.ASSOCIATION,
            association_id=association,
            declared_on=(clock() - timedelta(days=5 * 365 + 2)).date(),
        )
        code = await tx.run(create, new, "organizer", clock(), checklist)
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
