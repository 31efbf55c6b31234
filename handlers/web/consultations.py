"""The consultations pages: the scope's consultations with their participation, a new one
(its questions in up to four languages, a preview, kept as a draft or published at once), and
one consultation with its results as they stand, its publication and its exports (CSV, and
the PDF report for the council), each through the consultations' desk."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.consultation import (
    ASKER_MAX,
    LANGUAGES,
    MIN_CELL,
    QUESTIONS_MAX,
    ConsultationDraft,
    ConsultationLife,
    ConsultationRefusal,
    Texts,
    in_language,
)
from conversations.consultation_desk import LIVES, WHY, FormWhy, question_named
from conversations.consultation_drafting import KIND_OF
from conversations.consultation_view import results_view
from conversations.desk import Done
from conversations.kit import Attachment
from conversations.language import NATIVE
from conversations.petition_desk import FilingKind
from handlers.web.charts import hourly
from handlers.web.consultation_form import (
    MOST_BYTES,
    MOST_FIELDS,
    ConsultationForm,
    blank,
    draft_of,
    typed,
)
from handlers.web.fields import audience_options, choice, number_of
from handlers.web.guard import Guard
from handlers.web.resident_file import served
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

CONSULTATIONS = f"{PREFIX}/consultations"


def _reading(visit: Visit) -> Callable[[Texts], str]:
    """A text written in several languages, in the organizer's (else the first written)."""
    return lambda texts: in_language(texts, visit.locale)


def _first(locale: str) -> list[tuple[str, str]]:
    """The four languages, the organizer's first: the one a text is written in by default."""
    ordered = sorted(LANGUAGES, key=lambda code: code != locale)
    return [(code, NATIVE[code]) for code in ordered]


class ConsultationPages:
    """The consultations list, the new consultation form, one consultation's results."""

    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.board = board
        self.desk = board.consultations
        self.pages = pages
        self.guard = guard

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(CONSULTATIONS, page(self.listing), methods=["GET"]),
            Route(CONSULTATIONS + "/new", page(self.new), methods=["GET"]),
            Route(CONSULTATIONS + "/new", page(self.create), methods=["POST"]),
            Route(CONSULTATIONS + "/{id}", page(self.one), methods=["GET"]),
            Route(CONSULTATIONS + "/{id}/publish", page(self.publish), methods=["POST"]),
            Route(CONSULTATIONS + "/{id}/export/{kind}", page(self.export), methods=["GET"]),
            Route(CONSULTATIONS + "/{id}/hide/{answer}", page(self.hide), methods=["POST"]),
            Route(CONSULTATIONS + "/{id}/voice/{answer}", page(self.voice), methods=["GET"]),
        ]

    def _name(self, visit: Visit) -> Callable[[str], str]:
        return lambda code: self.board.commune_name(code, visit.locale)

    async def listing(self, _request: Request, visit: Visit) -> Response:
        found = await self.desk.consultations(visit.who)
        return self.pages.render(
            visit.locale,
            "consultations.html",
            visit=visit,
            consultations=found,
            lives=LIVES,
            commune_name=self._name(visit),
            read=_reading(visit),
        )

    async def new(self, _request: Request, visit: Visit) -> Response:
        return await self._form(visit, blank())

    async def _form(
        self,
        visit: Visit,
        form: ConsultationForm,
        why: ConsultationRefusal | FormWhy | None = None,
        preview: ConsultationDraft | None = None,
        status: int = 200,
    ) -> Response:
        reach = await self.board.meetings.reach(visit.who)
        meetings = [m for m, _ in await self.board.meetings.meetings(visit.who)]
        tr = self.pages.translators(visit.locale)
        refusal = why if isinstance(why, ConsultationRefusal) else None
        return self.pages.render(
            visit.locale,
            "consultation_new.html",
            status=status,
            visit=visit,
            form=form,
            why=WHY[why.why if isinstance(why, ConsultationRefusal) else why] if why else None,
            why_question=question_named(refusal) if refusal else None,
            preview=preview,
            kinds=KIND_OF,
            limits={"asker": ASKER_MAX, "questions": QUESTIONS_MAX},
            languages_written=_first(visit.locale),
            audiences=audience_options(reach, self._name(visit), tr),
            meetings=[m for m in meetings if m.status != "cancelled"],
            read=_reading(visit),
        )

    async def create(self, request: Request, visit: Visit) -> Response:
        posted = await self.guard.form(request, visit, MOST_FIELDS, MOST_BYTES)
        form, action = typed(posted), text_field(posted, "action")
        if action == "more":
            return await self._form(visit, form)
        draft = draft_of(form)
        if isinstance(draft, FormWhy):
            return await self._form(visit, form, draft, status=400)
        if action == "preview":
            refusal = await self.desk.check(visit.who, draft)
            return await self._form(visit, form, refusal, None if refusal else draft)
        made = await self.desk.create(visit.who, draft, action == "publish")
        if made.done is Done.INVALID:
            return await self._form(visit, form, made.refusal, status=400)
        if made.done is not Done.DONE:
            return self.guard.refusal(visit, made.done)
        done = made.life or ConsultationLife.DRAFT
        return RedirectResponse(f"{CONSULTATIONS}/{made.number}?done={done}", status_code=303)

    async def one(self, request: Request, visit: Visit) -> Response:
        number = number_of(request.path_params["id"])
        found = Done.MISSING if number is None else await self.desk.consultation(visit.who, number)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        tr = self.pages.translators(visit.locale)
        shown = results_view(found, visit.locale, self._name(visit))
        curve = found.results.participation.curve
        return self.pages.render(
            visit.locale,
            "consultation.html",
            visit=visit,
            report=found,
            shown=shown,
            life=LIVES[found.life],
            done=request.query_params.get("done", "")[:20],
            # A curve needs two hours at least to say anything.
            curve=hourly(tr.gettext("Answer sets completed"), curve) if len(curve) > 1 else None,
            min_cell=MIN_CELL,
            read=_reading(visit),
            exports=list(FilingKind),
        )

    async def publish(self, request: Request, visit: Visit) -> Response:
        await self.guard.form(request, visit)
        number = number_of(request.path_params["id"])
        if number is None:
            return self.guard.refusal(visit, Done.MISSING)
        life = await self.desk.publish(visit.who, number)
        if isinstance(life, Done) and life is not Done.INVALID:
            return self.guard.refusal(visit, life)
        done = "again" if life is Done.INVALID else str(life)
        return RedirectResponse(f"{CONSULTATIONS}/{number}?done={done}", status_code=303)

    async def hide(self, request: Request, visit: Visit) -> Response:
        await self.guard.form(request, visit)
        number = number_of(request.path_params["id"])
        answer = number_of(request.path_params["answer"])
        if number is None or answer is None:
            return self.guard.refusal(visit, Done.MISSING)
        done = await self.desk.hide(visit.who, number, answer)
        if done is not Done.DONE:
            return self.guard.refusal(visit, done)
        return RedirectResponse(f"{CONSULTATIONS}/{number}?done=hidden", status_code=303)

    async def voice(self, request: Request, visit: Visit) -> Response:
        """A voice note answering the consultation, for the page's player."""
        number = number_of(request.path_params["id"])
        answer = number_of(request.path_params["answer"])
        found: Attachment | Done = Done.MISSING
        if number is not None and answer is not None:
            found = await self.desk.voice(visit.who, number, answer)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return served(found.data, found.content_type)

    async def export(self, request: Request, visit: Visit) -> Response:
        number = number_of(request.path_params["id"])
        kind = choice(FilingKind, request.path_params["kind"])
        if number is None or kind is None:
            return self.guard.refusal(visit, Done.MISSING)
        found = await self.desk.export(visit.who, number, kind)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
        )
