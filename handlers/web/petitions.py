"""The petitions pages: the list with its filter, drafting a petition, one petition with its
signature curve and the moves its life allows now, and its filing's CSV and PDF, each through
the petitions desk (which checks the rules and the scope, and audits)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.answer_clock import RECEIPT_MAX
from conversations.board import Board
from conversations.dates import read_day
from conversations.desk import NOTE_MAX, Done, Outcome
from conversations.paper import (
    NAME_MAX,
    RESIDENCE_MAX,
    SHEET_MAX,
    Entered,
    PaperOutcome,
    PaperSignature,
    PaperWhy,
)
from conversations.petition import (
    LIFE_LABELS,
    OTHERWISE,
    SIGNING,
    WITH_ARRONDISSEMENTS,
    PetitionDraft,
    PetitionLife,
)
from conversations.petition_desk import FilingKind, PetitionPage
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
from handlers.web import charts
from handlers.web.guard import Guard
from handlers.web.paper import PaperForm, paper_said
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

PETITIONS = f"{PREFIX}/petitions"
# The draft form's fields, named as the draft's.
TEXTS = ("title", "summary", "body", "requests", "representative")
FIELDS = ("commune", *TEXTS, "deadline", "threshold", "category")

# What each move's button says, for the moves conversations/petition_rules.py allows.
MOVE_LABELS: dict[PetitionLife, Renderable] = {
    PetitionLife.OPEN: pgettext("petition move", "Publish: open for signatures"),
    PetitionLife.FILED: pgettext("petition move", "Filed with the commune"),
    PetitionLife.ACCEPTED: pgettext("petition move", "Accepted by the council"),
    PetitionLife.REJECTED: pgettext("petition move", "Rejected by the council"),
    PetitionLife.ANSWERED: pgettext("petition move", "The council answered"),
    PetitionLife.CLOSED: pgettext("petition move", "Close without filing"),
}
# What a refused move says, by the rule that refused it.
MOVE_REFUSALS: dict[str, Renderable] = {
    PetitionWhy.NO_REASONS: _("A rejection needs the council's reasons: write them in the note."),
    PetitionWhy.SHORT_OF_SIGNATURES: _("It can be filed once it has all its signatures."),
    PetitionWhy.LAST_DAY_PASSED: _("Its last day to sign has passed: it cannot be opened."),
    PetitionWhy.NOT_A_MOVE: _("Its life does not allow this move now."),
    PetitionWhy.NO_RECEIPT: _("Filing records the commune's receipt number: type it in."),
    PetitionWhy.RECEIPT_LENGTH: _("The receipt number is too long."),
    PetitionWhy.DEPOSIT_AHEAD: _("The deposit day cannot be in the future."),
    PetitionWhy.DEPOSIT_BEFORE_OPENING: _(
        "The deposit day cannot come before the petition was opened."
    ),
}
NEEDED = _("This is needed.")
PAPER_LIMITS = {"name": NAME_MAX, "residence": RESIDENCE_MAX, "sheet": SHEET_MAX}


@dataclass
class DraftForm:
    """The draft form as typed, kept when it is shown again, and what is wrong with it."""

    values: dict[str, str]
    errors: dict[str, Renderable] = field(default_factory=dict)


def _life(value: str) -> PetitionLife | None:
    return PetitionLife(value) if value in PetitionLife.__members__.values() else None


def _theme(value: str) -> Category | None:
    return Category(value) if value in Category.__members__.values() else None


def _too_long(refusal: PetitionRefusal) -> Renderable:
    if refusal.length == 0:
        return NEEDED
    return ngettext(
        "At most {n} character; this has {length}.",
        "At most {n} characters; this has {length}.",
        refusal.most,
        length=refusal.length,
    )


def _refused_field(refusal: PetitionRefusal) -> tuple[str, Renderable]:
    """The field a refused draft is wrong in, and what is wrong, in the organizer's words."""
    if refusal.why is PetitionWhy.FIELD_LENGTH and refusal.field is not None:
        name = "body" if refusal.field is PetitionField.BODY else str(refusal.field)
        return name, _too_long(refusal)
    if refusal.why is PetitionWhy.THRESHOLD:
        return "threshold", _(
            "From {low} to {high} signatures.", low=THRESHOLD_MIN, high=THRESHOLD_MAX
        )
    if refusal.why is PetitionWhy.DEADLINE_NOT_AHEAD:
        return "deadline", _("The last day to sign must come after today.")
    return "title", _("This petition could not be saved: check the form.")


class PetitionPages:
    """The petitions list, drafting, one petition, its moves and its filing."""

    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.board = board
        self.desk = board.petitions
        self.pages = pages
        self.guard = guard

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(PETITIONS, page(self.listing), methods=["GET"]),
            # Before the petition's own page, whose code it would otherwise be taken for.
            Route(PETITIONS + "/new", page(self.new), methods=["GET"]),
            Route(PETITIONS + "/new", page(self.create), methods=["POST"]),
            Route(PETITIONS + "/{code}", page(self.one), methods=["GET"]),
            Route(PETITIONS + "/{code}/move", page(self.move), methods=["POST"]),
            Route(PETITIONS + "/{code}/paper", page(self.paper), methods=["POST"]),
            Route(PETITIONS + "/{code}/filing/{kind}", page(self.filing), methods=["GET"]),
        ]

    async def listing(self, request: Request, visit: Visit) -> Response:
        life = _life(request.query_params.get("status", ""))
        theme = _theme(request.query_params.get("category", ""))
        found = await self.desk.petitions(visit.who, life, theme)
        return self.pages.render(
            visit.locale,
            "petitions.html",
            visit=visit,
            lines=found,
            chosen=life or "",
            lives=LIFE_LABELS,
            theme=theme or "",
            themes=CATEGORY_LABELS,
            commune_name=lambda code: self.board.commune_name(code, visit.locale),
        )

    async def new(self, _request: Request, visit: Visit) -> Response:
        return await self._form(visit, DraftForm(dict.fromkeys(FIELDS, "")))

    async def _form(self, visit: Visit, form: DraftForm, status: int = 200) -> Response:
        communes = await self.desk.communes(visit.who)
        return self.pages.render(
            visit.locale,
            "petition_new.html",
            status=status,
            visit=visit,
            form=form,
            communes=None if communes is None else self.board.communes(communes),
            limits={str(key): most for key, most in LIMITS.items()},
            thresholds={"commune": OTHERWISE, "arrondissement": WITH_ARRONDISSEMENTS},
            themes=CATEGORY_LABELS,
        )

    async def create(self, request: Request, visit: Visit) -> Response:
        posted = await self.guard.form(request, visit)
        form = _typed(posted)
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
            name, said = _refused_field(made)
            form.errors[name] = said
        else:
            return RedirectResponse(f"{PETITIONS}/{made}?done=drafted", status_code=303)
        return await self._form(visit, form, status=400)

    def _draft(self, form: DraftForm) -> PetitionDraft | None:
        """The draft the form describes; None, with its errors, when a value cannot be read
        (lengths are storage's to check, with the command line's rules)."""
        given = form.values
        deadline = read_day(given["deadline"])
        if deadline is None:
            form.errors["deadline"] = _("Give the last day to sign as a date.")
        threshold = given["threshold"]
        if threshold and not (threshold.isdigit() and len(threshold) <= 6):
            form.errors["threshold"] = _(
                "A whole number of signatures, or nothing for the default."
            )
        if not given["commune"]:
            form.errors["commune"] = NEEDED
        if form.errors or deadline is None:
            return None
        commune = given["commune"]
        needed = int(threshold) if threshold else self.desk.default_threshold(commune)
        title, summary, body, requests, representative = (given[name] for name in TEXTS)
        theme = _theme(given["category"]) or Category.OTHER
        return PetitionDraft(
            commune, title, summary, body, requests, representative, needed, deadline, theme
        )

    async def one(self, request: Request, visit: Visit) -> Response:
        found = await self.desk.petition(visit.who, request.path_params["code"])
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return self._page(visit, found, request.query_params.get("done", ""))

    def _page(
        self,
        visit: Visit,
        found: PetitionPage,
        done: str,
        status: int = 200,
        paper: PaperForm | None = None,
    ) -> Response:
        tr = self.pages.translators(visit.locale)
        line = found.line
        curve = charts.curve(
            _("Signatures, day by day").render(tr),
            found.curve,
            line.threshold,
            _("Signatures").render(tr),
        )
        return self.pages.render(
            visit.locale,
            "petition.html",
            status=status,
            visit=visit,
            petition=found,
            done=done,
            refusal=MOVE_REFUSALS.get(done.removeprefix("invalid:")),
            lives=LIFE_LABELS,
            move_labels=MOVE_LABELS,
            commune_name=self.board.commune_name(line.commune_code, visit.locale),
            curve=curve if found.curve else "",
            note_max=NOTE_MAX,
            kinds=list(FilingKind),
            paper=paper or PaperForm(),
            themes=CATEGORY_LABELS,
            signing=found.line.life in SIGNING,
            limits=PAPER_LIMITS,
            receipt_max=RECEIPT_MAX,
        )

    async def paper(self, request: Request, visit: Visit) -> Response:
        """A signature collected on paper: counted, or said why not, with the form kept for the
        next line of the same sheet (its day and number; never the CIN)."""
        code = request.path_params["code"]
        typed = PaperForm.of(await self.guard.form(request, visit))
        signed_on = read_day(typed.signed_on)
        if signed_on is None:
            entered = Entered(PaperOutcome.INVALID, why=PaperWhy.DATE)
        else:
            line = PaperSignature(typed.name, typed.cin, typed.residence, signed_on, typed.sheet)
            entered = await self.desk.add_paper(visit.who, code, line)
        if entered.outcome in (PaperOutcome.REFUSED, PaperOutcome.NO_PETITION):
            done = Done.REFUSED if entered.outcome is PaperOutcome.REFUSED else Done.MISSING
            return self.guard.refusal(visit, done)
        found = await self.desk.petition(visit.who, code)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        added = entered.outcome is PaperOutcome.ADDED
        kept = typed.next_line() if added else replace(typed, cin="")
        said = paper_said(entered)
        return self._page(visit, found, "", 200 if added else 400, replace(kept, said=said))

    async def move(self, request: Request, visit: Visit) -> Response:
        code = request.path_params["code"]
        form = await self.guard.form(request, visit)
        life = _life(text_field(form, "life"))
        note = text_field(form, "note")
        receipt, day = text_field(form, "receipt"), text_field(form, "deposited")
        deposited = read_day(day) if day else None
        if life is None or len(note) > NOTE_MAX or (day and deposited is None):
            return await self._after(visit, code, Outcome(Done.INVALID, why="form"))
        moved = await self.desk.move(visit.who, code, life, note, receipt, deposited)
        return await self._after(visit, code, moved)

    async def _after(self, visit: Visit, code: str, outcome: Outcome) -> Response:
        """Back to the petition, saying what became of the move (a refusal on the spot)."""
        if outcome.done in (Done.REFUSED, Done.MISSING):
            return self.guard.refusal(visit, outcome.done)
        found = await self.desk.petition(visit.who, code)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        if outcome.done is Done.INVALID:
            return self._page(visit, found, f"invalid:{outcome.why}", status=400)
        done = f"{PETITIONS}/{found.line.code}?done=moved:{outcome.told}"
        return RedirectResponse(done, status_code=303)

    async def filing(self, request: Request, visit: Visit) -> Response:
        kind = request.path_params["kind"]
        if kind not in FilingKind.__members__.values():
            return self.guard.refusal(visit, Done.MISSING)
        found = await self.desk.filing(visit.who, request.path_params["code"], FilingKind(kind))
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        # Signatories' CINs in clear: saved as a file, never kept by a cache (`PageHeaders`).
        disposition = f'attachment; filename="{found.filename}"'
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": disposition},
        )


def _typed(posted: FormData) -> DraftForm:
    values = {name: text_field(posted, name) for name in FIELDS}
    # A summary is one line: it heads the petition in the chat and in the filing.
    values["summary"] = " ".join(values["summary"].split())
    return DraftForm(values)
