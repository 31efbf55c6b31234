"""The steps an organizer's update (`organizing.py`) and meeting (`organizer_meetings.py`)
share: whom it is for — a whole commune or one group within the organizer's reach, a page at a
time — and the preview before it is confirmed, saying how many residents it will reach."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import Field, replace
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from conversations.context import Context
from conversations.groups import Audience
from conversations.kit import Inbound, Option, Reply, S, Turn
from conversations.paging import offer, turned
from conversations.phrases import NOT_ALLOWED, NOT_AN_OPTION
from conversations.text import Renderable, Verbatim, _, lines, ngettext


class Aimed(Protocol):
    """A flow's answers with an audience: the option chosen ("c:CODE" for a whole commune,
    "g:ID" for a group) and the page of audiences shown."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def audience(self) -> str: ...

    @property
    def page(self) -> int: ...


A = TypeVar("A", bound=Aimed)


def chosen_audience(chosen: str) -> Audience:
    """The audience an option of the audience question names."""
    kind, _sep, value = chosen.partition(":")
    return Audience(value) if kind == "c" else Audience("", (int(value),))


class AudienceSteps(Generic[S, A]):
    """The audience question and the preview of one organizer flow: ``audience`` and
    ``preview`` are its steps that ask them, ``question`` whom it asks about, ``cancel`` its
    option to give up, ``answers`` its answers (anyone but an organizer ends with new ones)."""

    def __init__(
        self, audience: S, preview: S, question: Renderable, cancel: Option, answers: type[A]
    ) -> None:
        self.audience = audience
        self.preview_step = preview
        self.question = question
        self.cancel = cancel
        self.answers = answers

    async def ask(self, ctx: Context, data: A, before: tuple[Reply, ...] = ()) -> Turn[S, A]:
        """One page of the audiences within the organizer's reach (whole communes, then
        groups)."""
        reach = await ctx.services.organizing.organizer_reach()
        if reach is None:
            return self._refused()
        options: list[Option] = []
        for code in reach.communes:
            place = await ctx.services.places.commune(code)
            name: Renderable = place.label() if place else Verbatim(code)
            options.append(Option(f"c:{code}", _("Everyone in {commune}", commune=name)))
        options.extend(Option(f"g:{g.id}", g.label()) for g in reach.groups)
        asked, shown = offer(self.question, options, data.page, (self.cancel,))
        return Turn((*before, asked), self.audience, replace(data, page=shown.page))

    async def answer(
        self,
        ctx: Context,
        data: A,
        msg: Inbound,
        cancelled: Turn[S, A],
        chosen: Callable[[A], Awaitable[Turn[S, A]]],
    ) -> Turn[S, A]:
        """The answer to the audience question: ``cancelled`` for the cancel option, another
        page, or ``chosen`` with the audience picked (back on the first page)."""
        if msg.option == self.cancel.id:
            return cancelled
        if (page := turned(msg)) is not None:
            return await self.ask(ctx, replace(data, page=page))
        if msg.option and msg.option[:2] in ("c:", "g:"):
            return await chosen(replace(data, audience=msg.option, page=0))
        return await self.ask(ctx, data, (Reply(NOT_AN_OPTION),))

    async def preview(
        self,
        ctx: Context,
        data: A,
        shown: tuple[Renderable | str, ...],
        options: tuple[Option, ...],
        before: tuple[Reply, ...] = (),
    ) -> Turn[S, A]:
        """``shown`` as it will go, and how many residents it will reach, with ``options``."""
        count = await ctx.services.organizing.audience_size(chosen_audience(data.audience))
        if count is None:
            return self._refused()
        text = lines(
            _("Preview:"),
            *shown,
            ngettext("It will reach {n} resident.", "It will reach {n} residents.", count),
        )
        return Turn((*before, Reply(text, options)), self.preview_step, data)

    def _refused(self) -> Turn[S, A]:
        return Turn((Reply(NOT_ALLOWED),), None, self.answers())
