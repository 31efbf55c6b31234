"""The name of every flow, typed once: what a flow is registered under, what a turn hands over
to, and what the store keeps of where a resident is."""

from __future__ import annotations

from enum import StrEnum


class FlowName(StrEnum):
    ONBOARDING = "onboarding"
    MENU = "menu"
    LANGUAGE = "language"
    REPORT_NEED = "report_need"
    PETITIONS = "petitions"
    PETITION_DRAFTING = "petition_drafting"
    ACTIVITY = "activity"
    MY_DATA = "my_data"
    SUBSCRIPTIONS = "subscriptions"
    ORGANIZING = "organizing"
    ORGANIZER_MEETINGS = "organizer_meetings"
    MEETING_CLOSING = "meeting_closing"
    PAPER_ENTRY = "paper_entry"
    CONSULTATIONS = "consultations"
    CONSULTATION_DRAFTING = "consultation_drafting"
    ASKING = "asking"
    ANSWERING = "answering"
    COMMITMENTS = "commitments"
    COMMITMENT_TOOLS = "commitment_tools"
    PROMPT_RECORDING = "prompt_recording"


def flow_named(name: str | None) -> FlowName | None:
    """The flow a stored name stands for; None for none, or for a name no flow has any more."""
    try:
        return FlowName(name) if name else None
    except ValueError:
        return None


# A shared link carried through onboarding: a petition's code, or a consultation's number after
# this mark ("c:12"), opened once the resident is set up.
CONSULTATION_MARK = "c:"


def linked(link: str) -> tuple[FlowName, str]:
    """The flow a link carried through onboarding opens, and the link that flow reads."""
    if link.startswith(CONSULTATION_MARK):
        return FlowName.CONSULTATIONS, link.removeprefix(CONSULTATION_MARK)
    return (FlowName.PETITIONS, link) if link else (FlowName.MENU, "")
