"""Consultations in SQL: drafting, opening and closing on time, one answer set per resident
and consultation (a unique key, never check-then-insert), answers changed until it closes, and
results computed by aggregation in the database, never by loading the answers.

A resident answering from two processes at once shares one answer set: the set is inserted
with ON CONFLICT DO NOTHING, then locked (FOR UPDATE) while one question's answers are
replaced, so the last answer wins and none is counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    delete,
    distinct,
    func,
    insert,
    or_,
    select,
    update,
)

from conversations.consultation import (
    CHOSEN,
    REMINDER_LEAD,
    SCALE_HIGH,
    SCALE_LOW,
    Answered,
    AnswerOutcome,
    Asked,
    Breakdown,
    Cell,
    ConsultationDraft,
    ConsultationLife,
    ConsultationRefusal,
    ConsultationReport,
    ConsultationWhy,
    FreeText,
    OptionResult,
    Participation,
    Question,
    QuestionKind,
    QuestionResult,
    Response,
    Results,
    answer_refusal,
    borda,
    closing_notice,
    draft_refusal,
    in_language,
    opened_notice,
    shown,
)
from conversations.consultation_desk import ConsultationLine
from conversations.groups import Answer as Attending
from conversations.groups import Audience, Scope
from conversations.kit import MOROCCO, Attachment
from conversations.voice import STORED
from storage import announcements, media
from storage.announcements import Kind
from storage.database import Database
from storage.dialect import insert_ignore, inserted_id, utc_hour
from storage.gazetteer import Gazetteer
from storage.models import (
    ANSWER,
    ANSWER_SET,
    COMMUNITY_GROUP,
    CONSULTATION,
    CONSULTATION_GROUP,
    CONSULTATION_QUESTION,
    MEETING,
    MEMBERSHIP,
    RESIDENT,
    RSVP,
)

# The free texts a result lists, the newest first.
TEXTS_LISTED = 200


class ConsultationError(ValueError):
    def __init__(self, refusal: ConsultationRefusal) -> None:
        super().__init__(refusal.why.value)
        self.refusal = refusal


def _meeting_refusal(conn: Connection, draft: ConsultationDraft) -> ConsultationRefusal | None:
    """After a meeting: it must be one of the consultation's commune."""
    if draft.meeting_id is None:
        return None
    commune = conn.execute(
        select(MEETING.c.commune_code).where(MEETING.c.id == draft.meeting_id)
    ).scalar_one_or_none()
    if commune != draft.commune_code:
        return ConsultationRefusal(ConsultationWhy.NO_MEETING)
    return None


def create(conn: Connection, draft: ConsultationDraft, actor: str, now: datetime) -> int:
    """Store a draft; its id. Raises `ConsultationError` for a draft that breaks a rule of
    conversations/consultation.py."""
    refused = draft_refusal(draft, now) or _meeting_refusal(conn, draft)
    if refused is not None:
        raise ConsultationError(refused)
    made = inserted_id(
        conn,
        insert(CONSULTATION).values(
            commune_code=draft.commune_code,
            asked_by=draft.asked_by.strip(),
            title=dict(draft.title),
            purpose=dict(draft.purpose),
            anonymous=draft.anonymous,
            status=ConsultationLife.DRAFT,
            opens_at=draft.opens_at,
            closes_at=draft.closes_at,
            meeting_id=draft.meeting_id,
            reached=0,
            created_by=actor,
            created_at=now,
            updated_at=now,
        ),
    )
    conn.execute(
        insert(CONSULTATION_QUESTION),
        [
            {
                "consultation_id": made,
                "position": position,
                "kind": question.kind,
                "prompt": dict(question.prompt),
                "options": [dict(option) for option in question.options],
                "optional": question.optional,
                "most": question.most,
            }
            for position, question in enumerate(draft.questions)
        ],
    )
    if draft.group_ids:
        conn.execute(
            insert(CONSULTATION_GROUP),
            [{"consultation_id": made, "group_id": g} for g in sorted(set(draft.group_ids))],
        )
    return made


def audience(conn: Connection, consultation_id: int) -> Audience | None:
    """Whom a consultation is addressed to, which says who may act on it; None if unknown."""
    return _audiences(conn, [consultation_id]).get(consultation_id)


def publish(conn: Connection, consultation_id: int, now: datetime) -> ConsultationLife | None:
    """A draft published: open now, or scheduled for its opening time, its push planned for
    then and its reminder for the day before it closes; None for no draft."""
    row = conn.execute(
        select(CONSULTATION).where(
            CONSULTATION.c.id == consultation_id, CONSULTATION.c.status == ConsultationLife.DRAFT
        )
    ).first()
    if row is None:
        return None
    life = ConsultationLife.SCHEDULED if row.opens_at > now else ConsultationLife.OPEN
    if not _move(conn, consultation_id, ConsultationLife.DRAFT, life, now):
        return None
    who = audience(conn, consultation_id)
    assert who is not None  # the row was just read
    # Who its push reaches: its audience, and after a meeting those who said they attend.
    reached = conn.execute(
        select(func.count())
        .select_from(RESIDENT)
        .where(announcements.recipients(who, Kind.CONSULTATION, row.meeting_id))
    ).scalar_one()
    conn.execute(
        update(CONSULTATION).where(CONSULTATION.c.id == consultation_id).values(reached=reached)
    )
    closes_on = row.closes_at.astimezone(MOROCCO).date()
    count = len(_question_ids(conn, consultation_id))
    opening = opened_notice(row.id, row.asked_by, row.title, count, closes_on).to_json()
    due = max(row.opens_at, now)
    announcements.create(
        conn, Kind.CONSULTATION, who, opening, due, row.created_by, now, row.meeting_id,
        consultation_id=consultation_id,
    )  # fmt: skip
    remind_at = row.closes_at - REMINDER_LEAD
    if remind_at > due:
        closing = closing_notice(row.id, row.asked_by, row.title, closes_on).to_json()
        announcements.create(
            conn, Kind.CLOSING, who, closing, remind_at, row.created_by, now, row.meeting_id,
            consultation_id=consultation_id,
        )  # fmt: skip
    return life


def _move(
    conn: Connection,
    consultation_id: int,
    was: ConsultationLife,
    to: ConsultationLife,
    now: datetime,
) -> bool:
    # From a given step only: of two processes, one moves it.
    moved = conn.execute(
        update(CONSULTATION)
        .where(CONSULTATION.c.id == consultation_id, CONSULTATION.c.status == was)
        .values(status=to, updated_at=now)
    ).rowcount
    return bool(moved)


def keep_time(conn: Connection, now: datetime) -> tuple[list[int], list[int]]:
    """Open the scheduled consultations whose time came, close the open ones whose time
    passed; the ids opened and closed."""
    due = select(CONSULTATION.c.id).where(
        CONSULTATION.c.status == ConsultationLife.SCHEDULED, CONSULTATION.c.opens_at <= now
    )
    opened = [
        i
        for i in conn.execute(due).scalars().all()
        if _move(conn, i, ConsultationLife.SCHEDULED, ConsultationLife.OPEN, now)
    ]
    over = select(CONSULTATION.c.id).where(
        CONSULTATION.c.status == ConsultationLife.OPEN, CONSULTATION.c.closes_at <= now
    )
    closed = [
        i
        for i in conn.execute(over).scalars().all()
        if _move(conn, i, ConsultationLife.OPEN, ConsultationLife.CLOSED, now)
    ]
    return opened, closed


def _question_rows(conn: Connection, consultation_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(CONSULTATION_QUESTION)
            .where(CONSULTATION_QUESTION.c.consultation_id == consultation_id)
            .order_by(CONSULTATION_QUESTION.c.position)
        )
    )


def questions(conn: Connection, consultation_id: int) -> list[Question]:
    return [_question(row) for row in _question_rows(conn, consultation_id)]


def _question(row: Any) -> Question:
    return Question(QuestionKind(row.kind), row.prompt, tuple(row.options), row.optional, row.most)


def _open_at(now: datetime) -> ColumnElement[bool]:
    """Open to answers at ``now``: published, its time come (the hourly round may not have
    marked it open yet: its push went at its time), not yet closed."""
    return and_(
        CONSULTATION.c.status.in_((ConsultationLife.SCHEDULED, ConsultationLife.OPEN)),
        CONSULTATION.c.opens_at <= now,
        CONSULTATION.c.closes_at > now,
    )


def open_for(conn: Connection, resident_id: int, commune: str, now: datetime) -> list[int]:
    """The consultations open to a resident: their commune's addressed to the whole commune or
    to a group they follow; the closest to closing first."""
    addressed = select(CONSULTATION_GROUP.c.consultation_id).where(
        CONSULTATION_GROUP.c.consultation_id == CONSULTATION.c.id
    )
    followed = (
        select(CONSULTATION_GROUP.c.consultation_id)
        .join(MEMBERSHIP, MEMBERSHIP.c.group_id == CONSULTATION_GROUP.c.group_id)
        .where(
            CONSULTATION_GROUP.c.consultation_id == CONSULTATION.c.id,
            MEMBERSHIP.c.resident_id == resident_id,
        )
    )
    attended = select(RSVP.c.meeting_id).where(
        RSVP.c.meeting_id == CONSULTATION.c.meeting_id,
        RSVP.c.resident_id == resident_id,
        RSVP.c.answer == Attending.YES,
    )
    query = (
        select(CONSULTATION.c.id)
        .where(
            CONSULTATION.c.commune_code == commune,
            _open_at(now),
            or_(~addressed.exists(), followed.exists()),
            or_(CONSULTATION.c.meeting_id.is_(None), attended.exists()),
        )
        .order_by(CONSULTATION.c.closes_at, CONSULTATION.c.id)
    )
    return list(conn.execute(query).scalars())


def asked(
    conn: Connection, consultation_id: int, resident_id: int, language: str | None
) -> Asked | None:
    """A consultation as the resident reads it, with their answers so far; None when unknown."""
    row = conn.execute(select(CONSULTATION).where(CONSULTATION.c.id == consultation_id)).first()
    if row is None:
        return None
    mine = conn.execute(
        select(ANSWER_SET.c.id, ANSWER_SET.c.completed_at).where(
            ANSWER_SET.c.consultation_id == consultation_id,
            ANSWER_SET.c.resident_id == resident_id,
        )
    ).first()
    return Asked(
        row.id,
        row.asked_by,
        in_language(row.title, language),
        in_language(row.purpose, language),
        row.closes_at,
        row.anonymous,
        tuple(shown(q, language) for q in questions(conn, consultation_id)),
        _given(conn, mine.id) if mine else {},
        mine is not None and mine.completed_at is not None,
    )


def _given(conn: Connection, set_id: int) -> dict[int, Response]:
    """A set's answers by question, its option rows folded back in rank order."""
    rows = conn.execute(
        select(ANSWER, CONSULTATION_QUESTION.c.position, CONSULTATION_QUESTION.c.kind)
        .join(CONSULTATION_QUESTION, CONSULTATION_QUESTION.c.id == ANSWER.c.question_id)
        .where(ANSWER.c.answer_set_id == set_id)
        .order_by(CONSULTATION_QUESTION.c.position, ANSWER.c.value, ANSWER.c.id)
    ).all()
    given: dict[int, Response] = {}
    for row in rows:
        if row.skipped:
            given[row.position] = Response(skipped=True)
        elif row.option is not None:
            before = given.get(row.position, Response())
            given[row.position] = Response(options=(*before.options, row.option))
        else:
            text, voice = row.text or "", row.voice or ""
            given[row.position] = Response(value=row.value, text=text, voice=voice)
    return given


def answered_by(conn: Connection, resident_id: int, limit: int) -> list[int]:
    """The consultations a resident answered, the latest answered first, at most ``limit``."""
    query = (
        select(ANSWER_SET.c.consultation_id)
        .where(ANSWER_SET.c.resident_id == resident_id)
        .order_by(ANSWER_SET.c.updated_at.desc(), ANSWER_SET.c.id.desc())
        .limit(limit)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def answer(
    conn: Connection,
    consultation_id: int,
    resident_id: int,
    commune: str | None,
    position: int,
    given: Response,
    now: datetime,
) -> Answered:
    """Record (or change) one answer of the resident's set, while the consultation is open."""
    consultation = conn.execute(
        select(CONSULTATION.c.id).where(CONSULTATION.c.id == consultation_id, _open_at(now))
    ).first()
    if consultation is None:
        return Answered(AnswerOutcome.NOT_OPEN)
    question = conn.execute(
        select(CONSULTATION_QUESTION).where(
            CONSULTATION_QUESTION.c.consultation_id == consultation_id,
            CONSULTATION_QUESTION.c.position == position,
        )
    ).first()
    if question is None:
        return Answered(AnswerOutcome.NOT_OPEN)
    asked = _question(question)
    if (why := answer_refusal(asked, given)) is not None:
        return Answered(AnswerOutcome.REFUSED, why)
    set_id = _answer_set(conn, consultation_id, resident_id, commune, now)
    before = and_(ANSWER.c.answer_set_id == set_id, ANSWER.c.question_id == question.id)
    # A voice note answered before goes with the answer it was: the new one replaces both.
    media.drop_voices(conn, conn.execute(select(ANSWER.c.voice).where(before)).scalars())
    conn.execute(delete(ANSWER).where(before))
    conn.execute(insert(ANSWER), _rows(set_id, question.id, asked.kind, given))
    return Answered(AnswerOutcome.COUNTED)


def _answer_set(
    conn: Connection, consultation_id: int, resident_id: int, commune: str | None, now: datetime
) -> int:
    """The resident's set, made if it is not, and locked until this transaction ends."""
    insert_ignore(
        conn,
        ANSWER_SET,
        consultation_id=consultation_id,
        resident_id=resident_id,
        commune_code=commune,
        started_at=now,
        updated_at=now,
    )
    # The UPDATE takes the row's lock: a second process answering for the same resident waits
    # here until this transaction ends, then replaces the answer after it.
    found = conn.execute(
        update(ANSWER_SET)
        .where(
            ANSWER_SET.c.consultation_id == consultation_id,
            ANSWER_SET.c.resident_id == resident_id,
        )
        .values(updated_at=now)
        .returning(ANSWER_SET.c.id)
    ).scalar_one()
    return int(found)


def _rows(
    set_id: int, question_id: int, kind: QuestionKind, given: Response
) -> list[dict[str, Any]]:
    base = {"answer_set_id": set_id, "question_id": question_id, "hidden": False}
    if given.skipped:
        return [{**base, "option": None, "value": None, "skipped": True}]
    if kind in CHOSEN or kind is QuestionKind.YES_NO:
        # A ranking keeps each option's rank (0 first) in `value`.
        ranked = kind is QuestionKind.RANK
        return [
            {**base, "option": option, "value": rank if ranked else None, "skipped": False}
            for rank, option in enumerate(given.options)
        ]
    return [
        {
            **base,
            "option": None,
            "value": given.value,
            "text": given.text.strip() or None,
            "voice": given.voice or None,
            "skipped": False,
        }
    ]


def complete(conn: Connection, consultation_id: int, resident_id: int, now: datetime) -> bool:
    """The resident answered every question they meant to: their set counts as complete."""
    done = conn.execute(
        update(ANSWER_SET)
        .where(
            ANSWER_SET.c.consultation_id == consultation_id,
            ANSWER_SET.c.resident_id == resident_id,
        )
        .values(completed_at=func.coalesce(ANSWER_SET.c.completed_at, now), updated_at=now)
    ).rowcount
    return bool(done)


@dataclass(frozen=True, slots=True)
class _Counted:
    """The grouped counts of a consultation's answers, by question id."""

    answered: dict[int, tuple[int, int]]
    options: dict[int, dict[int, tuple[int, int]]]
    scales: dict[int, dict[int, int]]


def results(conn: Connection, consultation_id: int) -> Results:
    """Every question's counts, shares, Borda points, scale mean and spread, the shown free
    texts, and the participation; each by a grouped query."""
    rows = _question_rows(conn, consultation_id)
    ids, asked = [int(row.id) for row in rows], [_question(row) for row in rows]
    counted = _Counted(_answered(conn, ids), _options(conn, ids), _scales(conn, ids))
    found = tuple(
        _result(conn, position, question, ids[position], counted)
        for position, question in enumerate(asked)
    )
    chosen = [(n, ids[n], q) for n, q in enumerate(asked) if _counted_by_option(q)]
    by_group = _breakdown(conn, chosen, MEMBERSHIP.c.group_id, _group_names(conn, consultation_id))
    by_commune = _breakdown(conn, chosen, ANSWER_SET.c.commune_code, {})
    return Results(found, participation(conn, consultation_id), by_group, by_commune)


def _counted_by_option(question: Question) -> bool:
    return question.kind in CHOSEN or question.kind is QuestionKind.YES_NO


def _group_names(conn: Connection, consultation_id: int) -> dict[Any, str]:
    """The names of the groups of the consultation's commune (a built-in one by its kind)."""
    commune = select(CONSULTATION.c.commune_code).where(CONSULTATION.c.id == consultation_id)
    rows = conn.execute(
        select(COMMUNITY_GROUP.c.id, COMMUNITY_GROUP.c.kind, COMMUNITY_GROUP.c.name).where(
            COMMUNITY_GROUP.c.commune_code == commune.scalar_subquery()
        )
    )
    return {r.id: r.name or r.kind for r in rows}


def _breakdown(
    conn: Connection,
    chosen: Sequence[tuple[int, int, Question]],
    by: ColumnElement[Any],
    names: dict[Any, str],
) -> dict[int, tuple[Breakdown, ...]]:
    """Each question's options counted within each group (or commune): one grouped query; a
    cell under `MIN_CELL` answers is not shown (`Cell`), so few answers cannot be told apart."""
    if not chosen:
        return {}
    joined = ANSWER.join(ANSWER_SET, ANSWER_SET.c.id == ANSWER.c.answer_set_id)
    if by is MEMBERSHIP.c.group_id:
        # An anonymous set detached by an erasure has no member behind it: it is left out.
        joined = joined.join(MEMBERSHIP, MEMBERSHIP.c.resident_id == ANSWER_SET.c.resident_id)
    query = (
        select(ANSWER.c.question_id, by.label("by"), ANSWER.c.option, func.count())
        .select_from(joined)
        .where(
            ANSWER.c.question_id.in_([qid for _, qid, _ in chosen]),
            ANSWER.c.option.is_not(None),
        )
        .group_by(ANSWER.c.question_id, by, ANSWER.c.option)
    )
    counts: dict[tuple[int, Any], dict[int, int]] = {}
    for qid, key, option, count in conn.execute(query):
        if key is not None:
            counts.setdefault((qid, key), {})[int(option)] = int(count)
    found: dict[int, tuple[Breakdown, ...]] = {}
    for position, qid, question in chosen:
        width = 2 if question.kind is QuestionKind.YES_NO else len(question.options)
        found[position] = tuple(
            Breakdown(
                str(names.get(key, key)), tuple(Cell.of(cells.get(n, 0)) for n in range(width))
            )
            for (q, key), cells in sorted(counts.items(), key=lambda item: str(item[0][1]))
            if q == qid
        )
    return found


def _result(
    conn: Connection, position: int, question: Question, qid: int, counted: _Counted
) -> QuestionResult:
    answered, skipped = counted.answered.get(qid, (0, 0))
    chosen = counted.options.get(qid, {})
    # A yes/no question's options are no (0) and yes (1).
    shown = 2 if question.kind is QuestionKind.YES_NO else len(question.options)
    options = tuple(
        OptionResult(n, count, count / answered if answered else 0.0, points)
        for n in range(shown)
        for count, points in (chosen.get(n, (0, 0)),)
    )
    result = QuestionResult(position, question.kind, answered, skipped, options)
    if question.kind is QuestionKind.SCALE:
        spread = counted.scales.get(qid, {})
        total = sum(spread.values())
        mean = sum(v * c for v, c in spread.items()) / total if total else None
        values = tuple(spread.get(v, 0) for v in range(SCALE_LOW, SCALE_HIGH + 1))
        return replace(result, mean=mean, spread=values)
    if question.kind is QuestionKind.TEXT:
        return replace(result, **_texts(conn, qid))
    return result


def _question_ids(conn: Connection, consultation_id: int) -> list[int]:
    query = (
        select(CONSULTATION_QUESTION.c.id)
        .where(CONSULTATION_QUESTION.c.consultation_id == consultation_id)
        .order_by(CONSULTATION_QUESTION.c.position)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def _answered(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """By question: the answer sets that answered it, and those that skipped it."""
    query = (
        select(
            ANSWER.c.question_id,
            func.count(distinct(case((ANSWER.c.skipped.is_(False), ANSWER.c.answer_set_id)))),
            func.count(distinct(case((ANSWER.c.skipped.is_(True), ANSWER.c.answer_set_id)))),
        )
        .where(ANSWER.c.question_id.in_(ids))
        .group_by(ANSWER.c.question_id)
    )
    return {int(q): (int(a), int(s)) for q, a, s in conn.execute(query)}


def _options(conn: Connection, ids: Sequence[int]) -> dict[int, dict[int, tuple[int, int]]]:
    """By question and option: how many chose it, and its Borda points (for a ranking)."""
    points = func.sum(case((ANSWER.c.value.is_not(None), borda(0) - ANSWER.c.value), else_=0))
    query = (
        select(ANSWER.c.question_id, ANSWER.c.option, func.count(), points)
        .where(ANSWER.c.question_id.in_(ids), ANSWER.c.option.is_not(None))
        .group_by(ANSWER.c.question_id, ANSWER.c.option)
    )
    found: dict[int, dict[int, tuple[int, int]]] = {}
    for question, option, count, score in conn.execute(query):
        found.setdefault(int(question), {})[int(option)] = (int(count), int(score or 0))
    return found


def _scales(conn: Connection, ids: Sequence[int]) -> dict[int, dict[int, int]]:
    query = (
        select(ANSWER.c.question_id, ANSWER.c.value, func.count())
        .where(
            ANSWER.c.question_id.in_(ids),
            ANSWER.c.option.is_(None),
            ANSWER.c.value.is_not(None),
        )
        .group_by(ANSWER.c.question_id, ANSWER.c.value)
    )
    found: dict[int, dict[int, int]] = {}
    for question, value, count in conn.execute(query):
        found.setdefault(int(question), {})[int(value)] = int(count)
    return found


def _texts(conn: Connection, question_id: int) -> dict[str, Any]:
    """A free question's shown texts (the newest first), its voice notes and its hidden ones."""
    asked = ANSWER.c.question_id == question_id
    shown = and_(asked, ANSWER.c.hidden.is_(False))
    texts = conn.execute(
        select(ANSWER.c.id, ANSWER.c.text)
        .where(shown, ANSWER.c.text.is_not(None))
        .order_by(ANSWER.c.id.desc())
        .limit(TEXTS_LISTED)
    )
    voices = conn.execute(
        select(func.count()).where(shown, ANSWER.c.voice.is_not(None))
    ).scalar_one()
    # The voice notes Hayna kept, to play: the newest first, as many as texts are listed.
    playable = conn.execute(
        select(ANSWER.c.id)
        .where(shown, ANSWER.c.voice.startswith(STORED))
        .order_by(ANSWER.c.id.desc())
        .limit(TEXTS_LISTED)
    ).scalars()
    hidden = conn.execute(select(func.count()).where(asked, ANSWER.c.hidden.is_(True))).scalar_one()
    listed = tuple(FreeText(int(i), text) for i, text in texts)
    return {
        "texts": listed,
        "voices": int(voices),
        "hidden": int(hidden),
        "voice_ids": tuple(int(i) for i in playable),
    }


def voice(conn: Connection, consultation_id: int, answer_id: int) -> Attachment | None:
    """A shown voice note answering this consultation, when Hayna kept its bytes."""
    of = select(CONSULTATION_QUESTION.c.id).where(
        CONSULTATION_QUESTION.c.consultation_id == consultation_id
    )
    ref = conn.execute(
        select(ANSWER.c.voice).where(
            ANSWER.c.id == answer_id, ANSWER.c.question_id.in_(of), ANSWER.c.hidden.is_(False)
        )
    ).scalar()
    found = media.voice_files(conn, [ref], f"answer-{answer_id}")
    return found[0] if found else None


def hide_answer(conn: Connection, consultation_id: int, answer_id: int) -> bool:
    """A free text of the consultation kept out of its results (moderation); False when it is
    no shown free text of this consultation."""
    of = select(CONSULTATION_QUESTION.c.id).where(
        CONSULTATION_QUESTION.c.consultation_id == consultation_id
    )
    hidden = conn.execute(
        update(ANSWER)
        .where(
            ANSWER.c.id == answer_id,
            ANSWER.c.question_id.in_(of),
            ANSWER.c.text.is_not(None),
            ANSWER.c.hidden.is_(False),
        )
        .values(hidden=True)
    ).rowcount
    return bool(hidden)


def participation(conn: Connection, consultation_id: int) -> Participation:
    """Reached, started, completed, and the completions hour by hour."""
    mine = ANSWER_SET.c.consultation_id == consultation_id
    reached = conn.execute(
        select(CONSULTATION.c.reached).where(CONSULTATION.c.id == consultation_id)
    ).scalar_one_or_none()
    started, completed = conn.execute(
        select(func.count(), func.count(ANSWER_SET.c.completed_at)).where(mine)
    ).one()
    hour = utc_hour(conn, ANSWER_SET.c.completed_at)
    per_hour = conn.execute(
        select(hour, func.count())
        .where(mine, ANSWER_SET.c.completed_at.is_not(None))
        .group_by(hour)
        .order_by(hour)
    ).all()
    curve, running = [], 0
    for label, count in per_hour:
        running += int(count)
        curve.append((_hour(label), running))
    return Participation(int(reached or 0), int(started), int(completed), tuple(curve))


def _hour(label: str) -> datetime:
    return datetime.strptime(label.replace("T", " "), "%Y-%m-%d %H").replace(tzinfo=UTC)


async def keep_consultations_time(db: Database, now: datetime) -> tuple[list[int], list[int]]:
    """`keep_time` in a transaction of its own, for the hourly housekeeping."""
    async with db.transaction() as tx:
        return await tx.run(keep_time, now)


def listing(
    conn: Connection, commune: str | None, scope: Scope | None = None
) -> list[ConsultationLine]:
    """Every consultation, or a commune's, or those whose audience ``scope`` covers, the latest
    to close first; counted in one query, their audiences read in one more."""
    sets = (
        select(
            ANSWER_SET.c.consultation_id,
            func.count().label("started"),
            func.count(ANSWER_SET.c.completed_at).label("completed"),
        )
        .group_by(ANSWER_SET.c.consultation_id)
        .subquery()
    )
    query = (
        select(CONSULTATION, sets.c.started, sets.c.completed)
        .outerjoin(sets, sets.c.consultation_id == CONSULTATION.c.id)
        .order_by(CONSULTATION.c.closes_at.desc(), CONSULTATION.c.id.desc())
    )
    if commune is not None:
        query = query.where(CONSULTATION.c.commune_code == commune)
    if scope is not None and not scope.everywhere:
        of_groups = select(COMMUNITY_GROUP.c.commune_code).where(
            COMMUNITY_GROUP.c.id.in_(sorted(scope.groups))
        )
        query = query.where(
            CONSULTATION.c.commune_code.in_(sorted(scope.communes))
            | CONSULTATION.c.commune_code.in_(of_groups)
        )
    found = [
        ConsultationLine(
            r.id, ConsultationLife(r.status), r.commune_code, r.title,
            r.opens_at, r.closes_at, r.reached, r.started or 0, r.completed or 0,
        )
        for r in conn.execute(query)
    ]  # fmt: skip
    if scope is None or scope.everywhere:
        return found
    reach = _audiences(conn, [line.id for line in found])
    return [line for line in found if scope.covers(reach[line.id])]


def _audiences(conn: Connection, ids: Sequence[int]) -> dict[int, Audience]:
    """Each consultation's audience, as `audience` reads one, in two queries."""
    rows = conn.execute(
        select(CONSULTATION.c.id, CONSULTATION.c.commune_code).where(CONSULTATION.c.id.in_(ids))
    )
    communes: dict[int, str] = {made: code for made, code in rows}
    chosen: dict[int, list[int]] = {made: [] for made in communes}
    groups = conn.execute(
        select(CONSULTATION_GROUP.c.consultation_id, CONSULTATION_GROUP.c.group_id)
        .where(CONSULTATION_GROUP.c.consultation_id.in_(ids))
        .order_by(CONSULTATION_GROUP.c.group_id)
    )
    for made, group in groups:
        chosen[made].append(int(group))
    return {made: Audience(code, tuple(chosen[made])) for made, code in communes.items()}


def report(
    conn: Connection, consultation_id: int, gazetteer: Gazetteer
) -> ConsultationReport | None:
    """The consultation and its results, as its report to the council shows them."""
    row = conn.execute(select(CONSULTATION).where(CONSULTATION.c.id == consultation_id)).first()
    if row is None:
        return None
    place = gazetteer.get(row.commune_code)
    return ConsultationReport(
        row.id, row.asked_by, row.title, row.purpose,
        place.name_fr if place else row.commune_code,
        place.name_ar if place else row.commune_code,
        row.opens_at, row.closes_at, row.anonymous,
        tuple(questions(conn, consultation_id)), results(conn, consultation_id),
        ConsultationLife(row.status),
    )  # fmt: skip
