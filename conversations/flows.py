"""The registry of flows: every flow of the chat, built once under its name. The engine receives
it and names no flow itself; a new flow is one module and one line here."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from conversations.activity import Activity
from conversations.answering import Answering
from conversations.asking import Asking
from conversations.change_language import ChangeLanguage
from conversations.commitment_tools import CommitmentTools
from conversations.commitments import CommitmentsFlow
from conversations.consultation_drafting import ConsultationDrafting
from conversations.consulting import Consulting
from conversations.dates import DateReader, NumericDates
from conversations.flow import Flow, Flows
from conversations.meeting_closing import MeetingClosing
from conversations.menu import Menu
from conversations.my_data import MyData
from conversations.onboarding import Onboarding
from conversations.organizer_meetings import OrganizerMeetings
from conversations.organizing import OrganizingFlow
from conversations.paper_entry import PaperEntry
from conversations.petition_drafting import PetitionDrafting
from conversations.petitions import PetitionsFlow
from conversations.prompt_recording import PromptRecording
from conversations.report_need import ReportNeed
from conversations.subscriptions import Subscriptions


def every_flow(dates: DateReader | None = None) -> Flows:
    """Every flow by its name; ``dates`` reads the days and times organizers type. The menu,
    built last, offers the flows present."""
    dates = dates or NumericDates()
    flows: tuple[Flow[Any, Any], ...] = (
        ReportNeed(),
        PetitionsFlow(),
        PetitionDrafting(),
        Activity(),
        MyData(),
        Subscriptions(),
        OrganizingFlow(dates),
        OrganizerMeetings(dates),
        MeetingClosing(),
        PaperEntry(),
        Consulting(),
        ConsultationDrafting(),
        Asking(),
        Answering(),
        CommitmentsFlow(),
        CommitmentTools(),
        PromptRecording(),
        ChangeLanguage(),
        Onboarding(),
    )
    flows += (Menu(available=frozenset(flow.name for flow in flows)),)
    named = {flow.name: flow for flow in flows}
    if len(named) != len(flows):
        raise ValueError("two flows share a name")
    return MappingProxyType(named)
