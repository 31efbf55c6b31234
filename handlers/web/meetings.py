"""The meetings pages: the scope's meetings with their answers, a new meeting (kept as a draft
or published at once), and one meeting with its answers and the organizer's changes (publish,
move, cancel; once held, record and publish its outcome), each through the meetings' desk."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from conversations.board import Board
from conversations.desk import Done, Outcome
from conversations.groups import ANSWER_LABELS, MeetingDraft
from conversations.organizer_meetings import AGENDA_MAX, PLACE_MAX, TITLE_MAX
from conversations.outcome import SUMMARY_MAX, OutcomeDraft, OutcomeWhy, count_of, decision_of
from conversations.petition_desk import FilingKind
from handlers.web.fields import (
    audience_of,
    audience_options,
    choice,
    kept_text,
    local_value,
    moroccan,
    number_of,
)
from handlers.web.guard import Guard
from handlers.web.session import PREFIX, Visit, text_field
from handlers.web.templating import Pages

MEETINGS = f"{PREFIX}/meetings"
CHANGES = ("publish", "move", "cancel", "outcome", "publish_outcome")
OUTCOME_FIELDS = ("attended", "summary", "decisions")


class MeetingPages:
    """The meetings list, the new meeting form, one meeting and its changes."""

    def __init__(self, board: Board, pages: Pages, guard: Guard) -> None:
        self.board = board
        self.pages = pages
        self.guard = guard

    def routes(self) -> list[BaseRoute]:
        page = self.guard.page
        return [
            Route(MEETINGS, page(self.listing), methods=["GET"]),
            Route(MEETINGS + "/new", page(self.new), methods=["GET"]),
            Route(MEETINGS + "/new", page(self.create), methods=["POST"]),
            Route(MEETINGS + "/{id}", page(self.one), methods=["GET"]),
            Route(MEETINGS + "/{id}/{change}", page(self.change), methods=["POST"]),
            Route(MEETINGS + "/{id}/export/{kind}", page(self.export), methods=["GET"]),
        ]

    def _name(self, visit: Visit) -> Callable[[str], str]:
        return lambda code: self.board.commune_name(code, visit.locale)

    async def listing(self, _request: Request, visit: Visit) -> Response:
        found = await self.board.meetings.meetings(visit.who)
        return self.pages.render(
            visit.locale,
            "meetings.html",
            visit=visit,
            meetings=found,
            commune_name=self._name(visit),
        )

    async def new(self, _request: Request, visit: Visit) -> Response:
        return await self._form(visit, {}, "")

    async def _form(
        self, visit: Visit, typed: dict[str, str], why: str, status: int = 200
    ) -> Response:
        reach = await self.board.meetings.reach(visit.who)
        tr = self.pages.translators(visit.locale)
        return self.pages.render(
            visit.locale,
            "meeting_new.html",
            status=status,
            visit=visit,
            typed=typed,
            why=why,
            audiences=audience_options(reach, self._name(visit), tr),
            title_max=TITLE_MAX,
            place_max=PLACE_MAX,
            agenda_max=AGENDA_MAX,
        )

    async def create(self, request: Request, visit: Visit) -> Response:
        form = await self.guard.form(request, visit)
        typed = {name: kept_text(form.get(name)) for name in ("title", "place", "agenda")}
        typed |= {name: text_field(form, name) for name in ("audience", "when")}
        audience, at = audience_of(typed["audience"]), moroccan(typed["when"])
        if audience is None or at is None:
            return await self._form(visit, typed, "form", status=400)
        draft = MeetingDraft(
            audience.commune_code,
            typed["title"],
            at,
            typed["place"],
            typed["agenda"],
            audience.group_ids,
        )
        publish = text_field(form, "action") == "publish"
        made = await self.board.meetings.create_meeting(visit.who, draft, publish)
        outcome = made.outcome
        if outcome.done is Done.INVALID and not made.number:
            return await self._form(visit, typed, outcome.why, status=400)
        if outcome.done in (Done.REFUSED, Done.MISSING):
            return self.guard.refusal(visit, outcome.done)
        done = "published" if publish and outcome.done is Done.DONE else "saved"
        return RedirectResponse(f"{MEETINGS}/{made.number}?done={done}", status_code=303)

    async def one(self, request: Request, visit: Visit) -> Response:
        return await self._page(
            visit, request.path_params["id"], request.query_params.get("done", "")
        )

    async def _page(
        self,
        visit: Visit,
        given: str,
        done: str,
        status: int = 200,
        typed: dict[str, str] | None = None,
    ) -> Response:
        number = number_of(given)
        found = (
            Done.MISSING if number is None else await self.board.meetings.meeting(visit.who, number)
        )
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        meeting, counts = found
        closing = await self.board.meetings.closing(visit.who, meeting.id)
        return self.pages.render(
            visit.locale,
            "meeting.html",
            status=status,
            visit=visit,
            meeting=meeting,
            counts=counts,
            closing=closing,
            summary_max=SUMMARY_MAX,
            answers=ANSWER_LABELS,
            done=done[:40],
            commune_name=self.board.commune_name(meeting.commune_code, visit.locale),
            local=local_value,
            # An outcome refused is shown again as it was typed, not as it is stored.
            typed=typed or {},
        )

    async def change(self, request: Request, visit: Visit) -> Response:
        given, change = request.path_params["id"], request.path_params["change"]
        form = await self.guard.form(request, visit)
        number = number_of(given)
        if number is None or change not in CHANGES:
            return self.guard.refusal(visit, Done.MISSING)
        outcome = await self._changed(visit, number, change, form)
        if outcome.done in (Done.REFUSED, Done.MISSING):
            return self.guard.refusal(visit, outcome.done)
        if outcome.done is Done.INVALID:
            typed = {name: kept_text(form.get(name)) for name in OUTCOME_FIELDS}
            why = f"invalid:{outcome.why}"
            return await self._page(visit, given, why, 400, typed if change == "outcome" else None)
        # An outcome recorded and published at once says it was published.
        if change == "outcome" and text_field(form, "action") == "publish":
            change = "publish_outcome"
        return RedirectResponse(f"{MEETINGS}/{number}?done={change}", status_code=303)

    async def export(self, request: Request, visit: Visit) -> Response:
        """The outcome's CSV or PDF, as `hayna meetings export` writes it."""
        number = number_of(request.path_params["id"])
        kind = choice(FilingKind, request.path_params["kind"])
        if number is None or kind is None:
            return self.guard.refusal(visit, Done.MISSING)
        found = await self.board.meetings.export_outcome(visit.who, number, kind)
        if isinstance(found, Done):
            return self.guard.refusal(visit, found)
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
        )

    async def _changed(self, visit: Visit, number: int, change: str, form: FormData) -> Outcome:
        desk = self.board.meetings
        if change == "outcome":
            draft = outcome_of(form)
            if isinstance(draft, Outcome):
                return draft
            publish = text_field(form, "action") == "publish"
            return await desk.record_outcome(visit.who, number, draft, publish)
        if change == "publish_outcome":
            return await desk.publish_outcome(visit.who, number)
        if change == "publish":
            return await desk.publish_meeting(visit.who, number)
        if change == "cancel":
            return await desk.cancel_meeting(visit.who, number)
        at = moroccan(text_field(form, "when"))
        if at is None:
            return Outcome(Done.INVALID, why="form")
        return await desk.move_meeting(visit.who, number, at)


def outcome_of(form: FormData) -> OutcomeDraft | Outcome:
    """The outcome as typed: a count, a summary, a decision a line (``text; responsible;
    day``); INVALID when the count is not a number or a line's day is not a day."""
    attended = count_of(text_field(form, "attended"))
    if attended is None:
        return Outcome(Done.INVALID, why=OutcomeWhy.NOT_A_NUMBER)
    decisions = []
    for line in kept_text(form.get("decisions")).splitlines():
        if not line.strip():
            continue
        decision = decision_of(line)
        if decision is None:
            return Outcome(Done.INVALID, why="decision_form")
        decisions.append(decision)
    return OutcomeDraft(kept_text(form.get("summary")), attended, tuple(decisions))
