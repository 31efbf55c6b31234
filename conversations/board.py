"""Everything the dashboard's routes reach the rest of Hayna through: its sign-in, a desk per
page (reports, groups...) and the gazetteer's names and outlines of communes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from conversations.consultation_desk import ConsultationDesk
from conversations.desk import Desk, SignIn
from conversations.group_desk import GroupDesk
from conversations.meeting_desk import MeetingDesk
from conversations.petition_desk import PetitionDesk
from conversations.question_desk import QuestionDesk


class Board(Protocol):
    """Everything the dashboard's routes reach the rest of Hayna through."""

    @property
    def sign_in(self) -> SignIn: ...

    @property
    def desk(self) -> Desk: ...

    @property
    def groups(self) -> GroupDesk: ...

    @property
    def petitions(self) -> PetitionDesk: ...

    @property
    def meetings(self) -> MeetingDesk: ...

    @property
    def consultations(self) -> ConsultationDesk: ...

    @property
    def questions(self) -> QuestionDesk: ...

    def commune_name(self, code: str, locale: str) -> str: ...

    def communes(self, codes: Sequence[str]) -> Sequence[tuple[str, str]]:
        """(code, name) of each commune, for the filters."""
        ...

    def outline(self, code: str) -> Sequence[Sequence[tuple[float, float]]]:
        """The commune's boundary as rings of (longitude, latitude), simplified; none when
        the gazetteer has no shape for it."""
        ...
