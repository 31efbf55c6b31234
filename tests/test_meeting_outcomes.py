"""Meetings closed with outcomes in the chat: a resident's code at the door, the organizer's
check-in, the outcome recorded with its bad input answered, published once to each answerer and
member of the audience in their language, and read again from the meeting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.i18n import translator
from conversations.engine import Engine
from conversations.meeting_closing import CHECKED
from conversations.outcome import CODE_ALPHABET, CODE_LENGTH, CheckedIn, OutcomeDraft
from conversations.text import Renderable, _
from storage.database import Database
from storage.models import AUDIT_ENTRY
from storage.services import SqlServices
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.deliveries import RecordingOutbox
from tests.support.meetings import (
    ADMIN,
    as_resident,
    dispatcher,
    drain,
    join_youth,
    youth_meeting,
)
from tests.support.petitions import onboard
from tests.support.vault import VAULT

CODE = re.compile(rf"(?<![A-Za-z0-9])[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$", re.MULTILINE)


def said(text: Renderable, language: str) -> str:
    return text.render(translator(language))


@pytest.fixture
def engine(db: Database, gazetteer, clock: Clock) -> Engine:
    """On SQLite and on PostgreSQL."""
    return build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN}))


async def answered(resident: FakeResident, meeting_id: int, answer: str) -> str:
    """The resident answers the meeting from Meetings & groups; the code they are shown."""
    await resident.say("menu")
    await resident.tap("meetings")
    await resident.tap("meetings")
    await resident.tap(f"m{meeting_id}")
    await resident.tap(answer)
    found = CODE.findall(resident.text)
    return found[-1] if found else ""


async def held_card(admin: FakeResident, meeting_id: int) -> None:
    await admin.say("menu")
    await admin.tap("meetings")
    await admin.tap("organize")
    await admin.tap("meetings")
    await admin.tap("held")
    await admin.tap(f"m{meeting_id}")


@pytest.mark.parametrize("language", ["ar", "fr", "zgh", "zgh_Latn", "en"])
async def test_codes_at_the_door_and_an_outcome_published_once_to_each(
    engine: Engine, db: Database, clock: Clock, language: str
) -> None:
    amina, salma, omar = (FakeResident(engine, u) for u in ("amina", "salma", "omar"))
    commune = await onboard(amina, language)
    await onboard(salma, "fr")
    await onboard(omar, "fr")
    for member in (amina, salma):
        await join_youth(member)
    admin = FakeResident(engine, ADMIN.user)
    await onboard(admin, language)
    meeting_id = await youth_meeting(engine, clock, commune)
    outbox = RecordingOutbox()
    sender = dispatcher(db, outbox, clock)
    await drain(sender)

    code = await answered(amina, meeting_id, "yes")
    assert code, "the confirmation carries the code"
    assert await answered(salma, meeting_id, "no") == ""
    await amina.tap("back")
    await amina.tap(f"m{meeting_id}")
    assert code in amina.text, "the code is shown again with the meeting"

    await admin.say("menu")
    await admin.tap("meetings")
    await admin.tap("organize")
    await admin.tap("meetings")
    await admin.tap("held")
    assert said(_("No meeting was held in the last 30 days."), language) in admin.text
    clock.advance(days=5, hours=-1)  # the door opens an hour before the start
    await held_card(admin, meeting_id)
    assert admin.option_ids == ["check_in", "back"], "no outcome before the start"
    await admin.tap("check_in")
    await admin.say(code.lower())
    assert said(CHECKED[CheckedIn.OK], language) in admin.text
    await admin.say(code)
    assert said(CHECKED[CheckedIn.ALREADY], language) in admin.text
    await admin.say("QQQQ")
    assert said(CHECKED[CheckedIn.UNKNOWN], language) in admin.text
    await admin.tap("done")
    clock.advance(hours=3)
    await drain(sender)  # the reminders
    outbox.sent.clear()
    await held_card(admin, meeting_id)
    assert admin.option_ids == ["check_in", "record", "back"]

    await admin.tap("record")
    await admin.say("beaucoup")
    not_a_number = _("“{typed}” is not a number of people.", typed="beaucoup")
    assert said(not_a_number, language) in admin.text
    await admin.say("٢٣")
    await admin.say("Les jeunes demandent un terrain de sport éclairé.")
    await admin.say("Éclairer le terrain")
    await admin.say("Service technique")
    await admin.say("01/01/2020")
    past = _("This date has already passed: type a date to come, or skip.")
    assert said(past, language) in admin.text
    await admin.say("31/12/2030")
    await admin.say("Ouvrir la salle le samedi")
    await admin.tap("skip")
    await admin.tap("skip")
    await admin.tap("no_more")
    assert admin.option_ids == ["publish", "save", "cancel"]
    assert "Service technique" in admin.text and "23" in admin.text
    await admin.tap("publish")
    assert admin.option_ids == ["check_in", "back"], "published once: nothing to publish again"

    await drain(sender)
    got = sorted((address.user, message.text) for address, message in outbox.sent)
    assert [user for user, _ in got] == ["amina", "salma"], "each who answered, once; not omar"
    for _user, text in got:
        assert "Éclairer le terrain" in text and "Service technique" in text
    frame = _("Decisions:")
    assert said(frame, language) in dict(got)["amina"], "the frame in the resident's language"
    assert said(frame, "fr") in dict(got)["salma"]

    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("meetings")
    await amina.tap(f"m{meeting_id}")
    assert "Les jeunes demandent" in amina.text and "Ouvrir la salle" in amina.text
    async with db.transaction() as tx:
        actions = await tx.run(lambda c: c.execute(select(AUDIT_ENTRY.c.action)).scalars().all())
    for action in ("check_in", "record_outcome", "publish_outcome"):
        assert action in actions


async def test_a_resident_cannot_close_a_meeting_and_a_meeting_to_come_has_no_outcome(
    engine: Engine, db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    commune = await onboard(amina, "fr")
    await join_youth(amina)
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    meeting_id = await youth_meeting(engine, clock, commune)

    async def close(services: SqlServices) -> tuple[bool, CheckedIn | None]:
        draft = OutcomeDraft("Résumé", 3)
        return (
            await services.organizing.record_outcome(meeting_id, draft, True),
            await services.organizing.check_in(meeting_id, "ABCD"),
        )

    assert await as_resident(engine, "amina", close) == (False, None), "outside any scope"
    assert await as_resident(engine, ADMIN.user, close) == (False, CheckedIn.UNKNOWN), (
        "not held yet: no outcome; an unknown code"
    )
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(select(AUDIT_ENTRY.c.action, AUDIT_ENTRY.c.allowed)).all()
        )
    assert ("record_outcome", False) in [tuple(r) for r in rows]
