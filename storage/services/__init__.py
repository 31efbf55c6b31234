"""The side effects of flows, one module per noun of `conversations.seams.Services`, all bound
to the message's transaction (`Bound`)."""

from __future__ import annotations

from storage.services.bound import Bound
from storage.services.commitments import SqlCommitments
from storage.services.community import SqlCommunity
from storage.services.consultations import SqlConsultations
from storage.services.organizing import SqlOrganizing
from storage.services.petitions import SqlPetitions
from storage.services.places import SqlPlaces
from storage.services.profile import SqlProfile
from storage.services.prompts import SqlPrompts
from storage.services.questions import SqlQuestions
from storage.services.reports import SqlReports
from storage.services.rights import SqlRights


class SqlServices:
    """`Services` in SQL: each noun's implementation, over one message's transaction."""

    def __init__(self, bound: Bound) -> None:
        self.profile = SqlProfile(bound)
        self.places = SqlPlaces(bound.gazetteer)
        self.reports = SqlReports(bound)
        self.petitions = SqlPetitions(bound)
        self.community = SqlCommunity(bound)
        self.consultations = SqlConsultations(bound)
        self.questions = SqlQuestions(bound)
        self.commitments = SqlCommitments(bound)
        self.organizing = SqlOrganizing(bound)
        self.rights = SqlRights(bound)
        self.prompts = SqlPrompts(bound)
