"""Telegram's updates, as recorded from the Bot API, into `Inbound`; replies into messages
within Telegram's limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.i18n import translator
from conversations.kit import Address, Choice, Location, Media, MediaKind, Outgoing
from handlers.splitting import split, units
from handlers.telegram.capabilities import MAX_TEXT
from handlers.telegram.inbound import Me, to_inbound
from handlers.telegram.markup import MAX_BUTTONS, render

DATA = Path(__file__).parent / "data" / "telegram"
ME = Me(777000, "hayna_test_bot")
AMINA = Address("telegram", "5012345678")
GROUP = Address("telegram", "-1002233445566")


def recorded(name: str):
    update = Update.de_json(json.loads((DATA / f"{name}.json").read_text()), None)
    return to_inbound(update, ME)


def test_text() -> None:
    msg = recorded("text")
    assert (msg.address, msg.message_id, msg.text) == (AMINA, "804211001", "Bonjour")
    assert (msg.language_hint, msg.display_name, msg.option) == ("fr", "Amina", None)


def test_a_tap_is_its_option_id() -> None:
    msg = recorded("callback_query")
    assert (msg.address, msg.option, msg.text, msg.message_id) == (AMINA, "fr", "", "804211002")


def test_location() -> None:
    assert recorded("location").location == Location(33.557, -7.585)


def test_photo_is_the_largest_size_with_its_caption() -> None:
    msg = recorded("photo")
    assert msg.media == (Media(MediaKind.PHOTO, "AgACAgQAAxkBAAIBb2dMlarge", "image/jpeg", 98211),)
    assert msg.text == "Le lampadaire"


def test_voice_note() -> None:
    (voice,) = recorded("voice").media
    assert voice == Media(MediaKind.VOICE, "AwACAgQAAxkBAAIBcWdMvoice", "audio/ogg", 24210)


def test_image_sent_as_a_file_is_a_photo_with_its_type() -> None:
    (photo,) = recorded("document_photo").media
    assert (photo.kind, photo.content_type, photo.size) == (MediaKind.PHOTO, "image/png", 402113)


def test_start_with_a_payload_is_a_deep_link() -> None:
    msg = recorded("start_payload")
    assert (msg.text, msg.start_payload, msg.language_hint) == ("/start", "p_K7QD2M", "ar")


def test_groups_hear_only_commands_and_replies_to_the_bot() -> None:
    assert recorded("group_message") is None
    command = recorded("group_command")
    assert (command.address, command.text) == (GROUP, "/menu")
    reply = recorded("group_reply")
    assert (reply.address, reply.text) == (GROUP, "Ben M'Sick")


def test_a_group_is_a_shared_chat_with_the_bots_private_link() -> None:
    for name in ("group_command", "group_reply"):
        msg = recorded(name)
        assert (msg.shared, msg.private_link) == (True, "https://t.me/hayna_test_bot")
    data = json.loads((DATA / "callback_query.json").read_text())
    data["callback_query"]["message"]["chat"] = {"id": -1002233445566, "type": "group"}
    tap = to_inbound(Update.de_json(data, None), ME)
    assert (tap.address, tap.shared, tap.private_link) == (
        GROUP,
        True,
        "https://t.me/hayna_test_bot",
    )
    nameless = to_inbound(Update.de_json(data, None), Me(777000, ""))
    assert (nameless.shared, nameless.private_link) == (True, "")


@pytest.mark.parametrize("name", ["text", "callback_query", "location", "start_payload"])
def test_a_private_chat_is_not_shared(name: str) -> None:
    msg = recorded(name)
    assert (msg.shared, msg.private_link) == (False, "")


def test_another_bots_command_in_a_group_is_not_ours() -> None:
    data = json.loads((DATA / "group_command.json").read_text())
    data["message"]["text"] = "/menu@other_bot"
    assert to_inbound(Update.de_json(data, None), ME) is None


def test_a_command_naming_the_bot_in_a_private_chat_is_the_command() -> None:
    data = json.loads((DATA / "text.json").read_text())
    data["message"]["text"] = "/help@hayna_test_bot"
    assert to_inbound(Update.de_json(data, None), ME).text == "/help"


def test_edits_are_not_processed() -> None:
    assert recorded("edited_message") is None


def test_split_keeps_lines_whole_and_counts_as_telegram_does() -> None:
    line = "ⵜⴰⵎⴰⵣⵉⵖⵜ 🙂 " * 30  # Tifinagh, and an emoji that counts as two units
    text = "\n".join([line] * 60)
    pieces = split(text, MAX_TEXT)
    assert len(pieces) > 1
    assert all(0 < units(piece) <= MAX_TEXT for piece in pieces)
    assert all(set(piece.split("\n")) == {line} for piece in pieces)
    assert "\n".join(pieces) == text
    one_long_line = "كلمة " * 3000
    assert all(units(p) <= MAX_TEXT for p in split(one_long_line, MAX_TEXT))
    assert " ".join(split(one_long_line, MAX_TEXT)).split() == one_long_line.split()  # no word cut


def test_options_are_buttons_and_the_keyboard_rides_on_the_last_piece() -> None:
    out = Outgoing("x" * 5000, (Choice("sign", "Signer"), Choice("back", "Retour")), locale="fr")
    first, last = render(out, translator("fr"))
    assert first.markup is None
    assert isinstance(last.markup, InlineKeyboardMarkup)
    ids = [row[0].callback_data for row in last.markup.inline_keyboard]
    assert ids == ["sign", "back"]


def test_options_whose_ids_do_not_fit_become_numbered_lines() -> None:
    out = Outgoing("Choisissez :", (Choice("a" * 65, "Long"), Choice("b", "Court")), locale="fr")
    (send,) = render(out, translator("fr"))
    assert send.text.endswith("1. Long\n2. Court")
    assert not isinstance(send.markup, InlineKeyboardMarkup)


def test_more_options_than_a_keyboard_takes_become_numbered_lines() -> None:
    # Flows page their lists; should one still offer more, Telegram would refuse the keyboard.
    choices = tuple(Choice(f"g{i}", f"Groupe {i}") for i in range(1, MAX_BUTTONS + 2))
    (send,) = render(Outgoing("Choisissez :", choices, locale="fr"), translator("fr"))
    assert not isinstance(send.markup, InlineKeyboardMarkup)
    assert send.text.endswith(f"\n{MAX_BUTTONS + 1}. Groupe {MAX_BUTTONS + 1}")
    (full,) = render(Outgoing("Choisissez :", choices[:MAX_BUTTONS], locale="fr"), translator("fr"))
    assert isinstance(full.markup, InlineKeyboardMarkup)


@pytest.mark.parametrize("locale", ["ar", "fr", "zgh", "zgh_Latn", "en"])
def test_a_pin_is_asked_with_a_location_button_in_private_chats(locale: str) -> None:
    out = Outgoing("Où ?", ask_location=True, locale=locale)
    (send,) = render(out, translator(locale))
    assert isinstance(send.markup, ReplyKeyboardMarkup)
    button = send.markup.keyboard[0][0]
    assert button.request_location and "📍" in button.text
    (group,) = render(out, translator(locale), private=False)
    assert group.markup is None  # Telegram offers the button in private chats only
    (plain,) = render(Outgoing("Merci", locale=locale), translator(locale))
    assert isinstance(plain.markup, ReplyKeyboardRemove)
    # A push leaves the button alone: the question may still wait for its pin.
    (push,) = render(Outgoing("Réunion", locale=locale), translator(locale), reply=False)
    assert push.markup is None


LABEL = st.text(min_size=1, max_size=40).filter(str.strip)
OPTION = st.builds(Choice, st.text(min_size=0, max_size=70), LABEL)
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\n 🙂ⵣ"),
    min_size=1,
    max_size=9000,
)


@settings(max_examples=60, deadline=None)
@given(TEXT, st.lists(OPTION, max_size=6), st.booleans(), st.booleans())
def test_no_message_breaks_telegrams_limits(
    text: str, options: list[Choice], ask_location: bool, private: bool
) -> None:
    out = Outgoing(text, tuple(options), ask_location, "fr")
    sends = render(out, translator("fr"), private)
    assert all(0 < units(send.text) <= MAX_TEXT and send.text.strip() for send in sends)
    for send in sends:
        if isinstance(send.markup, InlineKeyboardMarkup):
            data = [b.callback_data for row in send.markup.inline_keyboard for b in row]
            assert all(0 < len(d.encode()) <= 64 for d in data)
            assert data == [o.id for o in options]
    if options and all(0 < len(o.id.encode()) <= 64 for o in options):
        assert isinstance(sends[-1].markup, InlineKeyboardMarkup)
