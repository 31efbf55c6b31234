"""Long lists a page at a time: 120 groups, petitions, meetings, reports, signatures and
audiences, and a long list of communes found, each within Telegram's and WhatsApp's limits;
"More" reaches item 120 and "Back" comes back, a typed number picks the item beside it on its
page, and the page shown survives a restart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from telegram import InlineKeyboardMarkup

from bot.app import build_engine
from bot.i18n import translator
from conversations.commune_choice import MAX_CANDIDATES
from conversations.engine import Engine
from conversations.groups import GroupKind, MeetingDraft
from conversations.kit import Address, Inbound, Option, Outgoing
from conversations.onboarding import AGREE
from conversations.paging import PAGE_SIZE, PREFIX, offer, turned, window
from conversations.petition import PetitionLife
from conversations.report import Category, Draft
from conversations.text import SourceTranslator, Verbatim
from handlers.splitting import units
from handlers.telegram.capabilities import MAX_TEXT
from handlers.telegram.channel import TelegramChannel
from handlers.telegram.markup import MAX_BUTTONS, render
from handlers.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from handlers.whatsapp.capabilities import MAX_BODY
from handlers.whatsapp.messages import to_parts, to_text
from storage import groups, meetings, petitions, reports
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import CONVERSATION, RESIDENT
from storage.petitions import NewPetition
from tests.fake_telegram import FakeTelegram
from tests.fake_twilio import running
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import PIN, onboard
from tests.support.telegram import SECRET
from tests.support.vault import VAULT
from tests.telegram_user import TelegramUser
from tests.whatsapp_phone import WhatsApp, whatsapp

N = 120
PAGES = 15  # 120 items, 8 a page
ADMIN = Address("console", "admin")


# What every answer is checked against, on both platforms.


def fits(out: Sequence[Outgoing]) -> None:
    """Each reply as Telegram and WhatsApp would get it, within their limits; a question comes
    whole, with its keyboard in one Telegram message and its numbered options in one WhatsApp
    message."""
    for message in out:
        sends = render(message, translator(message.locale))
        for send in sends:
            assert 0 < units(send.text) <= MAX_TEXT
            if isinstance(send.markup, InlineKeyboardMarkup):
                buttons = sum(len(row) for row in send.markup.inline_keyboard)
                assert buttons <= MAX_BUTTONS, f"{buttons} buttons"
        if message.options:
            assert len(sends) == 1 and isinstance(sends[0].markup, InlineKeyboardMarkup)
            assert units(to_text(message)) <= MAX_BODY
    assert all(units(part) <= MAX_BODY for part in to_parts(out))


class Checked(FakeResident):
    """A resident whose every answer is checked against both platforms' limits."""

    async def send(self, **fields: object) -> list[Outgoing]:
        out = await super().send(**fields)
        fits(out)
        return out


def items(resident: FakeResident, fixed: set[str]) -> list[str]:
    """The ids of the list's items on the page shown: neither page turns nor ``fixed`` ones."""
    return [i for i in resident.option_ids if not i.startswith(PREFIX) and i not in fixed]


async def walk(
    resident: FakeResident, fixed: set[str], page: Callable[[], list[str]] | None = None
) -> list[list[str]]:
    """Every page by "More" to the last, then back to the first by "Back"; what each showed."""
    shown = page or (lambda: items(resident, fixed))
    pages = [shown()]
    assert not any(i.startswith(PREFIX) and i != f"{PREFIX}1" for i in resident.option_ids)
    while f"{PREFIX}{len(pages)}" in resident.option_ids:
        await resident.tap(f"{PREFIX}{len(pages)}")
        pages.append(shown())
        assert f"Page {len(pages)} of " in resident.text
    assert f"{PREFIX}{len(pages)}" not in resident.option_ids, "no More on the last page"
    for number in range(len(pages) - 2, -1, -1):
        await resident.tap(f"{PREFIX}{number}")
        assert shown() == pages[number]
    assert not [i for i in resident.option_ids if i.startswith(PREFIX) and i != f"{PREFIX}1"]
    return pages


async def to_page_3(resident: FakeResident) -> None:
    await resident.tap(f"{PREFIX}1")
    await resident.tap(f"{PREFIX}2")
    assert "Page 3 of " in resident.text


def flat(pages: list[list[str]]) -> list[str]:
    return [item for page in pages for item in page]


# Seeding, straight into storage.


async def seed(db: Database, act: Callable[..., Any], *args: object) -> Any:
    async with db.transaction() as tx:
        return await tx.run(act, *args)


def _named_groups(conn: Any, commune: str, now: datetime) -> list[int]:
    """The commune's three built-in groups and 117 named ones: 120, in the order listed."""
    for i in range(4, N + 1):
        groups.create_group(conn, commune, GroupKind.ASSOCIATION, f"Association {i:03d}", "x", now)
    return [g.id for g in groups.groups_in(conn, commune, None, now)]


def _open_petitions(conn: Any, commune: str, now: datetime) -> list[str]:
    codes = []
    for i in range(1, N + 1):
        new = NewPetition(
            commune_code=commune,
            title=f"Petition {i:03d}",
            summary="A summary",
            body="The text.",
            requests="The requests.",
            representative="Fatima Zahra",
            threshold=100,
            deadline=(now + timedelta(days=30)).date(),
        )
        code = petitions.create(conn, new, "organizer", now)
        petitions.move(conn, code, PetitionLife.OPEN, "", "organizer", now)
        codes.append(code)
    return codes


def _published_meetings(conn: Any, commune: str, now: datetime) -> list[int]:
    found = []
    for i in range(1, N + 1):
        draft = MeetingDraft(
            commune, f"Meeting {i:03d}", now + timedelta(days=1, hours=i), "Hall", "Agenda"
        )
        meeting_id = meetings.create(conn, draft, "admin", now)
        meetings.publish(conn, meeting_id, "admin", now)
        found.append(meeting_id)
    return found


def _resident_id(conn: Any, user: str) -> int:
    return int(conn.execute(select(RESIDENT.c.id).where(RESIDENT.c.user_id == user)).scalar_one())


def _reports(conn: Any, resident_id: int, commune: str, now: datetime) -> list[str]:
    """120 reports, returned as listed: the latest first."""
    refs = []
    for i in range(1, N + 1):
        draft = Draft(Category.ROADS, "", commune, f"Street {i}", None, None, "A hole", ())
        refs.append(reports.file(conn, resident_id, draft, now + timedelta(minutes=i)))
    return refs[::-1]


def _signatures(conn: Any, resident_id: int, codes: list[str], now: datetime) -> None:
    for i, code in enumerate(codes):
        signed = petitions.sign(conn, code, resident_id, "Amina", f"key{i}", "x", now)
        assert signed.signed_at is not None
        now += timedelta(minutes=1)  # listed the latest first


def _answers(conn: Any, user: str) -> dict[str, Any]:
    """The typed answers of the resident's flow, as the store keeps them."""
    found = select(CONVERSATION.c.data).where(
        CONVERSATION.c.resident_id == _resident_id(conn, user)
    )
    return dict(json.loads(conn.execute(found).scalar_one()))


def _join(conn: Any, group_ids: list[int], resident_id: int, now: datetime) -> None:
    for group_id in group_ids:
        groups.join(conn, group_id, resident_id, now)


@pytest.fixture
def engine(db: Database, gazetteer: Gazetteer, clock: Clock) -> Engine:
    """On SQLite and on PostgreSQL, with the console's admin as organizer."""
    return build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN}))


# The mechanism itself.


def test_a_window_is_one_page_and_a_page_past_either_end_is_the_nearest() -> None:
    numbers = list(range(1, N + 1))
    assert window(numbers, 0).items == tuple(range(1, 9))
    assert window(numbers, 2).items == tuple(range(17, 25))
    last = window(numbers, 99)
    assert (last.page, last.pages, last.items[-1]) == (PAGES - 1, PAGES, N)
    assert window(numbers, -3).page == 0
    assert (window([], 4).page, window([], 4).pages, window([], 4).items) == (0, 1, ())
    assert window(list(range(8)), 0).pages == 1 and window(list(range(9)), 0).pages == 2


def test_turns_name_the_page_they_open_and_only_what_exists() -> None:
    tr = SourceTranslator()
    numbers = list(range(N))
    assert [o.id for o in window(numbers, 0).turns] == [f"{PREFIX}1"]
    middle = window(numbers, 2).turns
    assert [(o.id, o.label.render(tr)) for o in middle] == [
        (f"{PREFIX}3", "More"),
        (f"{PREFIX}1", "Back to page 2"),
    ]
    assert [o.id for o in window(numbers, PAGES - 1).turns] == [f"{PREFIX}{PAGES - 2}"]
    assert window(numbers[:8], 0).turns == () and window(numbers[:8], 0).position == ()
    address = Address("console", "x")
    assert turned(Inbound(address, "1", option=f"{PREFIX}7")) == 7
    for other in ("back", "page:", "page:x", "page:²", None):
        assert turned(Inbound(address, "1", option=other)) is None


def test_an_offer_keeps_its_fixed_options_on_every_page() -> None:
    options = [Option(f"o{i}", Verbatim(f"Item {i}")) for i in range(1, N + 1)]
    back = Option("back", Verbatim("Back"))
    reply, shown = offer(Verbatim("Choose:"), options, 14, (back,))
    assert [o.id for o in reply.options] == [*(f"o{i}" for i in range(113, 121)), "page:13", "back"]
    assert shown.page == 14
    assert reply.text.render(SourceTranslator()) == "Choose:\nPage 15 of 15"


# Residents' lists, on both databases.


async def test_120_groups_a_page_at_a_time_and_the_page_survives_a_restart(
    engine: Engine, db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = Checked(engine, "amina")
    commune = await onboard(amina, "en")
    expected = [f"g{i}" for i in await seed(db, _named_groups, commune, clock())]
    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("groups")
    assert "Page 1 of 15" in amina.text
    pages = await walk(amina, {"back"})
    assert flat(pages) == expected and len(pages) == PAGES
    assert all(len(page) == PAGE_SIZE for page in pages)
    await to_page_3(amina)
    await amina.say("3")  # the third line of page 3: group 19
    assert "You joined Association 019." in amina.text and "Page 3 of 15" in amina.text
    assert dict(amina.options)[expected[18]] == "✅ Association 019"
    assert (await seed(db, _answers, "amina"))["page"] == 2

    # Another process, after a restart: the same page, and its numbers still pick its items.
    restarted = Checked(build_engine(db, gazetteer, VAULT, clock, frozenset({ADMIN})), "amina")
    await restarted.say("4")
    assert "You joined Association 020." in restarted.text and "Page 3 of 15" in restarted.text
    await restarted.tap(f"{PREFIX}3")
    assert items(restarted, {"back"}) == pages[3]


async def test_the_groups_followed_are_named_five_and_the_rest_counted(
    engine: Engine, db: Database, clock: Clock
) -> None:
    amina, karim = Checked(engine, "amina"), Checked(engine, "karim")
    commune = await onboard(amina, "en")
    await onboard(karim, "ar")
    every = await seed(db, _named_groups, commune, clock())
    for user in ("amina", "karim"):
        await seed(db, _join, every, await seed(db, _resident_id, user), clock())
    await amina.say("menu")
    await amina.tap("meetings")
    assert (
        "You follow: Youth, Women, Persons with disabilities, Association 004, Association 005 "
        "and 115 other groups"
    ) in amina.text
    await karim.say("menu")
    await karim.tap("meetings")
    assert "و115 مجموعةً أخرى" in karim.text, "115 counts with the accusative singular"


async def test_120_petitions_reach_the_last_and_a_card_returns_to_its_page(
    engine: Engine, db: Database, clock: Clock
) -> None:
    amina = Checked(engine, "amina")
    commune = await onboard(amina, "en")
    codes = await seed(db, _open_petitions, commune, clock())
    await amina.say("menu")
    await amina.tap("petitions")
    pages = await walk(amina, {"back"})
    assert flat(pages) == codes and len(pages) == PAGES
    await to_page_3(amina)
    await amina.say("3")
    assert amina.texts[-1].startswith("Petition 019")
    await amina.tap("back")
    assert "Page 3 of 15" in amina.text and items(amina, {"back"}) == pages[2]


async def test_120_meetings_to_come_and_an_answer_to_the_nineteenth(
    engine: Engine, db: Database, clock: Clock
) -> None:
    amina = Checked(engine, "amina")
    commune = await onboard(amina, "en")
    expected = [f"m{i}" for i in await seed(db, _published_meetings, commune, clock())]
    await amina.say("menu")
    await amina.tap("meetings")
    await amina.tap("meetings")
    pages = await walk(amina, {"back"})
    assert flat(pages) == expected and len(pages) == PAGES
    await to_page_3(amina)
    await amina.say("3")
    assert amina.texts[-1].startswith("Meeting 019")
    await amina.tap("yes")  # beyond the first ten: still one of the resident's meetings
    assert "Thank you, your answer is saved: Attending." in amina.text
    await amina.tap("back")
    assert "Page 3 of 15" in amina.text and items(amina, {"back"}) == pages[2]


async def test_an_organizer_pages_their_meetings_and_120_audiences(
    engine: Engine, db: Database, clock: Clock
) -> None:
    admin = Checked(engine, ADMIN.user)
    commune = await onboard(admin, "en")
    group_ids = await seed(db, _named_groups, commune, clock())
    expected = [f"m{i}" for i in await seed(db, _published_meetings, commune, clock())]
    await admin.say("menu")
    await admin.tap("meetings")
    await admin.tap("organize")
    await admin.tap("meetings")
    pages = await walk(admin, {"held", "back"})
    assert flat(pages) == expected
    await to_page_3(admin)
    await admin.say("3")
    assert admin.texts[-1].startswith("Meeting 019") and "Status: Published" in admin.text
    await admin.tap("back")
    assert "Page 3 of 15" in admin.text

    # The commune, then its 120 groups: 16 pages. Only the audience beside 3 on page 3 (the
    # 19th: the 18th group) has a member, so the preview's count tells which one was taken.
    await admin.tap("back")
    await admin.tap("new_meeting")
    audiences = await walk(admin, {"cancel"})
    by_id = [f"g:{i}" for i in sorted(group_ids)]
    assert flat(audiences) == [f"c:{commune}", *by_id] and len(audiences) == 16
    assert audiences[2][2] == by_id[17]
    await seed(
        db, _join, [sorted(group_ids)[17]], await seed(db, _resident_id, ADMIN.user), clock()
    )
    await to_page_3(admin)
    await admin.say("3")
    await admin.say("Youth forum")
    await admin.say("2026-12-05 18:00")
    await admin.say("Youth centre")
    await admin.say("Priorities")
    assert "It will reach 1 resident." in admin.text


# Lists on SQLite only: what they page is the flow's, the storage is tested elsewhere.


async def test_120_reports_and_120_signatures_in_my_activity(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock)
    amina = Checked(engine, "amina")
    commune = await onboard(amina, "en")
    me = await seed(sqlite_db, _resident_id, "amina")
    refs = await seed(sqlite_db, _reports, me, commune, clock())
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("reports")
    pages = await walk(amina, {"back"})
    assert flat(pages) == refs and len(pages) == PAGES
    await to_page_3(amina)
    await amina.say("3")
    assert amina.texts[0].startswith(f"{refs[18]}:") and "Page 3 of 15" in amina.text
    await amina.tap("back")

    codes = await seed(sqlite_db, _open_petitions, commune, clock())
    await seed(sqlite_db, _signatures, me, codes, clock())
    await amina.say("menu")
    await amina.tap("activity")
    await amina.tap("signatures")

    def titles() -> list[str]:
        listed = [line for line in amina.text.splitlines() if line.startswith("• Petition ")]
        return [line.removeprefix("• ").split(":")[0] for line in listed]

    signed = await walk(amina, {"back"}, titles)
    assert flat(signed) == [f"Petition {i:03d}" for i in range(N, 0, -1)]
    assert len(signed) == PAGES and all(len(page) == PAGE_SIZE for page in signed)


async def test_communes_found_come_a_page_at_a_time_in_onboarding_and_drafting(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    found = [c.code for c in gazetteer.search("sidi", MAX_CANDIDATES)]
    assert len(found) == MAX_CANDIDATES == 24
    engine = build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ADMIN}))
    admin = Checked(engine, ADMIN.user)
    await admin.say("salam")
    await admin.tap("en")
    await admin.tap("agree")
    await admin.say("sidi")
    assert "I found 24 communes for “sidi”. Which one is yours?" in admin.text
    pages = await walk(admin, {"other"})
    assert flat(pages) == found and [len(page) for page in pages] == [8, 8, 8]
    await to_page_3(admin)
    await admin.say("3")
    place = gazetteer.get(found[18])
    assert f"All set! Your commune is {place.name_fr}" in admin.text

    await admin.tap("petitions")
    await admin.tap("new_petition")
    await admin.tap("another")
    await admin.say("sidi")
    await to_page_3(admin)
    await admin.say("4")
    await admin.tap("residents")
    assert "The title of the petition" in admin.text
    assert (await seed(sqlite_db, _answers, ADMIN.user))["commune"] == found[19]


# The platforms themselves: WhatsApp's webhooks and TwiML, Telegram's Bot API.


@pytest.fixture
async def chat(sqlite_db: Database, gazetteer: Gazetteer, clock: Clock) -> AsyncIterator[WhatsApp]:
    async with running() as fake, whatsapp(fake, sqlite_db, gazetteer, clock) as chat:
        yield chat


async def test_120_petitions_on_whatsapp_by_typed_labels_and_numbers(
    chat: WhatsApp, sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    phone = chat.phone("+212600000001", "Amina")
    await phone.say("Salam")
    await phone.choose("Français")
    phone.locale = "fr"
    await phone.choose(AGREE, "label")
    await phone.share_location(*PIN)
    await phone.say("1")
    commune = gazetteer.at(*PIN).code
    await seed(sqlite_db, _open_petitions, commune, clock())
    await phone.say("menu")
    await phone.choose("Pétitions")
    seen: list[str] = []
    for page in range(1, PAGES + 1):
        # Each page comes as one WhatsApp message, well under Twilio's limit.
        assert len(phone.texts) == 1 and units(phone.texts[0]) <= MAX_BODY, phone.texts
        assert f"Page {page} sur {PAGES}" in phone.text
        seen += [label.split(" · ")[0] for label in phone.numbered().values()]
        if page < PAGES:
            await phone.choose("Voir plus", "label")
    assert [s for s in seen if s.startswith("Petition")] == [
        f"Petition {i:03d}" for i in range(1, N + 1)
    ]
    for page in range(PAGES - 1, 2, -1):
        await phone.choose(f"Retour à la page {page}", "arabic" if page % 2 else "number")
    assert f"Page 3 sur {PAGES}" in phone.text
    await phone.say("٣")
    assert phone.text.startswith("Petition 019")


async def test_120_groups_on_telegram_keep_to_the_bot_apis_limits(
    served: tuple[httpx.AsyncClient, TelegramChannel],
    fake_telegram: FakeTelegram,
    db: Database,
    clock: Clock,
) -> None:
    client, _channel = served
    ids = iter(range(1, 10_000))

    async def post(body: dict[str, Any]) -> None:
        body = {"update_id": next(ids), **body}
        response = await client.post(WEBHOOK_PATH, json=body, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200

    amina = TelegramUser(fake_telegram, post, 5012345678, language_code="en")
    await amina.say("Hello")  # in English: straight to the privacy notice in English
    await amina.tap("agree")
    await amina.share_location(*PIN)
    await amina.tap(amina.options[0])
    commune = await seed(
        db, lambda conn: conn.execute(select(RESIDENT.c.commune_code)).scalar_one()
    )
    expected = [f"g{i}" for i in await seed(db, _named_groups, commune, clock())]
    await amina.say("/menu")
    await amina.tap("meetings")
    await amina.tap("groups")
    seen: list[str] = []
    for page in range(1, PAGES + 1):
        assert f"Page {page} of {PAGES}" in amina.texts[-1]
        seen += [o for o in amina.options if not o.startswith(PREFIX) and o != "back"]
        if page < PAGES:
            await amina.tap(f"{PREFIX}{page}")
    assert seen == expected
    for page in range(PAGES - 2, 1, -1):
        await amina.tap(f"{PREFIX}{page}")
    assert "Page 3 of 15" in amina.texts[-1]
    await amina.say("3")
    assert "You joined Association 019." in amina.texts
    keyboards = [m["reply_markup"]["inline_keyboard"] for m in fake_telegram.messages()
                 if "inline_keyboard" in (m.get("reply_markup") or {})]  # fmt: skip
    assert max(len(rows) for rows in keyboards) <= PAGE_SIZE + 3
    assert not fake_telegram.violations
