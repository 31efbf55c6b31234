"""One resident's whole dialog, the same script on the terminal, on Telegram (its webhook) and on
WhatsApp (Twilio's signed webhook): onboarding, a need reported with a photo and a pin, seen in
"my activity", a petition co-signed, "my data", then erasure."""

from __future__ import annotations

from typing import Any

from bot.i18n import translator
from conversations import activity, menu, my_data, onboarding, petitions
from conversations.report import CATEGORIES
from conversations.report_need import CONFIRM, DONE
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import CONSENT, REPORT, REPORT_MEDIA, RESIDENT, SIGNATURE
from tests.support.clock import Clock
from tests.support.dialog import (
    every_row,
    label,
    neighbour_signs,
    rows,
    signatures,
)
from tests.support.petitions import open_petition
from tests.support.users import User
from tests.support.vault import VAULT

PIN = (33.5570, -7.5850)  # Hay Ben M'Sick, Casablanca
LIGHTING = next(option for option in CATEGORIES if option.id == "lighting")
NEED = "Lampadaire éteint depuis deux semaines devant l'école"
NAME, CIN, MASKED = "Hugo Benali", "BK-654321", "BK••••21"


def said(user: User) -> str:
    return "\n".join(user.replies)


def holding(everything: dict[str, list[dict[str, Any]]], needle: str) -> list[str]:
    """Every table.column whose cell holds ``needle``."""
    return [
        f"{table}.{column}"
        for table, found in everything.items()
        for row in found
        for column, value in row.items()
        if value is not None and needle in str(value)
    ]


async def test_onboarding_a_report_a_signature_my_data_and_erasure(
    user: User, sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    db, commune = sqlite_db, gazetteer.at(*PIN)
    code = await open_petition(db, clock, commune.code)
    neighbour = await neighbour_signs(db, clock, code)

    # Onboarding: the language, the privacy notice agreed, the commune found at a pin.
    await user.say("Salam")
    await user.choose("Français")
    await user.choose(label(onboarding.AGREE))
    await user.share_location(*PIN)
    await user.choose(commune.name_fr)
    assert f"{commune.name_fr} (" in said(user), "onboarded in the commune of the pin"
    (resident,) = [row for row in await rows(db, RESIDENT) if row["id"] != neighbour]
    assert (resident["channel"], resident["user_id"]) == (user.address.channel, user.address.user)
    assert (resident["language"], resident["commune_code"]) == ("fr", commune.code)
    hers = resident["id"]
    consents = [row["kind"] for row in await rows(db, CONSENT) if row["resident_id"] == hers]
    assert consents == ["privacy"]

    # A need, with a pin and a photo.
    await user.choose(label(menu.REPORT))
    await user.choose(label(LIGHTING))
    await user.share_location(*PIN)
    await user.say(NEED)
    photo = await user.send_photo("lamp-photo")
    await user.choose(label(DONE))
    await user.choose(label(CONFIRM))
    (report,) = await rows(db, REPORT)
    ref = str(report["ref"])
    assert ref in said(user)
    assert (report["resident_id"], report["category"], report["description"]) == (
        hers,
        "lighting",
        NEED,
    )
    assert (report["lat"], report["lon"], report["commune_code"]) == (*PIN, commune.code)
    (media,) = await rows(db, REPORT_MEDIA)
    assert (media["report_id"], media["kind"], media["ref"]) == (report["id"], "photo", photo)

    # Seen in "my activity": listed, then in detail.
    await user.say("menu")
    await user.choose(label(menu.ACTIVITY))
    await user.choose(label(activity.REPORTS))
    assert ref in said(user) and label(LIGHTING) in said(user)
    await user.choose(ref)
    assert NEED in said(user)

    # A petition co-signed, after a neighbour.
    await user.say("menu")
    await user.choose(label(menu.PETITIONS))
    await user.choose("Éclairage du boulevard")
    await user.choose(label(petitions.SIGN))
    await user.choose(label(petitions.AGREE))
    await user.say(NAME)
    await user.say(CIN)
    await user.choose(label(petitions.YES))
    await user.choose(label(petitions.CONFIRM))
    assert "2/3" in said(user)
    (signature,) = [row for row in await rows(db, SIGNATURE) if row["resident_id"] == hers]
    assert signature["full_name"] == NAME and VAULT.open(signature["cin_sealed"]) == "BK654321"
    assert await signatures(db, code) == 2

    # My data: the report, the signature with its CIN masked.
    await user.say("menu")
    await user.choose(label(menu.ACTIVITY))
    await user.choose(label(activity.MY_DATA))
    summary = said(user)
    assert translator("fr").gettext("Here is everything Hayna keeps about you:") in summary
    assert ref in summary and NAME in summary and MASKED in summary
    assert "654321" not in summary, "the CIN is only shown masked"

    # Erasure: nothing of hers is left; her report stays, without her.
    await user.choose(label(my_data.ERASE))
    await user.choose(label(my_data.CONFIRM))
    assert label(my_data.ERASED) in said(user)
    everything = await every_row(db)
    assert [row["id"] for row in everything["resident"]] == [neighbour]
    for table, found in everything.items():
        assert all(row.get("resident_id") != hers for row in found), table
    for table in ("conversation", "report_media", "report_support"):
        assert everything[table] == [], table
    assert [row["resident_id"] for row in everything["signature"]] == [neighbour]
    (kept,) = everything["report"]
    assert (kept["ref"], kept["description"], kept["resident_id"]) == (ref, NEED, None)
    assert await signatures(db, code) == 1, "her signature withdrawn, the neighbour's counted"
    for needle in (user.address.user, "Amina", NAME, "654321", photo):
        assert holding(everything, needle) == [], needle
