"""Organizers: invite codes, the scope of each, the audit log, updates sent in each resident's
language with their delivery report, meetings drafted in the chat; and a resident who tries
any organizer action is refused, changes nothing, and is logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_engine
from bot.i18n import translator
from conversations.context import Context
from conversations.engine import Engine
from conversations.groups import Audience, GroupKind, MeetingDraft
from conversations.kit import Address
from conversations.organizing import NOT_ALLOWED, OrganizingFlow
from conversations.text import SourceTranslator
from storage import announcements, groups, meetings
from storage.database import Database
from storage.models import (
    ANNOUNCEMENT,
    AUDIT_ENTRY,
    COMMUNITY_GROUP,
    DELIVERY,
    MEETING,
    ORGANIZER,
    RSVP,
)
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.deliveries import RecordingOutbox
from tests.support.meetings import as_resident, dispatcher, drain, join_youth
from tests.support.organizers import invite
from tests.support.petitions import onboard
from tests.support.tables import count
from tests.support.vault import VAULT


@pytest.fixture
def engine_on_both(db: Database, gazetteer, clock: Clock) -> Engine:
    return build_engine(db, gazetteer, VAULT, clock)


async def test_an_invite_is_single_use_bound_to_its_first_redeemer_and_expires(
    engine_on_both: Engine, db: Database, clock: Clock
) -> None:
    khadija, omar = FakeResident(engine_on_both, "khadija"), FakeResident(engine_on_both, "omar")
    commune = await onboard(khadija, "en")
    await onboard(omar, "en")
    code = await invite(db, clock, commune)

    await khadija.say(f"org {code.lower()}")
    assert "Welcome, organizer!" in khadija.text
    assert "broadcast" in khadija.option_ids
    await omar.say(f"ORG {code}")
    assert "already used" in omar.text
    await omar.say("menu")
    await omar.tap("meetings")
    assert "organize" not in omar.option_ids

    late = await invite(db, clock, commune)
    clock.advance(hours=48, seconds=1)
    await omar.say("menu")
    await omar.say(f"ORG {late}")
    assert "expired" in omar.text
    await omar.say("menu")
    await omar.say("ORG NOSUCHCODE")
    assert "does not exist" in omar.text
    assert await count(db, ORGANIZER) == 1


async def test_a_resident_tries_every_organizer_action_and_nothing_happens(
    engine_on_both: Engine, db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine_on_both, "amina")
    commune = await onboard(amina, "fr")
    await join_youth(amina)
    # A real meeting and update, made by the command line, for the resident to try to touch.
    async with db.transaction() as tx:
        youth = next(g for g in await tx.run(groups.groups_in, commune, None, clock()))
        draft = MeetingDraft(commune, "Forum", clock() + timedelta(days=3), "Salle", "Budget")
        meeting_id = await tx.run(meetings.create, draft, "cli", clock())
        update_id = await tx.run(
            announcements.create,
            announcements.Kind.BROADCAST,
            Audience(commune),
            {"t": "verbatim", "value": "x"},
            clock() + timedelta(days=1),
            "cli",
            clock(),
        )
    before = {t.name: await count(db, t) for t in (MEETING, ANNOUNCEMENT, DELIVERY, RSVP)}
    before["groups"] = await count(db, COMMUNITY_GROUP)
    everything = Audience(commune)
    tries = {
        "reach": lambda s: s.organizing.organizer_reach(),
        "count": lambda s: s.organizing.audience_size(everything),
        "broadcast": lambda s: s.organizing.broadcast((("fr", "Faux"),), everything, clock()),
        "report": lambda s: s.organizing.delivery_report(update_id),
        "group": lambda s: s.organizing.create_group(commune, GroupKind.ASSOCIATION, "Fausse"),
        "create": lambda s: s.organizing.create_meeting(draft),
        "publish": lambda s: s.organizing.publish_meeting(meeting_id),
        "move": lambda s: s.organizing.move_meeting(meeting_id, clock() + timedelta(days=9)),
        "cancel": lambda s: s.organizing.cancel_meeting(meeting_id),
        "counts": lambda s: s.organizing.meeting_counts(meeting_id),
        "meetings": lambda s: s.organizing.organizer_meetings(),
        "petition": lambda s: s.organizing.is_organizer(),
    }
    for name, attempt in tries.items():
        result = await as_resident(engine_on_both, "amina", attempt)
        assert result in (None, False), f"{name} was allowed: {result!r}"

    # And through the chat: the organizer tools refuse at once.
    store = engine_on_both.store
    async with store.unit(Address("console", "amina")) as unit:  # type: ignore[attr-defined]
        await unit.open("chat-try")
        turn = await OrganizingFlow().start(Context(unit.resident, unit.services, clock(), "en"))
        assert turn.replies[0].text.render(SourceTranslator()) == NOT_ALLOWED.msgid

    after = {t.name: await count(db, t) for t in (MEETING, ANNOUNCEMENT, DELIVERY, RSVP)}
    after["groups"] = await count(db, COMMUNITY_GROUP)
    assert after == before, "nothing changed"
    async with db.transaction() as tx:
        logged = await tx.run(
            lambda c: c.execute(
                select(AUDIT_ENTRY.c.action, AUDIT_ENTRY.c.allowed, AUDIT_ENTRY.c.actor)
            ).all()
        )
    # is_organizer only asks; the chat's try is logged in its place.
    assert len(logged) == len(tries), "each try logged once"
    actors = {(row.allowed, row.actor) for row in logged}
    assert len(actors) == 1 and actors.pop() == (False, f"console resident {unit.resident.id}")
    assert youth.kind is GroupKind.YOUTH


async def test_an_update_in_two_languages_reaches_a_group_with_a_report(
    engine_on_both: Engine, db: Database, clock: Clock
) -> None:
    organizer = FakeResident(engine_on_both, "khadija")
    commune = await onboard(organizer, "fr")
    members = {"amina": "ar", "hugo": "fr", "john": "en"}
    for user, language in members.items():
        resident = FakeResident(engine_on_both, user)
        await onboard(resident, language)
        await join_youth(resident)
    await onboard(FakeResident(engine_on_both, "salma"), "fr")
    async with db.transaction() as tx:
        youth = (await tx.run(groups.groups_in, commune, None, clock()))[0]
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(db, clock, commune, youth.id)}")

    await organizer.tap("broadcast")
    await organizer.say("Atelier jeunesse samedi à 10h à la maison des jeunes.")
    assert "zgh" in organizer.option_ids and "fr" not in organizer.option_ids
    await organizer.tap("ar")
    await organizer.say("ورشة للشباب يوم السبت على الساعة 10 بدار الشباب.")
    await organizer.tap("continue")
    assert organizer.option_ids == [f"g:{youth.id}", "cancel"], "only the group in scope"
    await organizer.tap(f"g:{youth.id}")
    assert "Atelier jeunesse" in organizer.text and "3 résidents" in organizer.text
    await organizer.tap("now")
    assert "Le message n° 1 part maintenant" in organizer.text
    assert "prévu" not in organizer.text, "sent now, not planned"

    outbox = RecordingOutbox()
    await drain(dispatcher(db, outbox, clock))
    got = {address.user: message.text.splitlines() for address, message in outbox.sent}
    assert {user: lines[1:] for user, lines in got.items()} == {
        "amina": ["ورشة للشباب يوم السبت على الساعة 10 بدار الشباب."],
        "hugo": ["Atelier jeunesse samedi à 10h à la maison des jeunes."],
        # No English text: the organizer's first language.
        "john": ["Atelier jeunesse samedi à 10h à la maison des jeunes."],
    }
    # Each says, in its reader's language, that the youth group sent it.
    for user, language in members.items():
        youth_label = translator(language).pgettext("group", "Youth")
        assert got[user][0].startswith("📢") and youth_label in got[user][0], got[user]
    async with db.transaction() as tx:
        number = await tx.run(lambda c: c.execute(select(func.max(ANNOUNCEMENT.c.id))).scalar())
    await organizer.tap("report")
    await organizer.say(str(number))
    assert "3 destinataires" in organizer.text and "envoyés 3" in organizer.text


async def test_a_scheduled_update_waits_for_its_time(
    engine_on_both: Engine, db: Database, clock: Clock
) -> None:
    organizer = FakeResident(engine_on_both, "khadija")
    commune = await onboard(organizer, "en")
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.tap("broadcast")
    await organizer.say("Clean-up day on Sunday.")
    await organizer.tap("continue")
    await organizer.tap(f"c:{commune}")
    assert "It will reach 1 resident." in organizer.text
    await organizer.tap("later")
    await organizer.say("2026-11-23 10:00")  # Moroccan time, UTC+1: 09:00 UTC
    assert "Send it on" in organizer.text
    await organizer.tap("confirm")
    outbox = RecordingOutbox()
    sender = dispatcher(db, outbox, clock)
    await drain(sender)
    assert outbox.sent == []
    clock.advance(days=1)
    await drain(sender)
    [sent] = [m.text.splitlines() for _, m in outbox.sent]
    assert sent[0].startswith("📢 Update from the organizers of ") and "Clean-up" in sent[1]


async def test_an_organizer_drafts_publishes_and_moves_a_meeting_in_the_chat(
    engine_on_both: Engine, db: Database, clock: Clock
) -> None:
    organizer = FakeResident(engine_on_both, "khadija")
    commune = await onboard(organizer, "en")
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(db, clock, commune)}")
    await organizer.tap("new_meeting")
    await organizer.tap(f"c:{commune}")
    await organizer.say("Communal action plan")
    await organizer.say("2026-12-05 18:00")
    await organizer.share_location(33.557, -7.585)
    await organizer.say("Maison des jeunes")
    await organizer.say("Priorities for 2027")
    assert "It will reach 1 resident." in organizer.text
    await organizer.tap("publish")
    assert "Published" in organizer.text and "maps.google.com" in organizer.text
    outbox = RecordingOutbox()
    await drain(dispatcher(db, outbox, clock))  # the announcement goes out
    await organizer.tap("move")
    await organizer.say("2026-12-06 18:00")
    assert "The new time is saved" in organizer.text
    await organizer.tap("cancel_meeting")
    await organizer.tap("yes")
    assert "cancelled" in organizer.text
    await drain(dispatcher(db, outbox, clock))
    texts = [m.text for _, m in outbox.sent]
    # The resident did not answer, so the change of time was not theirs to hear.
    assert len(texts) == 2 and "Cancelled: Communal action plan" in texts[1]


async def test_an_organizer_can_back_out_at_each_step_and_bad_input_is_asked_again(
    sqlite_db: Database, gazetteer, clock: Clock
) -> None:
    organizer = FakeResident(build_engine(sqlite_db, gazetteer, VAULT, clock), "khadija")
    commune = await onboard(organizer, "en")
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(sqlite_db, clock, commune)}")
    await organizer.tap("broadcast")
    await organizer.say("x" * 741)
    assert "at most 740 characters" in organizer.text, "too long: asked again with the limit"
    await organizer.say("Short and clear.")
    await organizer.tap("continue")
    await organizer.tap("cancel")
    assert "Cancelled. Nothing was saved." in organizer.text and "broadcast" in organizer.option_ids
    await organizer.tap("broadcast")
    await organizer.say("Again.")
    await organizer.tap("continue")
    await organizer.tap(f"c:{commune}")
    await organizer.tap("later")
    await organizer.say("yesterday at noon")
    assert "has already passed" in organizer.text
    assert "for example 2026-11-29 18:00" in organizer.text, "an example a week from today"
    await organizer.say("2020-01-01 10:00")
    assert "has already passed" in organizer.text, "a time past is asked again"
    await organizer.say("menu")
    await organizer.tap("meetings")
    await organizer.tap("organize")
    await organizer.tap("report")
    await organizer.say("999")
    assert "There is no update with this number in your reach." in organizer.text


async def test_an_organizer_names_an_association_that_residents_can_join(
    sqlite_db: Database, gazetteer, clock: Clock
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    organizer, amina = FakeResident(engine, "khadija"), FakeResident(engine, "amina")
    commune = await onboard(organizer, "en")
    await onboard(amina, "en")
    await organizer.say("menu")
    await organizer.say(f"ORG {await invite(sqlite_db, clock, commune)}")
    await organizer.tap("new_group")
    await organizer.tap("association")
    await organizer.say("Association Nour")
    assert "The group Association Nour is ready" in organizer.text
    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("groups")
    assert "Association Nour" in [label for _, label in amina.options]
