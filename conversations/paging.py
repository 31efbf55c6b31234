"""Long lists a page at a time, the same way in every flow and on every channel.

Eight items, then "More" and "Back to page N", then the options every page keeps (such as Back
to the menu): at most a dozen buttons (keyboards refuse far more) or numbered lines well within
any channel's text limit. Options are numbered per page, so a typed number
picks the item shown beside it. A flow keeps the page it shows in its answers, so a restart, a
card opened from the list or a toggle comes back to the same page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from conversations.kit import Inbound, Option, Reply
from conversations.text import Renderable, _, lines, pgettext

T = TypeVar("T")

PAGE_SIZE = 8
# An option turning the page is named by the page it opens, so a button says what it does.
PREFIX = "page:"


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    """One page of a list: its items, which page it is (from 0) and how many there are."""

    items: tuple[T, ...]
    page: int
    pages: int

    @property
    def turns(self) -> tuple[Option, ...]:
        """More, where a next page exists, and Back to page N, where a previous one does."""
        turns: list[Option] = []
        if self.page + 1 < self.pages:
            # TRANSLATORS: an option showing the next page of a long list. Short.
            turns.append(Option(f"{PREFIX}{self.page + 1}", pgettext("paging", "More")))
        if self.page > 0:
            # TRANSLATORS: an option showing the previous page of a long list; {page} is its number.
            back = pgettext("paging", "Back to page {page}", page=self.page)
            turns.append(Option(f"{PREFIX}{self.page - 1}", back))
        return tuple(turns)

    @property
    def position(self) -> tuple[Renderable, ...]:
        """The line "Page 2 of 15" when there are several pages; nothing otherwise."""
        if self.pages <= 1:
            return ()
        return (_("Page {page} of {pages}", page=self.page + 1, pages=self.pages),)


def window(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> Window[T]:
    """The ``page``-th slice of ``items``; a page past either end shows the nearest one, as the
    list may have shrunk since it was shown."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return Window(tuple(items[page * size : (page + 1) * size]), page, pages)


def turned(msg: Inbound) -> int | None:
    """The page a "More" or "Back to page N" option asks for; None when no page is turned."""
    option = msg.option or ""
    number = option.removeprefix(PREFIX)
    if option.startswith(PREFIX) and number.isascii() and number.isdigit():
        return int(number)
    return None


def offer(
    question: Renderable, options: Sequence[Option], page: int, fixed: Sequence[Option] = ()
) -> tuple[Reply, Window[Option]]:
    """The question over one page of ``options``, its turns, then the ``fixed`` options every
    page keeps; and the page shown, for the flow to remember."""
    shown = window(options, page)
    text = lines(question, *shown.position) if shown.position else question
    return Reply(text, (*shown.items, *shown.turns, *fixed)), shown
