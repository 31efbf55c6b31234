"""The residents' questions pages: those of the organizer's scope waiting for an answer or
being answered, and one question with its thread, to claim (two organizers never answer the
same one unknowingly) and to answer, typed or picked among the commune's canned answers, each
through the questions' desk."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.desk import Done
from conversations.kit import Attachment
from conversations.question import QUESTION_MAX, STATUS, Claim, first_words, fits
from handlers.web.fields import kept_text, number_of
from handlers.web.guard import Guard
from handlers.web.resident_file import served
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

QUESTIONS = f"{PREFIX}/questions"


class QuestionPages:
    """The questions list and one question's thread, claim and answer."""

    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.desk = board.questions
        self.board = board
        self.pages = pages
        self.guard = guard

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(QUESTIONS, page(self.listing), methods=["GET"]),
            Route(QUESTIONS + "/{id}", page(self.one), methods=["GET"]),
            Route(QUESTIONS + "/{id}/voice/{n}", page(self.voice), methods=["GET"]),
            Route(QUESTIONS + "/{id}/claim", page(self.claim), methods=["POST"]),
            Route(QUESTIONS + "/{id}/answer", page(self.answer), methods=["POST"]),
        ]

    async def listing(self, _request: Request, visit: Visit) -> Response:
        found = await self.desk.questions(visit.who)
        return self.pages.render(
            visit.locale,
            "questions.html",
            visit=visit,
            questions=found,
            statuses=STATUS,
            first_words=first_words,
            commune_name=lambda code: self.board.commune_name(code, visit.locale),
        )

    async def voice(self, request: Request, visit: Visit) -> Response:
        """One of the ticket's voice notes, for the page's player."""
        number, n = number_of(request.path_params["id"]), number_of(request.path_params["n"])
        found: Attachment | Done = Done.MISSING
        if number is not None and n is not None:
            found = await self.desk.voice(visit.who, number, n)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return served(found.data, found.content_type)

    async def one(self, request: Request, visit: Visit) -> Response:
        done = request.query_params.get("done", "")[:20]
        return await self._page(visit, request.path_params["id"], done)

    async def _page(
        self, visit: Visit, given: str, done: str, typed: str = "", status: int = 200
    ) -> Response:
        number = number_of(given)
        found = Done.MISSING if number is None else await self.desk.question(visit.who, number)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return self.pages.render(
            visit.locale,
            "question.html",
            status=status,
            visit=visit,
            file=found,
            ticket=found.ticket,
            statuses=STATUS,
            done=done,
            typed=typed,
            most=QUESTION_MAX,
            commune_name=self.board.commune_name(found.ticket.commune_code, visit.locale),
        )

    async def claim(self, request: Request, visit: Visit) -> Response:
        await self.guard.form(request, visit)
        given = request.path_params["id"]
        number = number_of(given)
        claimed = Claim.GONE if number is None else await self.desk.claim(visit.who, number)
        if claimed is Claim.GONE:
            return self.guard.refusal(visit, Done.MISSING)
        return RedirectResponse(f"{QUESTIONS}/{number}?done={claimed}", status_code=303)

    async def answer(self, request: Request, visit: Visit) -> Response:
        form = await self.guard.form(request, visit)
        given = request.path_params["id"]
        number = number_of(given)
        # A canned answer picked stands for the text, unless something was typed.
        text = kept_text(form.get("text")) or kept_text(form.get("canned"))
        if number is None:
            return self.guard.refusal(visit, Done.MISSING)
        if not fits(text):
            return await self._page(visit, given, "invalid", text, status=400)
        keep = text_field(form, "keep") == "on"
        if not await self.desk.answer(visit.who, number, text, visit.locale, keep):
            return await self._page(visit, given, "not_held", text, status=409)
        return RedirectResponse(f"{QUESTIONS}/{number}?done=answered", status_code=303)
