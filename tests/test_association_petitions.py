"""Association petitions on SQLite and PostgreSQL: filed by an association of the commune, with
no threshold; residents support them once each (counted, no name nor CIN), never sign them,
online or on paper; filing waits for every item of the checklist the petition was created
with; supporters are told of its life in their language; erasure takes a support and its
count away."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.i18n import translator
from conversations.answer_clock import Deposit
from conversations.association import CheckItem, Checklist
from conversations.groups import GroupKind
from conversations.kit import Address
from conversations.paper import PaperOutcome, PaperSignature
from conversations.petition import PetitionKind, PetitionLife, SigningOutcome
from conversations.petition_rules import PetitionError, PetitionWhy
from conversations.text import from_json
from storage import petitions, rights, tally
from storage.database import Database
from storage.groups import create_group
from storage.models import DELIVERY, PETITION, PETITION_CHECK, PETITION_SUPPORT
from storage.subject import Subject
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.petitions import open_association_petition
from tests.support.vault import VAULT

COMMUNE = "TEST-001"
TWO = Checklist((CheckItem.EXISTENCE, CheckItem.STATUTES), years=5)


async def run(db: Database, work, *args):  # type: ignore[no-untyped-def]
    async with db.transaction() as tx:
        return await tx.run(work, *args)


async def test_residents_support_once_and_never_sign(db: Database, clock: Clock) -> None:
    code = await open_association_petition(db, clock, COMMUNE, TWO)
    amina = await add_resident(db, clock, "amina", "fr")
    said = await add_resident(db, clock, "said", "ar")
    first = await run(db, petitions.support, code, amina, clock())
    assert first.outcome is SigningOutcome.SIGNED
    clock.advance(minutes=5)
    again = await run(db, petitions.support, code, amina, clock())
    assert again.outcome is SigningOutcome.ALREADY and again.signed_at == first.signed_at
    assert (await run(db, petitions.support, code, said, clock())).outcome is SigningOutcome.SIGNED
    cin = "AB123456"
    signed = await run(
        db, petitions.sign, code, amina, "Amina", VAULT.key(cin), VAULT.seal(cin), clock()
    )
    assert signed.outcome is SigningOutcome.NOT_OPEN
    line = PaperSignature("Amina B", cin, "Hay Nour", clock().date(), "1")
    paper = await run(
        db, petitions.sign_on_paper, code, line, VAULT.key(cin), VAULT.seal(cin), "org", clock()
    )
    assert paper.outcome is PaperOutcome.SUPPORTS_ONLY
    card = await run(db, petitions.card, code, amina)
    assert card is not None and card.kind is PetitionKind.ASSOCIATION
    assert (card.signatures, card.threshold, card.paper) == (2, 0, 0)
    assert card.association == "Association Nour du quartier" and card.signed_at is not None
    # No threshold: the hourly round never moves it, whatever its count.
    assert await run(db, petitions.cross_reached, clock()) == []
    assert await run(db, petitions.withdraw, code, said, clock())
    assert (await run(db, petitions.card, code, said)).signatures == 1  # type: ignore[union-attr]
    mine = await run(db, petitions.mine, amina)
    assert [c.code for c in mine] == [code]


async def test_filing_waits_for_the_whole_checklist(db: Database, clock: Clock) -> None:
    code = await open_association_petition(db, clock, COMMUNE, TWO)
    supporters = [
        await add_resident(db, clock, user, lang) for user, lang in (("a", "fr"), ("b", "ar"))
    ]
    for resident in supporters:
        await run(db, petitions.support, code, resident, clock())
    checks = await run(db, petitions.checklist, code)
    assert [(c.item, c.years, c.ticked) for c in checks] == [
        (CheckItem.EXISTENCE, 5, False),
        (CheckItem.STATUTES, 5, False),
    ]
    deposit = Deposit("R-7", clock().date())
    with pytest.raises(PetitionError) as refused:
        await run(db, petitions.move, code, PetitionLife.FILED, "", "khadija", clock(), deposit)
    assert refused.value.refusal.why is PetitionWhy.CHECKLIST_INCOMPLETE
    assert refused.value.refusal.unticked == (CheckItem.EXISTENCE, CheckItem.STATUTES)
    await run(db, petitions.tick, code, CheckItem.EXISTENCE, True, "khadija", clock())
    with pytest.raises(PetitionError) as still:
        await run(db, petitions.move, code, PetitionLife.FILED, "", "khadija", clock(), deposit)
    assert still.value.refusal.unticked == (CheckItem.STATUTES,)
    # Ticked, unticked, ticked again: the last one counts.
    for ticked in (True, False, True):
        checks = await run(db, petitions.tick, code, CheckItem.STATUTES, ticked, "omar", clock())
    assert [(c.ticked, c.ticked_by) for c in checks] == [(True, "khadija"), (True, "omar")]
    with pytest.raises(PetitionError) as absent:
        await run(db, petitions.tick, code, CheckItem.SEAT, True, "omar", clock())
    assert absent.value.refusal.why is PetitionWhy.NOT_ON_CHECKLIST
    told = await run(db, petitions.move, code, PetitionLife.FILED, "", "khadija", clock(), deposit)
    assert told == 2
    bodies = await run(
        db,
        lambda c: c.execute(
            select(DELIVERY.c.resident_id, DELIVERY.c.body).order_by(DELIVERY.c.resident_id)
        ).all(),
    )
    texts = {
        resident: from_json(json.loads(body)).render(translator(lang))
        for (resident, body), lang in zip(bodies, ("fr", "ar"), strict=True)
    }
    assert "que vous avez soutenue" in texts[supporters[0]]
    assert "ساندتموها" in texts[supporters[1]]
    # Filed: its file is with the commune, the checklist stays as it was.
    with pytest.raises(PetitionError) as filed:
        await run(db, petitions.tick, code, CheckItem.STATUTES, False, "omar", clock())
    assert filed.value.refusal.why is PetitionWhy.NOT_A_MOVE


async def test_an_association_petition_needs_an_association_of_its_commune(
    db: Database, clock: Clock
) -> None:
    code = await open_association_petition(db, clock, COMMUNE)
    record = await run(db, petitions.record, code)
    async with db.transaction() as tx:
        youth = await tx.run(
            create_group, COMMUNE, GroupKind.NEIGHBOURHOOD, "Hay Nour", "organizer", clock()
        )
        elsewhere = await tx.run(
            create_group, "TEST-002", GroupKind.ASSOCIATION, "Ailleurs", "organizer", clock()
        )
    for group in (youth, elsewhere, None):
        draft = replace(record.text, association_id=group)
        with pytest.raises(PetitionError) as refused:
            await run(db, petitions.create, draft, "organizer", clock())
        assert refused.value.refusal.why is PetitionWhy.NO_ASSOCIATION
    later = (clock() + timedelta(days=1)).date()
    ahead = replace(record.text, declared_on=later)
    with pytest.raises(PetitionError) as declared:
        await run(db, petitions.create, ahead, "organizer", clock())
    assert declared.value.refusal.why is PetitionWhy.DECLARED_AHEAD
    # Every item by default, in its order, with the commonly cited three years.
    checks = await run(db, petitions.checklist, code)
    assert [c.item for c in checks] == list(CheckItem) and {c.years for c in checks} == {3}


async def test_erasure_takes_a_support_and_its_count(db: Database, clock: Clock) -> None:
    code = await open_association_petition(db, clock, COMMUNE)
    amina = await add_resident(db, clock, "amina", "fr")
    omar = await add_resident(db, clock, "omar", "fr")
    for resident in (amina, omar):
        await run(db, petitions.support, code, resident, clock())
    await run(db, petitions.fold_signed, amina)
    await run(db, rights.erase, Subject(amina, Address("console", "amina")), clock())
    left = await run(
        db, lambda c: c.execute(select(PETITION_SUPPORT.c.resident_id)).scalars().all()
    )
    assert left == [omar]
    count = await run(
        db, lambda c: c.execute(select(tally.SIGNATURES).where(PETITION.c.code == code)).scalar()
    )
    assert count == 1
    # An organizer's ticks stay, without their name, once they are erased.
    await run(db, petitions.tick, code, CheckItem.SEAT, True, "console:omar", clock())
    await run(db, rights.erase, Subject(omar, Address("console", "omar")), clock())
    rows = await run(
        db,
        lambda c: c.execute(
            select(PETITION_CHECK.c.ticked_by).where(PETITION_CHECK.c.ticked_at.is_not(None))
        ).all(),
    )
    assert [row.ticked_by for row in rows] == ["erased"]
