"""The vocabulary of groups, meetings and announcements, shared by flows, storage and commands:
group kinds, RSVP answers, what a resident or organizer is shown, and the notices sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from conversations.text import ByLocale, Renderable, Text, Verbatim, _, lines, pgettext


class GroupKind(StrEnum):
    YOUTH = "youth"
    WOMEN = "women"
    DISABILITY = "disability"
    ASSOCIATION = "association"
    NEIGHBOURHOOD = "neighbourhood"


# A named group's name, at most (the command line and the dashboard say so).
GROUP_NAME_MAX = 80


def fits_group_name(name: str) -> bool:
    """A group's name, trimmed, has 1 to `GROUP_NAME_MAX` characters."""
    return 0 < len(name.strip()) <= GROUP_NAME_MAX


# Every commune has these three; organizers add associations and neighbourhoods by name.
BUILT_IN = (GroupKind.YOUTH, GroupKind.WOMEN, GroupKind.DISABILITY)
NAMED = (GroupKind.ASSOCIATION, GroupKind.NEIGHBOURHOOD)

KIND_LABELS: dict[GroupKind, Text] = {
    GroupKind.YOUTH: pgettext("group", "Youth"),
    GroupKind.WOMEN: pgettext("group", "Women"),
    GroupKind.DISABILITY: pgettext("group", "Persons with disabilities"),
    GroupKind.ASSOCIATION: pgettext("group", "Association"),
    GroupKind.NEIGHBOURHOOD: pgettext("group", "Neighbourhood"),
}


# Minutes before a meeting's start: two days and two hours unless the organizer says otherwise.
DEFAULT_REMINDERS = (2 * 24 * 60, 2 * 60)


class Answer(StrEnum):
    """A resident's RSVP."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


ANSWER_LABELS: dict[Answer, Text] = {
    Answer.YES: pgettext("rsvp", "Attending"),
    Answer.MAYBE: pgettext("rsvp", "Maybe"),
    Answer.NO: pgettext("rsvp", "Not attending"),
}


class Redeemed(StrEnum):
    """What typing an organizer's invite code did."""

    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    commune_code: str
    kind: GroupKind
    name: str = ""
    member: bool = False

    def label(self) -> Renderable:
        return Verbatim(self.name) if self.name else KIND_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class Audience:
    """A commune, or some of its groups (their members, each once)."""

    commune_code: str
    group_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """Where an organizer may act: whole communes, and single groups."""

    communes: frozenset[str] = frozenset()
    groups: frozenset[int] = frozenset()
    everywhere: bool = False

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.communes or self.groups)

    def covers(self, audience: Audience) -> bool:
        if self.everywhere or audience.commune_code in self.communes:
            return True
        return bool(audience.group_ids) and set(audience.group_ids) <= self.groups


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    commune_code: str
    title: str
    starts_at: datetime
    place: str
    agenda: str
    status: str
    lat: float | None = None
    lon: float | None = None
    answer: Answer | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    """The RSVPs of a meeting."""

    yes: int = 0
    maybe: int = 0
    no: int = 0
    # Of all who answered, those checked in at the door by their code.
    at_door: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """Where an announcement's deliveries stand."""

    id: int
    due_at: datetime
    recipients: int
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    unreachable: int = 0
    # Of those delivered, read: where the platform reports it.
    read: int = 0


def where(meeting: Meeting) -> Renderable:
    if meeting.lat is None or meeting.lon is None:
        return Verbatim(meeting.place)
    pin = f"https://maps.google.com/?q={meeting.lat:.5f},{meeting.lon:.5f}"
    return lines(meeting.place, pin)


def details(meeting: Meeting) -> Renderable:
    """A meeting as residents read it: title, time in Moroccan time, place, agenda."""
    return lines(
        meeting.title,
        _("When: {when}", when=meeting.starts_at),
        _("Where: {place}", place=where(meeting)),
        _("Agenda: {agenda}", agenda=meeting.agenda),
    )


def announced(meeting: Meeting) -> Renderable:
    return lines(
        _("📣 New public consultation"),
        details(meeting),
        _("Answer from the menu: Meetings & groups → Upcoming meetings."),
    )


def reminder(meeting: Meeting) -> Renderable:
    return lines(_("⏰ Reminder: a public consultation is coming"), details(meeting))


def moved(meeting: Meeting) -> Renderable:
    return lines(_("🕒 The time of this consultation has changed"), details(meeting))


def cancelled(meeting: Meeting) -> Renderable:
    when = meeting.starts_at
    return lines(_("❌ Cancelled: {title}, planned on {when}.", title=meeting.title, when=when))


def update_sender(audience: Sequence[Group], commune: Renderable) -> Renderable:
    """Who an update comes from, as its recipients are told: the association or the group it
    is addressed to, or else the organizers of the commune."""
    if len(audience) == 1:
        group = audience[0]
        if group.kind is GroupKind.ASSOCIATION and group.name:
            return _(
                "📢 Update from the association {name} ({commune}):",
                name=Verbatim(group.name),
                commune=commune,
            )
        return _(
            "📢 Update from the group {group} ({commune}):", group=group.label(), commune=commune
        )
    return _("📢 Update from the organizers of {commune}:", commune=commune)


def update_notice(texts: Sequence[tuple[str, str]], said_by: Renderable) -> Renderable:
    """An organizer's update as residents read it: who sends it, then its text in the
    recipient's language, or else in the first one written."""
    return lines(said_by, ByLocale(tuple(texts), texts[0][1]))


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    """A meeting as an organizer writes it, in the chat or on the command line."""

    commune_code: str
    title: str
    starts_at: datetime
    place: str
    agenda: str
    group_ids: tuple[int, ...] = ()
    lat: float | None = None
    lon: float | None = None
    reminders: tuple[int, ...] = DEFAULT_REMINDERS


@dataclass(frozen=True, slots=True)
class Reach:
    """Whom an organizer may address: whole communes (by code), and groups."""

    communes: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()
