"""A meeting closed with its outcome over WhatsApp's numbered menus, as Twilio relays them: a
resident's door code, the organizer's check-in and outcome typed as numbers, then the outcome
read back by the resident."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.i18n import translator
from conversations import meeting_closing as closing
from conversations import menu, organizer_meetings, organizing, subscriptions
from conversations.groups import ANSWER_LABELS, Answer, MeetingDraft
from conversations.outcome import CODE_ALPHABET, CheckedIn
from storage import meetings
from storage.database import Database
from tests.fake_twilio import running
from tests.support.clock import Clock
from tests.support.petitions import PIN
from tests.whatsapp_phone import settled, whatsapp

ORGANIZER = "+212600000091"


async def test_an_organizer_closes_a_meeting_on_whatsapp(
    db: Database, gazetteer, clock: Clock
) -> None:
    async with (
        running() as twilio,
        whatsapp(twilio, db, gazetteer, clock, HAYNA_ADMINS=f"whatsapp:{ORGANIZER}") as chat,
    ):
        amina, organizer = chat.phone("+212600000092"), chat.phone(ORGANIZER)
        await settled(amina, "fr", "number", PIN)
        await settled(organizer, "ar", "arabic", PIN)
        commune = gazetteer.at(*PIN).code
        async with db.transaction() as tx:
            draft = MeetingDraft(commune, "Forum", clock() + timedelta(days=2), "Salle", "Budget")
            meeting_id = await tx.run(meetings.create, draft, "cli", clock())
            await tx.run(meetings.publish, meeting_id, "cli", clock())

        await amina.choose(menu.MEETINGS)
        await amina.choose(subscriptions.MEETINGS)
        await amina.choose("Forum")
        await amina.choose(ANSWER_LABELS[Answer.YES].render(translator("fr")))
        code = re.findall(rf"[{CODE_ALPHABET}]{{4}}$", amina.text, re.MULTILINE)[-1]

        clock.advance(days=2, hours=1)
        await organizer.say("menu")
        await organizer.choose(menu.MEETINGS, "arabic")
        await organizer.choose(subscriptions.TOOLS, "arabic")
        await organizer.choose(organizing.MEETINGS, "arabic")
        await organizer.choose(organizer_meetings.HELD, "arabic")
        await organizer.choose("Forum", "arabic")
        await organizer.choose(closing.CHECK_IN, "arabic")
        await organizer.say(code)
        assert closing.CHECKED[CheckedIn.OK].render(translator("ar")) in organizer.text
        await organizer.choose(closing.DONE, "arabic")
        await organizer.choose(closing.RECORD, "arabic")
        await organizer.say("١٨")
        await organizer.say("تمت مناقشة الميزانية.")
        await organizer.say("إصلاح الإنارة")
        await organizer.choose(closing.SKIP, "arabic")
        await organizer.say("31/12/2030")
        await organizer.choose(closing.NO_MORE, "arabic")
        assert "إصلاح الإنارة" in organizer.text and "18" in organizer.text
        await organizer.choose(closing.PUBLISH, "arabic")

        await amina.say("menu")
        await amina.choose(menu.MEETINGS)
        await amina.choose(subscriptions.MEETINGS)
        await amina.choose("📝 Forum")
        assert "تمت مناقشة الميزانية." in amina.text and "إصلاح الإنارة" in amina.text
