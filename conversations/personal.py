"""What Hayna keeps about one resident, section by section, as "my data" shows it and erasure
removes it. Storage fills it with one typed row per record; the my-data flow reads it and sends
it as a JSON file, whose keys are the rows' field names."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# Sections storage gives today; a section added later is shown with its name and count.
PROFILE = "profile"
CONVERSATION = "conversation"
CONSENTS = "consents"
REPORTS = "reports"
SUPPORTS = "supports"
SIGNATURES = "signatures"
PETITION_SUPPORTS = "petition_supports"
CONSULTATION_ANSWERS = "consultation_answers"
FIXED_CHECKS = "fixed_checks"
QUESTIONS = "questions"
COMMITMENTS = "commitments_followed"
NOTICES = "notices"
ORGANIZED = "organized"
GROUPS = "groups"
RSVPS = "meeting_answers"
ORGANIZER = "organizer_roles"
# Copies of "my data" waiting for a platform that attaches by link to fetch them, a few minutes.
DOWNLOADS = "downloads"

# A field left out of the file while it is empty (a conversation's kept answers).
_OMIT_EMPTY = {"omit_empty": True}


@dataclass(frozen=True, slots=True)
class MyAccount:
    channel: str
    user: str
    language: str | None
    commune_code: str | None
    privacy_notice_version: str | None
    privacy_notice_accepted_at: str | None
    notifications: bool
    reachable: bool
    created_at: str | None


@dataclass(frozen=True, slots=True)
class KeptAnswers:
    """The answers of an earlier question, or of a flow left halfway."""

    kept_as: str
    flow: str
    step: str
    # The flow's answers as they are stored (JSON), the sealed CIN masked.
    answers: object


@dataclass(frozen=True, slots=True)
class MyConversation:
    flow: str | None
    step: str | None
    answers: object
    at: str | None
    kept: tuple[KeptAnswers, ...] = field(default=(), metadata=_OMIT_EMPTY)


@dataclass(frozen=True, slots=True)
class MyConsent:
    kind: str
    version: str
    channel: str
    at: str | None


@dataclass(frozen=True, slots=True)
class MyAttachment:
    kind: str
    ref: str


@dataclass(frozen=True, slots=True)
class MyReport:
    ref: str | None
    status: str
    category: str
    other_label: str | None
    place: str | None
    lat: float | None
    lon: float | None
    description: str | None
    created_at: str | None
    media: tuple[MyAttachment, ...] = ()


@dataclass(frozen=True, slots=True)
class MySupport:
    report: str | None
    since: str | None


@dataclass(frozen=True, slots=True)
class MyPetitionSupport:
    """An association's petition supported: no name nor CIN, only when."""

    petition: str
    title: str
    since: str | None


@dataclass(frozen=True, slots=True)
class MyFixedCheck:
    """Asked whether a report is fixed, and the answer (None: not given)."""

    report: str | None
    asked_at: str | None
    fixed: bool | None


@dataclass(frozen=True, slots=True)
class MyQuestionMessage:
    """One message of a question: the resident's own, or an organizer's answer."""

    author: str
    language: str
    text: str
    media: str | None
    at: str | None


@dataclass(frozen=True, slots=True)
class MyQuestion:
    """A question asked to the organizers, with its messages."""

    question: int
    status: str
    commune_code: str
    asked_at: str | None
    messages: tuple[MyQuestionMessage, ...]


@dataclass(frozen=True, slots=True)
class MyFollow:
    """A commitment of the commune followed, since when."""

    commitment: int
    since: str | None


@dataclass(frozen=True, slots=True)
class MyConsultationAnswer:
    """One answer: the question's number, the options chosen (in rank order), a value, a text,
    a voice note's reference, or a skip."""

    question: int
    options: tuple[int, ...]
    value: int | None
    text: str | None
    voice: str | None
    skipped: bool


@dataclass(frozen=True, slots=True)
class MyConsultation:
    consultation: int
    title: str
    anonymous: bool
    answered_at: str | None
    answers: tuple[MyConsultationAnswer, ...]


@dataclass(frozen=True, slots=True)
class MySignature:
    petition: str
    title: str
    status: str
    filed: bool
    full_name: str
    # Masked: the first letters and the last two digits.
    cin: str
    signed_at: str | None


@dataclass(frozen=True, slots=True)
class MyNotice:
    notice: str
    status: str
    queued_at: str | None


@dataclass(frozen=True, slots=True)
class MyPetition:
    petition: str
    title: str


@dataclass(frozen=True, slots=True)
class MyGroup:
    commune_code: str
    kind: str
    name: str
    since: str | None


@dataclass(frozen=True, slots=True)
class MyAnswer:
    meeting: str
    starts_at: str | None
    answer: str
    at: str | None


@dataclass(frozen=True, slots=True)
class MyRole:
    role: str
    commune_code: str
    group_id: int | None
    since: str | None


@dataclass(frozen=True, slots=True)
class MyInvite:
    invite_redeemed: str
    at: str | None


@dataclass(frozen=True, slots=True)
class MyAction:
    action: str
    target: str
    allowed: bool
    at: str | None


@dataclass(frozen=True, slots=True)
class MySignIn:
    """A dashboard sign-in link or session of an organizer."""

    kind: str
    created_at: str | None
    last_used_at: str | None


@dataclass(frozen=True, slots=True)
class MyDownload:
    file: str
    created_at: str | None
    expires_at: str | None


Row = (
    MyAccount
    | MyConversation
    | MyConsent
    | MyReport
    | MySupport
    | MyPetitionSupport
    | MyConsultation
    | MyFixedCheck
    | MyQuestion
    | MyFollow
    | MySignature
    | MyNotice
    | MyPetition
    | MyGroup
    | MyAnswer
    | MyRole
    | MyInvite
    | MyAction
    | MySignIn
    | MyDownload
)
R = TypeVar("R", bound=Row)


def plain(row: DataclassInstance) -> dict[str, object]:
    """A row (or a part of one) as the JSON file shows it."""
    shown: dict[str, object] = {}
    for f in dataclasses.fields(row):
        value = getattr(row, f.name)
        if f.metadata.get("omit_empty") and not value:
            continue
        if isinstance(value, tuple):
            value = [_part(item) for item in value]
        shown[f.name] = value
    return shown


def _part(item: object) -> object:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return plain(item)
    return item


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Every row tied to a resident, section by section; CINs only masked."""

    sections: tuple[tuple[str, tuple[Row, ...]], ...]

    def section(self, name: str) -> tuple[Row, ...]:
        return next((rows for key, rows in self.sections if key == name), ())

    def rows(self, name: str, kind: type[R]) -> tuple[R, ...]:
        """The rows of one kind in a section."""
        return tuple(row for row in self.section(name) if isinstance(row, kind))

    def to_json(self) -> bytes:
        document = {key: [plain(row) for row in rows] for key, rows in self.sections}
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
