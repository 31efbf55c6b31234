"""Voice notes in, on the terminal, on Telegram (its webhook, the file fetched by getFile) and
on WhatsApp (Twilio's signed webhook, the MediaUrl fetched with the account's credentials):
kept as bytes the moment they arrive, for a report's place and description; one over 2 MB
refused in the resident's language with the question asked again; erasure deletes the bytes."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import translator
from conversations import activity, menu, my_data, onboarding, voice
from conversations.consultation import ConsultationDraft, Question, QuestionKind
from conversations.report import CATEGORIES
from conversations.report_need import ASK_DESCRIPTION, CONFIRM, SKIP
from storage import consultations
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import ANSWER, MEDIA, QUESTION, QUESTION_MESSAGE, REPORT, REPORT_MEDIA
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.dialog import label, resident_on, rows
from tests.support.petitions import onboard
from tests.support.users import User

PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca
LIGHTING = next(option for option in CATEGORIES if option.id == "lighting")
# An OGG page header is all a sniffer reads: the rest stands for Opus packets.
PLACE = b"OggS\x00\x02" + b"place of the need " * 40
DESCRIPTION = b"OggS\x00\x02" + b"a lamp out for two weeks " * 60
TOO_LARGE = b"OggS\x00\x02" + b"\x00" * voice.VOICE_MAX


def said(user: User) -> str:
    return "\n".join(user.replies)


async def test_a_report_said_in_voice_notes_is_kept_as_bytes_and_erased_with_its_resident(
    user: User, sqlite_db: Database, gazetteer: Gazetteer
) -> None:
    db, commune = sqlite_db, gazetteer.at(*PIN)
    await user.say("Salam")
    await user.choose("Français")
    await user.choose(label(onboarding.AGREE))
    await user.share_location(*PIN)
    await user.choose(commune.name_fr)

    await user.choose(label(menu.REPORT))
    await user.choose(label(LIGHTING))
    await user.send_voice(PLACE)
    assert label(ASK_DESCRIPTION.text) in said(user), "the place said, the description asked"
    await user.send_voice(TOO_LARGE)
    # Refused in her language; the description is still what is asked (the engine does not
    # repeat a question just asked in full after its hint).
    assert said(user) == label(voice.TOO_LARGE)
    await user.send_voice(DESCRIPTION)
    await user.choose(label(SKIP))
    assert "message vocal" in said(user)
    await user.choose(label(CONFIRM))
    (report,) = await rows(db, REPORT)
    assert report["ref"] in said(user) and report["place"] is None

    files = await rows(db, REPORT_MEDIA)
    assert sorted((f["kind"], f["part"]) for f in files) == [("voice", ""), ("voice", "place")]
    assert all(f["ref"].startswith(voice.STORED) for f in files)
    kept = {m["id"]: m for m in await rows(db, MEDIA)}
    by_part = {f["part"]: kept[voice.stored_id(f["ref"]) or 0] for f in files}
    assert by_part["place"]["bytes"] == PLACE and by_part[""]["bytes"] == DESCRIPTION
    assert {m["content_type"] for m in kept.values()} == {"audio/ogg"}
    assert len(kept) == 2, "the note over 2 MB was never kept"

    await user.say("menu")
    await user.choose(label(menu.ACTIVITY))
    await user.choose(label(activity.MY_DATA))
    await user.choose(label(my_data.ERASE))
    await user.choose(label(my_data.CONFIRM))
    assert label(my_data.ERASED) in said(user)
    assert await rows(db, MEDIA) == [], "the voice notes' bytes go with their resident"
    assert await rows(db, REPORT_MEDIA) == []


async def test_a_question_by_a_voice_note_too_large_is_refused_and_asked_again(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    async with resident_on("console", sqlite_db, gazetteer, clock) as amina:
        assert isinstance(amina, FakeResident)
        await onboard(amina, "ar")
        await amina.say("menu")
        await amina.tap("ask")
        await amina.send_voice(TOO_LARGE)
        # The refusal alone: the question just asked stays asked (the engine does not repeat it).
        assert [out.text for out in amina.last] == [voice.TOO_LARGE.render(translator("ar"))]
        assert await rows(sqlite_db, QUESTION) == [] and await rows(sqlite_db, MEDIA) == []
        await amina.send_voice(PLACE)
        (asked,) = await rows(sqlite_db, QUESTION_MESSAGE)
        assert voice.stored_id(asked["media_ref"]) is not None


async def test_a_free_answer_by_a_voice_note_is_kept_and_one_too_large_refused(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    async with resident_on("console", sqlite_db, gazetteer, clock) as amina:
        assert isinstance(amina, FakeResident)
        commune = await onboard(amina, "fr")
        idea = Question(QuestionKind.TEXT, {"fr": "Une idée pour le quartier ?"})
        draft = ConsultationDraft(
            commune, "Association Nour", {"fr": "Idées"}, {"fr": "Le budget."}, clock(),
            clock() + timedelta(days=7), (idea,),
        )  # fmt: skip
        async with sqlite_db.transaction() as tx:
            made = await tx.run(consultations.create, draft, "admin", clock())
            await tx.run(consultations.publish, made, clock())
        await amina.say("menu")
        await amina.tap("consultations")
        await amina.tap(str(made))
        await amina.tap("start")
        await amina.send_voice(TOO_LARGE)
        assert [out.text for out in amina.last] == [voice.TOO_LARGE.render(translator("fr"))]
        await amina.send_voice(DESCRIPTION)
        (answer,) = await rows(sqlite_db, ANSWER)
        (kept,) = await rows(sqlite_db, MEDIA)
        assert answer["voice"] == voice.stored_ref(kept["id"]) and kept["bytes"] == DESCRIPTION
