"""Whole conversations over WhatsApp webhooks: onboarding, a need with a pin and a photo, a
petition signed, by typed numbers (ASCII and Arabic-Indic) and labels; STOP and START."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from conversations import menu, onboarding, petitions
from conversations.phrases import RESUMED, STOPPED
from conversations.report import CATEGORIES
from conversations.report_need import CONFIRM, DONE
from handlers.whatsapp.capabilities import SHARE_LOCATION
from storage.database import Database
from storage.deliveries import DeliveryQueue
from storage.models import REPORT, REPORT_MEDIA, RESIDENT, SIGNATURE
from tests.support.clock import Clock
from tests.support.petitions import PIN, open_petition
from tests.support.tables import rows
from tests.whatsapp_phone import WhatsApp

LIGHTING = next(option for option in CATEGORIES if option.id == "lighting")
# A MediaUrl as Twilio gives it, at the API the tests' settings name (the fake's address).
PHOTO_PATH = "/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"
# How each answer is typed: a number, the number in Arabic-Indic digits, or the label.
WAYS = {
    "ar": {"language": "label", "agree": "arabic", "report": "arabic", "category": "label",
           "done": "arabic", "confirm": "label", "petitions": "arabic", "sign": "label",
           "consent": "arabic", "yes": "number", "signed": "label"},
    "fr": {"language": "number", "agree": "label", "report": "number", "category": "arabic",
           "done": "label", "confirm": "number", "petitions": "arabic", "sign": "number",
           "consent": "label", "yes": "arabic", "signed": "number"},
}  # fmt: skip
LANGUAGE = {"ar": "العربية", "fr": "Français"}
WORDS = {
    "ar": ("الضوء مطفأ منذ أسبوعين", "أمينة العلوي", "ab 123456"),
    "fr": ("Lampadaire éteint depuis deux semaines", "Hugo Benali", "BK-654321"),
}


@pytest.mark.parametrize("language", ["ar", "fr"])
async def test_onboarding_a_need_and_a_signature_by_numbers_and_labels(
    chat: WhatsApp, db: Database, clock: Clock, language: str
) -> None:
    way, (need, name, cin) = WAYS[language], WORDS[language]
    phone = chat.phone("+212600000001", "Amina")
    await phone.say("Salam")
    await phone.choose(LANGUAGE[language], way["language"])
    phone.locale = language
    await phone.choose(onboarding.AGREE, way["agree"])
    # A question asking for a pin says how to share one on WhatsApp, in the resident's language.
    assert SHARE_LOCATION.render(translator(language)) in phone.text
    await phone.share_location(*PIN)
    await phone.say("1")  # "this location is in Ben M'Sick: is it your commune?"
    await phone.choose(menu.REPORT, way["report"])
    await phone.choose(LIGHTING, way["category"])
    await phone.share_location(*PIN)
    await phone.say(need)
    photo_url = chat.fake.url + PHOTO_PATH
    await phone.send_photo(photo_url)
    await phone.choose(DONE, way["done"])
    await phone.choose(CONFIRM, way["confirm"])

    (report,) = await rows(db, REPORT)
    assert str(report["ref"]) in phone.text
    assert (report["category"], report["description"], report["lat"]) == ("lighting", need, PIN[0])
    (photo,) = await rows(db, REPORT_MEDIA)
    assert (photo["kind"], photo["ref"], photo["content_type"]) == (
        "photo",
        photo_url,
        "image/jpeg",
    )
    (resident,) = await rows(db, RESIDENT)
    assert (resident["channel"], resident["user_id"]) == ("whatsapp", "+212600000001")
    assert resident["language"] == language

    await open_petition(db, clock, str(report["commune_code"]))
    await phone.choose(menu.PETITIONS, way["petitions"])
    await phone.choose("Éclairage du boulevard", "number")
    await phone.choose(petitions.SIGN, way["sign"])
    await phone.choose(petitions.AGREE, way["consent"])
    await phone.say(name)
    await phone.say(cin)
    await phone.choose(petitions.YES, way["yes"])
    await phone.choose(petitions.CONFIRM, way["signed"])

    (signature,) = await rows(db, SIGNATURE)
    assert signature["full_name"] == name
    assert "1/3" in phone.text


async def test_stop_silences_pushes_until_start_in_every_language(
    chat: WhatsApp, clock: Clock
) -> None:
    phone = chat.phone("+212600000002")
    await phone.say("Salam")
    await phone.choose("Français", "number")
    for word in ("STOP", "Stop", "ARRÊT", "arret", "UNSUBSCRIBE", "توقف", "ⴱⴷⴷ"):
        await phone.say(word)
        assert STOPPED.render(translator("fr")) in phone.text, word
    (resident,) = await rows(chat.app.db, RESIDENT)
    queue = DeliveryQueue(chat.app.db)
    await queue.enqueue("news-1", int(resident["id"]), RESUMED.to_json(), clock())
    await chat.app.dispatcher.run_once()
    assert chat.fake.messages == []
    assert await queue.counts() == {"opted_out": 1}

    await phone.say("START")
    assert RESUMED.render(translator("fr")) in phone.text
    await queue.enqueue("news-2", int(resident["id"]), RESUMED.to_json(), clock())
    await chat.app.dispatcher.run_once()
    (sent,) = chat.fake.messages
    assert sent["Body"] == RESUMED.render(translator("fr"))
