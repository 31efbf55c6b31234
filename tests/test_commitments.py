"""Commitments in storage, on SQLite and PostgreSQL: made from a petition, its signers follow
it; each change of status is told once to each follower who takes notifications, in their
language with the note as typed; a meeting's "yes" follow its decision; overdue ones are flagged
to the commune's organizers once a week, however often the chores run; an erasure takes a
resident's follows away."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.app import build_engine
from bot.i18n import translator
from conversations.commitment import CommitmentDraft, CommitmentLife, SourceKind
from conversations.kit import Address
from conversations.text import from_json
from storage import commitments, groups, petitions, rights
from storage.announcements import expand_due
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import COMMITMENT_FOLLOWER, DELIVERY, RESIDENT, RSVP
from storage.overdue import flag, flag_key
from storage.subject import Subject
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.meetings import ADMIN, youth_meeting
from tests.support.petitions import onboard, open_petition
from tests.support.vault import VAULT

BEN_MSICK = "141.01.61"
NOTE = "Travaux lancés — خلال الأسبوع"


def draft(clock: Clock, days: int = 30, **changes: object) -> CommitmentDraft:
    values: dict[str, object] = {
        "commune_code": BEN_MSICK,
        "text": "Éclairer le boulevard",
        "made_by": "Conseil communal",
        "due_on": (clock() + timedelta(days=days)).date(),
    }
    values.update(changes)
    return CommitmentDraft(**values)  # type: ignore[arg-type]


async def signed(db: Database, clock: Clock, users: tuple[tuple[str, str], ...]) -> str:
    code = await open_petition(db, clock, BEN_MSICK, threshold=10)
    for number, (user, language) in enumerate(users):
        resident = await add_resident(db, clock, user, language)
        cin = f"AB{number:06d}"
        async with db.transaction() as tx:
            await tx.run(
                petitions.sign, code, resident, user, VAULT.key(cin), VAULT.seal(cin), clock()
            )
    return code


async def told(db: Database) -> list[tuple[int, str]]:
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(DELIVERY.c.resident_id, DELIVERY.c.body)
                .where(DELIVERY.c.message_key.like("announcement:%"))
                .order_by(DELIVERY.c.id)
            ).all()
        )
    return [(r.resident_id, r.body) for r in rows]


async def test_followers_are_told_once_per_change(db: Database, clock: Clock) -> None:
    code = await signed(db, clock, (("amina", "fr"), ("omar", "ar"), ("sara", "fr")))
    async with db.transaction() as tx:
        source = {"source_kind": SourceKind.PETITION, "source_ref": code}
        made = await tx.run(commitments.create, draft(clock, **source), "admin", clock())
        # Sara said "stop": she follows, and is not told.
        await tx.run(
            lambda c: c.execute(
                update(RESIDENT).where(RESIDENT.c.user_id == "sara").values(pushes_enabled=False)
            )
        )
    async with db.transaction() as tx:
        count = await tx.run(
            commitments.set_status, made, CommitmentLife.IN_PROGRESS, NOTE, "admin", clock()
        )
    assert count == 3
    for _ in range(3):
        await expand_due(db, clock())
    first = await told(db)
    assert len(first) == 2, "once to each follower who takes notifications"
    by_language = {rid: body for rid, body in first}
    amina, omar = sorted(by_language)
    fr = from_json(json.loads(by_language[amina])).render(translator("fr"))
    assert NOTE in fr and "Éclairer le boulevard" in fr
    assert NOTE in from_json(json.loads(by_language[omar])).render(translator("ar"))
    async with db.transaction() as tx:
        await tx.run(commitments.set_status, made, CommitmentLife.DONE, "", "admin", clock())
    await expand_due(db, clock())
    await expand_due(db, clock())
    assert len(await told(db)) == 4, "each change once more"
    async with db.transaction() as tx:
        found = await tx.run(commitments.read, made, amina)
    assert found is not None and found.following and found.followers == 3
    assert [c.life for c in found.history] == [
        CommitmentLife.PENDING, CommitmentLife.IN_PROGRESS, CommitmentLife.DONE,
    ]  # fmt: skip


async def test_a_meetings_yes_follow_its_decision(
    db: Database, clock: Clock, gazetteer: Gazetteer
) -> None:
    engine = build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN}))
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    meeting = await youth_meeting(engine, clock, BEN_MSICK)
    yes, no = [await add_resident(db, clock, user, "fr") for user in ("yes", "no")]
    async with db.transaction() as tx:
        for resident, answer in ((yes, "yes"), (no, "no")):
            await tx.run(
                lambda c, r=resident, a=answer: c.execute(
                    RSVP.insert().values(
                        meeting_id=meeting, resident_id=r, answer=a, updated_at=clock()
                    )
                )
            )
        source = {"source_kind": SourceKind.MEETING, "source_ref": str(meeting)}
        made = await tx.run(commitments.create, draft(clock, **source), "admin", clock())
        found = await tx.run(commitments.read, made, yes)
    assert found is not None and found.following and found.followers == 1


async def organizer(db: Database, clock: Clock, user: str) -> int:
    resident = await add_resident(db, clock, user, "fr")
    async with db.transaction() as tx:
        code = await tx.run(groups.invite, BEN_MSICK, None, "admin", clock())
        await tx.run(groups.redeem, code, resident, clock())
    return resident


async def flagged(db: Database, gazetteer: Gazetteer, clock: Clock) -> list[str]:
    async with db.transaction() as tx:
        return await tx.run(flag, clock(), gazetteer)


async def test_overdue_ones_are_flagged_once_a_week(
    db: Database, clock: Clock, gazetteer: Gazetteer
) -> None:
    khadija = await organizer(db, clock, "khadija")
    async with db.transaction() as tx:
        late = await tx.run(commitments.create, draft(clock, days=1), "admin", clock())
        kept = await tx.run(
            commitments.create, draft(clock, days=2, text="Crèche"), "admin", clock()
        )
        await tx.run(commitments.create, draft(clock, days=90, text="Stade"), "admin", clock())
    assert await flagged(db, gazetteer, clock) == [], "nothing overdue yet"
    clock.advance(days=3)
    async with db.transaction() as tx:
        await tx.run(commitments.set_status, kept, CommitmentLife.DONE, "", "admin", clock())
    assert await flagged(db, gazetteer, clock) == [BEN_MSICK]
    for _hour in range(5):
        clock.advance(hours=20)
        assert await flagged(db, gazetteer, clock) == [], "once a week"
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(DELIVERY.c.resident_id, DELIVERY.c.body, DELIVERY.c.message_key)
            ).all()
        )
    assert [r.resident_id for r in rows] == [khadija]
    text = from_json(json.loads(rows[0].body)).render(translator("fr"))
    assert f"{late}." in text and "Éclairer le boulevard" in text and "Crèche" not in text
    clock.advance(days=3)
    assert await flagged(db, gazetteer, clock) == [BEN_MSICK], "the next week"
    assert rows[0].message_key != flag_key(BEN_MSICK, clock())


async def test_an_erasure_takes_the_follows_away(db: Database, clock: Clock) -> None:
    amina = await add_resident(db, clock, "amina", "fr")
    async with db.transaction() as tx:
        made = await tx.run(commitments.create, draft(clock), "admin", clock())
        assert await tx.run(commitments.follow, made, amina, clock())
        await tx.run(rights.erase, Subject(amina, Address("console", "amina")), clock())
        left = await tx.run(
            lambda c: c.execute(select(func.count()).select_from(COMMITMENT_FOLLOWER)).scalar_one()
        )
        found = await tx.run(commitments.read, made, None)
    assert left == 0 and found is not None, "the commitment stays, the commune's"
