"""Drafting a petition on the dashboard: the form, of either kind (residents sign it up to a
threshold; an association of the commune files it, from the day its declaration was received),
read into a draft, and a refused draft said beside the field it is wrong in, the form kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.dates import read_day
from conversations.desk import Done
from conversations.groups import Group
from conversations.petition import OTHERWISE, WITH_ARRONDISSEMENTS, PetitionDraft, PetitionKind
from conversations.petition_rules import (
    LIMITS,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    PetitionField,
    PetitionRefusal,
    PetitionWhy,
)
from conversations.report import CATEGORY_LABELS, Category
from conversations.text import Renderable, _, ngettext, pgettext
from handlers.web.fields import choice, number_of
from handlers.web.guard import Guard
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

PETITIONS = f"{PREFIX}/petitions"
# The draft form's fields, named as the draft's.
TEXTS = ("title", "summary", "body", "requests", "representative")
FIELDS = (
    "commune",
    *TEXTS,
    "deadline",
    "threshold",
    "category",
    "kind",
    "association",
    "declared",
)

KIND_LABELS: dict[PetitionKind, Renderable] = {
    PetitionKind.RESIDENTS: pgettext(
        "petition kind", "Residents' petition: they sign it with their CIN"
    ),
    PetitionKind.ASSOCIATION: pgettext(
        "petition kind", "Association's petition: an association of the commune files it"
    ),
}
NEEDED = _("This is needed.")
CHOOSE_ASSOCIATION = _("Choose one of the associations of the petition's commune.")
# A refused draft's rule, said beside the field it is about.
FIELD_REFUSALS: dict[PetitionWhy, tuple[str, Renderable]] = {
    PetitionWhy.THRESHOLD: (
        "threshold",
        _("From {low} to {high} signatures.", low=THRESHOLD_MIN, high=THRESHOLD_MAX),
    ),
    PetitionWhy.DEADLINE_NOT_AHEAD: ("deadline", _("The last day to sign must come after today.")),
    PetitionWhy.NO_ASSOCIATION: ("association", CHOOSE_ASSOCIATION),
    PetitionWhy.DECLARED_AHEAD: (
        "declared",
        _("The declaration cannot have been received after today."),
    ),
}


@dataclass
class DraftForm:
    """The draft form as typed, kept when it is shown again, and what is wrong with it."""

    values: dict[str, str]
    errors: dict[str, Renderable] = field(default_factory=dict)

    @classmethod
    def of(cls, posted: FormData) -> DraftForm:
        values = {name: text_field(posted, name) for name in FIELDS}
        # A summary is one line: it heads the petition in the chat and in the filing.
        values["summary"] = " ".join(values["summary"].split())
        return cls(values)

    @property
    def kind(self) -> PetitionKind:
        return choice(PetitionKind, self.values["kind"]) or PetitionKind.RESIDENTS


def _too_long(refusal: PetitionRefusal) -> Renderable:
    if refusal.length == 0:
        return NEEDED
    return ngettext(
        "At most {n} character; this has {length}.",
        "At most {n} characters; this has {length}.",
        refusal.most,
        length=refusal.length,
    )


def refused_field(refusal: PetitionRefusal) -> tuple[str, Renderable]:
    """The field a refused draft is wrong in, and what is wrong, in the organizer's words."""
    if refusal.why is PetitionWhy.FIELD_LENGTH and refusal.field is not None:
        name = "body" if refusal.field is PetitionField.BODY else str(refusal.field)
        return name, _too_long(refusal)
    return FIELD_REFUSALS.get(
        refusal.why, ("title", _("This petition could not be saved: check the form."))
    )


def _association(form: DraftForm) -> tuple[int | None, date | None]:
    """The association and the day its declaration was received, as the form gives them; an
    error beside each that cannot be read."""
    association = number_of(form.values["association"])
    if association is None:
        form.errors["association"] = CHOOSE_ASSOCIATION
    declared = read_day(form.values["declared"])
    if declared is None:
        form.errors["declared"] = _("Give the day the declaration was received as a date.")
    return association, declared


def _threshold(form: DraftForm) -> None:
    """An error beside a threshold that is not a whole number (empty is the default)."""
    threshold = form.values["threshold"]
    if threshold and not (threshold.isdigit() and len(threshold) <= 6):
        form.errors["threshold"] = _("A whole number of signatures, or nothing for the default.")


class DraftingPages:
    """``GET`` and ``POST /dashboard/petitions/new``."""

    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.board = board
        self.desk = board.petitions
        self.pages = pages
        self.guard = guard

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(PETITIONS + "/new", page(self.new), methods=["GET"]),
            Route(PETITIONS + "/new", page(self.create), methods=["POST"]),
        ]

    async def new(self, _request: Request, visit: Visit) -> Response:
        return await self._form(visit, DraftForm(dict.fromkeys(FIELDS, "")))

    async def _form(self, visit: Visit, form: DraftForm, status: int = 200) -> Response:
        communes = await self.desk.communes(visit.who)
        found = await self.desk.associations(visit.who)
        return self.pages.render(
            visit.locale,
            "petition_new.html",
            status=status,
            visit=visit,
            form=form,
            communes=None if communes is None else self.board.communes(communes),
            associations=[(str(group.id), self._named(group, visit)) for group in found],
            limits={str(key): most for key, most in LIMITS.items()},
            thresholds={"commune": OTHERWISE, "arrondissement": WITH_ARRONDISSEMENTS},
            themes=CATEGORY_LABELS,
            kinds=KIND_LABELS,
        )

    def _named(self, group: Group, visit: Visit) -> str:
        """An association as the form offers it: its name, and its commune's."""
        return f"{group.name} · {self.board.commune_name(group.commune_code, visit.locale)}"

    async def create(self, request: Request, visit: Visit) -> Response:
        form = DraftForm.of(await self.guard.form(request, visit))
        draft = self._draft(form)
        if draft is None:
            return await self._form(visit, form, status=400)
        made = await self.desk.draft(visit.who, draft)
        # A `Done` is a str too: it is told apart first.
        if made is Done.REFUSED:
            return self.guard.refusal(visit, made)
        if made is Done.MISSING:
            form.errors["commune"] = _("Choose one of the communes offered.")
        elif isinstance(made, PetitionRefusal):
            name, said = refused_field(made)
            form.errors[name] = said
        else:
            return RedirectResponse(f"{PETITIONS}/{made}?done=drafted", status_code=303)
        return await self._form(visit, form, status=400)

    def _draft(self, form: DraftForm) -> PetitionDraft | None:
        """The draft the form describes; None, with its errors, when a value cannot be read
        (lengths, the association's commune and the days' order are storage's to check,
        with the command line's rules)."""
        given, kind = form.values, form.kind
        deadline = read_day(given["deadline"])
        if deadline is None:
            form.errors["deadline"] = _("Give the last day to sign as a date.")
        association, declared = None, None
        if kind is PetitionKind.ASSOCIATION:
            association, declared = _association(form)
        else:
            _threshold(form)
        if not given["commune"]:
            form.errors["commune"] = NEEDED
        if form.errors or deadline is None:
            return None
        commune, threshold = given["commune"], given["threshold"]
        if kind is PetitionKind.ASSOCIATION:
            # The association files it: no signatures to reach, whatever the field holds.
            needed = 0
        else:
            needed = int(threshold) if threshold else self.desk.default_threshold(commune)
        title, summary, body, requests, representative = (given[name] for name in TEXTS)
        theme = choice(Category, given["category"]) or Category.OTHER
        return PetitionDraft(
            commune,
            title,
            summary,
            body,
            requests,
            representative,
            needed,
            deadline,
            theme,
            kind,
            association,
            declared,
        )
