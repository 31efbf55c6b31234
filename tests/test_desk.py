"""The organizers' desk on SQLite and PostgreSQL: the overview's figures, the reports list, a
report outside the scope refused and audited, status changes as on the command line, hiding
a report's text or photo from other residents, and signing in."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from conversations.desk import (
    PER_PAGE,
    REASON_MAX,
    WEEKS,
    Done,
    LinkWhy,
    Opened,
    Outcome,
    ReportFile,
    ReportQuery,
)
from conversations.groups import Answer, Audience, Counts, MeetingDraft, update_notice
from conversations.kit import Address
from conversations.petition import PetitionLife
from conversations.report import Category, ReportStatus, status_notice
from conversations.text import Renderable, Verbatim
from storage import announcements, groups, meetings, reports, rights
from storage.announcements import Kind
from storage.database import Database
from storage.gazetteer import Gazetteer
from storage.models import DELIVERY, REPORT, SIGN_IN_LINK, WEB_SESSION
from storage.operator import Operator
from storage.subject import Subject
from tests.support.announcements import add_residents, plan
from tests.support.clock import Clock
from tests.support.deliveries import add_resident
from tests.support.desk import (
    AGADIR,
    TIZNIT,
    board,
    counted,
    deliveries,
    desk,
    draft,
    file,
    link,
    make_organizer,
    refused_tries,
    signed_in,
    signing_in,
)
from tests.support.petitions import open_petition


async def organizer(db: Database, clock: Clock, user: str = "org", commune: str = AGADIR):
    """A resident organizing ``commune``, signed in; (their resident id, who)."""
    resident_id = await add_resident(db, clock, user, "fr")
    await make_organizer(db, clock, resident_id, commune)
    return resident_id, await signed_in(db, clock, resident_id)


async def meeting(db: Database, clock: Clock, commune: str, days: int) -> int:
    new = MeetingDraft(commune, "Forum", clock() + timedelta(days=days), "Salle", "Budget")
    async with db.transaction() as tx:
        meeting_id = await tx.run(meetings.create, new, "admin", clock())
        await tx.run(meetings.publish, meeting_id, "admin", clock())
    return meeting_id


async def update(db: Database, clock: Clock, commune: str, body: Renderable) -> int:
    async with db.transaction() as tx:
        return await tx.run(
            announcements.create,
            Kind.BROADCAST,
            Audience(commune),
            body.to_json(),
            clock(),
            "admin",
            clock(),
        )


async def test_the_overview_counts_the_scope_only(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    # Sunday 15 November, 23:30 UTC, is Monday 00:30 in Morocco: this week, not the last.
    clock.now = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)
    await file(db, clock, amina, draft(AGADIR))
    clock.now = datetime(2026, 10, 28, 10, 0, tzinfo=UTC)
    await file(db, clock, amina, draft(AGADIR, category=Category.LIGHTING))
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # older than 26 weeks
    await file(db, clock, amina, draft(AGADIR, category=Category.WASTE))
    clock.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # a Sunday
    closed, _open = await file(db, clock, amina, draft(AGADIR), draft(AGADIR))
    await file(db, clock, amina, draft(TIZNIT), draft(TIZNIT))
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, "admin", clock())
        assert await operator.set_report_status(closed, ReportStatus.RESOLVED, "", "")

    _, who = await organizer(db, clock)
    collecting = await open_petition(db, clock, AGADIR, threshold=150)
    await open_petition(db, clock, TIZNIT)
    soon, later = await meeting(db, clock, AGADIR, 3), await meeting(db, clock, AGADIR, 9)
    await meeting(db, clock, TIZNIT, 4)
    async with db.transaction() as tx:
        await tx.run(meetings.answer, soon, amina, Answer.YES, clock())
    await add_residents(db, clock, 3, AGADIR, prefix="a")
    updates = []
    for n in range(6):
        clock.advance(minutes=1)
        texts = (("fr", f"Mise à jour {n} " + "x" * 100), ("ar", "تحديث"))
        updates.append(await update(db, clock, AGADIR, update_notice(texts, Verbatim("Agadir"))))
    await update(db, clock, TIZNIT, Verbatim("ailleurs"))

    seen = await desk(db, gazetteer, clock).overview(who)

    assert seen.communes == (AGADIR,)
    # The Tiznit reports and the resolved one are not open here.
    assert seen.open_by_category == (
        (Category.ROADS, 2),
        (Category.LIGHTING, 1),
        (Category.WASTE, 1),
    )
    by_status = dict(seen.by_status)
    assert by_status[ReportStatus.RECEIVED] == 4 and by_status[ReportStatus.RESOLVED] == 1
    assert sum(by_status.values()) == 5
    assert len(seen.weekly) == WEEKS
    assert seen.weekly[0][0] == date(2026, 11, 16) - timedelta(weeks=WEEKS - 1)
    assert seen.weekly[-1] == (date(2026, 11, 16), 3)
    assert seen.weekly[-4] == (date(2026, 10, 26), 1)
    assert sum(n for _, n in seen.weekly) == 4
    assert [(p.code, p.life, p.signatures, p.threshold) for p in seen.petitions] == [
        (collecting, PetitionLife.OPEN, 0, 150)
    ]
    assert [(m.id, counts) for m, counts in seen.meetings] == [
        (soon, Counts(yes=1)),
        (later, Counts()),
    ]
    assert [u.report.id for u in seen.updates] == updates[:0:-1]
    newest = seen.updates[0]
    assert newest.first_words == ("Mise à jour 5 " + "x" * 100)[:80]
    # Not expanded yet: the three residents of Agadir still wait for it.
    assert (newest.report.recipients, newest.report.queued) == (3, 3)


async def test_the_reports_list_filters_pages_and_pins(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    hugo = await add_resident(db, clock, "hugo", "fr")
    drafts = [
        draft(AGADIR, place=f"Talborjt {n}" if n % 2 else f"Hay DAKHLA {n}", pin=None)
        if n % 3
        else draft(AGADIR, place=f"Anza {n}", category=Category.WATER)
        for n in range(60)
    ]
    refs = await file(db, clock, amina, *drafts)
    clock.advance(days=2)
    (tiznit,) = await file(db, clock, amina, draft(TIZNIT))
    (newest,) = await file(db, clock, amina, draft(AGADIR, place="Anza"))
    async with db.transaction() as tx:
        await tx.run(reports.support, newest, hugo, clock())
    _, who = await organizer(db, clock)
    seen = desk(db, gazetteer, clock)

    first = await seen.reports(who, ReportQuery())
    assert (first.total, first.page, first.pages) == (61, 1, 3)
    assert len(first.lines) == PER_PAGE
    top = first.lines[0]
    assert (top.ref, top.supporters, top.media, top.hidden) == (newest, 1, 1, False)
    assert tiznit not in {line.ref for line in first.lines + first.pins}
    last = await seen.reports(who, ReportQuery(page=3))
    assert (len(last.lines), last.page) == (11, 3)
    assert last.lines[-1].ref == refs[0]
    beyond = await seen.reports(who, ReportQuery(page=9))
    assert beyond.page == 3
    # The pins of the whole list, not only of a page: every third report and the newest.
    assert len(first.pins) == 21 == len(last.pins)
    assert all(pin.lat is not None for pin in first.pins)

    water = await seen.reports(who, ReportQuery(category=Category.WATER))
    assert water.total == 20 and water.pages == 1
    dakhla = await seen.reports(who, ReportQuery(place="hay dakhla"))
    assert dakhla.total == 20 and all("DAKHLA" in line.place for line in dakhla.lines)
    received = await seen.reports(who, ReportQuery(status=ReportStatus.RECEIVED))
    assert received.total == 61
    assert (await seen.reports(who, ReportQuery(status=ReportStatus.RESOLVED))).total == 0
    today = clock().date()
    since = await seen.reports(who, ReportQuery(since=today))
    assert [line.ref for line in since.lines] == [newest]
    until = await seen.reports(who, ReportQuery(until=today - timedelta(days=1)))
    assert until.total == 60
    # Another commune, even named, shows nothing.
    elsewhere = await seen.reports(who, ReportQuery(commune=TIZNIT))
    assert (elsewhere.total, elsewhere.lines, elsewhere.pins) == (0, (), ())
    assert (await seen.reports(who, ReportQuery(commune=AGADIR))).total == 61


async def test_another_communes_report_is_refused_and_audited(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    (ref,) = await file(db, clock, amina, draft(TIZNIT))
    org_id, who = await organizer(db, clock)
    seen = desk(db, gazetteer, clock)

    assert await seen.report(who, ref) is Done.REFUSED
    assert await seen.media(who, ref, 1) is Done.REFUSED
    changed = await seen.set_report_status(who, ref, ReportStatus.RESOLVED, "", "")
    assert changed == Outcome(Done.REFUSED)
    assert await seen.hide(who, ref, None, "insultes") == Outcome(Done.REFUSED)
    assert await seen.report(who, "R-2026-999999") is Done.MISSING

    async with db.transaction() as tx:
        row = await tx.run(lambda c: c.execute(select(REPORT).where(REPORT.c.ref == ref)).one())
    assert (row.status, row.hidden_reason) == (ReportStatus.RECEIVED, None)
    assert await deliveries(db) == 0
    label = groups.organizer_label("console", org_id)
    assert await refused_tries(db) == [
        (label, "see_report", ref),
        (label, "see_report_file", ref),
        (label, "report_status", ref),
        (label, "hide_report", ref),
        (label, "see_report", "R-2026-999999"),
    ]


async def notices(db: Database) -> list[tuple[int, object]]:
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(DELIVERY.c.resident_id, DELIVERY.c.body).order_by(DELIVERY.c.id)
            ).all()
        )
    return [(r.resident_id, json.loads(r.body)) for r in rows]


async def test_a_status_change_tells_the_followers_as_the_command_line_does(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    hugo = await add_resident(db, clock, "hugo", "fr")
    by_desk, by_cli = await file(db, clock, amina, draft(AGADIR), draft(AGADIR, place="Anza"))
    async with db.transaction() as tx:
        await tx.run(reports.support, by_desk, hugo, clock())
        await tx.run(reports.support, by_cli, hugo, clock())
    _, who = await organizer(db, clock)
    seen = desk(db, gazetteer, clock)

    note = "Les travaux commencent lundi"
    done = await seen.set_report_status(who, by_desk.lower(), ReportStatus.IN_PROGRESS, note, "")
    assert done == Outcome(Done.DONE, told=2)
    again = await seen.set_report_status(who, by_desk, ReportStatus.IN_PROGRESS, note, "")
    assert again == Outcome(Done.SAME)
    from_desk = await notices(db)
    async with db.transaction() as tx:
        operator = Operator.at_terminal(tx, "Khadija", clock())
        assert await operator.set_report_status(by_cli, ReportStatus.IN_PROGRESS, note, "")
    from_cli = (await notices(db))[len(from_desk) :]
    assert from_desk == [
        (amina, status_notice(by_desk, ReportStatus.IN_PROGRESS, note, "").to_json()),
        (hugo, status_notice(by_desk, ReportStatus.IN_PROGRESS, note, "").to_json()),
    ]
    assert [(r, json.dumps(b).replace(by_cli, by_desk)) for r, b in from_cli] == [
        (r, json.dumps(b)) for r, b in from_desk
    ]

    rejected = await seen.set_report_status(who, by_desk, ReportStatus.REJECTED, "  ", "")
    assert rejected == Outcome(Done.INVALID, why="no_reason")
    nowhere = await seen.set_report_status(who, by_desk, ReportStatus.DUPLICATE, "", "R-1")
    assert nowhere == Outcome(Done.INVALID, why="no_kept")
    stray = await seen.set_report_status(who, by_desk, ReportStatus.RESOLVED, "", by_cli)
    assert stray == Outcome(Done.INVALID, why="kept_without_duplicate")
    kept = await seen.set_report_status(who, by_desk, ReportStatus.DUPLICATE, "", by_cli)
    assert kept == Outcome(Done.DONE, told=2)
    opened = await seen.report(who, by_desk)
    assert isinstance(opened, ReportFile)
    assert opened.duplicate_of == by_cli
    assert [(s.status, s.actor) for s in opened.history] == [
        (ReportStatus.RECEIVED, "resident"),
        (ReportStatus.IN_PROGRESS, who_label(who.resident_id)),
        (ReportStatus.DUPLICATE, who_label(who.resident_id)),
    ]


def who_label(resident_id: int) -> str:
    return groups.organizer_label("console", resident_id)


async def test_a_hidden_text_or_photo_is_kept_from_other_residents(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    hugo = await add_resident(db, clock, "hugo", "fr")
    sara = await add_resident(db, clock, "sara", "fr")
    words = "Le voisin du 12 jette ses gravats ici"
    (ref,) = await file(db, clock, amina, draft(AGADIR, place="Chez M. Alaoui", description=words))
    async with db.transaction() as tx:
        await tx.run(reports.support, ref, hugo, clock())
    _, who = await organizer(db, clock)
    seen = desk(db, gazetteer, clock)
    before = await seen.report(who, ref)
    assert isinstance(before, ReportFile)
    photo = before.media[0].id

    assert await seen.hide(who, ref, None, "  ") == Outcome(Done.INVALID, why="hide_reason")
    too_long = "x" * (REASON_MAX + 1)
    assert await seen.hide(who, ref, None, too_long) == Outcome(Done.INVALID, why="hide_reason")
    assert await seen.hide(who, ref, photo + 99, "visage") == Outcome(Done.MISSING)
    assert await seen.hide(who, ref, None, " Nomme un voisin ") == Outcome(Done.DONE)
    assert await seen.hide(who, ref, None, "encore") == Outcome(Done.SAME)
    assert await seen.hide(who, ref, photo, "Un visage") == Outcome(Done.DONE)
    assert await seen.hide(who, ref, photo, "Un visage") == Outcome(Done.SAME)
    assert await deliveries(db) == 0

    async with db.transaction() as tx:
        offered = await tx.run(reports.nearby, sara, draft(AGADIR, place="ailleurs"), clock())
        supporter = await tx.run(reports.detail, ref, hugo)
        reporter = await tx.run(reports.detail, ref, amina)
        listed = await tx.run(reports.mine, amina, 10)
    # Still offered as the same need, without the reporter's words.
    assert [(b.ref, b.place, b.other_label) for b in offered] == [(ref, "", "")]
    assert supporter is not None and reporter is not None
    assert (supporter.description, supporter.media) == ("", ())
    assert (reporter.description, len(reporter.media)) == (words, 1)
    assert listed[0].place == "Chez M. Alaoui"
    # The moderation steps are not part of what residents read of its history.
    assert [e.status for e in supporter.history] == [ReportStatus.RECEIVED]
    assert supporter.history == reporter.history

    after = await seen.report(who, ref)
    assert isinstance(after, ReportFile)
    assert (after.description, after.hidden_reason, after.line.hidden) == (
        words,
        "Nomme un voisin",
        True,
    )
    assert after.media[0].hidden_reason == "Un visage"
    label = who_label(who.resident_id)
    assert [(s.hidden, s.note, s.actor, s.status) for s in after.history[1:]] == [
        ("text", "Nomme un voisin", label, ReportStatus.RECEIVED),
        (str(photo), "Un visage", label, ReportStatus.RECEIVED),
    ]
    fetched = await seen.media(who, ref, photo)
    assert (fetched.channel, fetched.ref) == ("console", "file-1")  # type: ignore[union-attr]
    assert await seen.media(who, ref, photo + 99) is Done.MISSING


async def test_an_admin_sees_every_commune_and_a_group_organizer_no_report(
    db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    amina = await add_resident(db, clock, "amina", "ar")
    agadir, tiznit = await file(db, clock, amina, draft(AGADIR), draft(TIZNIT))
    admin = await add_resident(db, clock, "admin", "fr")  # in HAYNA_ADMINS (tests/support/desk.py)
    everywhere = await signed_in(db, clock, admin)
    leader = await add_resident(db, clock, "leader", "fr")
    async with db.transaction() as tx:
        youth = await tx.run(groups.create_group, AGADIR, "youth", "", "admin", clock())
        code = await tx.run(groups.invite, AGADIR, youth, "admin", clock())
        await tx.run(groups.redeem, code, leader, clock())
    one_group = await signed_in(db, clock, leader)
    seen = desk(db, gazetteer, clock)

    assert (await seen.reports(everywhere, ReportQuery())).total == 2
    assert (await seen.overview(everywhere)).communes == (AGADIR, TIZNIT)
    assert isinstance(await seen.report(everywhere, tiznit), ReportFile)
    assert (await seen.reports(one_group, ReportQuery())).total == 0
    assert await seen.report(one_group, agadir) is Done.REFUSED
    named = board(db, gazetteer, clock)
    assert named.commune_name(AGADIR, "fr") == gazetteer.get(AGADIR).name_fr  # type: ignore[union-attr]
    assert named.commune_name(AGADIR, "ar") == gazetteer.get(AGADIR).name_ar  # type: ignore[union-attr]
    assert named.commune_name("999.99.99", "ar") == "999.99.99"
    assert [code for code, _ in named.communes([TIZNIT, AGADIR])] == [AGADIR, TIZNIT]


async def test_a_link_opens_one_session_once(db: Database, clock: Clock) -> None:
    org_id = await add_resident(db, clock, "org", "ar")
    await make_organizer(db, clock, org_id, AGADIR)
    doors = signing_in(db, clock)
    token = await link(db, clock, org_id)

    opened = await doors.redeem(token)
    assert isinstance(opened, Opened)
    assert await doors.redeem(token) is LinkWhy.USED
    assert await doors.redeem("not-a-token") is LinkWhy.UNKNOWN
    late = await link(db, clock, org_id)
    clock.advance(minutes=16)
    assert await doors.redeem(late) is LinkWhy.EXPIRED

    who = await doors.current(opened.session)
    assert who is not None
    assert (who.resident_id, who.address, who.language, who.csrf) == (
        org_id,
        Address("console", "org"),
        "ar",
        opened.csrf,
    )
    await doors.choose_language(opened.session, "fr")
    assert (await doors.current(opened.session)).language == "fr"  # type: ignore[union-attr]
    async with db.transaction() as tx:
        sessions = await tx.run(lambda c: c.execute(select(WEB_SESSION)).all())
    assert len(sessions) == 1


async def test_a_session_ends_idle_signed_out_or_when_its_organizer_goes(
    db: Database, clock: Clock
) -> None:
    org_id = await add_resident(db, clock, "org", "fr")
    await make_organizer(db, clock, org_id, AGADIR)
    doors = signing_in(db, clock)

    async def session() -> str:
        opened = await doors.redeem(await link(db, clock, org_id))
        assert isinstance(opened, Opened)
        return opened.session

    idle = await session()
    clock.advance(hours=11, minutes=59)
    assert await doors.current(idle) is not None
    clock.advance(hours=12)
    assert await doors.current(idle) is None

    out = await session()
    await doors.sign_out(out)
    assert await doors.current(out) is None

    removed = await session()
    async with db.transaction() as tx:
        await tx.run(groups.remove_scopes, org_id, None, None)
    assert await doors.current(removed) is None
    assert await doors.redeem(await link(db, clock, org_id)) is LinkWhy.NOT_ORGANIZER


async def test_erasing_an_organizer_removes_their_links_and_sessions(
    db: Database, clock: Clock
) -> None:
    org_id = await add_resident(db, clock, "org", "fr")
    await make_organizer(db, clock, org_id, AGADIR)
    doors = signing_in(db, clock)
    opened = await doors.redeem(await link(db, clock, org_id))
    assert isinstance(opened, Opened)
    unused = await link(db, clock, org_id)
    async with db.transaction() as tx:
        await tx.run(rights.erase, Subject(org_id, Address("console", "org")), clock())
    assert await doors.current(opened.session) is None
    assert await doors.redeem(unused) is LinkWhy.UNKNOWN
    async with db.transaction() as tx:
        left = await tx.run(
            lambda c: c.execute(select(SIGN_IN_LINK)).all() + c.execute(select(WEB_SESSION)).all()
        )
    assert left == []


async def test_the_overview_and_a_page_cost_the_same_statements_for_5_or_200_reports(
    sqlite_db: Database, gazetteer: Gazetteer, clock: Clock
) -> None:
    db = sqlite_db
    amina = await add_resident(db, clock, "amina", "ar")
    hugo = await add_resident(db, clock, "hugo", "fr")
    _, who = await organizer(db, clock)
    await open_petition(db, clock, AGADIR)
    for days in (2, 3, 4):
        await meeting(db, clock, AGADIR, days)
    await add_residents(db, clock, 3, AGADIR, prefix="a")
    for n in range(3):
        await plan(db, clock, f"Mise à jour {n}", Audience(AGADIR))
    seen = desk(db, gazetteer, clock)

    async def costs() -> tuple[int, int]:
        overview = await counted(db, lambda: seen.overview(who))
        listed = await counted(db, lambda: seen.reports(who, ReportQuery(place="dakhla")))
        return overview, listed

    async def add(n: int) -> None:
        refs = await file(db, clock, amina, *(draft(AGADIR) for _ in range(n)))
        async with db.transaction() as tx:
            for ref in refs:
                await tx.run(reports.support, ref, hugo, clock())

    await add(5)
    few = await costs()
    await add(195)
    many = await costs()
    assert (await seen.reports(who, ReportQuery())).total == 200
    assert few == many, (few, many)
    # One transaction each: its statements, BEGIN and COMMIT included, bounded.
    assert many[0] <= 20 and many[1] <= 8, many
