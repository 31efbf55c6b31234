"""The WhatsApp adapter alone: Twilio's form fields to an `Inbound`, replies to TwiML."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.settings import Settings
from conversations.kit import Address, Choice, Location, MediaKind, Outgoing
from handlers.splitting import split, units
from handlers.whatsapp.capabilities import MAX_BODY
from handlers.whatsapp.messages import NotAMessage, served_type, to_inbound, to_twiml

FORM = {"MessageSid": "SM" + "1" * 32, "From": "whatsapp:+212600000000", "To": "whatsapp:+1415"}
API = "https://api.twilio.com"


def test_the_sender_is_the_address_and_matches_an_admin_setting() -> None:
    inbound = to_inbound({**FORM, "Body": "Salam", "ProfileName": "Amina"}, API)
    assert inbound.address == Address("whatsapp", "+212600000000")
    read = (inbound.message_id, inbound.text, inbound.display_name)
    assert read == (FORM["MessageSid"], "Salam", "Amina")
    env = {"HAYNA_SECRET_KEY": "k" * 40, "HAYNA_ADMINS": "whatsapp:+212600000000"}
    assert inbound.address in Settings.from_env(env).admins


def test_a_pin_media_and_a_button_are_read() -> None:
    inbound = to_inbound(
        {
            **FORM,
            "Latitude": "33.5570",
            "Longitude": "-7.5850",
            "Address": "Hay Ben M'Sick",
            "NumMedia": "4",
            "MediaUrl0": "https://api.twilio.com/m0",
            "MediaContentType0": "image/jpeg",
            "MediaUrl1": "https://api.twilio.com/m1",
            "MediaContentType1": "audio/ogg; codecs=opus",
            "MediaUrl2": "https://api.twilio.com/m2",
            "MediaContentType2": "application/pdf",
            "MediaUrl3": "https://api.twilio.com/m3",
            "MediaContentType3": "video/mp4",
            "ButtonPayload": "confirm",
        },
        API,
    )
    assert inbound.location == Location(33.5570, -7.5850)
    kinds = [(m.kind, m.ref, m.content_type) for m in inbound.media]
    assert kinds == [
        (MediaKind.PHOTO, "https://api.twilio.com/m0", "image/jpeg"),
        (MediaKind.VOICE, "https://api.twilio.com/m1", "audio/ogg"),
        (MediaKind.DOCUMENT, "https://api.twilio.com/m2", "application/pdf"),
        (MediaKind.VIDEO, "https://api.twilio.com/m3", "video/mp4"),
    ]
    assert inbound.option == "confirm"


@pytest.mark.parametrize(
    "fields",
    [
        {"Latitude": "north", "Longitude": "-7.5"},
        {"Latitude": "95", "Longitude": "-7.5"},
        {"Latitude": "nan", "Longitude": "-7.5"},
        {"NumMedia": "٣", "MediaUrl0": "https://x"},
        {"NumMedia": "1"},
    ],
)
def test_odd_fields_are_ignored_not_fatal(fields: dict[str, str]) -> None:
    inbound = to_inbound({**FORM, **fields}, API)
    assert inbound.location is None and inbound.media == ()


@pytest.mark.parametrize("sender", ["", "+212600000000", "whatsapp:", "sms:+2126"])
def test_a_form_from_no_whatsapp_sender_is_no_message(sender: str) -> None:
    with pytest.raises(NotAMessage):
        to_inbound({**FORM, "From": sender}, API)


def test_replies_are_one_message_with_numbered_options_and_the_location_hint() -> None:
    replies = [
        Outgoing("Merci <3 & bravo", locale="fr"),
        Outgoing("Où ?", ask_location=True, locale="fr", location_hint="Touchez 📎"),
        Outgoing("Confirmer ?", (Choice("yes", "Oui"), Choice("no", "Non")), locale="fr"),
    ]
    root = ElementTree.fromstring(to_twiml(replies))
    (body,) = [m.text for m in root.iter("Message")]
    assert body == "Merci <3 & bravo\n\nOù ?\n\nTouchez 📎\n\nConfirmer ?\n\n1. Oui\n2. Non"
    assert list(ElementTree.fromstring(to_twiml([])).iter("Message")) == []


def test_a_long_answer_is_split_on_lines_under_twilios_limit() -> None:
    text = "\n".join(f"{n}. " + " ".join(["ⵜⴰⵎⴰⵣⵉⵖⵜ"] * 8) for n in range(60))
    root = ElementTree.fromstring(to_twiml([Outgoing(text)]))
    parts = [m.text or "" for m in root.iter("Message")]
    assert len(parts) == 3 and all(units(part) <= MAX_BODY for part in parts)
    assert "\n".join(parts) == text  # cut at line breaks: nothing lost, nothing mangled


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=5_000))
def test_split_parts_fit_and_keep_every_visible_character(text: str) -> None:
    parts = split(text, 200)
    assert all(0 < units(part) <= 200 for part in parts)
    visible = "".join(text.split())
    assert "".join("".join(parts).split()) == visible


@pytest.mark.parametrize(
    ("given", "served"),
    [
        ("application/json", "text/plain; charset=utf-8"),
        ("text/calendar", "text/plain; charset=utf-8"),
        ("application/pdf", "application/pdf"),
    ],
)
def test_files_are_served_as_types_whatsapp_takes_as_documents(given: str, served: str) -> None:
    assert served_type(given) == served
