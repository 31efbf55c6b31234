"""Every field of an inbound message within what its column stores, whatever an adapter let
through: ids refused whole, the rest cleaned and bounded, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import String, select

from bot.app import build_engine
from bot.i18n import translator
from conversations import bounds
from conversations.bounds import bounded
from conversations.engine import Engine
from conversations.kit import Address, Inbound, Media, MediaKind
from conversations.phrases import SOMETHING_WRONG
from conversations.safetext import clean
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import INBOX, REPORT, REPORT_MEDIA, RESIDENT
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import onboard
from tests.support.vault import VAULT

NUL = "\x00"
WRONG = {
    SOMETHING_WRONG.render(translator(locale)) for locale in ("ar", "fr", "zgh", "zgh_Latn", "en")
}


def test_the_bounds_are_those_of_the_columns() -> None:
    for bound, column in (
        (bounds.MAX_CHANNEL, RESIDENT.c.channel),
        (bounds.MAX_CHANNEL, INBOX.c.channel),
        (bounds.MAX_USER, RESIDENT.c.user_id),
        (bounds.MAX_MESSAGE_ID, INBOX.c.message_id),
        (bounds.MAX_CONTENT_TYPE, REPORT_MEDIA.c.content_type),
    ):
        assert isinstance(column.type, String) and column.type.length == bound, column
    assert bounds.MAX_SIZE == 2**31 - 1  # report_media.size is an INTEGER


@pytest.mark.parametrize(
    "address, message_id",
    [
        (Address("telegram", "1" * 65), "m1"),
        (Address("telegram", f"12{NUL}3"), "m1"),
        (Address("telegram", ""), "m1"),
        (Address("telegram", "12 3"), "m1"),
        (Address("telegram", "\u202e123"), "m1"),
        (Address("telegram", "12\ufdd03"), "m1"),
        (Address("x" * 17, "123"), "m1"),
        (Address("telegram", "123"), "m" * 129),
        (Address("telegram", "123"), f"m{NUL}1"),
        (Address("telegram", "123"), ""),
        (Address("telegram", "123"), "e\u0301"),  # not in NFC: would be stored as another id
    ],
)
def test_an_id_that_cleaning_would_change_is_refused_whole(
    address: Address, message_id: str
) -> None:
    assert bounded(Inbound(address, message_id, text="salam")) is None


def test_every_other_field_is_cleaned_and_bounded() -> None:
    media = (
        Media(MediaKind.PHOTO, f"ref{NUL}", "image/jpeg"),  # another file once changed: dropped
        Media(MediaKind.VOICE, "voice-1", f"audio/og{NUL}g", 2**40),
        Media(MediaKind.VOICE, "voice-2", "audio/" + "x" * 100, -5),
        Media(MediaKind.DOCUMENT, "/home/amina/ma photo.jpg", ""),
    )
    msg = Inbound(
        Address("telegram", "5012345678"),
        "9001",
        text=f"sa{NUL}lam\ufffe",
        option=f"conf{NUL}irm\U0001fffe",
        media=media,
        language_hint=f"fr{NUL}",
        display_name="A" * 500 + NUL,
        start_payload=f"p_{NUL}K7QD2M" + "x" * 100,
        private_link=f"https://t.me/{NUL}bot",
    )
    settled = bounded(msg)
    assert settled is not None
    assert (settled.text, settled.option) == ("salam", "confirm")
    assert settled.language_hint is None
    assert settled.display_name == "A" * 80
    assert settled.start_payload == ("p_K7QD2M" + "x" * 100)[:64]
    assert settled.private_link == "https://t.me/bot"
    assert [(m.ref, m.content_type, m.size) for m in settled.media] == [
        ("voice-1", "application/octet-stream", 2**31 - 1),
        ("voice-2", "application/octet-stream", None),
        ("/home/amina/ma photo.jpg", "", None),
    ]
    assert bounded(Inbound(Address("telegram", "1"), "2", option="x" * 65)).option == ""
    hinted = bounded(Inbound(Address("telegram", "1"), "2", language_hint="fr-MA"))
    assert hinted is not None and hinted.language_hint == "fr-MA"


async def test_fields_out_of_their_columns_never_fail_a_report(
    db: Database, gazetteer: Gazetteer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A voice note's type and id go to report_media at the confirmation: a NUL there or a type
    over 64 characters used to fail it on PostgreSQL."""
    engine: Engine = build_engine(db, gazetteer, VAULT, clock)
    voices = (
        Media(MediaKind.VOICE, "voice-a", f"audio/og{NUL}g", 1_000),
        Media(MediaKind.VOICE, f"voice{NUL}b", "audio/ogg", 1_000),
        Media(MediaKind.VOICE, "voice-c", "audio/" + "o" * 80, 1_000),
        Media(MediaKind.VOICE, "voice-e", "audio/ogg\ufdd0", 1_000),
    )
    with caplog.at_level(logging.WARNING):
        for number, voice in enumerate(voices):
            amina = FakeResident(engine, f"amina-{number}", channel="telegram")
            await onboard(amina, "fr")
            await amina.tap("report")
            await amina.tap("lighting")
            await amina.share_location(33.5570, -7.5850)
            answers = await amina.send(media=(voice,), text="Lampadaire éteint")
            if "skip" in amina.option_ids:
                await amina.tap("skip")
                answers = await amina.tap("confirm")
            assert not WRONG & {out.text for out in answers}, voice
    assert [r.getMessage() for r in caplog.records if "failed" in r.getMessage()] == []
    async with db.transaction() as tx:
        kept = await tx.run(lambda c: c.execute(select(REPORT_MEDIA)).all())
        reports = await tx.run(lambda c: c.execute(select(REPORT.c.description)).all())
    assert reports, "the voice note whose id could not be kept left the words to describe it"
    assert all(clean(row.ref) == row.ref and clean(row.content_type) == row.content_type
               for row in kept)  # fmt: skip
