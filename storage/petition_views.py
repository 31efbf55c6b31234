"""Petitions as the organizers' desk lists and opens them: the scope's lines with their exact
counts, and one petition's page with its history and its signatures day by day.

A page is three statements however many signatures it has: the petition with its count, its
history, and the moments of its signatures, which are counted by Moroccan day here (SQLite
knows no time zones, and Morocco's offset changes in Ramadan), as the overview counts weeks.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import Connection, select

from conversations.answer_clock import awaiting
from conversations.groups import Scope
from conversations.kit import MOROCCO
from conversations.petition import PetitionLife
from conversations.petition_desk import Move, PetitionLine, PetitionPage, days_left
from conversations.petition_rules import MOVES
from conversations.report import Category
from storage import petitions, tally
from storage.models import PETITION, PETITION_EVENT, SIGNATURE

# The order moves are offered in: the petition's life, from draft to its end.
_LIFE_ORDER = list(PetitionLife)


def lines(
    conn: Connection,
    scope: Scope,
    life: PetitionLife | None,
    now: datetime,
    category: Category | None = None,
) -> tuple[PetitionLine, ...]:
    """The petitions of the scope's communes (a group's organizer has none: a petition is its
    commune's), with the counts `hayna petitions list` shows, the newest first."""
    within = None if scope.everywhere else scope.communes
    today = now.astimezone(MOROCCO).date()
    listed = petitions.listing(conn, None, life, within, today, category)
    return tuple(_line(row, row.life, now) for row in listed)


def _line(row: Any, life: PetitionLife, now: datetime) -> PetitionLine:
    """A listed petition, or a petition's row with its count, as a line of the desk."""
    today = now.astimezone(MOROCCO).date()
    return PetitionLine(
        row.code,
        row.title,
        life,
        row.commune_code,
        row.signatures,
        row.threshold,
        row.deadline,
        days_left(row.deadline, now),
        awaiting(life, row.deposited_on, row.answer_due, today),
        petitions.theme(row.category),
    )


def moves_from(life: PetitionLife) -> tuple[PetitionLife, ...]:
    """The moves conversations/petition_rules.py allows from ``life``, in the life's order."""
    return tuple(sorted(MOVES[life], key=_LIFE_ORDER.index))


def curve(conn: Connection, petition_id: int) -> tuple[tuple[date, int], ...]:
    """(Moroccan day, signatures by the end of it) for each day someone signed, oldest first."""
    moments = conn.execute(
        select(SIGNATURE.c.created_at).where(SIGNATURE.c.petition_id == petition_id)
    ).scalars()
    per_day = Counter(moment.astimezone(MOROCCO).date() for moment in moments)
    days = sorted(per_day)
    return tuple(zip(days, accumulate(per_day[day] for day in days), strict=True))


def page(conn: Connection, code: str, now: datetime) -> PetitionPage | None:
    """A petition as organizers see it, drafts included."""
    row = conn.execute(select(*tally.COUNTED).where(PETITION.c.code == code)).first()
    if row is None:
        return None
    history = tuple(
        Move(PetitionLife(e.status), e.note or "", e.actor, e.created_at)
        for e in conn.execute(
            select(PETITION_EVENT)
            .where(PETITION_EVENT.c.petition_id == row.id)
            .order_by(PETITION_EVENT.c.id)
        )
    )
    return PetitionPage(
        _line(row, PetitionLife(row.status), now),
        row.summary,
        row.body,
        row.requests,
        row.representative,
        history,
        curve(conn, row.id),
        moves_from(PetitionLife(row.status)),
        petitions.paper_count(conn, row.id),
    )
