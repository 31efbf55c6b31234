"""What the command line says of what storage refuses: one line, in English, naming the flags.

Storage raises neutral refusals (what is wrong, and the figures that go with it); the chat says
its own in the resident's language.
"""

from __future__ import annotations

from typing import assert_never

from bot.command_line import CommandRefused
from conversations import petition_rules, report_rules
from conversations.actor import ACTOR_MAX
from conversations.answer_clock import RECEIPT_MAX
from conversations.commitment import (
    MAKER_MAX,
    NOTE_MAX,
    TEXT_MAX,
    CommitmentLife,
    CommitmentRefusal,
    CommitmentWhy,
)
from conversations.consultation import (
    ASKER_MAX,
    LANGUAGES,
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PROMPT_MAX,
    PURPOSE_MAX,
    QUESTIONS_MAX,
    RANKED,
    TITLE_MAX,
    ConsultationRefusal,
    ConsultationWhy,
)
from conversations.desk import REASON_MAX
from conversations.outcome import (
    DECISION_MAX,
    DECISIONS_MAX,
    RESPONSIBLE_MAX,
    SUMMARY_MAX,
    OutcomeError,
    OutcomeWhy,
)
from conversations.petition_rules import THRESHOLD_MAX, THRESHOLD_MIN, PetitionField, PetitionWhy
from conversations.report_rules import ReportWhy
from storage.meetings import MeetingError
from storage.operator import AnyRefusal, Operator, OperatorRefusal, OperatorWhy, scope_words

# How each field of a petition is named on the command line.
FLAGS = {
    PetitionField.TITLE: "--title",
    PetitionField.SUMMARY: "--summary",
    PetitionField.BODY: "the text",
    PetitionField.REQUESTS: "--requests",
    PetitionField.REPRESENTATIVE: "--representative",
    PetitionField.ACTOR: "--by",
}


def refused(operator: Operator) -> CommandRefused:
    """What the operator's refused action says, to raise once its transaction is committed (so
    that the audit log keeps the try)."""
    refusal = operator.refusal
    return CommandRefused(refusal_text(refusal) if refusal is not None else "refused")


def refusal_text(refusal: AnyRefusal) -> str:
    """The line that says ``refusal``, after "hayna: "."""
    if isinstance(refusal, petition_rules.PetitionRefusal):
        return _petition(refusal)
    if isinstance(refusal, report_rules.ReportRefusal):
        return _report(refusal)
    if isinstance(refusal, OutcomeError):
        return f"{OUTCOME_WHY[refusal.why]} ({refusal})"
    if isinstance(refusal, MeetingError):
        return str(refusal)
    if isinstance(refusal, ConsultationRefusal):
        return consultation_text(refusal)
    if isinstance(refusal, CommitmentRefusal):
        return commitment_text(refusal)
    return _operator(refusal)


OUTCOME_WHY = {
    OutcomeWhy.NOT_HELD: "the meeting has not been held yet: record its outcome once it started",
    OutcomeWhy.NOT_PUBLISHED: "only a published meeting that was held has an outcome",
    OutcomeWhy.ALREADY_PUBLISHED: "its outcome is published already and can no longer change",
    OutcomeWhy.NOT_RECORDED: "record the outcome first (--summary, --attended)",
    OutcomeWhy.NO_SUMMARY: "--summary must not be empty",
    OutcomeWhy.NOT_A_NUMBER: "--attended must be a number of people",
    OutcomeWhy.EMPTY_DECISION: "a --decision must have a text",
    OutcomeWhy.TOO_LONG: (
        f"too long: --summary {SUMMARY_MAX}, a decision {DECISION_MAX}, who is responsible "
        f"{RESPONSIBLE_MAX} characters at most"
    ),
    OutcomeWhy.DUE_PAST: "a decision's due date has passed: give a day to come",
    OutcomeWhy.TOO_MANY: f"at most {DECISIONS_MAX} decisions",
    OutcomeWhy.GROUP_ELSEWHERE: "--group-attended names a group of another commune",
}


STATUSES = ", ".join(life.value.replace("_", "-") for life in CommitmentLife)
COMMITMENT_WHY = {
    CommitmentWhy.EMPTY_TEXT: "--text is empty: say what the commune committed to",
    CommitmentWhy.TEXT_TOO_LONG: f"--text is longer than {TEXT_MAX} characters",
    CommitmentWhy.NO_MAKER: f"--made-by must be a name of 1 to {MAKER_MAX} characters",
    CommitmentWhy.PAST_DUE: "--due is in the past: give a day from today on",
    CommitmentWhy.UNKNOWN_STATUS: f"unknown status: use one of {STATUSES}",
    CommitmentWhy.SAME_STATUS: "the commitment already has this status",
    CommitmentWhy.NOTE_TOO_LONG: f"--note is longer than {NOTE_MAX} characters",
}


def commitment_text(refusal: CommitmentRefusal) -> str:
    if refusal.why is CommitmentWhy.NO_COMMITMENT:
        return f"no commitment {refusal.ref}: see hayna commitments list"
    if refusal.why is CommitmentWhy.NO_SOURCE:
        return f"{refusal.ref}: no petition or meeting of this commune by that code"
    said = COMMITMENT_WHY[refusal.why]
    return f"commitment {refusal.ref}: {said}" if refusal.ref else said


CONSULTATION_WHY = {
    ConsultationWhy.NO_ASKER: f"asked_by must be a name of 1 to {ASKER_MAX} characters",
    ConsultationWhy.NO_TEXT: "a text is empty: write it in at least one language",
    ConsultationWhy.TEXT_LENGTH: (
        f"a text is too long or empty in one language (title {TITLE_MAX}, purpose "
        f"{PURPOSE_MAX}, prompt {PROMPT_MAX}, option {OPTION_MAX} characters at most)"
    ),
    ConsultationWhy.LANGUAGE: f"texts are written in {', '.join(LANGUAGES)} only",
    ConsultationWhy.NO_QUESTION: "a consultation asks at least one question",
    ConsultationWhy.TOO_MANY_QUESTIONS: f"a consultation asks at most {QUESTIONS_MAX} questions",
    ConsultationWhy.OPTIONS: (
        f"one, several and rank questions have {OPTIONS_MIN} to {OPTIONS_MAX} options (a "
        f"ranking at least {RANKED}); the other kinds have none"
    ),
    ConsultationWhy.MOST: "most must be 0 (no limit) up to the number of options",
    ConsultationWhy.CLOSES_BEFORE_OPENING: "closes must come after opens",
    ConsultationWhy.CLOSES_IN_THE_PAST: "closes must be in the future",
    ConsultationWhy.NO_MEETING: "meeting must be one of the commune's (`hayna meetings list`)",
}


def consultation_text(refusal: ConsultationRefusal) -> str:
    said = CONSULTATION_WHY[refusal.why]
    return f"question {refusal.question + 1}: {said}" if refusal.question is not None else said


def _operator(refusal: OperatorRefusal) -> str:
    commune, address = refusal.commune, refusal.address
    match refusal.why:
        case OperatorWhy.GROUP_ELSEWHERE:
            where = commune or "a commune: add --commune"
            return f"group {refusal.number} is not a group of {where}"
        case OperatorWhy.ADMIN:
            return f"not removed: {admin_note(address)}"
        case OperatorWhy.NO_UPDATE:
            return f"there is no update {refusal.number}"
        case OperatorWhy.NOT_ORGANIZER:
            return (
                f"{address} is not an organizer (they redeem an invite from "
                "`hayna organizers invite` in their chat first)"
            )
        case OperatorWhy.NO_SCOPE:
            where = scope_words(commune, refusal.number or None)
            return f"{address} has no organizer scope to remove {where}"
        case _:
            assert_never(refusal.why)


def admin_note(address: str) -> str:
    return (
        f"{address} is in HAYNA_ADMINS: an organizer everywhere, set by the environment, "
        "which this command cannot change. To remove them, take the address out of "
        "HAYNA_ADMINS and restart hayna."
    )


def _petition(refusal: petition_rules.PetitionRefusal) -> str:
    code = refusal.code
    match refusal.why:
        case PetitionWhy.NO_PETITION:
            return f"no petition {code}"
        case PetitionWhy.FIELD_LENGTH:
            name = FLAGS[refusal.field] if refusal.field else "a field"
            return f"{name} must be 1 to {refusal.most} characters; it has {refusal.length}"
        case PetitionWhy.THRESHOLD:
            return f"--threshold {refusal.threshold} must be {THRESHOLD_MIN} to {THRESHOLD_MAX}"
        case PetitionWhy.DEADLINE_NOT_AHEAD:
            return f"--deadline {refusal.deadline} is not in the future: give a later day"
        case (
            PetitionWhy.SHORT_OF_SIGNATURES
            | PetitionWhy.NOT_A_MOVE
            | PetitionWhy.LAST_DAY_PASSED
            | PetitionWhy.NO_REASONS
        ):
            return _petition_move(refusal)
        case PetitionWhy.NO_FREE_CODE:
            return "could not find a free petition code"
        case PetitionWhy.UNFILED:
            return f"{code} is a draft: publish it before exporting it"
        case (
            PetitionWhy.NO_RECEIPT
            | PetitionWhy.RECEIPT_LENGTH
            | PetitionWhy.DEPOSIT_AHEAD
            | PetitionWhy.DEPOSIT_BEFORE_OPENING
        ):
            return _deposit(refusal)
        case (
            PetitionWhy.NO_ASSOCIATION
            | PetitionWhy.DECLARED_AHEAD
            | PetitionWhy.CHECKLIST_INCOMPLETE
            | PetitionWhy.NOT_ON_CHECKLIST
        ):
            return _association(refusal)
        case _:
            assert_never(refusal.why)


def _association(refusal: petition_rules.PetitionRefusal) -> str:
    """What a refused association's petition says."""
    code = refusal.code
    if refusal.why is PetitionWhy.NO_ASSOCIATION:
        return (
            "--association must name a group of kind association of the petition's commune "
            "(`hayna groups list`)"
        )
    if refusal.why is PetitionWhy.DECLARED_AHEAD:
        return (
            f"--declared {refusal.day} is in the future: give the day the association's "
            "declaration was received"
        )
    if refusal.why is PetitionWhy.CHECKLIST_INCOMPLETE:
        missing = ", ".join(refusal.unticked)
        return (
            f"{code}'s checklist is not complete: tick {missing} first "
            f"(`hayna petitions checklist {code}`)"
        )
    return f"{code} has no such item on its checklist (`hayna petitions checklist {code}`)"


def _petition_move(refusal: petition_rules.PetitionRefusal) -> str:
    """What a refused move along a petition's life says."""
    code = refusal.code
    if refusal.why is PetitionWhy.SHORT_OF_SIGNATURES:
        return (
            f"{code} has {refusal.counted} of the {refusal.threshold} signatures it needs: "
            "it can be filed once it has them all"
        )
    if refusal.why is PetitionWhy.NOT_A_MOVE:
        allowed = ", ".join(refusal.allowed) or "none"
        return f"{code} is {refusal.current}: it can become {allowed}"
    if refusal.why is PetitionWhy.LAST_DAY_PASSED:
        return f"{code}'s last day has passed: it cannot be opened"
    return "a rejection needs the council's reasons: --note TEXT"


def _deposit(refusal: petition_rules.PetitionRefusal) -> str:
    """What a refused filing's deposit says."""
    if refusal.why is PetitionWhy.NO_RECEIPT:
        return "filing records the commune's receipt: add --receipt NUMBER"
    if refusal.why is PetitionWhy.RECEIPT_LENGTH:
        return f"--receipt must be 1 to {RECEIPT_MAX} characters; it has {refusal.length}"
    if refusal.why is PetitionWhy.DEPOSIT_AHEAD:
        return f"--deposited {refusal.day} is in the future: give the day it was deposited"
    return f"--deposited must not come before the petition was opened, on {refusal.day}"


def _report(refusal: report_rules.ReportRefusal) -> str:
    match refusal.why:
        case ReportWhy.NO_REPORT:
            return f"no report {refusal.ref}"
        case ReportWhy.ACTOR:
            return f"--by must be 1 to {ACTOR_MAX} characters; it has {refusal.length}"
        case ReportWhy.NO_REASON:
            return "a rejection needs its reason: --note TEXT"
        case ReportWhy.NO_KEPT:
            return "a duplicate needs the reference of another open report: --of REF"
        case ReportWhy.KEPT_WITHOUT_DUPLICATE:
            return "--of goes with the status duplicate only"
        case ReportWhy.NO_MEDIA:
            return f"{refusal.ref} has no such photo or voice note"
        case ReportWhy.HIDE_REASON:
            return f"the reason must be 1 to {REASON_MAX} characters; it has {refusal.length}"
        case _:
            assert_never(refusal.why)
