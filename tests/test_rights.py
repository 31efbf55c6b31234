"""Residents' data rights: the consent ledger, "my data" from every flow, erasure that leaves
nothing personal behind in any table or log, and a changed privacy notice asked again."""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, select, update

from bot.app import build_engine
from bot.logs import configure_logging
from conversations.folding import fold
from conversations.groups import GroupKind
from conversations.kit import Address, Media, MediaKind
from conversations.petition import PetitionLife
from conversations.report import ReportStatus
from storage import groups, rights
from storage.announcements import expand_due
from storage.database import Database
from storage.models import COMMUNITY_GROUP, CONSENT, RESIDENT, SIGNATURE, Base
from storage.petitions import move
from storage.reports import set_status, support
from storage.rights import COPIES, HOLDERS, TEXTS, Words
from storage.subject import Subject
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.meetings import ADMIN, join_youth, youth_meeting
from tests.support.petitions import PIN, onboard, open_petition, sign_by_chat
from tests.support.reports import PIN_100M, report, start_report
from tests.support.vault import VAULT

# Her WhatsApp number is her chat id; she types it, her CIN and her name in every spelling.
PHONE = "+212677889900"
CHAT_ID = f"whatsapp:{PHONE}"
PHONES = ("0677889900", "06 77 88 99 00", "+212 677-889900", "٠٦٧٧٨٨٩٩٠٠", "00212677889900")
CIN = "ZK445566"
CINS = ("ZK 445 566", "zk-٤٤٥٥٦٦", "ZK.445566", "zK-445-566")
NAME = "Amina Alaoui"
SHE = f"{NAME} ({CHAT_ID}), {', '.join(PHONES)}, CIN {', '.join(CINS)}"
WORDS = f"Lampadaire éteint devant chez {SHE}. Appelez-moi."
LABEL = f"Lampe {PHONES[3]} {CINS[1]} {NAME}"
PLACE = f"Derb Sultan, {SHE}"
PHOTO = "whatsapp-media-amina-0001"
# What no table nor log may hold once she is gone, in any spelling: her number's nine digits,
# her card, her name (as `squeezed` reads them).
NUMBER, CARD = "677889900", "zk445566"


def squeezed(text: str) -> str:
    """``text`` as the checks read it: every digit in ASCII, lower case, letters and digits only,
    so no separator, digit script or case hides a spelling."""
    text = unicodedata.normalize("NFKC", text)
    ascii_digits = (
        str(digit) if (digit := unicodedata.decimal(ch, None)) is not None else ch for ch in text
    )
    return "".join(ch for ch in "".join(ascii_digits).casefold() if ch.isalnum())


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


async def resident_id(db: Database, user: str) -> int:
    async with db.transaction() as tx:
        found = await tx.run(
            lambda c: c.execute(select(RESIDENT.c.id).where(RESIDENT.c.user_id == user)).scalar()
        )
    assert found is not None
    return int(found)


async def onboard_typing(resident: FakeResident, language: str, typed: str) -> str:
    """Onboarding, with ``typed`` tried first as the commune's name."""
    await resident.say("salam")
    await resident.tap(language)
    await resident.tap("agree")
    await resident.say(typed)
    await resident.share_location(*PIN)
    await resident.say("1")
    assert resident.option_ids[0] == "report"
    return resident.engine.store.gazetteer.at(*PIN).code


async def amina_everywhere(
    db: Database, engine: Any, clock: Clock
) -> tuple[FakeResident, str, str, str]:
    """Amina, on WhatsApp, in every resident flow, typing her identifiers in each free field: a
    report with a photo (read since by Karim, who supports it), a report supported, two
    signatures (one petition filed since), a group, a meeting answered, a question to the
    organizers, notices queued. Returns
    her, her report, the open petition and her commune."""
    karim = FakeResident(engine, "karim", channel="whatsapp")
    await onboard_typing(karim, "fr", "Ben M'Sick")
    await report(karim, PIN, "Nid de poule")
    await karim.tap("confirm")

    amina = FakeResident(engine, PHONE, channel="whatsapp")
    commune = await onboard_typing(amina, "en", f"{PHONES[0]} {CINS[0]}")
    await start_report(amina, PIN_100M)
    await amina.tap(amina.option_ids[0])  # supports Karim's report
    await amina.say("menu")
    await amina.tap("report")
    await amina.tap("other")
    await amina.say(LABEL)
    await amina.say(PLACE)
    await amina.say(WORDS)
    await amina.send(media=(Media(MediaKind.PHOTO, PHOTO, "image/jpeg", 1000),))
    await amina.tap("done")
    await amina.tap("confirm")
    (ref,) = [word.rstrip(".") for word in amina.text.split() if word.startswith("R-")]

    # A group followed and a meeting answered.
    await join_youth(amina)
    await onboard_typing(FakeResident(engine, ADMIN.user), "fr", "Ben M'Sick")
    meeting_id = await youth_meeting(engine, clock, commune)
    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("meetings")
    await amina.tap(f"m{meeting_id}")
    await amina.tap("yes")
    # A question to the organizers of her commune, her identifiers in it.
    await amina.say("poser une question")
    await amina.tap("c")
    await amina.say(f"Question de {SHE}")
    await amina.say("menu")

    filed = await open_petition(db, clock, commune, threshold=1)
    still_open = await open_petition(db, clock, commune, threshold=5)
    await sign_by_chat(amina, filed, f"{NAME} {PHONES[1]}", CINS[0])
    await sign_by_chat(amina, still_open, NAME, CINS[1])
    karim_id = await resident_id(db, "karim")
    async with db.transaction() as tx:
        await tx.run(move, filed, PetitionLife.FILED, "", "organizer", clock())
        await tx.run(support, ref, karim_id, clock())
        note = f"Rappelée au {PHONES[2]}, {NAME}, {CINS[0]}"
        await tx.run(set_status, ref, ReportStatus.UNDER_REVIEW, note, "organizer", clock())
    # Karim reads her report: its details are the question his conversation keeps.
    await karim.say("menu")
    await karim.tap("activity")
    await karim.tap("reports")
    await karim.tap(ref)
    assert "Derb Sultan" in karim.text
    return amina, ref, still_open, commune


async def amina_organizes(db: Database, amina: FakeResident, clock: Clock, commune: str) -> None:
    """Amina tries invite codes of her own making, then, an organizer, names a group, sends an
    update, publishes a meeting and a petition, each written with her identifiers; the admin
    reads her petition."""
    for typed in (PHONES[0], CIN):
        await amina.say("menu")
        await amina.say(f"ORG {typed}")
        assert "does not exist" in amina.text
    async with db.transaction() as tx:
        code = await tx.run(groups.invite, commune, None, "admin", clock())
    await amina.say("menu")
    await amina.say(f"ORG {code}")
    await amina.tap("new_group")
    await amina.tap("association")
    await amina.say(f"Voisins de {NAME} {PHONES[2]} {CINS[0]}")
    assert "is ready" in amina.text

    await amina.tap("broadcast")
    await amina.say(f"Réunion chez {SHE}")
    await amina.tap("continue")
    await amina.tap(f"c:{commune}")
    await amina.tap("now")

    await amina.tap("new_meeting")
    await amina.tap(f"c:{commune}")
    await amina.say(f"Réunion {NAME} {PHONES[4]} {CINS[3]}")
    await amina.say("2026-12-05 18:00")
    await amina.share_location(*PIN)
    await amina.say(f"Chez {SHE}")
    await amina.say(WORDS)
    await amina.tap("publish")
    assert "Published" in amina.text
    await expand_due(db, clock())

    await amina.say("menu")
    await amina.tap("petitions")
    await amina.tap("new_petition")
    await amina.tap("here")
    await amina.tap("residents")
    await amina.say(f"Éclairage {NAME} {PHONES[1]} {CINS[2]}")
    await amina.tap("lighting")
    for answer in (
        f"Contact {SHE}",
        WORDS,
        SHE,
        f"{NAME} {PHONES[0]} {CINS[0]}",
        "31/12/2026",
        "150",
    ):
        await amina.say(answer)
    await amina.tap("publish")
    assert "Published" in amina.text
    admin = FakeResident(amina.engine, ADMIN.user)
    await admin.say("menu")
    await admin.tap("petitions")
    (hers,) = [code for code, label in admin.options if NAME in label]
    await admin.tap(hers)
    assert NAME in admin.text


@pytest.fixture
def engine_on_both(db: Database, gazetteer: Any, clock: Clock) -> Any:
    return build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN}))


async def test_my_data_holds_every_row_tied_to_the_resident(
    engine_on_both: Any, db: Database, clock: Clock
) -> None:
    amina, *_ = await amina_everywhere(db, engine_on_both, clock)
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("my_data")
    (sent,) = [out for out in amina.last if out.attachment is not None]
    assert sent.attachment is not None
    assert sent.attachment.filename.endswith(".json")
    assert CIN.encode() not in sent.attachment.data, "a CIN is only shown masked"
    data = json.loads(sent.attachment.data)
    assert "Here is everything" in sent.text and "ZK••••66" in sent.text
    assert "under_review" not in sent.text, "a status is shown in words, not as its code"

    assert data["profile"][0]["user"] == PHONE
    assert [(c["kind"], c["channel"]) for c in data["consents"]] == [
        ("privacy", "whatsapp"),
        ("petition_signing", "whatsapp"),
        ("petition_signing", "whatsapp"),
    ]
    (report_row,) = data["reports"]
    assert report_row["description"] == WORDS and report_row["media"][0]["ref"] == PHOTO
    assert report_row["place"] == PLACE and report_row["other_label"] == LABEL
    assert len(data["supports"]) == 1
    assert sorted(s["filed"] for s in data["signatures"]) == [False, True]
    assert {s["cin"] for s in data["signatures"]} == {"ZK••••66"}
    assert len(data["notices"]) == 3  # threshold reached, filed, report under review
    assert len(data["conversation"]) == 1
    (question,) = data["questions"]
    assert question["messages"][0]["text"] == f"Question de {SHE}"
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


def leaks(rows: dict[str, list[dict[str, Any]]], kept_names: set[tuple[str, str]]) -> list[str]:
    """Every cell of every table that still holds her number, her card or her name, in any
    spelling; her name is looked for everywhere but in ``kept_names`` (table, column)."""
    found = []
    for table, table_rows in rows.items():
        for row in table_rows:
            for column, value in row.items():
                if value is None:
                    continue
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                cell = squeezed(text)
                needles = [NUMBER, CARD]
                if (table, column) not in kept_names:
                    needles.append(squeezed(NAME))
                found += [f"{table}.{column}: {needle}" for needle in needles if needle in cell]
                if "ZK••••66" in text or PHOTO in text:
                    found.append(f"{table}.{column}: {text[:80]}")
    return found


async def test_erasure_leaves_no_personal_data_in_any_table_or_log(
    engine_on_both: Any, db: Database, clock: Clock, log_file: Path
) -> None:
    amina, ref, still_open, commune = await amina_everywhere(db, engine_on_both, clock)
    await amina_organizes(db, amina, clock, commune)
    before = await table_rows(db)
    rid = next(r["id"] for r in before["resident"] if r["user_id"] == PHONE)
    unfiled_seal = next(
        s["cin_sealed"]
        for s in before["signature"]
        if s["resident_id"] == rid
        and s["petition_id"] == max(p["id"] for p in before["petition"] if p["code"] == still_open)
    )
    assert leaks(before, set()), "the check finds what she typed"
    # A careless line, as a library or a future change might write one.
    logging.getLogger("hayna.test").warning(
        "sending to %s (%s) text=%r cin %s", CHAT_ID, " / ".join(PHONES), WORDS, " / ".join(CINS)
    )
    await amina.say("message again", message_id="same-id")
    await amina.say("message again", message_id="same-id")  # a redelivery, logged

    await amina.say("delete my data")
    assert amina.option_ids == ["confirm", "keep"]
    assert "already filed" in amina.text and "without your name" in amina.text
    await amina.tap("confirm")
    assert "Your data was deleted" in amina.text

    after = await table_rows(db)
    # The law keeps her name on the petition filed with the commune (and nothing else of it).
    assert leaks(after, {("signature", "full_name")}) == []
    assert unfiled_seal not in repr(after)
    for name, rows in after.items():
        for row in rows:
            assert row.get("resident_id") != rid, name
    # Kept: her report, anonymous, matched by the place as it now reads.
    (kept,) = [r for r in after["report"] if r["ref"] == ref]
    assert kept["description"].startswith("Lampadaire éteint devant chez [redacted]")
    assert kept["place"].startswith("Derb Sultan, [redacted]")
    assert kept["place_key"] == fold(kept["place"])
    assert kept["other_label"].startswith("Lampe [redacted]")
    # Her signature on the filed petition, unlinked, without the number typed into the name.
    named = [s for s in after["signature"] if NAME in s["full_name"]]
    assert [(s["full_name"], s["resident_id"]) for s in named] == [(f"{NAME} [redacted]", None)]
    counts = {p["code"]: p["signatures"] for p in after["petition"]}
    assert counts[still_open] == 0
    assert [m["ref"] for m in after["report_media"]] == ["file-1"], "only Karim's photo stays"
    # What she made as an organizer stays for the others, credited to no one.
    assert len(after["petition"]) == len(before["petition"])
    made = [*after["meeting"], *after["announcement"], *after["community_group"]]
    assert "erased" in {row["created_by"] for row in made}
    assert all(str(rid) not in row["created_by"] for row in made)
    # Copies for the others: what Karim was last shown, the notices queued for him.
    karim = await resident_id(db, "karim")
    (shown,) = [c["prompt"] for c in after["conversation"] if c["resident_id"] == karim]
    assert "Lampe [redacted]" in shown, "her report in his list, by its words redacted"
    told = [d["body"] for d in after["delivery"] if d["resident_id"] == karim]
    assert len(told) == 3 and all("[redacted]" in body for body in told)  # update, meeting, note

    for handler in logging.getLogger().handlers:
        handler.flush()
    text = await asyncio.to_thread(log_file.read_text, encoding="utf-8")
    assert "duplicate message" in text and "[redacted]" in text
    logged = squeezed(text)
    for secret in (NUMBER, CARD, squeezed(NAME), squeezed(WORDS), PHOTO):
        assert secret not in logged, secret
    assert all(line.startswith("ts=") for line in text.splitlines())

    # She comes back: a new account, and still one signature per CIN.
    await onboard_typing(amina, "en", "Ben M'Sick")
    await sign_by_chat(amina, still_open, NAME, CIN)
    other = FakeResident(engine_on_both, "+212700000000", channel="whatsapp")
    await onboard_typing(other, "en", "Ben M'Sick")
    await sign_by_chat(other, still_open, "Someone Else", CINS[2])
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
    assert newcomer.option_ids == ["fr", "ar", "zgh", "zgh_Latn", "en"], (
        "setting up again, not the menu"
    )
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


def test_every_column_of_text_says_what_erasure_does_with_it() -> None:
    texts = {
        column
        for table in Base.metadata.sorted_tables
        for column in table.c
        if isinstance(column.type, String)
    }
    missing = sorted(f"{column.table.name}.{column.name}" for column in texts - TEXTS.keys())
    assert not missing, f"say in storage/rights.py TEXTS what erasure does with: {missing}"
    copied = {column for column, words in TEXTS.items() if words is Words.COPIED}
    assert copied <= {copy.column for copy in COPIES}


async def test_a_group_named_after_its_erased_organizer_keeps_a_name_of_its_own(
    engine: Any, sqlite_db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine, "amina")
    commune = await onboard_typing(amina, "en", "Ben M'Sick")
    rid = await resident_id(sqlite_db, "amina")
    association = GroupKind.ASSOCIATION
    async with sqlite_db.transaction() as tx:
        await tx.run(groups.create_group, commune, association, "[redacted]", "admin", clock())
        mine = groups.organizer_label("console", rid)
        hers = await tx.run(groups.create_group, commune, association, PHONES[0], mine, clock())
        await tx.run(rights.erase, Subject(rid, Address("console", "amina")), clock())
        names = await tx.run(
            lambda c: c.execute(
                select(COMMUNITY_GROUP.c.name, COMMUNITY_GROUP.c.created_by).where(
                    COMMUNITY_GROUP.c.kind == association
                )
            ).all()
        )
    assert sorted(names) == [("[redacted]", "admin"), (f"[redacted] ({hers})", "erased")]
