"""The rules of petitions, reports and bursts, as the pure functions storage enforces."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from conversations.burst_rules import MIN_YOUNG, due, is_burst
from conversations.petition import PetitionDraft, PetitionLife
from conversations.petition_drafting import BAD_THRESHOLD, FIELDS_OF
from conversations.petition_rules import (
    FILED,
    LIMITS,
    MOVES,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    PetitionField,
    PetitionRefusal,
    PetitionWhy,
    draft_refusal,
    move_refusal,
)
from conversations.report import ReportStatus
from conversations.report_rules import (
    NEARBY_METRES,
    ReportWhy,
    metres,
    place_key,
    same_need,
    status_refusal,
)
from conversations.text import SourceTranslator

TODAY = date(2026, 12, 3)
DRAFT = PetitionDraft(
    "001.01.01", "Titre", "Résumé", "Texte", "Demandes", "Amina", 200, TODAY + timedelta(days=1)
)


def test_a_draft_is_refused_for_its_first_broken_rule() -> None:
    def refused(actor: str = "Khadija", **changed: object) -> PetitionRefusal | None:
        return draft_refusal(replace(DRAFT, **changed), actor, TODAY)

    assert refused() is None
    most = LIMITS[PetitionField.TITLE]
    assert refused(title="x" * most) is None
    assert refused(title="x" * (most + 1)) == PetitionRefusal(
        PetitionWhy.FIELD_LENGTH, field=PetitionField.TITLE, length=121
    )
    assert refused(summary="  ") == PetitionRefusal(
        PetitionWhy.FIELD_LENGTH, field=PetitionField.SUMMARY, length=2
    )
    assert refused("x" * 81) == PetitionRefusal(
        PetitionWhy.FIELD_LENGTH, field=PetitionField.ACTOR, length=81
    )
    assert refused(deadline=TODAY) == PetitionRefusal(
        PetitionWhy.DEADLINE_NOT_AHEAD, deadline=TODAY
    )
    assert refused(threshold=0) == PetitionRefusal(PetitionWhy.THRESHOLD, threshold=0)


def test_the_life_of_a_petition_allows_only_its_moves() -> None:
    for current, allowed in MOVES.items():
        for to in PetitionLife:
            refused = move_refusal("C", current, to, "reasons", 10, 5, False)
            assert (refused is None) == (to in allowed), (current, to)
    short = move_refusal("C", PetitionLife.OPEN, PetitionLife.FILED, "", 3, 5, False)
    assert short == PetitionRefusal(PetitionWhy.SHORT_OF_SIGNATURES, "C", counted=3, threshold=5)
    late = move_refusal("C", PetitionLife.DRAFT, PetitionLife.OPEN, "", 0, 5, True)
    assert late == PetitionRefusal(PetitionWhy.LAST_DAY_PASSED, "C")
    unreasoned = move_refusal("C", PetitionLife.FILED, PetitionLife.REJECTED, " ", 9, 5, False)
    assert unreasoned == PetitionRefusal(PetitionWhy.NO_REASONS, "C")
    stuck = move_refusal("C", PetitionLife.ANSWERED, PetitionLife.OPEN, "", 9, 5, False)
    assert stuck is not None and stuck.allowed == ()
    # What the commune received: its signatures stay with it.
    assert {
        PetitionLife.FILED,
        PetitionLife.ACCEPTED,
        PetitionLife.REJECTED,
        PetitionLife.ANSWERED,
    } == FILED


def test_a_report_is_the_same_need_within_300_m_or_at_the_same_typed_place() -> None:
    # About 0.0027° of latitude is 300 m.
    near = metres(33.5570, -7.5850, 33.5570 + 0.0026, -7.5850)
    far = metres(33.5570, -7.5850, 33.5570 + 0.0028, -7.5850)
    assert near <= NEARBY_METRES < far
    assert same_need(near, "", "") and not same_need(far, "", "")
    assert place_key("Hay Mohammadi") == place_key("hay MOHAMMADI")
    assert same_need(far, "Hay Mohammadi", "hay MOHAMMADI")
    assert not same_need(far, "Hay Mohammadi", "Hay Farah")
    assert not same_need(float("inf"), "", "")


def test_a_rejection_needs_its_reason_and_a_change_its_author() -> None:
    unreasoned = status_refusal("R", ReportStatus.REJECTED, "", "Omar")
    assert unreasoned is not None and unreasoned.why is ReportWhy.NO_REASON
    assert status_refusal("R", ReportStatus.REJECTED, "hors commune", "Omar") is None
    nobody = status_refusal("R", ReportStatus.RESOLVED, "", "")
    assert nobody is not None and nobody.why is ReportWhy.ACTOR
    assert status_refusal("R", ReportStatus.RESOLVED, "", "Omar") is None


def test_a_burst_is_many_new_accounts_and_most_of_the_window() -> None:
    assert is_burst(MIN_YOUNG * 2 - 1, MIN_YOUNG)
    assert not is_burst(MIN_YOUNG * 2, MIN_YOUNG), "half is not most"
    assert not is_burst(MIN_YOUNG - 1, MIN_YOUNG - 1), "too few to be a burst"
    assert [count for count in range(1, 31) if due(count)] == [10, 20, 30]


def test_the_chat_asks_for_the_lengths_storage_enforces() -> None:
    # The questions say their limit in words, translated: they must say the rule's figure.
    english = SourceTranslator()
    for field in FIELDS_OF.values():
        asked = field.question.text.render(english)
        assert f"at most {LIMITS[field.text]:,} characters" in asked, asked
    assert f"from {THRESHOLD_MIN} to {THRESHOLD_MAX:,}." in BAD_THRESHOLD.render(english)
