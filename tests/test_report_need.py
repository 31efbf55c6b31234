"""Reporting a need through the engine, as residents do: the report, similar ones, status news."""

from __future__ import annotations

import pytest

from bot.app import build_engine
from bot.dispatcher import Dispatcher
from bot.i18n import translator
from conversations.kit import Address, Media, MediaKind, Outgoing
from conversations.report import STATUS_LABELS, ReportStatus, status_notice
from conversations.report_need import ASK_DESCRIPTION, OUTSIDE, PHOTO_REFUSED
from conversations.seams import Push
from conversations.text import Renderable
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import REPORT, REPORT_MEDIA, REPORT_SUPPORT
from storage.reports import detail, set_status
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.reports import PIN, PIN_100M, report, start_report
from tests.support.residents import onboard
from tests.support.tables import rows
from tests.support.vault import VAULT


def render(text: Renderable, locale: str) -> str:
    return text.render(translator(locale))


@pytest.fixture
def engine_on_both(db: Database, gazetteer, clock: Clock):
    """The engine on SQLite and on PostgreSQL, for what the report storage does."""
    return build_engine(db, gazetteer, VAULT, clock)


@pytest.mark.parametrize("language", ["ar", "fr"])
async def test_a_complete_report_ends_with_a_reference(
    engine_on_both, db: Database, language: str
) -> None:
    sqlite_db = db
    amina = FakeResident(engine_on_both, user=f"amina-{language}")
    await onboard(amina, language)
    await report(amina, PIN, "الضوء مطفأ منذ أسبوعين" if language == "ar" else "Lampadaire éteint")
    assert amina.option_ids == ["confirm", "change", "cancel"]
    await amina.tap("confirm")

    (saved,) = await rows(sqlite_db, REPORT)
    assert saved["ref"] in amina.texts[0] and saved["ref"].startswith("R-2026-")
    assert (saved["category"], saved["status"]) == ("lighting", "received")
    assert saved["commune_code"] and saved["lat"] == PIN[0]
    assert saved["description"] in ("الضوء مطفأ منذ أسبوعين", "Lampadaire éteint")
    (photo,) = await rows(sqlite_db, REPORT_MEDIA)
    assert (photo["kind"], photo["ref"], photo["content_type"]) == ("photo", "file-1", "image/jpeg")


async def test_a_neighbour_is_offered_the_report_and_counted_once(
    engine_on_both, db: Database
) -> None:
    engine = engine_on_both
    amina, karim = FakeResident(engine, user="amina"), FakeResident(engine, user="karim")
    await onboard(amina, "ar")
    await report(amina, PIN, "Lampadaire éteint")
    await amina.tap("confirm")
    (first,) = await rows(db, REPORT)

    await onboard(karim, "fr")
    ref = str(first["ref"])
    await start_report(karim, PIN_100M)  # offered as soon as the place is known
    assert karim.option_ids == [f"support:{ref}", "different"]
    await karim.tap(f"support:{ref}")
    counted = translator("fr").gettext(
        "Thank you: your support for {ref} is counted. You will get a message each time "
        "its status changes."
    )
    assert karim.texts[0] == counted.format(ref=ref)
    # Again, from scratch: the same report is offered, and supporting twice counts once.
    await start_report(karim, PIN_100M)
    await karim.tap(f"support:{ref}")
    again = translator("fr").gettext("You already support {ref}; it is counted once.")
    assert karim.texts[0] == again.format(ref=ref)

    assert len(await rows(db, REPORT)) == 1, "no second report"
    assert len(await rows(db, REPORT_SUPPORT)) == 1


async def test_mine_is_different_files_a_new_report(engine, sqlite_db: Database) -> None:
    amina, karim = FakeResident(engine, user="amina"), FakeResident(engine, user="karim")
    await onboard(amina, "fr")
    await report(amina, PIN, "Lampadaire éteint")
    await amina.tap("confirm")
    await onboard(karim, "fr")
    await report(karim, PIN_100M, "Un autre lampadaire, cassé")  # "Mine is different"
    await karim.tap("confirm")
    assert len(await rows(sqlite_db, REPORT)) == 2


async def test_status_changes_reach_reporter_and_supporter_once_each_in_their_language(
    db: Database, gazetteer, clock: Clock
) -> None:
    engine = build_engine(db, gazetteer, VAULT, clock)
    amina, karim = FakeResident(engine, user="amina"), FakeResident(engine, user="karim")
    await onboard(amina, "ar")
    await report(amina, PIN, "Lampadaire éteint")
    await amina.tap("confirm")
    await onboard(karim, "fr")
    await start_report(karim, PIN_100M)
    (first,) = await rows(db, REPORT)
    await karim.tap(f"support:{first['ref']}")
    ref = str(first["ref"])

    async with db.transaction() as tx:
        assert (
            await tx.run(set_status, ref, ReportStatus.IN_PROGRESS, "", "organizer", clock()) == 2
        )
    async with db.transaction() as tx:  # saved twice: no second change, no second notice
        assert (
            await tx.run(set_status, ref, ReportStatus.IN_PROGRESS, "", "organizer", clock())
            is None
        )
    clock.advance(minutes=5)
    async with db.transaction() as tx:
        assert await tx.run(set_status, ref, ReportStatus.RESOLVED, "Réparé", "organizer", clock())

    sent: list[tuple[Address, Outgoing]] = []

    class Recorder:
        channel = "console"

        async def send(self, push: Push) -> str | None:
            sent.append((push.address, push.message))
            return None

    dispatcher = Dispatcher(DeliveryQueue(db), {"console": Recorder()}, translator, clock)
    while await dispatcher.run_once():
        pass
    got = sorted((address.user, message.text) for address, message in sent)
    expected = sorted(
        (user, render(status_notice(ref, status, note, ""), language))
        for user, language in (("amina", "ar"), ("karim", "fr"))
        for status, note in ((ReportStatus.IN_PROGRESS, ""), (ReportStatus.RESOLVED, "Réparé"))
    )
    assert got == expected

    async with db.transaction() as tx:
        history = (await tx.run(detail, ref)).history
    assert [event.status for event in history] == ["received", "in_progress", "resolved"]


async def test_bad_input_is_answered_and_the_flow_goes_on(resident: FakeResident) -> None:
    await onboard(resident, "fr")
    await resident.tap("report")
    await resident.tap("water")
    await resident.share_location(33.75, -8.2)  # at sea
    # A one-line answer, with the location button of the question it does not repeat.
    (at_sea,) = resident.last
    assert at_sea.text == render(OUTSIDE, "fr") and at_sea.ask_location
    await resident.say("Hay Moulay Rachid, rue 12")
    assert resident.last[-1].text == render(ASK_DESCRIPTION.text, "fr")

    await resident.say("x" * 1_001)
    assert "1001" in resident.texts[0].replace("\u202f", "").replace(",", "").replace(" ", "")
    assert len(resident.last) == 1, "the hint, not the question again"
    await resident.say("y" * 1_000)

    await resident.send(media=(Media(MediaKind.DOCUMENT, "cv.pdf", "application/pdf", 5_000),))
    assert resident.texts[0] == render(PHOTO_REFUSED, "fr")
    await resident.send(media=(Media(MediaKind.PHOTO, "big", "image/jpeg", 11 * 1024 * 1024),))
    assert resident.texts[0] == render(PHOTO_REFUSED, "fr")
    await resident.tap("skip")
    assert resident.option_ids == ["confirm", "change", "cancel"]


async def test_change_one_answer_and_come_back_to_the_summary(resident: FakeResident) -> None:
    await onboard(resident, "en")
    await report(resident, PIN, "Broken lamp")
    await resident.tap("change")
    await resident.tap("description")
    await resident.say("Two broken lamps")
    assert resident.option_ids == ["confirm", "change", "cancel"]
    assert "Two broken lamps" in resident.text
    await resident.tap("change")
    await resident.tap("category")
    await resident.tap("other")
    await resident.say("Noisy generator")
    assert "Noisy generator" in resident.text and resident.option_ids[0] == "confirm"


async def test_a_pin_in_another_commune_asks_whether_to_report_there(
    resident: FakeResident, sqlite_db: Database
) -> None:
    await onboard(resident, "en")
    await resident.tap("report")
    await resident.tap("roads")
    await resident.share_location(30.4205, -9.5981)  # Agadir, far from Ben M'Sick
    assert resident.option_ids == ["switch", "stay"]
    await resident.tap("switch")
    await resident.say("Pothole")
    await resident.tap("skip")
    await resident.tap("confirm")
    (saved,) = await rows(sqlite_db, REPORT)
    assert saved["commune_code"] == resident.engine.store.gazetteer.at(30.4205, -9.5981).code


async def test_my_reports_show_status_and_history(resident: FakeResident, clock: Clock) -> None:
    await onboard(resident, "en")
    await report(resident, PIN, "Broken lamp")
    await resident.tap("confirm")
    await resident.tap("activity")
    await resident.tap("reports")
    (ref, label) = resident.options[0]
    assert ref.startswith("R-") and render(STATUS_LABELS[ReportStatus.RECEIVED], "en") in label
    await resident.tap(ref)
    assert "Broken lamp" in resident.texts[0]
    assert resident.option_ids[0] == ref, "the list is shown again after the details"


async def test_the_report_word_starts_a_report(resident: FakeResident) -> None:
    await onboard(resident, "ar")
    await resident.say("بلاغ")
    assert resident.option_ids[0] == "roads"


async def test_a_duplicates_followers_follow_the_report_kept(
    engine_on_both, db: Database, clock: Clock
) -> None:
    amina, karim = (
        FakeResident(engine_on_both, user="amina"),
        FakeResident(engine_on_both, user="karim"),
    )
    await onboard(amina, "fr")
    await report(amina, PIN, "Lampadaire éteint")
    await amina.tap("confirm")
    await onboard(karim, "fr")
    await report(karim, PIN_100M, "Autre chose, je crois")
    await karim.tap("confirm")
    kept, dup = sorted(str(row["ref"]) for row in await rows(db, REPORT))

    async with db.transaction() as tx:
        assert await tx.run(set_status, dup, ReportStatus.DUPLICATE, "", "org", clock(), kept) == 1
    async with db.transaction() as tx:
        assert await tx.run(set_status, kept, ReportStatus.RESOLVED, "", "org", clock()) == 2


async def test_changing_the_place_looks_for_similar_reports_again(
    resident: FakeResident,
) -> None:
    neighbour = FakeResident(resident.engine, user="neighbour")
    await onboard(neighbour, "en")
    await report(neighbour, PIN, "Broken lamp")
    await neighbour.tap("confirm")
    await onboard(resident, "en")
    await resident.tap("report")
    await resident.tap("lighting")
    await resident.say("Somewhere else entirely")
    await resident.say("A lamp")
    await resident.tap("skip")
    await resident.tap("change")
    await resident.tap("place")
    await resident.share_location(*PIN_100M)
    assert resident.option_ids[-1] == "different"
    await resident.tap("different")
    assert resident.option_ids == ["confirm", "change", "cancel"]


async def test_only_audio_is_taken_as_a_voice_note(resident: FakeResident) -> None:
    await onboard(resident, "fr")
    await start_report(resident, PIN)
    await resident.send(media=(Media(MediaKind.VOICE, "doc", "application/pdf", 100),))
    assert "vocal" in resident.text and len(resident.last) == 1
    await resident.say("aide")
    assert resident.last[-1].text == render(ASK_DESCRIPTION.text, "fr")
    await resident.send(media=(Media(MediaKind.VOICE, "v1", "audio/ogg", 30_000),))
    assert resident.option_ids == ["skip"]


async def test_a_report_closed_meanwhile_cannot_be_supported(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    amina, karim = FakeResident(engine, user="amina"), FakeResident(engine, user="karim")
    await onboard(amina, "fr")
    await report(amina, PIN, "Lampadaire éteint")
    await amina.tap("confirm")
    await onboard(karim, "fr")
    await start_report(karim, PIN_100M)
    (first,) = await rows(sqlite_db, REPORT)
    async with sqlite_db.transaction() as tx:
        await tx.run(set_status, first["ref"], ReportStatus.RESOLVED, "", "org", clock())
    await karim.tap(f"support:{first['ref']}")
    assert resident_sees_description_question(karim)
    assert await rows(sqlite_db, REPORT_SUPPORT) == []


def resident_sees_description_question(resident: FakeResident) -> bool:
    return resident.last[-1].text == render(ASK_DESCRIPTION.text, "fr")
