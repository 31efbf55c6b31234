"""The petitions pages: the list with its filter, one petition with its signature (or support)
curve, the moves its life allows now and an association's petition's checklist, and its
filing's CSV and PDF, each through the petitions desk (which checks the rules and the scope,
and audits); drafting is handlers/web/petition_form.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.answer_clock import RECEIPT_MAX
from conversations.association import CheckItem
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
    LIFE_LABELS_OF,
    SIGNING,
    PetitionKind,
    PetitionLife,
    life_labels,
)
from conversations.petition_desk import FilingKind, PetitionPage
from conversations.petition_rules import PetitionWhy
from conversations.report import CATEGORY_LABELS, Category
from conversations.text import Renderable, _, pgettext
from handlers.web import charts
from handlers.web.fields import choice
from handlers.web.guard import Guard
from handlers.web.paper import PaperForm, paper_said
from handlers.web.petition_form import KIND_LABELS, PETITIONS, DraftingPages
from handlers.web.session import Visit, text_field
from handlers.web.templating import Pages

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
    # The page lists the items still to tick under it.
    PetitionWhy.CHECKLIST_INCOMPLETE: _(
        "It can be filed once every item of its checklist is ticked. Still to tick:"
    ),
}
# What a refused tick says: the page is shown again, the checklist as it now is.
TICK_REFUSALS: dict[str, Renderable] = {
    PetitionWhy.NOT_A_MOVE: _("Once filed, its checklist stays as it was filed."),
    PetitionWhy.NOT_ON_CHECKLIST: _("This item is not on this petition's checklist."),
}
PAPER_LIMITS = {"name": NAME_MAX, "residence": RESIDENCE_MAX, "sheet": SHEET_MAX}


class PetitionPages:
    """The petitions list, drafting, one petition, its moves, its checklist and its filing."""

    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.board = board
        self.desk = board.petitions
        self.pages = pages
        self.guard = guard
        self.drafting = DraftingPages(board, pages, guard)

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(PETITIONS, page(self.listing), methods=["GET"]),
            # Before the petition's own page, whose code "new" would otherwise be taken for.
            *self.drafting.routes(),
            Route(PETITIONS + "/{code}", page(self.one), methods=["GET"]),
            Route(PETITIONS + "/{code}/move", page(self.move), methods=["POST"]),
            Route(PETITIONS + "/{code}/tick", page(self.tick), methods=["POST"]),
            Route(PETITIONS + "/{code}/paper", page(self.paper), methods=["POST"]),
            Route(PETITIONS + "/{code}/filing/{kind}", page(self.filing), methods=["GET"]),
        ]

    async def listing(self, request: Request, visit: Visit) -> Response:
        life = choice(PetitionLife, request.query_params.get("status", ""))
        theme = choice(Category, request.query_params.get("category", ""))
        found = await self.desk.petitions(visit.who, life, theme)
        return self.pages.render(
            visit.locale,
            "petitions.html",
            visit=visit,
            lines=found,
            chosen=life or "",
            lives=LIFE_LABELS,
            lives_of=LIFE_LABELS_OF,
            theme=theme or "",
            themes=CATEGORY_LABELS,
            commune_name=lambda code: self.board.commune_name(code, visit.locale),
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
        refusal: Renderable | None = None,
    ) -> Response:
        line = found.line
        supported = line.kind is PetitionKind.ASSOCIATION
        return self.pages.render(
            visit.locale,
            "petition.html",
            status=status,
            visit=visit,
            petition=found,
            supported=supported,
            done=done,
            refusal=refusal or MOVE_REFUSALS.get(done.removeprefix("invalid:")),
            lives=life_labels(line.kind),
            kinds=KIND_LABELS,
            move_labels=MOVE_LABELS,
            commune_name=self.board.commune_name(line.commune_code, visit.locale),
            curve=self._curve(visit, found),
            note_max=NOTE_MAX,
            filings=list(FilingKind),
            paper=paper or PaperForm(),
            themes=CATEGORY_LABELS,
            # Paper sheets are signatures: an association's petition takes supports only.
            paper_open=line.life in SIGNING and not supported,
            limits=PAPER_LIMITS,
            receipt_max=RECEIPT_MAX,
        )

    def _curve(self, visit: Visit, found: PetitionPage) -> Markup | str:
        """Its signatures day by day up to the threshold; an association's supports alone."""
        if not found.curve:
            return ""
        tr = self.pages.translators(visit.locale)
        if found.line.kind is PetitionKind.ASSOCIATION:
            title, label, threshold = _("Supporters, day by day"), _("Supporters"), None
        else:
            title, label = _("Signatures, day by day"), _("Signatures")
            threshold = found.line.threshold
        return charts.curve(title.render(tr), found.curve, threshold, label.render(tr))

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
        life = choice(PetitionLife, text_field(form, "life"))
        note = text_field(form, "note")
        receipt, day = text_field(form, "receipt"), text_field(form, "deposited")
        deposited = read_day(day) if day else None
        if life is None or len(note) > NOTE_MAX or (day and deposited is None):
            return await self._after(visit, code, Outcome(Done.INVALID, why="form"))
        moved = await self.desk.move(visit.who, code, life, note, receipt, deposited)
        return await self._after(visit, code, moved)

    async def tick(self, request: Request, visit: Visit) -> Response:
        """Tick or untick one item of an association's petition's checklist."""
        code = request.path_params["code"]
        form = await self.guard.form(request, visit)
        item = choice(CheckItem, text_field(form, "item"))
        ticked = text_field(form, "ticked")
        if item is None or ticked not in ("0", "1"):
            outcome = Outcome(Done.INVALID, why=PetitionWhy.NOT_ON_CHECKLIST)
        else:
            outcome = await self.desk.tick(visit.who, code, item, ticked == "1")
        return await self._after(visit, code, outcome, TICK_REFUSALS, "ticked")

    async def _after(
        self,
        visit: Visit,
        code: str,
        outcome: Outcome,
        refusals: Mapping[str, Renderable] = MOVE_REFUSALS,
        done: str = "moved",
    ) -> Response:
        """Back to the petition, saying what became of the move or the tick (a refusal on the
        spot, in ``refusals``' words)."""
        if outcome.done in (Done.REFUSED, Done.MISSING):
            return self.guard.refusal(visit, outcome.done)
        found = await self.desk.petition(visit.who, code)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        if outcome.done is Done.INVALID:
            said = refusals.get(outcome.why)
            return self._page(visit, found, f"invalid:{outcome.why}", 400, refusal=said)
        where = f"{PETITIONS}/{found.line.code}?done={done}:{outcome.told}"
        return RedirectResponse(where, status_code=303)

    async def filing(self, request: Request, visit: Visit) -> Response:
        kind = choice(FilingKind, request.path_params["kind"])
        if kind is None:
            return self.guard.refusal(visit, Done.MISSING)
        found = await self.desk.filing(visit.who, request.path_params["code"], kind)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        # Signatories' CINs in clear: saved as a file, never kept by a cache (`PageHeaders`).
        disposition = f'attachment; filename="{found.filename}"'
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": disposition},
        )
