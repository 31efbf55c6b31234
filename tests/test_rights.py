"""Residents' data rights: the consent ledger, "my data" from every flow, erasure that leaves
nothing personal behind in any table or log, and a changed privacy notice asked again."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.app import build_engine
from bot.logs import configure_logging
from conversations.kit import Media, MediaKind
from conversations.petition import Life
from conversations.report import Status
from storage.database import Database
from storage.models import CONSENT, REPORT, RESIDENT, SIGNATURE, Base
from storage.petitions import move
from storage.reports import set_status
from storage.rights import HOLDERS
from tests.conftest import VAULT, Clock
from tests.resident import FakeResident
from tests.test_meetings import ADMIN, join_youth, youth_meeting
from tests.test_petitions import onboard, open_petition, sign_by_chat
from tests.test_report_need import PIN, PIN_100M, report, start_report

PHONE = "+212612345678"
CIN = "AB123456"
NAME = "Amina Alaoui"
WORDS = "Lampadaire éteint devant chez Amina Alaoui, appelez le 06 12 34 56 78"
PHOTO = "whatsapp-media-amina-0001"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Everything logged during the test, at DEBUG, in a file, as a deployment would write it."""
    path = tmp_path / "hayna.log"
    root = logging.getLogger()
    level = root.level
    handlers = configure_logging("DEBUG", path)
    yield path
    for handler in handlers:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


async def table_rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table."""
    async with db.transaction() as tx:
        return {
            table.name: [
                dict(row._mapping)
                for row in await tx.run(lambda c, t=table: c.execute(select(t)).all())
            ]
            for table in Base.metadata.sorted_tables
        }


async def amina_everywhere(db: Database, engine: Any, clock: Clock) -> tuple[FakeResident, str]:
    """Amina, on WhatsApp, in every flow: a report with a photo, a report supported, two
    signatures (one petition filed since), notices queued. Returns her and the open petition."""
    karim = FakeResident(engine, "karim", channel="whatsapp")
    await onboard(karim, "fr")
    await report(karim, PIN, "Nid de poule")
    await karim.tap("confirm")

    amina = FakeResident(engine, PHONE, channel="whatsapp")
    commune = await onboard(amina, "en")
    await start_report(amina, PIN_100M)
    karims = amina.option_ids[0]
    await amina.tap(karims)  # supports Karim's report
    await amina.say("menu")
    await amina.tap("report")
    await amina.tap("water")
    await amina.say("Derb Sultan")
    if "different" in amina.option_ids:
        await amina.tap("different")
    await amina.say(WORDS)
    await amina.send(media=(Media(MediaKind.PHOTO, PHOTO, "image/jpeg", 1000),))
    await amina.tap("done")
    await amina.tap("confirm")

    # A group followed and a meeting answered.
    await join_youth(amina)
    await onboard(FakeResident(engine, ADMIN.user), "fr")
    meeting_id = await youth_meeting(engine, clock, commune)
    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("meetings")
    await amina.tap(f"m{meeting_id}")
    await amina.tap("yes")
    await amina.say("menu")

    filed = await open_petition(db, clock, commune, threshold=1)
    still_open = await open_petition(db, clock, commune, threshold=5)
    await sign_by_chat(amina, filed, NAME, "ab 123456")
    await sign_by_chat(amina, still_open, NAME, "AB-١٢٣٤٥٦")
    async with db.transaction() as tx:
        await tx.run(move, filed, Life.FILED, "", "organizer", clock())
        mine = await tx.run(
            lambda c: c.execute(
                select(RESIDENT.c.id).where(RESIDENT.c.user_id == PHONE)
            ).scalar_one()
        )
        ref = await tx.run(
            lambda c: c.execute(select(REPORT.c.ref).where(REPORT.c.resident_id == mine)).scalar()
        )
        await tx.run(set_status, ref, Status.UNDER_REVIEW, "", "organizer", clock())
    return amina, still_open


@pytest.fixture
def engine_on_both(db: Database, gazetteer: Any, clock: Clock) -> Any:
    return build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN}))


async def test_my_data_holds_every_row_tied_to_the_resident(
    engine_on_both: Any, db: Database, clock: Clock
) -> None:
    amina, _ = await amina_everywhere(db, engine_on_both, clock)
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("my_data")
    (sent,) = [out for out in amina.last if out.attachment is not None]
    assert sent.attachment is not None
    assert sent.attachment.filename.endswith(".json")
    assert CIN.encode() not in sent.attachment.data, "a CIN is only shown masked"
    data = json.loads(sent.attachment.data)
    assert "Here is everything" in sent.text and "AB••••56" in sent.text
    assert "under_review" not in sent.text, "a status is shown in words, not as its code"

    assert data["profile"][0]["user"] == PHONE
    assert [(c["kind"], c["channel"]) for c in data["consents"]] == [
        ("privacy", "whatsapp"),
        ("petition_signing", "whatsapp"),
        ("petition_signing", "whatsapp"),
    ]
    (report_row,) = data["reports"]
    assert report_row["description"] == WORDS and report_row["media"][0]["ref"] == PHOTO
    assert len(data["supports"]) == 1
    assert sorted(s["filed"] for s in data["signatures"]) == [False, True]
    assert {s["cin"] for s in data["signatures"]} == {"AB••••56"}
    assert len(data["notices"]) == 3  # threshold reached, filed, report under review
    assert len(data["conversation"]) == 1
    assert [g["kind"] for g in data["groups"]] == ["youth"]
    assert [(a["meeting"], a["answer"]) for a in data["meeting_answers"]] == [
        ("Forum des jeunes", "yes")
    ]

    # Every table that refers to a resident: as many rows of hers as the export shows.
    everything = await table_rows(db)
    rid = next(row["id"] for row in everything["resident"] if row["user_id"] == PHONE)
    for holder in HOLDERS:
        table = holder.tables[0]
        if "resident_id" in table.c:
            hers = [row for row in everything[table.name] if row["resident_id"] == rid]
            assert len(hers) == len(data[holder.section]), holder.section


async def test_erasure_leaves_no_personal_data_in_any_table_or_log(
    engine_on_both: Any, db: Database, clock: Clock, log_file: Path
) -> None:
    amina, still_open = await amina_everywhere(db, engine_on_both, clock)
    before = await table_rows(db)
    rid = next(r["id"] for r in before["resident"] if r["user_id"] == PHONE)
    unfiled_seal = next(
        s["cin_sealed"]
        for s in before["signature"]
        if s["resident_id"] == rid and s["petition_id"] == max(p["id"] for p in before["petition"])
    )
    # A careless line, as a library or a future change might write one.
    logging.getLogger("hayna.test").warning("sending to %s text=%r cin %s", PHONE, WORDS, CIN)
    await amina.say("message again", message_id="same-id")
    await amina.say("message again", message_id="same-id")  # a redelivery, logged

    await amina.say("delete my data")
    assert amina.option_ids == ["confirm", "keep"]
    assert "already filed" in amina.text and "without your name" in amina.text
    await amina.tap("confirm")
    assert "Your data was deleted" in amina.text

    after = await table_rows(db)
    dump = repr(after)
    for secret in (PHONE, CIN, unfiled_seal, PHOTO, "AB••••56", "12 34 56"):
        assert secret not in dump, secret
    for name, rows in after.items():
        for row in rows:
            assert row.get("resident_id") != rid, name
    # Kept: her report, anonymous; her signature on the filed petition, unlinked.
    kept = [r["description"] for r in after["report"] if "Lampadaire" in (r["description"] or "")]
    assert kept == ["Lampadaire éteint devant chez [redacted], appelez le [redacted]"]
    named = [s for s in after["signature"] if s["full_name"] == NAME]
    assert len(named) == 1 and named[0]["resident_id"] is None
    counts = {p["code"]: p["signatures"] for p in after["petition"]}
    assert counts[still_open] == 0 and sorted(counts.values()) == [0, 1]
    assert [m["ref"] for m in after["report_media"]] == ["file-1"], "only Karim's photo stays"

    for handler in logging.getLogger().handlers:
        handler.flush()
    text = await asyncio.to_thread(log_file.read_text, encoding="utf-8")
    assert "duplicate message" in text and "[redacted]" in text
    for secret in (PHONE, "612345678", CIN, WORDS, NAME, PHOTO):
        assert secret not in text, secret
    assert all(line.startswith("ts=") for line in text.splitlines())

    # She comes back: a new account, and still one signature per CIN.
    await onboard(amina, "en")
    await sign_by_chat(amina, still_open, NAME, CIN)
    other = FakeResident(engine_on_both, "+212700000000", channel="whatsapp")
    await onboard(other, "en")
    await sign_by_chat(other, still_open, "Someone Else", CIN)
    assert "already signed" in other.text
    async with db.transaction() as tx:
        keys = await tx.run(
            lambda c: c.execute(select(SIGNATURE.c.petition_id, SIGNATURE.c.cin_key)).all()
        )
    assert len(keys) == len(set(keys)) == 2


async def test_keeping_the_data_changes_nothing(engine: Any, sqlite_db: Database) -> None:
    amina = FakeResident(engine, PHONE, channel="whatsapp")
    await onboard(amina, "fr")
    await amina.say("supprimer mes données")
    assert amina.option_ids == ["confirm", "keep"]
    await amina.tap("keep")
    await amina.say("mes données")
    assert amina.last[0].attachment is not None
    assert json.loads(amina.last[0].attachment.data)["profile"][0]["user"] == PHONE


async def test_a_changed_privacy_notice_is_asked_again_before_anything_else(
    engine: Any, sqlite_db: Database
) -> None:
    amina = FakeResident(engine, "amina")
    await onboard(amina, "en")
    async with sqlite_db.transaction() as tx:
        await tx.run(lambda c: c.execute(update(RESIDENT).values(consent_version="2020-01")))
    await amina.say("menu")
    assert "privacy notice has changed" in amina.text
    assert amina.option_ids == ["agree", "decline"]
    await amina.say("menu")  # no way around it
    assert amina.option_ids == ["agree", "decline"]
    await amina.tap("agree")
    assert amina.option_ids[0] == "report", "back to the menu, the commune kept"
    async with sqlite_db.transaction() as tx:
        ledger = await tx.run(lambda c: c.execute(select(CONSENT.c.kind, CONSENT.c.version)).all())
    assert [kind for kind, _ in ledger] == ["privacy", "privacy"]


def test_every_table_that_refers_to_a_resident_is_exported_and_erased() -> None:
    covered = {table for holder in HOLDERS for table in holder.tables}
    referring = {
        table
        for table in Base.metadata.sorted_tables
        if any(fk.column.table.name == "resident" for fk in table.foreign_keys)
    }
    missing = sorted(table.name for table in referring - covered)
    assert not missing, f"add a Holder to storage/rights.py for: {missing}"
    assert len({holder.section for holder in HOLDERS}) == len(HOLDERS)


async def test_erasure_needs_no_consent_and_leads_back_to_onboarding(
    engine: Any, sqlite_db: Database
) -> None:
    newcomer = FakeResident(engine, PHONE, channel="whatsapp")
    await newcomer.say("salam")
    await newcomer.tap("fr")
    await newcomer.say("mes données")
    assert newcomer.option_ids == ["erase", "back"]
    await newcomer.tap("back")
    assert newcomer.option_ids == ["fr", "ar", "zgh", "en"], "setting up again, not the menu"
    await newcomer.say("supprimer mes données")
    await newcomer.tap("confirm")
    async with sqlite_db.transaction() as tx:
        left = await tx.run(lambda c: c.execute(select(RESIDENT.c.id)).all())
    assert left == []


def test_every_section_has_its_line_in_the_summary() -> None:
    from conversations.my_data import COUNTED
    from conversations.personal import CONVERSATION, PROFILE

    sections = {holder.section for holder in HOLDERS} - {PROFILE, CONVERSATION}
    assert sections <= set(COUNTED), sections - set(COUNTED)
