"""What a petition is to a resident: its card, its life, the outcome of signing, its notices."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from conversations.report import Category
from conversations.text import Renderable, Verbatim, _, ngettext, pgettext

# Petition codes: no 0/O nor 1/I, since they are read aloud and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def petition_code(text: str) -> str:
    """``text`` as a petition code (any case, spaces around), or "" when it cannot be one."""
    code = text.strip().upper()
    return code if _CODE.fullmatch(code) else ""


class PetitionKind(StrEnum):
    # Residents sign it with their CIN, up to the commune's threshold.
    RESIDENTS = "residents"
    # An association of the commune files it (conversations/association.py): no threshold;
    # residents support it, which is counted but is no legal signature.
    ASSOCIATION = "association"


class PetitionLife(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    THRESHOLD_REACHED = "threshold_reached"
    FILED = "filed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ANSWERED = "answered"
    CLOSED = "closed"


# Signatures are taken, and withdrawn, only while the petition is collecting them.
SIGNING = frozenset({PetitionLife.OPEN, PetitionLife.THRESHOLD_REACHED})

LIFE_LABELS: dict[PetitionLife, Renderable] = {
    PetitionLife.DRAFT: pgettext("petition", "draft"),
    PetitionLife.OPEN: pgettext("petition", "open for signatures"),
    PetitionLife.THRESHOLD_REACHED: pgettext("petition", "enough signatures to be filed"),
    PetitionLife.FILED: pgettext("petition", "filed with the commune"),
    PetitionLife.ACCEPTED: pgettext("petition", "accepted by the council"),
    PetitionLife.REJECTED: pgettext("petition", "rejected by the council"),
    PetitionLife.ANSWERED: pgettext("petition", "answered by the council"),
    PetitionLife.CLOSED: pgettext("petition", "closed"),
}
# An association's petition collects support, not signatures (conversations/association.py).
LIFE_LABELS_OF: dict[PetitionKind, dict[PetitionLife, Renderable]] = {
    PetitionKind.RESIDENTS: LIFE_LABELS,
    PetitionKind.ASSOCIATION: {
        **LIFE_LABELS,
        PetitionLife.OPEN: pgettext("petition", "open for residents' support"),
    },
}


def life_labels(kind: PetitionKind) -> dict[PetitionLife, Renderable]:
    """The words of a petition's life as its kind says them."""
    return LIFE_LABELS_OF[kind]


@dataclass(frozen=True, slots=True)
class Card:
    code: str
    title: str
    summary: str
    body: str
    requests: str
    representative: str
    threshold: int
    signatures: int
    deadline: date
    life: PetitionLife
    # When this resident signed it, if they did.
    signed_at: datetime | None
    # Of the signatures, those collected on paper (counted when one petition is read).
    paper: int = 0
    # The day it was deposited at the commune, once filed (conversations/answer_clock.py).
    deposited_on: date | None = None
    # Its theme, one of the reports' categories.
    category: Category = Category.OTHER
    kind: PetitionKind = PetitionKind.RESIDENTS
    # For an association's petition: the association's name, and when its declaration was
    # received. `signatures` and `signed_at` then count and date supports.
    association: str = ""
    declared_on: date | None = None


@dataclass(frozen=True, slots=True)
class PetitionDraft:
    """A petition as an organizer writes it in the chat, before it is stored as a draft."""

    commune_code: str
    title: str
    summary: str
    body: str
    requests: str
    representative: str
    threshold: int
    deadline: date
    # Its theme, as reports have theirs (lighting, school transport, isolation...).
    category: Category = Category.OTHER
    kind: PetitionKind = PetitionKind.RESIDENTS
    # An association's petition: the association (a group of kind association of the
    # commune), the day its declaration was received; the checklist is the service's own.
    association_id: int | None = None
    declared_on: date | None = None


# Article 125 of organic law 113.14 as commonly cited (not verified against the official text):
# 100 under 35,000 inhabitants, 200 otherwise, 400 with arrondissements. Populations are not
# known here, so the default is 400 for an arrondissement, else 200; the organizer decides.
WITH_ARRONDISSEMENTS, OTHERWISE = 400, 200


def default_threshold(kind: str) -> int:
    """The signatures a commune of this kind ("arrondissement"...) needs by default."""
    return WITH_ARRONDISSEMENTS if kind == "arrondissement" else OTHERWISE


class SigningOutcome(StrEnum):
    SIGNED = "signed"
    # This resident signed it before (with whatever CIN).
    ALREADY = "already"
    # Another account signed it with this CIN: who, and when, is not this resident's to know.
    CIN_USED = "cin_used"
    NOT_OPEN = "not_open"


@dataclass(frozen=True, slots=True)
class Signing:
    outcome: SigningOutcome
    # For SIGNED and ALREADY: when this resident signed. Never set for CIN_USED.
    signed_at: datetime | None = None


def progress(signatures: int, threshold: int, width: int = 5) -> str:
    """A text progress bar that reads on every channel: ``▰▰▰▱▱ 142/200``."""
    filled = min(width, signatures * width // threshold) if threshold > 0 else width
    return f"{'▰' * filled}{'▱' * (width - filled)} {signatures}/{threshold}"


def count_of(card: Card) -> Renderable:
    """A petition's count as residents read it: a bar toward its threshold, or how many
    support an association's petition (it has no threshold)."""
    if card.kind is PetitionKind.ASSOCIATION:
        return ngettext("{n} supporter", "{n} supporters", card.signatures)
    return Verbatim(progress(card.signatures, card.threshold))


def life_notice(
    code: str,
    title: str,
    life: PetitionLife,
    note: str,
    kind: PetitionKind = PetitionKind.RESIDENTS,
) -> Renderable:
    """The push sent to every signer (or supporter) when a petition moves on."""
    if life is PetitionLife.THRESHOLD_REACHED:
        return _(
            "The petition “{title}” ({code}) you signed has enough signatures to be filed with "
            "the commune. Thank you!",
            title=title,
            code=code,
        )
    label = life_labels(kind)[life]
    if kind is PetitionKind.ASSOCIATION:
        if note:
            return _(
                "The association's petition “{title}” ({code}) you supported is now {status}. "
                "Note: {note}",
                title=title,
                code=code,
                status=label,
                note=note,
            )
        return _(
            "The association's petition “{title}” ({code}) you supported is now {status}.",
            title=title,
            code=code,
            status=label,
        )
    if note:
        return _(
            "The petition “{title}” ({code}) you signed is now {status}. Note: {note}",
            title=title,
            code=code,
            status=label,
            note=note,
        )
    return _(
        "The petition “{title}” ({code}) you signed is now {status}.",
        title=title,
        code=code,
        status=label,
    )
