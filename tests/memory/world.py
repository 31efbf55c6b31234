"""Everything the in-memory services keep, as plain Python objects: one `World` per store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from conversations.commitment import CommitmentChange, CommitmentDraft, CommitmentLife
from conversations.consultation import ConsultationDraft, ConsultationLife, Response
from conversations.groups import Answer, Audience, Group, MeetingDraft
from conversations.kit import Address, Place, Resident
from conversations.outcome import MeetingOutcome
from conversations.petition import PetitionDraft, PetitionLife
from conversations.question import Message, QuestionStatus
from conversations.report import Draft, Event, ReportStatus
from conversations.seams import FlowState


@dataclass
class Report:
    id: int
    ref: str
    author: int | None
    draft: Draft
    status: ReportStatus
    created_at: datetime
    updated_at: datetime
    supporters: dict[int, datetime] = field(default_factory=dict)
    history: list[Event] = field(default_factory=list)
    # "Is it fixed?": each resident asked, and what they said (None: not yet).
    checks: dict[int, bool | None] = field(default_factory=dict)


@dataclass
class Signature:
    resident_id: int | None
    full_name: str
    cin_key: str
    sealed_cin: str
    at: datetime


@dataclass
class Petition:
    id: int
    code: str
    draft: PetitionDraft
    life: PetitionLife
    created_by: str
    signatures: list[Signature] = field(default_factory=list)


@dataclass
class Meeting:
    id: int
    draft: MeetingDraft
    status: str
    created_by: str
    answers: dict[int, Answer] = field(default_factory=dict)
    # Door codes by resident, those checked in, and the outcome recorded (published or not).
    codes: dict[int, str] = field(default_factory=dict)
    checked: set[int] = field(default_factory=set)
    outcome: MeetingOutcome | None = None


@dataclass
class Announcement:
    id: int
    audience: Audience
    texts: tuple[tuple[str, str], ...]
    due_at: datetime
    photo: str


@dataclass
class Invite:
    commune_code: str
    group_id: int | None
    expires_at: datetime
    redeemed_by: int | None = None


@dataclass
class Area:
    """A commune and the box it covers (south, north, west, east), instead of its boundary."""

    place: Place
    box: tuple[float, float, float, float]


@dataclass
class Consultation:
    id: int
    draft: ConsultationDraft
    life: ConsultationLife
    # By resident: their answers by question, and whether they completed the set.
    answers: dict[int, dict[int, Response]] = field(default_factory=dict)
    completed: set[int] = field(default_factory=set)


@dataclass
class Question:
    """A ticket: its resident, whose organizers it is for, its status, claim and messages."""

    id: int
    resident_id: int
    commune_code: str
    group_id: int | None
    status: QuestionStatus
    created_at: datetime
    last_activity_at: datetime
    messages: list[Message] = field(default_factory=list)
    claimed_by: int | None = None
    claimed_at: datetime | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None


@dataclass
class Promise:
    """A commitment of the commune, its history and its followers (resident: since when)."""

    id: int
    draft: CommitmentDraft
    life: CommitmentLife
    history: list[CommitmentChange] = field(default_factory=list)
    followers: dict[int, datetime] = field(default_factory=dict)


@dataclass
class World:
    """Every table of the SQL store, as dictionaries and lists."""

    areas: tuple[Area, ...]
    organizers: frozenset[Address] = frozenset()
    last_id: int = 0
    residents: dict[int, Resident] = field(default_factory=dict)
    by_address: dict[Address, int] = field(default_factory=dict)
    states: dict[int, FlowState] = field(default_factory=dict)
    inbox: set[tuple[str, str]] = field(default_factory=set)
    # (resident, kind, version, channel, at)
    consents: list[tuple[int, str, str, str, datetime]] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    petitions: list[Petition] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    members: dict[int, dict[int, datetime]] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    announcements: list[Announcement] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    # (key, language) -> the voice note's reference, as the chat noted it.
    prompts: dict[tuple[str, str], str] = field(default_factory=dict)
    # Canned answers: (id, commune, text).
    canned: list[tuple[int, str, str]] = field(default_factory=list)
    # Pushes queued for one resident: (resident, body's JSON).
    pushes: list[tuple[int, object]] = field(default_factory=list)
    commitments: list[Promise] = field(default_factory=list)
    # Each change of a commitment's status, and the followers it was told to.
    told: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    invites: dict[str, Invite] = field(default_factory=dict)
    # Scopes granted by invites: (resident, commune, group or None).
    scopes: list[tuple[int, str, int | None]] = field(default_factory=list)
    # (resident, action, target, allowed, at)
    audit: list[tuple[int | None, str, str, bool, datetime]] = field(default_factory=list)
    # Dashboard sign-in tokens: token -> (resident, made at).
    sign_ins: dict[str, tuple[int, datetime]] = field(default_factory=dict)

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id
