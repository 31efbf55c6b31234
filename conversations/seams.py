"""The seams conversations need from the outside, as small Protocols.

`storage` implements `ConversationStore`/`Unit`/`Services`; each channel in `handlers`
implements `Outbox` and `MediaFetcher`. Conversations never learn which database or platform is
behind them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from conversations.commitment import Commitment, CommitmentDraft, CommitmentLife
from conversations.consultation import (
    Answered,
    Asked,
    ConsultationDraft,
    ConsultationLife,
    Response,
)
from conversations.fixed_check import Pending, Said
from conversations.groups import (
    Answer,
    Audience,
    Counts,
    DeliveryReport,
    Group,
    GroupKind,
    Meeting,
    MeetingDraft,
    Reach,
    Redeemed,
)
from conversations.kit import (
    Address,
    Attachment,
    Inbound,
    Location,
    Media,
    Outgoing,
    Place,
    Resident,
)
from conversations.outcome import CheckedIn, MeetingOutcome, OutcomeDraft
from conversations.paper import Entered, PaperSignature
from conversations.personal import PersonalData
from conversations.petition import Card, PetitionDraft, Signing
from conversations.question import Canned, Claim, Destination, Ticket
from conversations.report import Brief, Detail, Draft


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A question asked in a flow, to come back to: the flow, its step, the answers as they were
    (JSON) and the question itself (the JSON of its `Reply`, unrendered: shown again in the
    resident's language of the day)."""

    flow: str
    step: str
    data: str
    question: str


@dataclass(frozen=True, slots=True)
class Paused:
    """A flow left halfway for a global word: where it stood, and the questions before it."""

    at: Bookmark
    trail: tuple[Bookmark, ...] = ()


@dataclass(frozen=True, slots=True)
class FlowState:
    """Where a resident is: the flow, its step and the answers so far (JSON)."""

    flow: str | None = None
    step: str | None = None
    data: str = "{}"
    # The options of the last question, rendered, so a typed number or label can pick one.
    offered: str = "[]"
    # The last question asked, rendered, so help and unknown input can ask it again.
    prompt: str = "[]"
    version: int = 0
    # The current question as the flow asked it (the JSON of its `Reply`), "" when unknown.
    question: str = ""
    # The questions answered before this one, oldest first: what "back" returns to.
    trail: tuple[Bookmark, ...] = ()
    # A flow left for a global word, offered again until it is continued or replaced.
    paused: Paused | None = None
    # When the state was last saved, that is the resident's previous message; None at first.
    saved_at: datetime | None = None


class Profile(Protocol):
    """The resident's own settings and consents."""

    async def set_language(self, language: str) -> None: ...

    async def give_consent(self, version: str) -> None:
        """Agree to the privacy notice ``version``: on the resident and in the consent ledger."""
        ...

    async def agree_to_signing(self, version: str) -> None:
        """Record the consent to keep a signature's name and CIN, in the consent ledger."""
        ...

    async def set_commune(self, code: str) -> None: ...

    async def set_pushes(self, enabled: bool) -> None: ...

    async def set_voice(self, enabled: bool) -> None:
        """Questions with their voice prompt, or text only (also once the choice is offered)."""
        ...


class Places(Protocol):
    """The communes of the gazetteer, by name, by code or under a pin."""

    async def find_communes(self, query: str, limit: int) -> Sequence[Place]: ...

    async def commune_at(self, location: Location) -> Place | None: ...

    async def communes_near(self, location: Location) -> Sequence[Place]:
        """The commune under a pin first, then any other whose boundary is within about 300 m
        of it (boundaries are simplified); none at sea or abroad."""
        ...

    async def commune(self, code: str) -> Place | None: ...


class Reports(Protocol):
    """Local needs: filing one, supporting another, following them."""

    async def file_report(self, draft: Draft) -> str:
        """Store a confirmed report; returns its reference."""
        ...

    async def nearby_reports(self, draft: Draft) -> Sequence[Brief]:
        """Open reports like this one, close by, that the resident could support instead."""
        ...

    async def support_report(self, ref: str) -> bool | None:
        """Count the resident among the supporters: False when they already were, None when
        the report is no longer open."""
        ...

    async def my_reports(self, limit: int) -> Sequence[Brief]: ...

    async def report_detail(self, ref: str) -> Detail | None: ...

    async def fixed_question(self) -> Pending | None:
        """The oldest "is it fixed?" the resident was asked and has not answered."""
        ...

    async def answer_fixed(self, ref: str, said: Said) -> bool:
        """Their answer, once: a "no" reopens a resolved report, a "yes" confirms it."""
        ...


class Petitions(Protocol):
    """Petitions to the commune: reading, signing, withdrawing, and an organizer's drafts."""

    async def open_petitions(self) -> Sequence[Card]:
        """The petitions collecting signatures in the resident's commune."""
        ...

    async def petition(self, code: str) -> Card | None: ...

    async def seal(self, secret: str) -> str:
        """Encrypt a CIN for the conversation state: it never rests there in clear."""
        ...

    async def sign_petition(self, code: str, full_name: str, sealed_cin: str) -> Signing: ...

    async def withdraw_signature(self, code: str) -> bool:
        """Take back a signature, or the support of an association's petition."""
        ...

    async def support_petition(self, code: str) -> Signing:
        """Support an association's petition: counted, no legal signature (no name, no CIN)."""
        ...

    async def associations(self, commune: str) -> Sequence[Group]:
        """The groups of kind association of a commune, which may file a petition."""
        ...

    async def my_signatures(self) -> Sequence[Card]: ...

    async def draft_petition(self, draft: PetitionDraft) -> str:
        """Store a draft; raises PermissionError for anyone but an organizer."""
        ...

    async def publish_petition(self, code: str) -> None:
        """Open a draft for signatures; raises PermissionError for anyone but an organizer."""
        ...


class Consultations(Protocol):
    """Consultations for residents: those open to them, one to answer, each answer kept as it
    is given (so a half-done set resumes anywhere), changed until the consultation closes."""

    async def open_consultations(self) -> Sequence[Asked]:
        """Open in the resident's commune, to all of it or to a group they follow."""
        ...

    async def consultation(self, consultation_id: int) -> Asked | None:
        """One of those, with the resident's answers so far; None when it is not open to them."""
        ...

    async def answer(self, consultation_id: int, position: int, response: Response) -> Answered: ...

    async def complete(self, consultation_id: int) -> bool: ...

    async def answered(self) -> Sequence[Asked]:
        """The consultations the resident answered, open or closed, the latest first."""
        ...


class Questions(Protocol):
    """Residents' questions to the organizers, one ticket each: the resident asks and follows
    up; an organizer lists those of their scope, claims one (one organizer at a time), answers
    it (a push to the resident) and keeps canned answers. Organizer methods return None (or
    `Claim.GONE`, False) to anyone outside the scope, and audit the try."""

    async def destinations(self) -> Sequence[Destination]:
        """The commune's organizers first, then each group the resident follows."""
        ...

    async def ask(self, group_id: int | None, text: str, media: str = "") -> int | None:
        """A new ticket; its number, or None when it is empty or that group is not followed."""
        ...

    async def my_questions(self) -> Sequence[Ticket]:
        """The resident's tickets not closed, the latest first."""
        ...

    async def follow_up(self, ticket_id: int, text: str, media: str = "") -> bool:
        """A follow-up to one's own ticket, not closed: re-opened for the organizer who answered."""
        ...

    async def open_questions(self) -> Sequence[Ticket] | None:
        """Open and claimed tickets within the organizer's scope, the oldest first (at most 50)."""
        ...

    async def claim(self, ticket_id: int) -> Claim: ...

    async def ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket of the scope, with its messages."""
        ...

    async def voices(self, ticket_id: int) -> Sequence[Attachment] | None:
        """The voice notes Hayna kept of a ticket of the scope, oldest first, as files."""
        ...

    async def answer(self, ticket_id: int, text: str, language: str) -> bool:
        """Answer a ticket one holds the claim of; False otherwise."""
        ...

    async def canned(self, ticket_id: int) -> Sequence[Canned] | None:
        """The canned answers of the ticket's commune."""
        ...

    async def save_canned(self, ticket_id: int, text: str) -> int | None:
        """Keep ``text`` as a canned answer of the ticket's commune."""
        ...


class Commitments(Protocol):
    """The commune's commitments: residents read and follow those of their commune; organizers
    add them and change their status within their scope (None when they may not, audited)."""

    async def commune_commitments(self) -> Sequence[Commitment]:
        """The commitments of the resident's commune, the soonest due first."""
        ...

    async def commitment(self, commitment_id: int) -> Commitment | None:
        """One of them with its history; None when it is no commitment of their commune."""
        ...

    async def follow(self, commitment_id: int) -> bool | None:
        """Be told of its changes: False when already following, None for no such commitment."""
        ...

    async def unfollow(self, commitment_id: int) -> bool: ...

    async def add(self, draft: CommitmentDraft) -> int | None:
        """A new commitment of a commune within the scope; its number."""
        ...

    async def set_status(self, commitment_id: int, life: CommitmentLife, note: str) -> int | None:
        """Change its status with a note, told to its followers; how many follow it."""
        ...

    async def organizer_commitments(self) -> Sequence[Commitment] | None:
        """The commitments of the communes the organizer organizes; None for anyone else."""
        ...


class Community(Protocol):
    """Groups and meetings, for residents; an invite makes an organizer."""

    async def groups(self) -> Sequence[Group]:
        """The groups of the resident's commune, marked when they are a member."""
        ...

    async def join_group(self, group_id: int) -> bool: ...

    async def leave_group(self, group_id: int) -> bool: ...

    async def upcoming_meetings(self) -> Sequence[Meeting]: ...

    async def closed_meetings(self) -> Sequence[Meeting]:
        """Meetings held lately whose outcome is published, that were for the resident or that
        they answered, latest first."""
        ...

    async def meeting(self, meeting_id: int) -> Meeting | None: ...

    async def answer_meeting(self, meeting_id: int, answer: Answer) -> bool: ...

    async def meeting_calendar(self, meeting_id: int) -> str | None:
        """The .ics text of a meeting the resident attends; None otherwise."""
        ...

    async def meeting_code(self, meeting_id: int) -> str | None:
        """The code the resident shows at the door, given when they said they attend."""
        ...

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        """What came out of the meeting, once its organizer published it."""
        ...

    async def redeem_invite(self, code: str) -> Redeemed: ...


class Organizing(Protocol):
    """What organizers do: each returns None (or False) when the resident may not, and audits
    the try."""

    async def is_organizer(self) -> bool:
        """Whether this resident organizes (HAYNA_ADMINS, or redeemed an invite)."""
        ...

    async def organizer_reach(self) -> Reach | None: ...

    async def dashboard_link(self) -> str | None:
        """A one-time link to the web dashboard, valid 15 minutes, bound to this organizer."""
        ...

    async def audience_size(self, audience: Audience) -> int | None: ...

    async def paper_petitions(self) -> Sequence[Card] | None:
        """The petitions collecting signatures in the organizer's communes (at most 10);
        None for anyone else (audited)."""
        ...

    async def add_paper(self, code: str, paper: PaperSignature, sealed_cin: str) -> Entered:
        """Count a line of a paper sheet; its CIN comes sealed (``paper.cin`` is its masked
        form), as the chat keeps it between messages."""
        ...

    async def broadcast(
        self, texts: Sequence[tuple[str, str]], audience: Audience, at: datetime, photo: str = ""
    ) -> int | None:
        """Plan an update, one (language, text) per language, maybe with a photo the organizer
        sent (its reference on their channel, fetched before it goes); returns its number."""
        ...

    async def delivery_report(self, announcement_id: int) -> DeliveryReport | None: ...

    async def create_group(self, commune: str, kind: GroupKind, name: str) -> int | None: ...

    async def create_meeting(self, draft: MeetingDraft) -> int | None: ...

    async def publish_meeting(self, meeting_id: int) -> bool: ...

    async def move_meeting(self, meeting_id: int, starts_at: datetime) -> bool: ...

    async def cancel_meeting(self, meeting_id: int) -> bool: ...

    async def meeting_counts(self, meeting_id: int) -> Counts | None: ...

    async def organizer_meetings(self) -> Sequence[Meeting] | None:
        """Drafts and published meetings to come, within the organizer's reach."""
        ...

    async def held_meetings(self) -> Sequence[Meeting] | None:
        """Published meetings held lately, latest first, within the organizer's reach."""
        ...

    async def check_in(self, meeting_id: int, code: str) -> CheckedIn | None:
        """Mark attended the RSVP holding ``code``; None when refused."""
        ...

    async def record_outcome(self, meeting_id: int, draft: OutcomeDraft, publish: bool) -> bool:
        """Record a held meeting's outcome, published to those who answered and its audience
        when asked."""
        ...

    async def publish_outcome(self, meeting_id: int) -> bool:
        """Tell a recorded outcome, once, to those who answered and the audience."""
        ...

    async def meeting_outcome(self, meeting_id: int) -> MeetingOutcome | None:
        """The recorded outcome, published or not, within the organizer's reach."""
        ...

    async def create_consultation(self, draft: ConsultationDraft) -> int | None:
        """A draft consultation for a commune (or groups) within the scope; its id."""
        ...

    async def publish_consultation(self, consultation_id: int) -> ConsultationLife | None:
        """Open a draft now, or schedule it for its opening time."""
        ...


class Rights(Protocol):
    """The resident's rights over their data (law 09-08)."""

    async def my_data(self) -> PersonalData:
        """Everything stored about the resident, CINs masked."""
        ...

    async def erase_me(self) -> None:
        """Erase the resident's personal data (see storage/rights.py for what stays); the
        message's state is then not saved."""
        ...


class Prompts(Protocol):
    """The voice prompts organizers record in the chat (see `prompts.py`)."""

    async def recorded(self, language: str) -> frozenset[str]:
        """The keys of the prompts recorded in ``language``."""
        ...

    async def record(self, key: str, language: str, media: Media) -> bool:
        """Keep the voice note ``media`` as prompt ``key`` in ``language``: it waits to be
        fetched from its channel, checked and stored (a recording before it is replaced then).
        False when the resident may not record prompts."""
        ...


class Voices(Protocol):
    """The recorded voice prompts, looked up as replies go out (outside any transaction)."""

    async def voice(self, key: str, language: str) -> Attachment | None:
        """The recording of prompt ``key`` in ``language``, or None when there is none."""
        ...


class Services(Protocol):
    """Side effects a flow may cause, inside the message's transaction, one noun each."""

    @property
    def profile(self) -> Profile: ...

    @property
    def places(self) -> Places: ...

    @property
    def reports(self) -> Reports: ...

    @property
    def petitions(self) -> Petitions: ...

    @property
    def community(self) -> Community: ...

    @property
    def consultations(self) -> Consultations: ...

    @property
    def questions(self) -> Questions: ...

    @property
    def commitments(self) -> Commitments: ...

    @property
    def organizing(self) -> Organizing: ...

    @property
    def rights(self) -> Rights: ...

    @property
    def prompts(self) -> Prompts: ...


class Unit(Protocol):
    """One inbound message's transaction: claim it, lock the resident, act, save."""

    @property
    def services(self) -> Services: ...

    @property
    def resident(self) -> Resident:
        """The resident as the side effects so far have left them."""
        ...

    @property
    def erased(self) -> bool:
        """Whether this message erased the resident's data (nothing of them is kept)."""
        ...

    async def open(self, message_id: str) -> FlowState | None:
        """Record ``message_id`` and lock the resident's state; None when it was seen before."""
        ...

    async def save(self, state: FlowState) -> None: ...


class ConversationStore(Protocol):
    def unit(self, address: Address) -> AbstractAsyncContextManager[Unit]:
        """A transaction for one message; leaving it with an exception rolls everything back."""
        ...


class Unreachable(Exception):
    """The platform says this resident cannot be reached (blocked, deleted): do not retry."""


class Rejected(Exception):
    """The platform refuses this very message (malformed, too large...): a retry would meet the
    same answer, so it is recorded as failed at once."""


class TransientFailure(Exception):
    """Try again later; ``retry_after`` seconds when the platform said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _always() -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Push:
    """One queued notice, rendered in the recipient's language, for a channel's outbox."""

    address: Address
    message: Outgoing
    # The resident's last message: some platforms allow free text only for a while after it.
    last_inbound_at: datetime | None = None
    # Whether it may still go: False once the dispatcher's claim on it is about to run out, so an
    # outbox that waited long for its pace leaves it for the next claim instead of sending it
    # beside that claim. Asked right before the platform call.
    in_time: Callable[[], bool] = _always


class FileTooLarge(ValueError):
    """A file larger than the limit it was fetched under: it can never be fetched whole."""


class MediaFetcher(Protocol):
    """A channel's way of fetching a file a resident sent, by the reference its adapter put in
    `Media.ref` (a platform's file id or media URL, a local path)."""

    channel: str

    async def fetch(self, ref: str, limit: int) -> bytes:
        """The file's bytes. Raises `TransientFailure` to try again later, `ValueError` when it
        can never be fetched (gone; `FileTooLarge` when larger than ``limit`` bytes)."""
        ...


class VoiceKeeper(Protocol):
    """Keeps the voice notes of a message as bytes of our own before the engine reads it, outside
    its transaction: a platform's file may be gone (or its file id open only to our bot) when
    an organizer listens."""

    async def keep(self, msg: Inbound) -> Inbound:
        """``msg`` with each voice note fetched and stored (its ref `voice.stored_ref`), one
        too large marked by its size, one not sound by its type; a note that cannot be fetched
        now stays as its platform's reference."""
        ...


class Outbox(Protocol):
    """A channel's way of pushing a message outside a webhook's reply."""

    channel: str

    async def send(self, push: Push) -> str | None:
        """Send one push; returns the platform's id of the message when it gives one (for its
        status callbacks). Raises `Unreachable` or `TransientFailure`."""
        ...


# What a channel's webhook routes need from the rest of Hayna.


class Answerer(Protocol):
    """What answers a resident's message: the engine, behind a channel's route."""

    async def handle(self, msg: Inbound) -> list[Outgoing]:
        """The replies to ``msg``; none for a message seen before."""
        ...


class Reported(StrEnum):
    """What a platform's status callback says became of a message it accepted."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    UNDELIVERED = "undelivered"


class StatusSink(Protocol):
    """Where a platform's status callbacks are recorded against the pushes they are about."""

    async def reported(
        self, ref: str, status: Reported, error_code: str | None, at: datetime, unreachable: bool
    ) -> bool:
        """Record ``status`` for the message the platform calls ``ref``; False when it moved no
        push. ``unreachable``: the failure says the resident cannot be reached any more."""
        ...


class FilePublisher(Protocol):
    """Files sent with replies ("my data", exports), at a public link for the platforms that
    attach only what they can fetch."""

    async def publish(self, address: Address, attachment: Attachment) -> str | None:
        """The public URL of ``attachment`` for the resident at ``address``, valid for a few
        minutes; None when that resident is not stored."""
        ...


class Backend(Protocol):
    """Everything a channel's routes reach the rest of Hayna through."""

    @property
    def answerer(self) -> Answerer: ...

    @property
    def statuses(self) -> StatusSink: ...

    @property
    def files(self) -> FilePublisher: ...
