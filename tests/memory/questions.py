"""`Questions` in memory: tickets of a commune or of a followed group, one claim at a time,
answered by the organizer holding it, followed up by their resident, canned answers per
commune; organizer actions checked against the scope and audited as storage does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conversations.groups import Audience
from conversations.kit import Attachment
from conversations.question import (
    CANNED_MAX,
    Author,
    Canned,
    Claim,
    Destination,
    Message,
    QuestionStatus,
    Ticket,
    answer_notice,
    claim_free,
    fits,
)
from tests.memory.here import Here
from tests.memory.world import Question

_LIVE = (QuestionStatus.OPEN, QuestionStatus.CLAIMED)


def ticket_of(q: Question) -> Ticket:
    first = q.messages[0]
    return Ticket(
        q.id,
        q.status,
        q.commune_code,
        q.group_id,
        first.text,
        q.created_at,
        q.last_activity_at,
        first.media,
        q.claimed_by,
        q.answered_by,
        q.answered_at,
        tuple(q.messages),
    )


class MemoryQuestions:
    def __init__(self, here: Here) -> None:
        self.here = here

    def _message(self, author: Author, text: str, media: str = "", language: str = "") -> Message:
        language = language or self.here.resident.language or ""
        return Message(author, self.here.clock(), language, text.strip(), media)

    def _found(self, ticket_id: int) -> Question | None:
        return next((q for q in self.here.world.questions if q.id == ticket_id), None)

    async def destinations(self) -> Sequence[Destination]:
        me, world = self.here.me, self.here.world
        followed = [
            replace(g, member=True) for g in world.groups if me in world.members.get(g.id, {})
        ]
        commune = (Destination(),) if self.here.resident.commune_code else ()
        return (*commune, *(Destination(g) for g in sorted(followed, key=lambda g: g.id)))

    async def ask(self, group_id: int | None, text: str, media: str = "") -> int | None:
        world, me = self.here.world, self.here.me
        if not fits(text, media):
            return None
        commune = self.here.resident.commune_code
        if group_id is not None:
            group = next((g for g in world.groups if g.id == group_id), None)
            followed = group is not None and me in world.members.get(group_id, {})
            commune = group.commune_code if group is not None and followed else None
        if not commune:
            return None
        now = self.here.clock()
        made = Question(world.next_id(), me, commune, group_id, QuestionStatus.OPEN, now, now)
        made.messages.append(self._message(Author.RESIDENT, text, media))
        world.questions.append(made)
        return made.id

    async def my_questions(self) -> Sequence[Ticket]:
        mine = [
            q
            for q in self.here.world.questions
            if q.resident_id == self.here.me and q.status is not QuestionStatus.CLOSED
        ]
        return [ticket_of(q) for q in sorted(mine, key=lambda q: -q.id)][:10]

    async def follow_up(self, ticket_id: int, text: str, media: str = "") -> bool:
        q = self._found(ticket_id)
        if q is None or q.resident_id != self.here.me or q.status is QuestionStatus.CLOSED:
            return False
        if not fits(text, media):
            return False
        said = self._message(Author.RESIDENT, text, media)
        q.messages.append(said)
        q.last_activity_at = said.at
        # As storage does: an answered ticket goes back to who answered it; a claim is kept.
        if q.status is QuestionStatus.ANSWERED:
            q.status, q.claimed_by, q.claimed_at = QuestionStatus.CLAIMED, q.answered_by, said.at
        return True

    async def open_questions(self) -> Sequence[Ticket] | None:
        scope = self.here.scope()
        if not self.here.audit("see_questions", "", bool(scope)):
            return None
        live = [
            q for q in self.here.world.questions if q.status in _LIVE and scope.covers(_audience(q))
        ]
        return [ticket_of(q) for q in sorted(live, key=lambda q: q.id)][:50]

    def _covers(self, ticket_id: int, action: str) -> Question | None:
        q = self._found(ticket_id)
        allowed = q is not None and self.here.scope().covers(_audience(q))
        return q if self.here.audit(action, str(ticket_id), allowed) else None

    async def claim(self, ticket_id: int) -> Claim:
        q = self._covers(ticket_id, "claim_question")
        if q is None or q.status not in _LIVE:
            return Claim.GONE
        now, me = self.here.clock(), self.here.me
        if q.claimed_by not in (None, me) and not claim_free(q.claimed_at, now):
            return Claim.TAKEN
        q.status, q.claimed_by, q.claimed_at = QuestionStatus.CLAIMED, me, now
        return Claim.CLAIMED

    async def ticket(self, ticket_id: int) -> Ticket | None:
        q = self._covers(ticket_id, "read_question")
        return ticket_of(q) if q is not None else None

    async def voices(self, ticket_id: int) -> Sequence[Attachment] | None:
        """Memory keeps no bytes: no voice note to hear."""
        return () if self._covers(ticket_id, "hear_question") is not None else None

    async def answer(self, ticket_id: int, text: str, language: str) -> bool:
        q = self._covers(ticket_id, "answer_question") if fits(text) else None
        me = self.here.me
        if q is None or q.status is not QuestionStatus.CLAIMED or q.claimed_by != me:
            return False
        said = self._message(Author.ORGANIZER, text, language=language)
        q.messages.append(said)
        q.status, q.answered_by, q.answered_at = QuestionStatus.ANSWERED, me, said.at
        q.claimed_by, q.claimed_at, q.last_activity_at = None, None, said.at
        self.here.world.pushes.append((q.resident_id, answer_notice(q.id, said.text).to_json()))
        return True

    async def canned(self, ticket_id: int) -> Sequence[Canned] | None:
        q = self._covers(ticket_id, "canned_answers")
        if q is None:
            return None
        kept = [Canned(i, text) for i, commune, text in self.here.world.canned
                if commune == q.commune_code]  # fmt: skip
        return kept[:CANNED_MAX]

    async def save_canned(self, ticket_id: int, text: str) -> int | None:
        q = self._covers(ticket_id, "save_canned_answer") if fits(text) else None
        if q is None:
            return None
        world = self.here.world
        mine = [c for c in world.canned if c[1] == q.commune_code]
        if len(mine) >= CANNED_MAX:
            world.canned.remove(mine[0])
        made = world.next_id()
        world.canned.append((made, q.commune_code, text.strip()))
        return made


def _audience(q: Question) -> Audience:
    return Audience(q.commune_code, (q.group_id,) if q.group_id is not None else ())
