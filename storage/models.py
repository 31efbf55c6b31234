"""The tables, as typed SQLAlchemy 2.0 models. Migrations in `storage/migrations` create them.

Each model is named after its table with `Row` at the end (`ResidentRow` is the `resident`
table), so that a row is never mistaken for the domain's own `Resident`, `Meeting` or `Media`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite's INTEGER PRIMARY KEY is its rowid; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in UTC both ways; SQLite would hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware: datetime = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        return aware.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ResidentRow(Base):
    """One person on one channel."""

    __tablename__ = "resident"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    commune_code: Mapped[str | None] = mapped_column(String(16))
    pushes_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Questions with their recorded voice prompt; NULL until chosen or offered once.
    voice: Mapped[bool | None] = mapped_column(Boolean)
    # False once a platform said the resident blocked the bot or is gone; their next message
    # makes it True again.
    reachable: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationRow(Base):
    """Where a resident is in which flow; ``version`` grows with every saved message."""

    __tablename__ = "conversation"

    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")
    offered: Mapped[str] = mapped_column(Text, default="[]")
    prompt: Mapped[str] = mapped_column(Text, default="[]")
    version: Mapped[int] = mapped_column(Integer, default=0)
    # The time of the resident's last message: the WhatsApp 24-hour window is counted from here.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxRow(Base):
    """A message id already processed on a channel: a redelivery finds it and stops."""

    __tablename__ = "inbox"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DeliveryRow(Base):
    """One push to one resident; ``(message_key, resident_id)`` is unique so it exists once."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("message_key", "resident_id"),
        # A claim reads one channel's due rows of one priority, oldest first, straight from it.
        Index("ix_delivery_claim", "status", "channel", "priority", "next_attempt_at", "id"),
        Index("ix_delivery_provider_ref", "provider_ref"),
        # A claim asks whether an earlier push to the same resident still waits or is in flight.
        Index("ix_delivery_resident", "resident_id", "status", "priority", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    message_key: Mapped[str] = mapped_column(String(128))
    resident_id: Mapped[int] = mapped_column(Id, ForeignKey("resident.id", ondelete="CASCADE"))
    # The resident's channel, copied when queued: each channel's dispatch claims its own rows.
    channel: Mapped[str] = mapped_column(String(16))
    # storage.deliveries.Priority: higher goes first.
    priority: Mapped[int] = mapped_column(SmallInteger)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The platform's id of the sent message (Twilio's MessageSid), for its status callbacks.
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    # The platform's error code when it failed (Twilio's 63016, 21610...).
    error_code: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The photo of the announcement it comes from: its id only, loaded once per batch to send.
    media_id: Mapped[int | None] = mapped_column(Id, ForeignKey("media.id", ondelete="SET NULL"))


class MediaRow(Base):
    """A photo an organizer sends with an update, stored once whatever the audience's size.

    It holds no resident's data: organizers' pictures, served to platforms by a signed link.
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    content_type: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(120))
    data: Mapped[bytes] = mapped_column("bytes", LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def table(model: type[Base]) -> Table:
    """A model's table, for the Core statements of the hot path."""
    return cast(Table, model.__table__)


RESIDENT = table(ResidentRow)
CONVERSATION = table(ConversationRow)
INBOX = table(InboxRow)
DELIVERY = table(DeliveryRow)


class ReportRow(Base):
    """A need reported by a resident; ``ref`` is what everyone quotes (R-2026-000123)."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("ref"),
        Index("ix_report_nearby", "commune_code", "category", "created_at"),
        # The dashboard's list, newest first, and its counts by status and category, read from
        # the index alone.
        Index("ix_report_newest", "commune_code", "created_at", "id"),
        Index("ix_report_status", "commune_code", "status", "category"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ref: Mapped[str | None] = mapped_column(String(24))
    # Kept when the reporter erases their data: the need stays, anonymous.
    resident_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL")
    )
    commune_code: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(24))
    other_label: Mapped[str | None] = mapped_column(String(80))
    place: Mapped[str | None] = mapped_column(String(200))
    place_key: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    duplicate_of: Mapped[int | None] = mapped_column(Id, ForeignKey("report.id"))
    # Set when an organizer hid the description from other residents: why (kept in history too).
    hidden_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When its followers were asked whether it is fixed (conversations/fixed_check.py), once.
    fixed_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReportMediaRow(Base):
    """A photo or voice note of a report, as the platform's reference, type and size."""

    __tablename__ = "report_media"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    # Which answer the file is: "place" for a voice note saying where; "" otherwise.
    part: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Set when an organizer hid this photo or voice note from other residents: why.
    hidden_reason: Mapped[str | None] = mapped_column(String(200))


class FixedCheckRow(Base):
    """A resident asked whether a report's problem is fixed, and what they said (None: not
    yet)."""

    __tablename__ = "fixed_check"

    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fixed: Mapped[bool | None] = mapped_column(Boolean)


class ReportSupportRow(Base):
    """A resident who said "me too": counted once, and told of every change."""

    __tablename__ = "report_support"

    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportEventRow(Base):
    """One step of a report's history: the status it took, who set it, when and why."""

    __tablename__ = "report_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(
        Id, ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    # None for a status change; what was hidden otherwise ("text", or "media:<id>").
    hidden: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


REPORT = table(ReportRow)
REPORT_MEDIA = table(ReportMediaRow)
REPORT_SUPPORT = table(ReportSupportRow)
REPORT_EVENT = table(ReportEventRow)


class PetitionRow(Base):
    """A petition to a commune council (organic law 113.14, articles 121–125)."""

    __tablename__ = "petition"
    __table_args__ = (UniqueConstraint("code"), Index("ix_petition_open", "commune_code", "status"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(12))
    commune_code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    requests: Mapped[str] = mapped_column(Text)
    representative: Mapped[str] = mapped_column(String(120))
    threshold: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))
    # Its theme, one of the reports' categories; None for petitions from before themes.
    category: Mapped[str | None] = mapped_column(String(24))
    # The count folded in so far; the exact count adds the petition's tallies (storage/tally.py).
    signatures: Mapped[int] = mapped_column(Integer, default=0)
    decision_note: Mapped[str | None] = mapped_column(Text)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The answer clock (conversations/answer_clock.py): the deposit day and the commune's
    # receipt number recorded at filing, the day the council's delay ends, and when the
    # organizer's reminder and the signers' end notice were queued (each once: a conditional
    # UPDATE from NULL decides which process queues it).
    deposited_on: Mapped[date | None] = mapped_column(Date)
    receipt: Mapped[str | None] = mapped_column(String(40))
    answer_due: Mapped[date | None] = mapped_column(Date)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lapse_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "residents" (signed with CINs up to the threshold) or "association": then the
    # association that files it, the day its declaration was received, and no threshold
    # (conversations/association.py); `signatures` counts residents' supports.
    kind: Mapped[str] = mapped_column(String(16), server_default="residents")
    association_id: Mapped[int | None] = mapped_column(Id, ForeignKey("community_group.id"))
    declared_on: Mapped[date | None] = mapped_column(Date)


class PetitionSupportRow(Base):
    """A resident's support of an association's petition: counted and shown, no legal
    signature, so neither name nor CIN."""

    __tablename__ = "petition_support"

    petition_id: Mapped[int] = mapped_column(
        Id, ForeignKey("petition.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PetitionCheckRow(Base):
    """One item of an association's petition's checklist, as the petition was created with it
    (the years of existence it needs), and who ticked it, when."""

    __tablename__ = "petition_check"

    petition_id: Mapped[int] = mapped_column(
        Id, ForeignKey("petition.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Its place in the list, as configured when the petition was created.
    position: Mapped[int] = mapped_column(Integer)
    years: Mapped[int] = mapped_column(Integer)
    ticked_by: Mapped[str | None] = mapped_column(String(80))
    ticked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignatureRow(Base):
    """One person's signature: once per CIN (keyed hash) and once per chat identity."""

    __tablename__ = "signature"
    __table_args__ = (
        UniqueConstraint("petition_id", "cin_key", name="uq_signature_cin"),
        UniqueConstraint("petition_id", "resident_id", name="uq_signature_resident"),
        # The burst check counts a petition's signatures of the last minutes on this index.
        Index("ix_signature_recent", "petition_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    petition_id: Mapped[int] = mapped_column(Id, ForeignKey("petition.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL")
    )
    cin_key: Mapped[str] = mapped_column(String(64))
    # How cin_key was computed (storage/vault.py KEY_VERSION): rows of an older way are hashed
    # again from their sealed CIN by the housekeeping (storage/signature_keys.py).
    key_version: Mapped[int] = mapped_column(Integer, server_default="1")
    cin_sealed: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "chat", or "paper" for a line of a sheet an organizer entered (no resident behind it):
    # its sheet, the day it was signed on paper, the signer's residence or interest, and who
    # entered it.
    source: Mapped[str] = mapped_column(String(8), server_default="chat")
    sheet: Mapped[str | None] = mapped_column(String(32))
    signed_on: Mapped[date | None] = mapped_column(Date)
    residence: Mapped[str | None] = mapped_column(String(200))
    entered_by: Mapped[str | None] = mapped_column(String(80))


class PetitionTallyRow(Base):
    """One shard of a petition's count: what signatures and withdrawals added since the last
    fold into `petition.signatures`. Signers at the same moment add to different shards."""

    __tablename__ = "petition_tally"

    petition_id: Mapped[int] = mapped_column(
        Id, ForeignKey("petition.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    signatures: Mapped[int] = mapped_column(Integer)


class PetitionEventRow(Base):
    """One step of a petition's life: the status it took, who set it, when and why."""

    __tablename__ = "petition_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    petition_id: Mapped[int] = mapped_column(
        Id, ForeignKey("petition.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


PETITION = table(PetitionRow)
SIGNATURE = table(SignatureRow)
PETITION_EVENT = table(PetitionEventRow)
PETITION_TALLY = table(PetitionTallyRow)
PETITION_SUPPORT = table(PetitionSupportRow)
PETITION_CHECK = table(PetitionCheckRow)


class ConsentRow(Base):
    """The ledger of consents: what a resident accepted, which version, when, on which channel."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    # "privacy" (the notice of onboarding) or "petition_signing".
    kind: Mapped[str] = mapped_column(String(24))
    version: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PetitionFlagRow(Base):
    """Something unusual about a petition for its organizers to look at, once per hour and kind."""

    __tablename__ = "petition_flag"
    __table_args__ = (UniqueConstraint("petition_id", "kind", "hour", name="uq_petition_flag"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    petition_id: Mapped[int] = mapped_column(Id, ForeignKey("petition.id", ondelete="CASCADE"))
    # "young_burst": many signatures from accounts created minutes before.
    kind: Mapped[str] = mapped_column(String(24))
    # The hour it was raised in (UTC, 2026-11-22T09), so a long attack is one flag an hour.
    hour: Mapped[str] = mapped_column(String(13))
    # Signatures in the window, and how many of them came from new accounts.
    signatures: Mapped[int] = mapped_column(Integer)
    young: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


CONSENT = table(ConsentRow)
PETITION_FLAG = table(PetitionFlagRow)


class CommunityGroupRow(Base):
    """A group of a commune: youth, women, persons with disabilities, or one organizers named
    (an association, a neighbourhood). The built-in kinds have an empty name."""

    __tablename__ = "community_group"
    __table_args__ = (UniqueConstraint("commune_code", "kind", "name", name="uq_community_group"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MembershipRow(Base):
    """A resident subscribed to a group."""

    __tablename__ = "membership"

    group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrganizerRow(Base):
    """One scope of an organizer: a whole commune (no group) or one group."""

    __tablename__ = "organizer"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    commune_code: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="CASCADE")
    )
    invite_code: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrganizerInviteRow(Base):
    """A single-use code that makes its first redeemer an organizer of a commune or a group."""

    __tablename__ = "organizer_invite"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="CASCADE")
    )
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Kept when the redeemer erases their data, so the code stays used.
    redeemed_by: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL")
    )
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntryRow(Base):
    """One organizer action, done or refused: who, what, on what, when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    # Kept when the actor erases their data: the action stays on record, anonymous.
    resident_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))
    allowed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class MeetingRow(Base):
    """A public consultation: when (UTC), where, what, for whom; reminders in minutes before."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(120))
    agenda: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    # Comma-separated minutes before the start, "2880,120" by default (2 days, 2 hours).
    reminders: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingGroupRow(Base):
    """A group a meeting is for; a meeting with none is for its whole commune."""

    __tablename__ = "meeting_group"

    meeting_id: Mapped[int] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="CASCADE"), primary_key=True
    )


class RsvpRow(Base):
    """A resident's answer to a meeting: yes, maybe or no."""

    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "code"),)

    meeting_id: Mapped[int] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Shown at the door for "I'm coming", unique per meeting (conversations/outcome.py).
    code: Mapped[str | None] = mapped_column(String(8))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingOutcomeRow(Base):
    """What came out of a meeting, as its organizer recorded it; told once published."""

    __tablename__ = "meeting_outcome"

    meeting_id: Mapped[int] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    summary: Mapped[str] = mapped_column(Text)
    attended: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingAttendanceRow(Base):
    """How many of one group of the commune came to a meeting."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="CASCADE"), primary_key=True
    )
    count: Mapped[int] = mapped_column(Integer)


class MeetingDecisionRow(Base):
    """One decision of a meeting, in its order: who is responsible and by when, if said."""

    __tablename__ = "meeting_decision"

    meeting_id: Mapped[int] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    responsible: Mapped[str | None] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)


class AnnouncementRow(Base):
    """One message to an audience at a time: the truth the scheduler is rebuilt from.

    It is expanded into delivery rows when due, in chunks of residents by id: ``cursor`` is the
    last resident id expanded, so a crash mid-way resumes where it stopped.
    """

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    meeting_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    # A consultation's opening and its closing reminder (storage/consultations.py).
    consultation_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    # A commitment's change of status, to its followers (storage/commitments.py).
    commitment_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    commune_code: Mapped[str] = mapped_column(String(16))
    # Comma-separated group ids; empty means the whole commune.
    group_ids: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    cursor: Mapped[int] = mapped_column(Id, default=0)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A photo sent with the text; kept on each delivery row as its id only.
    media_id: Mapped[int | None] = mapped_column(Id, ForeignKey("media.id", ondelete="SET NULL"))
    # A photo sent in the chat, still on its platform (a Telegram file_id, a Twilio media URL):
    # the dispatcher fetches it into `media` before the update is expanded.
    photo_channel: Mapped[str | None] = mapped_column(String(16))
    photo_ref: Mapped[str | None] = mapped_column(Text)


COMMUNITY_GROUP = table(CommunityGroupRow)
MEMBERSHIP = table(MembershipRow)
ORGANIZER = table(OrganizerRow)
ORGANIZER_INVITE = table(OrganizerInviteRow)
AUDIT_ENTRY = table(AuditEntryRow)
MEETING = table(MeetingRow)
MEETING_GROUP = table(MeetingGroupRow)
RSVP = table(RsvpRow)
MEETING_OUTCOME = table(MeetingOutcomeRow)
MEETING_ATTENDANCE = table(MeetingAttendanceRow)
MEETING_DECISION = table(MeetingDecisionRow)
ANNOUNCEMENT = table(AnnouncementRow)


class DownloadRow(Base):
    """A file sent with a reply, served at a secret URL for a short while: WhatsApp attaches a
    document only by a public URL that Twilio fetches. Only the token's SHA-256 is stored."""

    __tablename__ = "download"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(80))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


DOWNLOAD = table(DownloadRow)
MEDIA = table(MediaRow)


class DatabaseKeyRow(Base):
    """The fingerprint of the HAYNA_SECRET_KEY a database was first used with: one row, an HMAC
    of a fixed label under the key, never the key itself."""

    __tablename__ = "database_key"

    # Always 1: the primary key makes a second row impossible, even from two processes at once.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


DATABASE_KEY = table(DatabaseKeyRow)


class SignInLinkRow(Base):
    """A one-time link to the organizers' dashboard, bound to one organizer, valid minutes.
    Only the token's SHA-256 is stored."""

    __tablename__ = "sign_in_link"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSessionRow(Base):
    """An organizer signed in to the dashboard: the cookie's SHA-256, the form token, the
    language chosen, and when it was last used (it ends after hours idle, or when signed out)."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


SIGN_IN_LINK = table(SignInLinkRow)
WEB_SESSION = table(WebSessionRow)


class ConsultationRow(Base):
    """A consultation: its texts by language (JSON: {"fr": "…"}), audience, times and life."""

    __tablename__ = "consultation"
    __table_args__ = (Index("ix_consultation_open", "commune_code", "status"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(String(16))
    # Who asks, a name as residents read it ("Association Nour").
    asked_by: Mapped[str] = mapped_column(String(120))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    purpose: Mapped[dict[str, str]] = mapped_column(JSON)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # After a meeting: asked only of those who said they attend it.
    meeting_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("meeting.id", ondelete="SET NULL")
    )
    # The residents its push was queued to when it opened; when the reminder was queued (once).
    reached: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsultationGroupRow(Base):
    """A group a consultation is addressed to (none: the whole commune)."""

    __tablename__ = "consultation_group"

    consultation_id: Mapped[int] = mapped_column(
        Id, ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="CASCADE"), primary_key=True
    )


class ConsultationQuestionRow(Base):
    """One question: its kind, its prompt and options by language (JSON), whether it may be
    skipped, and for several choices the most."""

    __tablename__ = "consultation_question"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        Id, ForeignKey("consultation.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[dict[str, str]] = mapped_column(JSON)
    options: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    optional: Mapped[bool] = mapped_column(Boolean)
    most: Mapped[int] = mapped_column(Integer, default=0)


class AnswerSetRow(Base):
    """One resident's answers to one consultation: one set each, by the database. An anonymous
    consultation's set is detached from its resident on erasure (the counts stay); the commune
    is the resident's when they answered, for the breakdown."""

    __tablename__ = "answer_set"
    __table_args__ = (UniqueConstraint("consultation_id", "resident_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(
        Id, ForeignKey("consultation.id", ondelete="CASCADE")
    )
    resident_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL"), index=True
    )
    commune_code: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AnswerRow(Base):
    """One answer to one question: one row per option chosen (its rank in `value` for a
    ranking), or a scale's value, a free text, a voice note's reference, or a skip."""

    __tablename__ = "answer"
    # Every column a consultation's results count, so that they are read from the index alone
    # (100,000 answer sets: 2.5 s without, 1.3 s with, bench/consultation.py).
    __table_args__ = (
        Index("ix_answer_question", "question_id", "option", "answer_set_id", "skipped", "value"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    answer_set_id: Mapped[int] = mapped_column(
        Id, ForeignKey("answer_set.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        Id, ForeignKey("consultation_question.id", ondelete="CASCADE")
    )
    option: Mapped[int | None] = mapped_column(SmallInteger)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str | None] = mapped_column(Text)
    voice: Mapped[str | None] = mapped_column(String(300))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    # A free text an organizer hid (moderation): not listed in the results.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class CommitmentRow(Base):
    """A commitment of the commune: what was promised, by whom, by when, where it was said (a
    petition's code, a meeting's number, or an organizer's note) and where it stands."""

    __tablename__ = "commitment"
    __table_args__ = (Index("ix_commitment_commune", "commune_code", "status"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    source_kind: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(String(32), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommitmentEventRow(Base):
    """One change of a commitment's status: its history, the first one its creation."""

    __tablename__ = "commitment_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    commitment_id: Mapped[int] = mapped_column(
        Id, ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommitmentFollowerRow(Base):
    """A resident told of every change of a commitment."""

    __tablename__ = "commitment_follower"

    commitment_id: Mapped[int] = mapped_column(
        Id, ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommitmentReviewRow(Base):
    """When a commune's organizers were last told of its overdue commitments: once a week."""

    __tablename__ = "commitment_review"

    commune_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


CONSULTATION = table(ConsultationRow)
CONSULTATION_GROUP = table(ConsultationGroupRow)
CONSULTATION_QUESTION = table(ConsultationQuestionRow)
ANSWER_SET = table(AnswerSetRow)
ANSWER = table(AnswerRow)
FIXED_CHECK = table(FixedCheckRow)


class QuestionRow(Base):
    """A resident's question to the organizers of their commune or of a group (a ticket):
    claimed by one organizer at a time, answered, closed after a quiet week."""

    __tablename__ = "question"
    __table_args__ = (
        # An organizer's list: a commune's open questions, the oldest first.
        Index("ix_question_scope", "commune_code", "status", "id"),
        # The hourly housekeeping: the tickets quiet for a week.
        Index("ix_question_quiet", "status", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    commune_code: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("community_group.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    # A photo or a voice note, as the resident's channel refers to it.
    media_ref: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    claimed_by: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL")
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionMessageRow(Base):
    """One message of a ticket: the question, a follow-up, or an organizer's answer."""

    __tablename__ = "question_message"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(
        Id, ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    # conversations.question.Author
    author: Mapped[str] = mapped_column(String(16))
    organizer_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("resident.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    media_ref: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CannedAnswerRow(Base):
    """An answer organizers saved for their commune, to pick again."""

    __tablename__ = "canned_answer"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


QUESTION = table(QuestionRow)
QUESTION_MESSAGE = table(QuestionMessageRow)
CANNED_ANSWER = table(CannedAnswerRow)
COMMITMENT = table(CommitmentRow)
COMMITMENT_EVENT = table(CommitmentEventRow)
COMMITMENT_FOLLOWER = table(CommitmentFollowerRow)
COMMITMENT_REVIEW = table(CommitmentReviewRow)


class PaceRow(Base):
    """A platform's next free send slot (seconds since the epoch, on the database's clock),
    shared by every process sending through it."""

    __tablename__ = "pace"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class FloodBucketRow(Base):
    """A recent writer's flood bucket; ``key`` is a keyed hash of their address, never the
    address itself."""

    __tablename__ = "flood_bucket"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    # Seconds since the epoch of the last refill.
    at: Mapped[float] = mapped_column(Float, index=True)
    noticed: Mapped[bool] = mapped_column(Boolean)


PACE = table(PaceRow)
FLOOD_BUCKET = table(FloodBucketRow)


class PromptRow(Base):
    """A voice prompt an organizer recorded: one question or notice (``key``, see
    conversations/prompts.py) in one spoken language, stored once, sent to everyone who chose
    voice. A prompt recorded in the chat first waits here as its platform's reference
    (``data`` NULL) until it is fetched and checked. Who recorded it is in the audit log: the
    recording is the association's, and refers to no resident."""

    __tablename__ = "prompt"
    __table_args__ = (Index("ix_prompt_key_language", "key", "language"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(40), default="")
    data: Mapped[bytes | None] = mapped_column("bytes", LargeBinary)
    seconds: Mapped[float | None] = mapped_column(Float)
    # Where a prompt sent in the chat is still to be fetched from.
    channel: Mapped[str | None] = mapped_column(String(16))
    ref: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


PROMPT = table(PromptRow)
