"""Residents' voice notes in storage, on SQLite and PostgreSQL: kept once per message (a retry
finds the first copy), loaded by the reference the flows carry, deleted by reference (never an
organizer's photo), and swept once nothing holds them; and the keeper in front of the engine:
what it does with a note it cannot fetch, one too large, one that is not sound, a forged one."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import insert

from bot.voices import KeptVoices, voice_type
from conversations.kit import Address, Inbound, Media, MediaKind
from conversations.seams import FileTooLarge, TransientFailure
from conversations.voice import STORED, VOICE_MAX, stored_id, stored_ref
from handlers.filetype import sniff
from storage import media
from storage.database import Database
from storage.models import CONVERSATION, MEDIA, REPORT, REPORT_MEDIA
from storage.retention import VOICE_KEEP, forget_unused_voices
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.dialog import rows
from tests.support.fetchers import ScriptedFetcher
from tests.support.photos import JPEG

OGG = b"OggS\x00\x02" + b"speech" * 100


async def test_kept_once_loaded_dropped_and_swept(db: Database, clock: Clock) -> None:
    first = await media.keep_voice(db, "abc.ogg", "audio/ogg", OGG, clock())
    assert await media.keep_voice(db, "abc.ogg", "audio/ogg", OGG, clock()) == first
    other = await media.keep_voice(db, "def.ogg", "audio/ogg", OGG, clock())
    used = await media.keep_voice(db, "ghi.ogg", "audio/ogg", OGG, clock())
    async with db.transaction() as tx:
        photo = await tx.run(media.store, "update.jpg", "image/jpeg", JPEG, clock())
        found = await tx.run(media.kept_file, "telegram", stored_ref(first), "")
        files = await tx.run(media.voice_files, [stored_ref(used), "AgADx", None], "question-3")
        report = await tx.run(
            lambda c: c.execute(
                insert(REPORT).values(
                    commune_code="001.01.01",
                    category="roads",
                    status="received",
                    created_at=clock(),
                    updated_at=clock(),
                )
            ).inserted_primary_key[0]
        )
        await tx.run(
            lambda c: c.execute(
                insert(REPORT_MEDIA).values(
                    report_id=report, kind="voice", ref=stored_ref(used), content_type="audio/ogg"
                )
            )
        )
    assert found is not None and (found.data, found.content_type) == (OGG, "audio/ogg")
    [(name, kind, data)] = [(f.filename, f.content_type, f.data) for f in files]
    assert (name, kind, data) == ("question-3-1.ogg", "audio/ogg", OGG)

    async with db.transaction() as tx:
        # An organizer's photo is never a resident's voice, whatever a reference says.
        assert await tx.run(media.drop_voices, [stored_ref(photo), stored_ref(first)]) == 1
        assert await tx.run(media.kept_file, "telegram", stored_ref(first), "") is None
    assert await forget_unused_voices(db, clock()) == 0, "too recent to be swept"
    clock.advance(seconds=(VOICE_KEEP + timedelta(minutes=1)).total_seconds())
    assert await forget_unused_voices(db, clock()) == 1, "the unused one only"
    assert sorted(r["id"] for r in await rows(db, MEDIA)) == sorted([photo, used])
    assert other not in {r["id"] for r in await rows(db, MEDIA)}


def voice_note(ref: str, size: int | None = None) -> Inbound:
    media = (Media(MediaKind.VOICE, ref, "audio/ogg", size),)
    return Inbound(Address("console", "amina"), f"m-{ref}", media=media)


async def test_the_keeper_never_loses_a_note_nor_keeps_what_is_not_one(
    sqlite_db: Database, clock: Clock
) -> None:
    fetcher = ScriptedFetcher(
        {
            "ok": OGG,
            "slow": TransientFailure("Telegram is slow"),
            "large": FileTooLarge("too large"),
            "gone": ValueError("expired"),
            "pdf": b"%PDF-1.7 not a sound",
        }
    )
    keeper = KeptVoices(sqlite_db, {"console": fetcher}, clock)
    [kept] = (await keeper.keep(voice_note("ok"))).media
    assert kept.ref.startswith(STORED) and (kept.content_type, kept.size) == ("audio/ogg", 600 + 6)
    assert stored_id(kept.ref) is not None
    [slow] = (await keeper.keep(voice_note("slow"))).media
    assert slow == Media(MediaKind.VOICE, "slow", "audio/ogg"), "fetched when played, later"
    [large] = (await keeper.keep(voice_note("large"))).media
    assert large.size == VOICE_MAX + 1
    [declared] = (await keeper.keep(voice_note("huge", VOICE_MAX + 5))).media
    assert declared.size == VOICE_MAX + 5 and "huge" not in fetcher.asked, "never downloaded"
    for ref in ("gone", "pdf"):
        [refused] = (await keeper.keep(voice_note(ref))).media
        assert not refused.content_type.startswith("audio/")
    assert (await keeper.keep(voice_note(stored_ref(1)))).media == (), "a forged reference"
    assert len(await rows(sqlite_db, MEDIA)) == 1


def test_sound_is_told_by_its_first_bytes() -> None:
    assert sniff(b"\xff\xfb\x90\x64\x00") == "audio/mpeg"
    assert sniff(b"\xff\xf1\x50\x80\x00") == "audio/aac"
    assert sniff(JPEG[:16]) == "image/jpeg"
    assert voice_type(b"\x00\x00\x00\x1cftypM4A \x00\x00") == "audio/mp4"
    assert voice_type(b"\x00\x00\x00\x1cftypisom\x00\x00") == "audio/mp4", "a phone's M4A"
    assert voice_type(b"#!AMR\n") == "audio/amr"
    assert voice_type(JPEG) is None


async def test_a_voice_note_in_an_unfinished_report_is_kept_while_the_draft_is(
    db: Database, clock: Clock
) -> None:
    kept = await media.keep_voice(db, "place.ogg", "audio/ogg", OGG, clock())
    resident = await add_resident(db, clock, "amina", "fr")
    # A report paused half way: its place said in a voice note, the resident busy elsewhere.
    draft = json.dumps({"paused": {"report": {"place_voice": stored_ref(kept)}}})
    async with db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                insert(CONVERSATION).values(
                    resident_id=resident, data=draft, updated_at=clock(), version=1
                )
            )
        )
    clock.advance(seconds=(VOICE_KEEP + timedelta(days=1)).total_seconds())
    assert await forget_unused_voices(db, clock()) == 0
    assert kept in {r["id"] for r in await rows(db, MEDIA)}
