"""Petitions as the organizers' desk lists and opens them: the scope's lines with their exact
counts, one petition's page with its history and its signatures (or, for an association's
petition, its supports) day by day and its checklist, and the associations a petition may be
filed by.

A page is a few statements however many signatures it has: the petition with its count, its
history, the moments of its signatures, which are counted by Moroccan day here (SQLite knows
no time zones, and Morocco's offset changes in Ramadan), as the overview counts weeks, and an
association's petition's checklist.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import Connection, select

from conversations.answer_clock import awaiting
from conversations.association import years_since
from conversations.groups import Group, GroupKind, Scope
from conversations.kit import MOROCCO
from conversations.petition import PetitionKind, PetitionLife
from conversations.petition_desk import Move, PetitionLine, PetitionPage, days_left
from conversations.petition_rules import moves
from conversations.report import Category
from storage import petitions
from storage.models import COMMUNITY_GROUP, PETITION, PETITION_EVENT, PETITION_SUPPORT, SIGNATURE

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
        petitions.kind_of(row.kind),
        row.association or "",
    )


def moves_from(kind: PetitionKind, life: PetitionLife) -> tuple[PetitionLife, ...]:
    """The moves conversations/petition_rules.py allows a petition of ``kind`` from ``life``,
    in the life's order."""
    return tuple(sorted(moves(kind, life), key=_LIFE_ORDER.index))


def curve(
    conn: Connection, petition_id: int, kind: PetitionKind = PetitionKind.RESIDENTS
) -> tuple[tuple[date, int], ...]:
    """(Moroccan day, signatures by the end of it) for each day someone signed, oldest first;
    for an association's petition, its supports."""
    if kind is PetitionKind.ASSOCIATION:
        query = select(PETITION_SUPPORT.c.created_at).where(
            PETITION_SUPPORT.c.petition_id == petition_id
        )
    else:
        query = select(SIGNATURE.c.created_at).where(SIGNATURE.c.petition_id == petition_id)
    moments = conn.execute(query).scalars()
    per_day = Counter(moment.astimezone(MOROCCO).date() for moment in moments)
    days = sorted(per_day)
    return tuple(zip(days, accumulate(per_day[day] for day in days), strict=True))


def page(conn: Connection, code: str, now: datetime) -> PetitionPage | None:
    """A petition as organizers see it, drafts included."""
    row = conn.execute(select(*petitions.CARDS).where(PETITION.c.code == code)).first()
    if row is None:
        return None
    kind = petitions.kind_of(row.kind)
    history = tuple(
        Move(PetitionLife(e.status), e.note or "", e.actor, e.created_at)
        for e in conn.execute(
            select(PETITION_EVENT)
            .where(PETITION_EVENT.c.petition_id == row.id)
            .order_by(PETITION_EVENT.c.id)
        )
    )
    declared = row.declared_on
    today = now.astimezone(MOROCCO).date()
    return PetitionPage(
        _line(row, PetitionLife(row.status), now),
        row.summary,
        row.body,
        row.requests,
        row.representative,
        history,
        curve(conn, row.id, kind),
        moves_from(kind, PetitionLife(row.status)),
        petitions.paper_count(conn, row.id) if kind is PetitionKind.RESIDENTS else 0,
        declared,
        years_since(declared, today) if declared is not None else None,
        tuple(petitions.checklist(conn, code)) if kind is PetitionKind.ASSOCIATION else (),
    )


# Associations offered to an organizer everywhere, at most: they are listed by commune.
ASSOCIATIONS_SHOWN = 500


def associations(conn: Connection, scope: Scope) -> tuple[Group, ...]:
    """The groups of kind association of the scope's communes (everywhere: every one), by
    commune and name; a group's organizer has none, since a petition is its commune's."""
    query = (
        select(COMMUNITY_GROUP)
        .where(COMMUNITY_GROUP.c.kind == GroupKind.ASSOCIATION)
        .order_by(COMMUNITY_GROUP.c.commune_code, COMMUNITY_GROUP.c.name, COMMUNITY_GROUP.c.id)
        .limit(ASSOCIATIONS_SHOWN)
    )
    if not scope.everywhere:
        query = query.where(COMMUNITY_GROUP.c.commune_code.in_(sorted(scope.communes)))
    return tuple(
        Group(r.id, r.commune_code, GroupKind(r.kind), r.name or "") for r in conn.execute(query)
    )
