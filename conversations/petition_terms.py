"""The terms a deployment sets for its petitions: the council's delay to answer a filed one
(conversations/answer_clock.py) and the checklist of an association's filing
(conversations/association.py). Both are commonly cited values, not verified against the
official text, so both are settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.answer_clock import DELAY_MONTHS
from conversations.association import Checklist


@dataclass(frozen=True, slots=True)
class PetitionTerms:
    answer_months: int = DELAY_MONTHS
    checklist: Checklist = field(default_factory=Checklist)


DEFAULT_TERMS = PetitionTerms()
