"""`POST /webhooks/telegram` in the project's web app: the secret token, the update stored before
the 200, a redelivered update with no second effect, taps answered and their keyboard removed."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from bot.i18n import translator
from conversations.phrases import private_only
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from storage.database import Database
from storage.models import CONVERSATION, INBOX, ORGANIZER, ORGANIZER_INVITE, RESIDENT
from tests.fake_telegram import BOT, FakeTelegram
from tests.support.clock import Clock
from tests.support.organizers import invite
from tests.support.tables import count
from tests.support.telegram import PUBLIC, SECRET, update
from tests.telegram_user import TelegramUser

NAME = BOT["username"]


async def test_start_registers_the_webhook_and_the_commands(
    served, fake_telegram: FakeTelegram
) -> None:
    (hook,) = fake_telegram.calls("setWebhook")
    assert hook.params["url"] == PUBLIC + WEBHOOK_PATH
    assert hook.params["secret_token"] == SECRET
    assert set(hook.params["allowed_updates"]) == {"message", "callback_query"}
    commands = fake_telegram.calls("setMyCommands")
    assert [c.params.get("language_code") for c in commands] == [None, "ar", "fr", "en"]
    french = next(c for c in commands if c.params.get("language_code") == "fr")
    assert {"start", "menu", "report", "help"} <= {c["command"] for c in french.params["commands"]}
    described = {c["command"]: c["description"] for c in french.params["commands"]}
    assert described["menu"] == translator("fr").pgettext("command", "The main menu")


@pytest.mark.parametrize("header", [None, "", "wrong-secret", SECRET[:-1]])
async def test_a_missing_or_wrong_secret_is_refused_and_nothing_stored(
    served, db: Database, fake_telegram: FakeTelegram, header: str | None
) -> None:
    client, _channel = served
    headers = {} if header is None else {SECRET_HEADER: header}
    response = await client.post(WEBHOOK_PATH, json=update(), headers=headers)
    assert response.status_code == 403
    assert (await count(db, INBOX), await count(db, RESIDENT)) == (0, 0)
    assert fake_telegram.messages() == []


async def test_the_same_update_three_times_has_one_effect(
    served, db: Database, fake_telegram: FakeTelegram
) -> None:
    client, _channel = served
    headers = {SECRET_HEADER: SECRET}

    async def post() -> int:
        return (await client.post(WEBHOOK_PATH, json=update(), headers=headers)).status_code

    assert await asyncio.gather(post(), post()) == [200, 200]  # twice at once
    assert await post() == 200
    (sent,) = fake_telegram.messages(5012345678)  # one language menu, once
    assert "inline_keyboard" in sent["reply_markup"]
    assert (await count(db, INBOX), await count(db, RESIDENT)) == (1, 1)
    async with db.transaction() as tx:
        version = await tx.run(lambda c: c.execute(select(CONVERSATION.c.version)).scalar_one())
    assert version == 1  # one state change


async def test_taps_are_answered_and_the_question_loses_its_keyboard(
    served, db: Database, fake_telegram: FakeTelegram
) -> None:
    client, _channel = served
    ids = iter(range(1, 100))

    async def post(body: dict) -> None:
        body = {"update_id": next(ids), **body}
        response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    amina = TelegramUser(fake_telegram, post, 5012345678)
    await amina.say("/start")
    assert amina.options[0] == "fr"  # Telegram's language_code comes first
    menu_message, _ = amina.keyboard()
    await amina.tap("fr")
    (answered,) = fake_telegram.calls("answerCallbackQuery")
    (edited,) = fake_telegram.calls("editMessageReplyMarkup")
    assert int(edited.params["message_id"]) == menu_message
    assert "reply_markup" not in edited.params or not edited.params["reply_markup"]
    assert answered.at <= edited.at
    assert amina.options == ["agree", "decline"]
    await amina.tap("agree")
    ask = fake_telegram.messages(amina.id)[-1]
    assert ask["reply_markup"]["keyboard"][0][0]["request_location"] is True
    await amina.share_location(33.5570, -7.5850)
    assert any("Ben" in text or "Casablanca" in text for text in amina.texts[-2:])


async def test_a_group_is_sent_to_a_private_chat_and_nothing_about_it_is_kept(
    served, db: Database, clock: Clock, gazetteer, fake_telegram: FakeTelegram
) -> None:
    client, _channel = served
    group = {"id": -1002233445566, "title": "Association Hay Demo", "type": "supergroup"}
    sender = {"id": 6098765432, "is_bot": False, "first_name": "Youssef", "language_code": "ar"}
    bot_said = {"message_id": 1, "from": BOT, "chat": group, "date": 1, "text": "?"}
    code = await invite(db, clock, gazetteer.at(33.5570, -7.5850).code)

    async def post(update_id: int, text: str, reply: bool = False) -> None:
        message = {"message_id": update_id, "from": sender, "chat": group, "date": 1, "text": text}
        if reply:
            message["reply_to_message"] = bot_said
        body = {"update_id": update_id, "message": message}
        response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    await post(1, "شكرا على الاجتماع")  # chatter: not for the bot
    assert fake_telegram.messages() == []
    await post(2, "/menu@hayna_test_bot")
    await post(3, "my data", reply=True)  # seeing a resident's data: not in front of a group
    await post(4, f"ORG {code}", reply=True)  # nor becoming an organizer for all its members
    await post(5, "/start@hayna_test_bot p_K7QD2M")
    answer = private_only(f"https://t.me/{NAME}").render(translator("ar"))
    assert f"https://t.me/{NAME}" in answer
    sent = fake_telegram.messages()
    assert [int(m["chat_id"]) for m in sent] == [group["id"]] * 4
    assert [m["text"] for m in sent] == [answer] * 4
    assert all("inline_keyboard" not in (m.get("reply_markup") or {}) for m in sent)
    assert fake_telegram.documents() == []
    for table in (INBOX, RESIDENT, CONVERSATION, ORGANIZER):
        assert await count(db, table) == 0, table
    async with db.transaction() as tx:
        redeemed = await tx.run(
            lambda c: c.execute(select(ORGANIZER_INVITE.c.redeemed_by)).scalar_one()
        )
    assert redeemed is None

    # The same person in a private chat is a resident like any other.
    async def post_private(body: dict) -> None:
        body = {"update_id": 100, **body}
        response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    youssef = TelegramUser(fake_telegram, post_private, 6098765432, "Youssef", "ar")
    await youssef.say("/start")
    assert youssef.options[0] == "ar"  # the language menu, Telegram's language first
    assert (await count(db, INBOX), await count(db, RESIDENT)) == (1, 1)


async def test_my_data_reaches_a_telegram_resident_as_a_document_after_its_text(
    served, gazetteer, fake_telegram: FakeTelegram
) -> None:
    client, _channel = served
    ids = iter(range(1, 100))

    async def post(body: dict) -> None:
        body = {"update_id": next(ids), **body}
        response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    amina = TelegramUser(fake_telegram, post, 5012345678)
    await amina.say("/start")
    await amina.tap("fr")
    await amina.tap("agree")
    await amina.share_location(33.5570, -7.5850)
    await amina.tap(amina.options[0])  # the commune found at the pin
    assert fake_telegram.documents() == []
    # The upload meets a 429: it waits the time Telegram asked (the fake checks), then goes once.
    fake_telegram.fail("sendDocument", 429, retry_after=1)
    await amina.say("mes données")

    (document,) = fake_telegram.documents(amina.id)
    assert document.filename == "hayna-my-data.json"
    data = json.loads(document.data)
    (profile,) = data["profile"]
    assert profile["commune_code"] == gazetteer.at(33.5570, -7.5850).code
    assert (profile["channel"], profile["user"]) == ("telegram", str(amina.id))
    # The summary first, then the file (refused once, then sent): the last things sent.
    calls = fake_telegram.calls()
    summary = max(i for i, call in enumerate(calls) if call.method == "sendMessage")
    refused, upload = [call for call in calls[summary + 1 :] if call.method == "sendDocument"]
    assert calls[-1] is upload and upload.params.get("_accepted")
    said = translator("fr").gettext("Here is everything Hayna keeps about you:")
    assert said in calls[summary].params["text"]
    assert upload.at >= refused.at + 1  # Telegram's retry_after was waited out
    assert "caption" not in upload.params
    assert len(fake_telegram.windows) == 1
