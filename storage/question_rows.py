"""A resident's questions in "my data", and their erasure: the questions they asked go with
their messages; an organizer's answers to others stay with those tickets, no longer tied to
them, their identifiers redacted, and the canned answers they saved are credited to "erased"."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update

from conversations.personal import MyQuestion, MyQuestionMessage
from conversations.question import Author
from conversations.redaction import REDACTED
from storage import media, questions
from storage import models as m
from storage.erasure import Erasure
from storage.personal_rows import ERASED_ACTOR, Rows, when
from storage.subject import Subject
from storage.vault import Vault

# The shortest text of an erased question looked for in organizers' conversations.
COPIED_MIN = 8


def asked(conn: Connection, who: Subject, _vault: Vault) -> Rows:
    tickets = conn.execute(
        select(m.QUESTION)
        .where(m.QUESTION.c.resident_id == who.resident_id)
        .order_by(m.QUESTION.c.id)
    ).all()
    said: dict[int, list[MyQuestionMessage]] = {t.id: [] for t in tickets}
    if said:
        rows = conn.execute(
            select(m.QUESTION_MESSAGE)
            .where(m.QUESTION_MESSAGE.c.question_id.in_(said))
            .order_by(m.QUESTION_MESSAGE.c.id)
        )
        for r in rows:
            kept = MyQuestionMessage(r.author, r.language, r.text, r.media_ref, when(r.created_at))
            said[r.question_id].append(kept)
    return [
        MyQuestion(t.id, t.status, t.commune_code, when(t.created_at), tuple(said[t.id]))
        for t in tickets
    ]


def erase_asked(conn: Connection, erasure: Erasure) -> None:
    rid = erasure.who.resident_id
    _forget_copies(conn, erasure)
    _drop_voices(conn, rid)
    conn.execute(delete(m.QUESTION).where(m.QUESTION.c.resident_id == rid))
    # As an organizer: others' tickets keep their answers, without who wrote them.
    conn.execute(update(m.QUESTION).where(m.QUESTION.c.claimed_by == rid).values(claimed_by=None))
    conn.execute(update(m.QUESTION).where(m.QUESTION.c.answered_by == rid).values(answered_by=None))
    written = m.QUESTION_MESSAGE.c.organizer_id == rid
    answers = select(m.QUESTION_MESSAGE.c.id, m.QUESTION_MESSAGE.c.text).where(written)
    for row in conn.execute(answers).all():
        # The answer pushed to its resident repeats it: rewritten with the redacted words.
        erasure.notices.add(questions.answer_key(row.id))
        text = erasure.redact(m.QUESTION_MESSAGE.c.text, row.text) or ""
        conn.execute(
            update(m.QUESTION_MESSAGE)
            .where(m.QUESTION_MESSAGE.c.id == row.id)
            .values(text=text, organizer_id=None)
        )
    saved = m.CANNED_ANSWER.c.created_by == erasure.who.organizer
    for row in conn.execute(
        select(m.CANNED_ANSWER.c.id, m.CANNED_ANSWER.c.text).where(saved)
    ).all():
        text = erasure.redact(m.CANNED_ANSWER.c.text, row.text) or ""
        conn.execute(
            update(m.CANNED_ANSWER)
            .where(m.CANNED_ANSWER.c.id == row.id)
            .values(text=text, created_by=ERASED_ACTOR)
        )


def _drop_voices(conn: Connection, resident_id: int) -> None:
    """The voice notes of the resident's questions and replies: bytes of their voice."""
    theirs = select(m.QUESTION.c.id).where(m.QUESTION.c.resident_id == resident_id)
    asked = select(m.QUESTION.c.media_ref).where(m.QUESTION.c.resident_id == resident_id)
    said = select(m.QUESTION_MESSAGE.c.media_ref).where(
        m.QUESTION_MESSAGE.c.question_id.in_(theirs)
    )
    for refs in (asked, said):
        media.drop_voices(conn, conn.execute(refs).scalars())


def _forget_copies(conn: Connection, erasure: Erasure) -> None:
    """What the resident wrote goes with their questions; so do its copies: the pushes of
    their follow-ups to an organizer are deleted, and the threads shown in organizers'
    conversations are rewritten (a text of `COPIED_MIN` characters or more, so that a short
    "ok" does not rewrite every conversation that says ok)."""
    theirs = select(m.QUESTION.c.id).where(m.QUESTION.c.resident_id == erasure.who.resident_id)
    said = conn.execute(
        select(m.QUESTION_MESSAGE.c.id, m.QUESTION_MESSAGE.c.text).where(
            m.QUESTION_MESSAGE.c.question_id.in_(theirs),
            m.QUESTION_MESSAGE.c.author == Author.RESIDENT,
        )
    ).all()
    keys = [questions.follow_up_key(row.id) for row in said]
    if keys:
        conn.execute(delete(m.DELIVERY).where(m.DELIVERY.c.message_key.in_(keys)))
    for row in said:
        if len(row.text.strip()) >= COPIED_MIN:
            erasure.words[row.text] = REDACTED
